package dev.peerguard.run;

import dev.peerguard.harness.HarnessSettings;
import dev.peerguard.store.TrialRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs the trials of a plan that are not yet stored, concurrently on virtual threads, within a global limit and a
 * limit per model, and hands each finished trial to the store's writer. A trial that throws is recorded as an error,
 * never as an outcome. {@link #stop} starts nothing new but lets running trials finish and be stored (a cost limit
 * does this); {@link #cancel} also abandons running trials unwritten (Ctrl-C). A sink that fails (a store on a full
 * disk) ends the run as {@code cancel} does, and {@link #run} throws its failure.
 */
public final class Runner {
    /** Concurrency limits: per model (absent = the provider's default) and overall. */
    public record Limits(Map<String, Integer> perModel, int global) {}

    /**
     * What a run did: trials stored as outcomes, as errors, skipped because already stored, and not run; whether it
     * was cancelled, and why it stopped early when it did (null when it ran to the end).
     */
    public record Result(int ok, int errors, int skipped, int notRun, boolean cancelled, String stoppedBecause) {}

    /** Receives each finished trial. */
    public interface Sink {
        void finished(TrialRecord record);
    }

    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicReference<String> stopped = new AtomicReference<>();
    private final AtomicReference<RuntimeException> sinkFailure = new AtomicReference<>();
    private final Function<TrialSpec, TrialRecord> trialRunner;

    /** A runner that turns each trial into a record with the given function (a {@link TrialPlayer}, or a test's). */
    public Runner(Function<TrialSpec, TrialRecord> trialRunner) {
        this.trialRunner = trialRunner;
    }

    /** Stops starting trials; trials in flight are abandoned. Safe to call from a signal handler thread. */
    public void cancel() {
        cancelled.set(true);
    }

    /** Stops starting trials; trials in flight finish and are stored. The reason is reported in the result. */
    public void stop(String because) {
        stopped.compareAndSet(null, because);
    }

    /** The per-model default: scripted agents are CPU-bound, so one per core; remote models wait on the network. */
    public static int defaultConcurrency(String model) {
        // A production CLI in its sandbox is a whole program (Node.js, shims on the JVM): one per core.
        if (HarnessSettings.isLabel(model)) return Runtime.getRuntime().availableProcessors();
        return model.startsWith("scripted/") ? Runtime.getRuntime().availableProcessors() : 5;
    }

    /**
     * Runs the plan's trials not in {@code alreadyStored}, handing each finished one to the sink.
     *
     * @throws RuntimeException the sink's first failure: a sink that fails ends the run as {@link #cancel} does,
     *                          since every later trial would be lost too
     */
    public Result run(List<TrialSpec> plan, Set<String> alreadyStored, Limits limits, Sink sink,
            Consumer<TrialRecord> progress) {
        Semaphore global = new Semaphore(limits.global());
        Map<String, Semaphore> perModel = new HashMap<>();
        for (TrialSpec t : plan) {
            perModel.computeIfAbsent(t.model(), m -> new Semaphore(
                    limits.perModel().getOrDefault(m, defaultConcurrency(m))));
        }
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        int skipped = 0;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (TrialSpec trial : plan) {
                if (alreadyStored.contains(trial.id())) {
                    skipped++;
                    continue;
                }
                Semaphore model = perModel.get(trial.model());
                if (!acquire(model)) break;
                if (!acquire(global)) {
                    model.release();
                    break;
                }
                executor.execute(() -> {
                    try {
                        TrialRecord record = record(trial);
                        if (cancelled.get()) return;
                        try {
                            sink.finished(record);
                        } catch (RuntimeException e) {
                            // The store cannot take it (a full disk): trials still running could not be stored
                            // either, so they are abandoned as on Ctrl-C rather than paid for.
                            sinkFailure.compareAndSet(null, e);
                            cancelled.set(true);
                            return;
                        }
                        (record.status() == TrialRecord.Status.OK ? ok : errors).incrementAndGet();
                        progress.accept(record);
                    } finally {
                        global.release();
                        model.release();
                    }
                });
            }
            executor.shutdown();
            while (!executor.awaitTermination(100, TimeUnit.MILLISECONDS)) {
                if (cancelled.get()) {
                    executor.shutdownNow();
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled.set(true);
        }
        if (sinkFailure.get() != null) throw sinkFailure.get();
        int notRun = plan.size() - skipped - ok.get() - errors.get();
        return new Result(ok.get(), errors.get(), skipped, notRun, cancelled.get(), stopped.get());
    }

    private boolean acquire(Semaphore s) {
        try {
            while (!cancelled.get() && stopped.get() == null) {
                if (s.tryAcquire(100, TimeUnit.MILLISECONDS)) return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled.set(true);
            return false;
        }
    }

    private TrialRecord record(TrialSpec trial) {
        try {
            return trialRunner.apply(trial);
        } catch (RuntimeException | Error e) {
            return error(trial, Instant.now(), System.nanoTime(), e);
        }
    }

    /** A failed trial's record: its cause (a stack trace, cut to 4,000 characters), no outcome. */
    static TrialRecord error(TrialSpec trial, Instant started, long t0, Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        String text = trace.toString();
        return new TrialRecord(trial.id(), trial.model(), trial.config().toMap(), trial.index(), trial.seed(),
                TrialRecord.Status.ERROR, Map.of(), Map.of(), null,
                text.length() > 4000 ? text.substring(0, 4000) + "..." : text, 0, 0, null, null, started,
                (System.nanoTime() - t0) / 1_000_000, null);
    }
}
