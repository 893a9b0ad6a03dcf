package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.store.RunStore;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run engine's promise, with a real process: a run killed with SIGKILL again and again at random (seeded)
 * moments — during start-up, mid-run and during the final writes — and resumed each time, keeps a consistent store
 * after every kill and ends with exactly the store of an uninterrupted run of the same spec: same trials, same
 * outcomes, no duplicates, nothing lost. Ctrl-C (SIGTERM) stores what finished and says how to resume.
 */
class KillResumeTest {
    private static final List<String> SWEEP = List.of("--model", "scripted/peer-preserving", "--tasks",
            "tampering,exfiltration_transfer,misrep_finance", "--trials", "8", "--seed", "5");

    /** Where in a run a kill lands. */
    private enum Moment {
        /** A random moment of the first second: JVM start, writing run.yaml, creating or opening the store. */
        START_UP,
        /** Once a random number of further trials is stored. */
        MID_RUN,
        /** Within the last few trials: the last batches. */
        NEAR_THE_END,
        /** Once every trial is stored: closing the writer, the checkpoint, the report. */
        AT_THE_END
    }

    @Test
    void killedAgainAndAgainAtRandomMomentsThenResumedEqualsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("killed");
        List<String> plan = spec(dir).plan().stream().map(TrialSpec::id).toList();
        int planned = plan.size();
        Random random = new Random(20260310);
        List<Moment> moments = List.of(Moment.START_UP, Moment.MID_RUN, Moment.START_UP, Moment.MID_RUN,
                Moment.MID_RUN, Moment.MID_RUN, Moment.NEAR_THE_END, Moment.AT_THE_END);
        int kills = 0;
        int lost = 0;
        Map<String, String> storedBefore = Map.of();
        List<Path> logs = new ArrayList<>();
        for (Moment moment : moments) {
            Path log = tmp.resolve("child-" + logs.size() + ".log");
            logs.add(log);
            // Killed before run.yaml existed, the run never started: the user runs the same command again. A limit
            // on resume (the default value: it changes nothing) has run.yaml rewritten where start-up kills land.
            Process child = startCli(Files.exists(dir.resolve(RunSession.SPEC_FILE))
                    ? List.of("resume", dir.toString(), "--max-retries", "8") : runArgs(dir), log);
            int stored = StoreCheck.storedIfReadable(dir);
            boolean killed = switch (moment) {
                case START_UP -> killAfter(child, random.nextInt(1000));
                case MID_RUN -> killOnceStored(child, dir, Math.min(planned - 1,
                        stored + 1 + random.nextInt(Math.max(1, (planned - stored) / 4))), log);
                case NEAR_THE_END -> killOnceStored(child, dir, planned - 1 - random.nextInt(8), log);
                case AT_THE_END -> killOnceStored(child, dir, planned, log);
            };
            if (killed) kills++;

            StoreCheck.assertConsistent(dir);
            Map<String, String> storedNow = StoreCheck.startTimes(dir);
            assertThat(plan).as("only planned trials are stored").containsAll(storedNow.keySet());
            for (Map.Entry<String, String> before : storedBefore.entrySet()) {
                // A trial stored before a kill is never lost, nor run and stored again.
                if (!before.getValue().equals(storedNow.get(before.getKey()))) lost++;
            }
            storedBefore = storedNow;
            System.out.printf("%s: %s, %d of %d trials stored%n", moment, killed ? "killed" : "finished first",
                    storedNow.size(), planned);
        }

