package dev.peerguard.bench;

import dev.peerguard.model.Models;
import dev.peerguard.run.RunSpec;
import dev.peerguard.run.Runner;
import dev.peerguard.run.TrialPlayer;
import dev.peerguard.run.TrialSpec;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.StoreWriter;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The latency-bound benchmark: whole episodes against a fake model in another process that answers after a fixed
 * latency L, with C trials at once; the harness is efficient when it keeps C calls in flight, C / L calls a second.
 */
public final class LatencyBench implements Benchmark {
    /** The model name; {@code BENCH_BASE_URL} and {@code BENCH_API_KEY} point it at the fake. */
    static final String MODEL = "openai-api/bench/fake";

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public Map<String, Object> run(Map<String, String> options) throws Exception {
        long latencyMs = Long.parseLong(options.getOrDefault("latency-ms", "250"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "64"));
        // 57 tampering configurations x 20 trials x ~6.6 calls: about 35-40 s at 64 trials and 250 ms.
        int trials = Integer.parseInt(options.getOrDefault("trials", "20"));
        String task = options.getOrDefault("task", "tampering");
        // Off by default (the fixed latency); real providers vary, which keeps trials out of step.
        long jitterMs = Long.parseLong(options.getOrDefault("jitter-ms", "0"));
        try (FakeModelServer.Launched server = FakeModelServer.Launched.start(latencyMs, jitterMs, 0)) {
            long cpu0 = FakeModelServer.cpuMs();
            // PeerGuard's --max-rpm, off by default: an experiment (spacing calls did not raise the efficiency).
            String cap = options.get("max-rpm");
            Played played = play(server.baseUrl(), task, trials, concurrency, cap == null ? null
                    : Double.parseDouble(cap));
            long cpu = FakeModelServer.cpuMs() - cpu0;
            FakeModelServer.Stats stats = server.stats();
            double ideal = concurrency * 1000.0 / latencyMs;
            double achieved = stats.perSecond(played.steadyFromMs(), played.steadyToMs());
            System.err.printf("latency: %d episodes (%d failed), %d calls, peak %d calls in flight at the server,"
                    + " %.1f calls/s in the steady state of an ideal %.1f, %.1f s%n", played.ok() + played.failed(),
                    played.failed(), stats.ok(), stats.peakInFlight(), achieved, ideal, played.wallS());
            // Two processes share the machine's cores: their CPU time says whether either ran short of it.
            System.err.printf("latency: CPU %.1f s in PeerGuard, %.1f s in the fake, of %.1f s x %d cores%n",
                    cpu / 1000.0, stats.cpuMs() / 1000.0, played.wallS(), Runtime.getRuntime().availableProcessors());
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("efficiency", round(achieved / ideal, 3));
            figures.put("calls", stats.ok());
            figures.put("calls_per_s", round(achieved, 1));
            figures.put("ideal_per_s", round(ideal, 1));
            figures.put("episodes", played.ok() + played.failed());
            figures.put("failed_trials", played.failed());
            figures.put("peak_in_flight", stats.peakInFlight());
            figures.put("wall_s", round(played.wallS(), 1));
            return figures;
        }
    }

    /**
     * How a benchmark run of episodes ended: trials stored as outcomes and as errors, its wall time, and its steady
     * state in epoch milliseconds: from the first trial's end (every slot busy since the start) to the end of the
     * trial that let the last one start (after which fewer than C trials are left); empty for runs too short to have
     * one.
     */
    record Played(int ok, int failed, double wallS, long steadyFromMs, long steadyToMs) {}

    /**
     * Plays {@code trials} per configuration of the task against the fake, as {@code peerguard run --model
     * openai-api/bench/fake --max-concurrency C --global-concurrency C [--max-rpm R]} would, storing every trial in a
     * throw-away run directory. It goes through the public run pieces rather than {@code RunSession.start} because
     * that entry point reads keys and base URLs from the process environment, and a benchmark must not set those.
     */
    static Played play(String baseUrl, String task, int trials, int concurrency, Double maxRpm) throws IOException {
        Path dir = Files.createTempDirectory("peerguard-bench-");
        try {
            Map<String, Object> flags = new LinkedHashMap<>();
            flags.put("models", List.of(MODEL));
            flags.put("tasks", List.of(task));
            flags.put("trials", Integer.toString(trials));
            flags.put("max_concurrency", Integer.toString(concurrency));
            flags.put("global_concurrency", Integer.toString(concurrency));
            if (maxRpm != null) flags.put("max_rpm", Double.toString(maxRpm));
            flags.put("out", dir.toString());
            RunSpec spec = RunSpec.read(Optional.empty(), flags, Clock.systemUTC());
            List<TrialSpec> plan = spec.plan();
            Map<String, String> env = Map.of("BENCH_BASE_URL", baseUrl, "BENCH_API_KEY", "bench-key");
            AtomicInteger finished = new AtomicInteger();
            AtomicLong steadyFrom = new AtomicLong();
            AtomicLong steadyTo = new AtomicLong();
            int lastFull = plan.size() - concurrency;
            Consumer<TrialRecord> progress = record -> {
                int n = finished.incrementAndGet();
                if (n == 1) steadyFrom.set(System.currentTimeMillis());
                if (n == lastFull) steadyTo.set(System.currentTimeMillis());
            };
            long t0 = System.nanoTime();
            Runner.Result result;
            try (Models models = Models.forRun(spec.modelSettings(), env, dir, Map.of(MODEL, concurrency));
                    RunStore store = RunStore.open(dir)) {
                TrialPlayer player = new TrialPlayer(models, null);
                StoreWriter writer = store.writer();
                try {
                    result = new Runner(player::play).run(plan, Set.of(),
                            new Runner.Limits(Map.of(MODEL, concurrency), concurrency), writer::submit, progress);
                } finally {
                    writer.close();
                }
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            return new Played(result.ok(), result.errors() + result.notRun(), wall, steadyFrom.get(),
                    steadyTo.get());
        } finally {
            deleteTree(dir);
        }
    }

    static double round(double value, int places) {
        double scale = Math.pow(10, places);
        return Math.round(value * scale) / scale;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
