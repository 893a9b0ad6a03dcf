package dev.peerguard.bench;

import java.util.Map;

/**
 * One benchmark of {@code peerguard bench}: it runs with its options and returns its figures, which the command prints
 * as one JSON line (with the benchmark's name and the machine's core count) and appends to {@code --out}.
 */
public interface Benchmark {
    /** The name on the command line and in the JSON line: offline, latency, ratelimit, report, sandbox. */
    String name();

    /**
     * Runs the benchmark.
     *
     * @param options the benchmark's own options as given on the command line ({@code --trials 100} -> trials=100)
     * @return the figures, in the order they should be printed (e.g. episodes_per_s, wall_s, peak_rss_mb)
     */
    Map<String, Object> run(Map<String, String> options) throws Exception;
}
