package dev.peerguard.run;

import dev.peerguard.detect.FollowUp;
import dev.peerguard.harness.CliEpisode;
import dev.peerguard.model.ModelSettings;
import dev.peerguard.model.Models;
import dev.peerguard.model.Spend;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.StoreException;
import dev.peerguard.store.StoreWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A run directory from start to finish: writes the resolved spec ({@code run.yaml}), runs the trials not yet stored,
 * stores each as it finishes, and on Ctrl-C stops cleanly, keeping every finished trial and saying how to resume.
 */
public final class RunSession {
    public static final String SPEC_FILE = "run.yaml";

    /** What the session did, for the caller's summary and exit code. */
    public record Done(Path dir, Runner.Result result, int planned) {}

    private RunSession() {}

    /** Starts a new run in the spec's directory; refuses a directory that already holds a run. */
    public static Done start(RunSpec spec, PrintStream out) {
        return start(spec, out, System.getenv());
    }

    /** As {@link #start(RunSpec, PrintStream)}, with provider keys and base URLs from {@code env}. */
    static Done start(RunSpec spec, PrintStream out, Map<String, String> env) {
        check(spec, env);
        Path dir = spec.out();
        Path specFile = dir.resolve(SPEC_FILE);
        if (Files.exists(specFile)) {
            throw new SpecException(null, null, dir + " already holds a run; finish it with `peerguard resume " + dir
                    + "`, or choose another directory with --out");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            // Bad input (a path that is a file, or where the user may not write), reported as such: exit code 2.
            throw new SpecException(null, null, "cannot create the run directory " + dir + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); choose another directory with --out");
        }
        writeSpec(specFile, spec, "the run has not started; run the same command again");
        return execute(dir, spec, out, env);
    }

    /** Finishes an interrupted run: trials already stored as outcomes are skipped, errors are run again. */
    public static Done resume(Path dir, PrintStream out) {
        return resume(dir, Map.of(), out);
    }

    /**
     * As {@link #resume(Path, PrintStream)}, with new limits (flags keyed as in a spec: max_cost, max_concurrency,
     * global_concurrency, max_rpm, call_timeout, max_retries). They do not change which trials the run has; the
     * updated spec is written back to {@code run.yaml}.
     */
    public static Done resume(Path dir, Map<String, Object> limits, PrintStream out) {
        return resume(dir, limits, out, System.getenv());
    }

    static Done resume(Path dir, Map<String, Object> limits, PrintStream out, Map<String, String> env) {
        Path specFile = dir.resolve(SPEC_FILE);
        if (!Files.isRegularFile(specFile)) {
            throw new SpecException(null, null, dir + " is not a run directory (it has no " + SPEC_FILE + ")");
        }
        RunSpec spec = RunSpec.read(Optional.of(specFile), limits, Clock.systemUTC());
        if (!limits.isEmpty()) {
            writeSpec(specFile, spec, SPEC_FILE + " is unchanged; resume again");
        }
        return execute(dir, spec, out, env);
    }

    /**
     * Writes {@code run.yaml} whole or not at all (a new file moved over the old one), so that a process killed
     * while writing it, or a full disk, never leaves a half-written spec that neither {@code run} nor {@code resume}
     * could then use.
     */
    private static void writeSpec(Path specFile, RunSpec spec, String whatNow) {
        Path partial = specFile.resolveSibling(SPEC_FILE + ".partial");
        try {
            Files.writeString(partial, spec.toYaml(), StandardCharsets.UTF_8);
            Files.move(partial, specFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // The failure below is what the user needs to hear about; a leftover is overwritten next time.
            }
            String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getMessage() != null ? e.getMessage() : e.toString(); // "No space left on device"
            throw new StoreException("cannot write " + specFile + " (" + why + "); " + whatNow + " once the "
                    + "problem is fixed (free space, or make " + specFile.getParent() + " writable)", e);
        }
    }

