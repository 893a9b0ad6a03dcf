package dev.peerguard.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The benchmarks {@code peerguard bench} knows, by name. */
public final class Benchmarks {
    private static final Map<String, Supplier<Benchmark>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("offline", OfflineBench::new);
        ALL.put("latency", LatencyBench::new);
        ALL.put("ratelimit", RateLimitBench::new);
        ALL.put("report", ReportBench::new);
        ALL.put("sandbox", SandboxBench::new);
    }

    /** Every name, in the order the help lists them. */
    public static final List<String> NAMES = List.copyOf(ALL.keySet());

    private Benchmarks() {}

    /**
     * The benchmark of that name.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static Benchmark of(String name) {
        Supplier<Benchmark> b = ALL.get(name);
        if (b == null) {
            throw new IllegalArgumentException("unknown benchmark '" + name + "'; valid: " + String.join(", ", NAMES));
        }
        return b.get();
    }
}