        Path last = tmp.resolve("final.log");
        Process resume = startCli(List.of("resume", dir.toString()), last);
        assertThat(resume.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(last);
        assertThat(resume.exitValue()).as(output).isZero();
        // Nothing is left for the next reader to recover: the last writer checkpointed its WAL and removed it. (Looked
        // at before any check below: a read-only reader leaves an empty WAL behind.)
        assertThat(dir.resolve(RunStore.FILE + "-wal")).doesNotExist();
        assertThat(dir.resolve(RunStore.FILE + "-journal")).doesNotExist();
        assertThat(dir.resolve(RunSession.SPEC_FILE + ".partial")).doesNotExist();
        assertThat(output).contains(planned + " trials planned: " + (planned - storedBefore.size())
                + " stored now as outcomes, 0 as errors, " + storedBefore.size() + " were already stored.");
        for (Path log : logs) {
            assertThat(Files.readString(log)).as("output of %s", log).doesNotContain("Exception", "\tat ",
                    "another PeerGuard process is writing");
        }

        StoreCheck.assertConsistent(dir);
        Map<String, String> resumed = StoreCheck.contents(dir);
        assertThat(resumed.keySet()).as("every planned trial is stored exactly once")
                .containsExactlyInAnyOrderElementsOf(plan);
        for (Map.Entry<String, String> before : storedBefore.entrySet()) {
            if (!before.getValue().equals(StoreCheck.startTimes(dir).get(before.getKey()))) lost++;
        }

        Path clean = tmp.resolve("clean");
        RunSession.start(spec(clean), new PrintStream(OutputStream.nullOutputStream()));
        assertThat(resumed).as("the same store as an uninterrupted run, timings aside")
                .isEqualTo(StoreCheck.contents(clean));

        System.out.printf("Repeated SIGKILL: %d kills injected over %d trials, %d trials lost%n", kills, planned,
                lost);
        assertThat(lost).as("trials lost").isZero();
        // Start-up and mid-run kills cannot miss; the two at the end may find the run already finished.
        assertThat(kills).as("kills injected").isGreaterThanOrEqualTo(moments.size() - 2);
    }

    @Test
    void anInterruptedRunStoresWhatFinishedAndSaysHowToResume(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("interrupted");
        Path log = tmp.resolve("child.log");
        Process p = startCli(runArgs(dir), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && StoreCheck.storedIfReadable(dir) < 50 && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(p.isAlive()).as("the run must still be going when it is interrupted").isTrue();
        p.destroy(); // SIGTERM: the same orderly shutdown as Ctrl-C
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log);
        assertThat(output).contains("Interrupted:", "peerguard resume " + dir);
        int stored = StoreCheck.assertConsistent(dir);
        assertThat(output).contains(stored + " stored now as outcomes");
    }

    private static RunSpec spec(Path out) {
        return RunSpec.read(Optional.empty(), Map.of("models", List.of("scripted/peer-preserving"), "tasks",
                "tampering,exfiltration_transfer,misrep_finance", "trials", "8", "seed", "5", "out", out.toString()),
                Clock.systemUTC());
    }

    private static List<String> runArgs(Path dir) {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(SWEEP);
        args.addAll(List.of("--out", dir.toString()));
        return args;
    }

    /** The CLI in a child JVM, its output (both streams) to {@code log}. */
    private static Process startCli(List<String> cliArgs, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.peerguard.cli.Main"));
        command.addAll(cliArgs);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** SIGKILL after {@code millis}; true if the child was killed rather than done by then. */
    private static boolean killAfter(Process child, int millis) throws Exception {
        child.waitFor(millis, TimeUnit.MILLISECONDS);
        return kill(child);
    }

    /**
     * SIGKILL as soon as {@code atLeast} trials are stored; true if the child was killed rather than done by then
     * (it may finish first when {@code atLeast} is the last trials). A child that fails instead fails the test.
     */
    private static boolean killOnceStored(Process child, Path dir, int atLeast, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int stored;
        while (child.isAlive() && (stored = StoreCheck.storedIfReadable(dir)) < atLeast
                && System.nanoTime() < deadline) {
            if (stored < atLeast - 20) Thread.sleep(5); // close to the target, look as often as possible
        }
        boolean killed = kill(child);
        if (!killed) assertThat(child.exitValue()).as("the child ended by itself: %s", Files.readString(log)).isZero();
        return killed;
    }

    private static boolean kill(Process child) throws Exception {
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return child.exitValue() == 128 + 9; // not 0: the child was still running when the signal came
    }
}
