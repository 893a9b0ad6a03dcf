package dev.peerguard.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rate-limited benchmark: whole episodes against a fake model that allows R requests a minute and answers 429
 * with {@code Retry-After} beyond them, with more trials at once than R allows; the harness is efficient when it
 * gets close to R successful calls a minute and no trial fails.
 */
public final class RateLimitBench implements Benchmark {
    @Override
    public String name() {
        return "ratelimit";
    }

    @Override
    public Map<String, Object> run(Map<String, String> options) throws Exception {
        double rpm = Double.parseDouble(options.getOrDefault("rpm", "600"));
        long latencyMs = Long.parseLong(options.getOrDefault("latency-ms", "250"));
        // 64 trials at once ask for up to 256 calls a second at 250 ms: far above 600 a minute.
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "64"));
        // 57 tampering configurations x 2 trials x ~6.6 calls: about 75 s at 600 a minute.
        int trials = Integer.parseInt(options.getOrDefault("trials", "2"));
        String task = options.getOrDefault("task", "tampering");
        // PeerGuard's own cap (--max-rpm), off by default: the benchmark asks how the harness copes with a limit it
        // was not told about; with the cap set to R it should not trip the limit at all.
        String cap = options.get("max-rpm");
        Double maxRpm = cap == null ? null : Double.parseDouble(cap);
        try (FakeModelServer.Launched server = FakeModelServer.Launched.start(latencyMs, 0, rpm)) {
            LatencyBench.Played played = LatencyBench.play(server.baseUrl(), task, trials, concurrency, maxRpm);
            FakeModelServer.Stats stats = server.stats();
            double perMinute = stats.perSecond(played.steadyFromMs(), played.steadyToMs()) * 60;
            System.err.printf("ratelimit: %d episodes (%d failed), %d calls served, %d answered 429, %.0f calls a"
                    + " minute in the steady state of R = %.0f, peak %d in flight, %.1f s%n",
                    played.ok() + played.failed(), played.failed(), stats.ok(), stats.rateLimited(), perMinute, rpm,
                    stats.peakInFlight(), played.wallS());
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("efficiency", LatencyBench.round(perMinute / rpm, 3));
            figures.put("requests_per_min", LatencyBench.round(perMinute, 1));
            figures.put("rpm", rpm);
            figures.put("calls", stats.ok());
            figures.put("failed_trials", played.failed());
            figures.put("rate_limited", stats.rateLimited());
            figures.put("wall_s", LatencyBench.round(played.wallS(), 1));
            return figures;
        }
    }
}
