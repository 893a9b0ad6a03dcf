package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run engine's promise, with a real process: a run killed with SIGKILL mid-way, twice, then resumed, ends with
 * exactly the store of an uninterrupted run of the same spec — same trials, same outcomes, no duplicates.
 */
class KillResumeTest {
    private static final List<String> SWEEP = List.of("--model", "scripted/peer-preserving", "--tasks",
            "tampering,exfiltration_transfer,misrep_finance", "--trials", "8", "--seed", "5");

    @Test
    void killedTwiceThenResumedEqualsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path killed = tmp.resolve("killed");
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(SWEEP);
        args.addAll(List.of("--out", killed.toString()));
        RunSpec spec = RunSpec.read(Optional.empty(), Map.of("models", List.of("scripted/peer-preserving"),
                "tasks", "tampering,exfiltration_transfer,misrep_finance", "trials", "8", "seed", "5",
                "out", killed.toString()), Clock.systemUTC());
        int planned = spec.plan().size();

        int storedAfterFirstKill = killMidway(args, killed, 50, planned);
        int storedAfterSecondKill = killMidway(List.of("resume", killed.toString()), killed, storedAfterFirstKill + 50,
                planned);
        assertThat(storedAfterSecondKill).isGreaterThanOrEqualTo(storedAfterFirstKill);
        RunSession.resume(killed, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));

        Path clean = tmp.resolve("clean");
        RunSession.start(RunSpec.read(Optional.empty(), Map.of("models", List.of("scripted/peer-preserving"),
                "tasks", "tampering,exfiltration_transfer,misrep_finance", "trials", "8", "seed", "5",
                "out", clean.toString()), Clock.systemUTC()),
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));

        Map<String, String> resumed = rows(killed);
        Map<String, String> uninterrupted = rows(clean);
        assertThat(resumed).hasSize(planned);
        assertThat(resumed).isEqualTo(uninterrupted);
        assertThat(countRows(killed, "SELECT count(*) FROM trials")).isEqualTo(planned);
        assertThat(countRows(killed, "SELECT count(DISTINCT trial_id) FROM outcome_fields"))
                .isEqualTo(planned);
        assertThat(countRows(killed, "SELECT count(*) FROM transcripts")).isEqualTo(planned);
    }

    @Test
    void anInterruptedRunStoresWhatFinishedAndSaysHowToResume(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("interrupted");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.peerguard.cli.Main", "run"));
        command.addAll(SWEEP);
        command.addAll(List.of("--out", dir.toString()));
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && storedIfReadable(dir) < 50 && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(p.isAlive()).as("the run must still be going when it is interrupted").isTrue();
        p.destroy(); // SIGTERM: the same orderly shutdown as Ctrl-C
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log);
        assertThat(output).contains("Interrupted:", "peerguard resume " + dir);
        int stored = countRows(dir, "SELECT count(*) FROM trials");
        assertThat(output).contains(stored + " stored now as outcomes");
        assertThat(countRows(dir, "SELECT count(*) FROM transcripts")).isEqualTo(stored);
    }

    /** Starts the CLI in a child JVM and kills it with SIGKILL once at least {@code atLeast} trials are stored. */
    private static int killMidway(List<String> cliArgs, Path dir, int atLeast, int planned) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.peerguard.cli.Main"));
        command.addAll(cliArgs);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.getParent().resolve("child-" + System.nanoTime() + ".log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int stored = 0;
            while (p.isAlive() && System.nanoTime() < deadline) {
                stored = storedIfReadable(dir);
                if (stored >= atLeast) break;
                Thread.sleep(5);
            }
            assertThat(p.isAlive()).as("the run must still be going when it is killed (stored %d of %d)", stored,
                    planned).isTrue();
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            int after = countRows(dir, "SELECT count(*) FROM trials");
            assertThat(after).isLessThan(planned);
            return after;
        } finally {
            p.destroyForcibly();
        }
    }

    private static int storedIfReadable(Path dir) {
        if (!Files.exists(dir.resolve(RunStore.FILE))) return 0;
        try {
            return countRows(dir, "SELECT count(*) FROM trials");
        } catch (Exception stillBeingCreated) {
            return 0;
        }
    }

    private static int countRows(Path dir, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(RunStore.FILE));
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            return rs.getInt(1);
        }
    }

    /** trial id -> status, configuration and outcome: everything but timings. */
    private static Map<String, String> rows(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (RunStore store = RunStore.openExisting(dir)) {
            for (TrialRecord t : store.trials()) {
                String previous = out.put(t.id(), t.status() + " " + t.model() + " " + t.config() + " " + t.index()
                        + " " + t.seed() + " " + t.outcome() + " " + t.reasons() + " " + t.stopReason());
                assertThat(previous).as("duplicate trial " + t.id()).isNull();
            }
        }
        return out;
    }

}