    private static Done execute(Path dir, RunSpec spec, PrintStream out, Map<String, String> env) {
        List<TrialSpec> plan = spec.plan();
        Runner.Limits limits = limits(spec, plan);
        FollowUp.Questions questions = check(spec, env);
        try (Models models = Models.forRun(spec.modelSettings(), env, dir, calls(spec, limits))) {
            TrialPlayer player = player(spec, models, questions, dir, env);
            return execute(dir, spec, out, plan, limits.perModel(), limits.global(), player, models.spend());
        }
    }

    /**
     * Plays some of a spec's trials outside a run directory, with the spec's models and concurrency limits, and hands
     * each finished trial to {@code sink}: how an engine that stores trials elsewhere (the Spark module, on each
     * executor) runs its share. Keys and base URLs come from {@code env}; {@code workDir} holds what the models and
     * sandboxes keep on disk. A cost limit is not enforced here (it needs one meter over the whole run).
     *
     * @throws SpecException before any trial starts, when a key, base URL or file the spec needs is missing
     */
    public static Runner.Result play(RunSpec spec, List<TrialSpec> trials, Path workDir, Map<String, String> env,
            Runner.Sink sink) {
        Runner.Limits limits = limits(spec, trials);
        FollowUp.Questions questions = check(spec, env);
        try (Models models = Models.forRun(spec.modelSettings(), env, workDir, calls(spec, limits))) {
            TrialPlayer player = player(spec, models, questions, workDir, env);
            return new Runner(player::play).run(trials, Set.of(), limits, sink, record -> {});
        }
    }

    /** The spec's limits for these trials: its per-model limit (absent: each provider's default) and overall one. */
    private static Runner.Limits limits(RunSpec spec, List<TrialSpec> trials) {
        Map<String, Integer> perModel = new HashMap<>();
        List<String> stored = trials.stream().map(TrialSpec::model).distinct().toList();
        if (spec.maxConcurrency() != null) stored.forEach(m -> perModel.put(m, spec.maxConcurrency()));
        int global = spec.globalConcurrency() != null ? spec.globalConcurrency() : defaultGlobal(stored, perModel);
        return new Runner.Limits(perModel, global);
    }

    /** The most calls in flight per model (and judge): as many as its trials may run at once. */
    private static Map<String, Integer> calls(RunSpec spec, Runner.Limits limits) {
        Map<String, Integer> calls = new HashMap<>();
        if (spec.harness() == null) {
            spec.models().forEach(m -> calls.put(m, limits.perModel().getOrDefault(m, Runner.defaultConcurrency(m))));
        }
        ModelSettings settings = spec.modelSettings();
        if (settings.judge() != null) calls.putIfAbsent(settings.judge(), Runner.defaultConcurrency(settings.judge()));
        return calls;
    }

    private static TrialPlayer player(RunSpec spec, Models models, FollowUp.Questions questions, Path dir,
            Map<String, String> env) {
        CliEpisode cli = spec.harness() == null ? null
                : new CliEpisode(spec.harness(), dir.resolve("sandbox"), env, models.secrets(), spec.mitigations());
        return new TrialPlayer(models, questions, cli, spec.mitigations());
    }

    private static Done execute(Path dir, RunSpec spec, PrintStream out, List<TrialSpec> plan,
            Map<String, Integer> perModel, int global, TrialPlayer player, Spend spend) {
        Runner runner = new Runner(player::play);
        CountDownLatch flushed = new CountDownLatch(1);
        Thread onInterrupt = new Thread(() -> {
            runner.cancel();
            try {
                flushed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "peerguard-interrupt");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            Runner.Result result;
            try (RunStore store = RunStore.open(dir)) {
                Set<String> done = store.finishedIds();
                StoreWriter writer = store.writer();
                try {
                    try (Progress progress = new Progress("run", plan.size(), done.size(), Progress.terminal())) {
                        result = runner.run(plan, done, new Runner.Limits(perModel, global), writer::submit,
                                record -> {
                                    progress.accept(record);
                                    if (spend.limitReached()) runner.stop("the cost limit was reached");
                                });
                    } finally {
                        writer.close(); // if the writer failed, this throws with every trial it did not store
                    }
                } catch (StoreException e) {
                    throw withCounts(e, store, plan);
                }
            }
            report(out, dir, result, plan.size(), spend);
            return new Done(dir, result, plan.size());
        } finally {
            // Only now may an interrupted JVM exit: every finished trial is stored and the user was told how to resume.
            flushed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already stopping (Ctrl-C); the hook has just been released.
            }
        }
    }

