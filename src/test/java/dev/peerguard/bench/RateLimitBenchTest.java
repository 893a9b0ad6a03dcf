package dev.peerguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of the rate-limited benchmark: with a limit below what the trials ask for, the server answers some
 * calls 429 and every trial still ends as an outcome (no timing asserted).
 */
class RateLimitBenchTest {
    @Test
    void smokeRunIsRateLimitedAndLosesNoTrial() throws Exception {
        // 4 trials at 10 ms ask for up to 24,000 calls a minute; 1,200 are allowed.
        Map<String, Object> figures = new RateLimitBench().run(Map.of("rpm", "1200", "latency-ms", "10",
                "concurrency", "4", "trials", "1", "task", "exfiltration_transfer"));

        assertThat(figures).containsKeys("efficiency", "failed_trials", "rate_limited", "wall_s");
        assertThat(figures.get("efficiency")).isInstanceOf(Double.class);
        assertThat((Long) figures.get("rate_limited")).isPositive();
        assertThat(figures.get("failed_trials")).isEqualTo(0);
    }
}
