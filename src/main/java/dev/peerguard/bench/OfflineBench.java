package dev.peerguard.bench;

import dev.peerguard.run.RunSession;
import dev.peerguard.run.RunSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The offline benchmark: the study's matrix for one scripted model, run and stored exactly as {@code peerguard run}
 * does it, timed from the start of the session to the last stored trial (JVM start-up excluded).
 */
public final class OfflineBench implements Benchmark {
    static final String MODEL = "scripted/peer-preserving";
    static final int DEFAULT_TRIALS = 100;

    /** A finished benchmark run: what the session did and how long it took. */
    record Played(RunSession.Done done, long nanos) {
        int episodes() {
            return done.result().ok() + done.result().errors();
        }
    }

    @Override
    public String name() {
        return "offline";
    }

    @Override
    public Map<String, Object> run(Map<String, String> options) throws IOException {
        BenchOptions o = new BenchOptions(name(), options).allow("trials", "tasks", "dir", "model");
        int trials = o.positiveInt("trials", DEFAULT_TRIALS);
        Optional<Path> given = o.path("dir");
        Path dir = given.orElse(Files.createTempDirectory("peerguard-bench-offline-").resolve("run"));
        try (LiveHeap heap = new LiveHeap()) {
            Played p = play(dir, o.string("model").orElse(MODEL), trials, o.string("tasks"), System.err);
            long bytes = Machine.bytes(dir);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("episodes_per_s", Machine.round(p.episodes() / (p.nanos() / 1e9), 1));
            figures.put("wall_s", Machine.seconds(p.nanos()));
            figures.put("peak_rss_mb", Machine.peakRssMb());
            figures.put("bytes_per_episode", p.episodes() == 0 ? 0 : bytes / p.episodes());
            figures.put("trials", trials);
            figures.put("peak_live_heap_mb", heap.peakMb());
            figures.put("episodes", p.episodes());
            return figures;
        } finally {
            if (given.isEmpty()) Machine.deleteQuietly(dir.getParent());
        }
    }

    /** The spec {@code peerguard run --model MODEL --trials N [--tasks T] --out DIR} would make. */
    static RunSpec spec(Path dir, String model, int trials, Optional<String> tasks) {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("models", List.of(model));
        flags.put("trials", Integer.toString(trials));
        tasks.ifPresent(t -> flags.put("tasks", t));
        flags.put("out", dir.toString());
        return RunSpec.read(Optional.empty(), flags, Clock.systemUTC());
    }

    /**
     * Runs {@code trials} trials of every configuration (of {@code tasks} when given) into the new run directory
     * {@code dir}, through {@link RunSession} as {@code peerguard run} does; fails if any trial fails, since a
     * benchmark of failures measures nothing.
     */
    static Played play(Path dir, String model, int trials, Optional<String> tasks, PrintStream log) {
        RunSpec spec = spec(dir, model, trials, tasks);
        log.printf("bench: %,d episodes (%s, %d trials per configuration) into %s%n", spec.plan().size(), model,
                trials, dir);
        long t0 = System.nanoTime();
        RunSession.Done done = RunSession.start(spec, log);
        long nanos = System.nanoTime() - t0;
        if (done.result().errors() > 0 || done.result().cancelled() || done.result().notRun() > 0) {
            throw new IllegalStateException(done.result().errors() + " trials failed and "
                    + done.result().notRun() + " did not run; see `peerguard show " + dir + "`");
        }
        return new Played(done, nanos);
    }
}