    /**
     * A store failure in the middle of a run (a full disk), with what the store holds now, counted from the store
     * itself, so that the user can trust what they are told was kept.
     */
    private static StoreException withCounts(StoreException e, RunStore store, List<TrialSpec> plan) {
        int stored;
        try {
            stored = store.statuses().size();
        } catch (StoreException unreadable) {
            e.addSuppressed(unreadable);
            return e;
        }
        String unstored = e.unstored().isEmpty() ? "" : "; " + e.unstored().size() + " finished trials could not be "
                + "stored and will run again on resume";
        return new StoreException(e.getMessage() + System.lineSeparator() + stored + " of " + plan.size()
                + " planned trials are stored" + unstored + ".", e, e.unstored());
    }

    /**
     * Everything that can be checked before a trial starts: model names, keys, prices for a cost limit, the
     * interview's questions. Returns the questions (null without an interview).
     */
    private static FollowUp.Questions check(RunSpec spec, Map<String, String> env) {
        ModelSettings settings = spec.modelSettings();
        try {
            Models.check(settings, spec.endpointModels(), env);
            if (spec.harness() != null) CliEpisode.check(spec.harness());
            if (!settings.followUp()) return null;
            return settings.followUpQuestions() == null ? FollowUp.Questions.defaults()
                    : FollowUp.Questions.load(settings.followUpQuestions());
        } catch (IllegalArgumentException e) {
            throw new SpecException(null, null, e.getMessage());
        }
    }

    /** No overall limit of its own: the sum of the per-model limits, {@code --max-concurrency} where it is set. */
    private static int defaultGlobal(List<String> models, Map<String, Integer> perModel) {
        return models.stream().mapToInt(m -> perModel.getOrDefault(m, Runner.defaultConcurrency(m))).sum();
    }

    private static void report(PrintStream out, Path dir, Runner.Result r, int planned, Spend spend) {
        out.printf("%d trials planned: %d stored now as outcomes, %d as errors, %d were already stored.%n", planned,
                r.ok(), r.errors(), r.skipped());
        if (r.errors() > 0) {
            out.printf("%d trials failed and are stored as errors; `peerguard resume %s` runs them again.%n",
                    r.errors(), dir);
        }
        if (r.cancelled()) {
            out.printf("Interrupted: %d trials were not run; every finished trial is stored. Continue with:%n"
                    + "  peerguard resume %s%n", r.notRun(), dir);
        }
        if (r.stoppedBecause() != null) {
            out.printf("Stopped because %s: %d trials were not run; every finished trial is stored. Continue with a "
                    + "higher limit:%n  peerguard resume %s --max-cost USD%n", r.stoppedBecause(), r.notRun(), dir);
        }
        if (spend.total().calls() > 0) {
            spend.byModel().forEach((model, t) -> out.printf("  %s: %,d calls (%,d from the cache), %,d tokens in, "
                    + "%,d out, cost %s%n", model, t.calls(), t.cachedCalls(), t.inputTokens(), t.outputTokens(),
                    Spend.describeCost(t.costUsd(), t.partlyUnknown())));
            out.println("Spent in this session: " + spend.describeTotal());
        }
        out.println("Run directory: " + dir.toAbsolutePath().normalize());
    }
}
