package dev.peerguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A smoke run of the latency benchmark: it completes, with its figures and no failed trial (no timing asserted). */
class LatencyBenchTest {
    @Test
    void smokeRunHasItsFiguresAndNoFailedTrials() throws Exception {
        Map<String, Object> figures = new LatencyBench().run(Map.of("latency-ms", "10", "concurrency", "4",
                "trials", "1", "task", "exfiltration_transfer"));

        assertThat(figures).containsKeys("efficiency", "calls", "calls_per_s", "ideal_per_s", "failed_trials",
                "wall_s");
        assertThat(figures.get("efficiency")).isInstanceOf(Double.class);
        assertThat(figures.get("ideal_per_s")).isEqualTo(400.0);
        assertThat((Long) figures.get("calls")).isPositive();
        assertThat(figures.get("failed_trials")).isEqualTo(0);
    }
}
