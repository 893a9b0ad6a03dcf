package dev.peerguard.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The limits of a run that do not change which trials it has, shared by {@code run} and {@code resume} (which may
 * raise them): concurrency, request rate, call timeout, retries and the cost limit.
 */
final class LimitOptions {
    @Option(names = "--max-concurrency", description = "Trials at once per model (default: one per core for "
            + "scripted agents, 5 for remote models).")
    String maxConcurrency;

    @Option(names = "--global-concurrency", description = "Trials at once over all models.")
    String globalConcurrency;

    @Option(names = "--max-cost", description = "Stop starting trials once this many USD are spent (or none).")
    String maxCost;

    @Option(names = "--call-timeout", description = "Seconds one model call may take (default 300).")
    String callTimeout;

    @Option(names = "--max-retries", description = "Retries of a failing call before the trial is an error "
            + "(default 8).")
    String maxRetries;

    @Option(names = "--max-rpm", description = "Requests per minute per model (default: no cap).")
    String maxRpm;

    /** Adds the limits given on the command line to run-spec flags, keyed as in a spec. */
    void putInto(Map<String, Object> flags) {
        put(flags, "max_concurrency", maxConcurrency);
        put(flags, "global_concurrency", globalConcurrency);
        put(flags, "max_cost", maxCost);
        put(flags, "call_timeout", callTimeout);
        put(flags, "max_retries", maxRetries);
        put(flags, "max_rpm", maxRpm);
    }

    private static void put(Map<String, Object> flags, String key, String value) {
        if (value != null) flags.put(key, value);
    }
}
