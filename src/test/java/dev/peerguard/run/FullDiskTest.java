package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.store.RunStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that really fills up while a run writes its store: the run directory is on a size-limited tmpfs that
 * bubblewrap mounts (no root needed), mostly taken by a ballast file, so SQLite's writes fail with ENOSPC. The CLI
 * must say so clearly and keep every trial it stored; after the ballast is deleted, {@code resume} finishes the run.
 * A disk too full for {@code run.yaml} leaves nothing behind that would stop the same command from starting later.
 */
class FullDiskTest {
    private static final Path BWRAP = Path.of("/usr/bin/bwrap");
    private static final List<String> SWEEP = List.of("--model", "scripted/peer-preserving", "--tasks",
            "tampering,exfiltration_transfer,misrep_finance", "--trials", "3", "--seed", "11");
    /** The run's disk: room for the finished store (about 2 MB) and a full WAL (4 MB) once the ballast is gone. */
    private static final long DISK = 16L << 20;
    /** Free at the start: run.yaml and the empty store fit, a fraction of the trials does not. */
    private static final long ROOM = 1L << 20;
    /**
     * Free space, in bytes, too little for the store: SQLite then fails creating the database, growing its
     * shared-memory file (SQLITE_IOERR_SHMSIZE), or committing the tables (a rollback SQLite has already made).
     */
    private static final List<String> STORE_ROOMS = List.of("8192", "16384", "40960", "65536");

    /**
     * Runs inside the sandbox, so that the small disk exists for all steps: runs on a disk without room for anything,
     * then with room for run.yaml only; then the main case: fill most of it, run, try to resume while it is still
     * full, free space, resume. After each step the run directory is copied out to where the test reads it.
     */
    private static final String SCRIPT = """
            java=$1 cp=$2 disk=$3 out=$4
            shift 4
            step() { # name, then the CLI's arguments
                name=$1
                shift
                "$java" -XX:-UsePerfData -Djava.io.tmpdir="$out/tmp" -cp "$cp" dev.peerguard.cli.Main "$@" \\
                    >"$out/$name.out" 2>"$out/$name.err"
                echo $? >"$out/$name.rc"
                cp -a "$disk/run" "$out/$name"
            }
            head -c %d /dev/zero >"$disk/ballast" 2>/dev/null # no room at all, not even for run.yaml
            step no-room run "$@" --out "$disk/run"
            for room in %s; do # room for run.yaml, not for the store: each fails in another place in SQLite
                rm "$disk/ballast"
                head -c $((%d - room)) /dev/zero >"$disk/ballast" || exit 1
                step "start-up-$room" run "$@" --out "$disk/run"
                rm -r "$disk/run"
            done
            rm "$disk/ballast"
            head -c %d /dev/zero >"$disk/ballast" || exit 1
            step failed run "$@" --out "$disk/run"
            step still-full resume "$disk/run"
            rm "$disk/ballast"
            step resumed resume "$disk/run"
            """.formatted(DISK, String.join(" ", STORE_ROOMS), DISK, DISK - ROOM);

    @Test
    void aFullDiskIsReportedClearlyLosesNoStoredTrialAndResumeFinishesOnceSpaceIsFreed(@TempDir Path tmp)
            throws Exception {
        Path disk = tmp.resolve("disk");
        Path runDir = disk.resolve("run");
        Files.createDirectories(disk);
        Files.createDirectories(tmp.resolve("tmp"));
        assumeBubblewrapCanMountASmallDisk(tmp);
        RunSpec spec = RunSpec.read(Optional.empty(), Map.of("models", List.of("scripted/peer-preserving"), "tasks",
                "tampering,exfiltration_transfer,misrep_finance", "trials", "3", "seed", "11", "out",
                runDir.toString()), Clock.systemUTC());
        List<String> plan = spec.plan().stream().map(TrialSpec::id).toList();
        int planned = plan.size();

        List<String> command = new ArrayList<>(List.of(BWRAP.toString(), "--die-with-parent", "--ro-bind", "/", "/",
                "--dev", "/dev", "--proc", "/proc", "--bind", tmp.toString(), tmp.toString(),
                "--size", Long.toString(DISK), "--tmpfs", disk.toString(),
                "sh", "-c", SCRIPT, "sh", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), disk.toString(), tmp.toString()));
        command.addAll(SWEEP);
        Process sandbox = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("sandbox.log").toFile()).start();
        assertThat(sandbox.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(sandbox.exitValue()).as(Files.readString(tmp.resolve("sandbox.log"))).isZero();

        // No room for run.yaml: the run has not started, and nothing half-written keeps the same command from
        // starting it once there is room (the first start-up step below does, in the same directory).
        String noRoom = Files.readString(tmp.resolve("no-room.err"), StandardCharsets.UTF_8);
        assertThat(Files.readString(tmp.resolve("no-room.rc")).strip()).as(noRoom).isNotEqualTo("0");
        assertThat(noRoom).contains("cannot write " + runDir.resolve(RunSession.SPEC_FILE)
                + " (No space left on device); the run has not started; run the same command again")
                .doesNotContain("Exception", "\tat ");
        assertThat(tmp.resolve("no-room")).isEmptyDirectory();

        // Room for run.yaml but not for the store: whatever SQLite was doing, the user reads that the disk is full.
        for (String room : STORE_ROOMS) {
            String err = Files.readString(tmp.resolve("start-up-" + room + ".err"), StandardCharsets.UTF_8);
            assertThat(Files.readString(tmp.resolve("start-up-" + room + ".rc")).strip()).as(err).isNotEqualTo("0");
            assertThat(err).as("%d bytes free", Integer.parseInt(room)).contains("disk full while writing "
                    + runDir.resolve(RunStore.FILE), "`peerguard resume " + runDir + "`")
                    .doesNotContain("Exception", "\tat ");
        }

        // The run that met the full disk: a clear message, no stack trace, a non-zero exit code.
        Path failed = tmp.resolve("failed");
        int storedAtFailure = assertReportedClearly(tmp, "failed", runDir, planned);
        assertThat(StoreCheck.assertConsistent(failed)).isEqualTo(storedAtFailure);
        assertThat(storedAtFailure).as("the disk filled up in the middle of the run").isBetween(1, planned - 1);
        assertReadable(failed);
        Map<String, String> keptAtFailure = StoreCheck.startTimes(failed);

        // Resuming on a disk that is still full fails the same way and keeps what was stored.
        Path stillFull = tmp.resolve("still-full");
        int storedStillFull = assertReportedClearly(tmp, "still-full", runDir, planned);
        assertThat(StoreCheck.assertConsistent(stillFull)).isEqualTo(storedStillFull);
        assertThat(StoreCheck.startTimes(stillFull)).containsAllEntriesOf(keptAtFailure);

        // Space freed: resume finishes the run, and every trial stored before is there, untouched.
        Path resumed = tmp.resolve("resumed");
        String output = Files.readString(tmp.resolve("resumed.out"), StandardCharsets.UTF_8);
        assertThat(Files.readString(tmp.resolve("resumed.rc")).strip()).as(output
                + Files.readString(tmp.resolve("resumed.err"))).isEqualTo("0");
        assertThat(output).contains(planned + " trials planned: " + (planned - storedStillFull)
                + " stored now as outcomes, 0 as errors, " + storedStillFull + " were already stored.");
        assertThat(StoreCheck.assertConsistent(resumed)).isEqualTo(planned);
        Map<String, String> finalStore = StoreCheck.startTimes(resumed);
        assertThat(finalStore.keySet()).containsExactlyInAnyOrderElementsOf(plan);
        long lost = keptAtFailure.entrySet().stream()
                .filter(e -> !e.getValue().equals(finalStore.get(e.getKey()))).count();
        System.out.printf("Full disk: %d of %d trials stored when the disk filled up, %d trials lost%n",
                storedAtFailure, planned, lost);
        assertThat(lost).as("trials stored before the disk filled up and lost or run again").isZero();
        assertReadable(resumed);
    }

    /**
     * The step's output names the run directory, says the disk is full and how to go on, and gives the number of
     * trials stored (returned), without a stack trace; its exit code is not 0.
     */
    private static int assertReportedClearly(Path tmp, String step, Path runDir, int planned) throws Exception {
        String err = Files.readString(tmp.resolve(step + ".err"), StandardCharsets.UTF_8);
        String all = Files.readString(tmp.resolve(step + ".out"), StandardCharsets.UTF_8) + err;
        assertThat(Files.readString(tmp.resolve(step + ".rc")).strip()).as(all).isNotEqualTo("0");
        assertThat(err).as(all).contains("disk full", "free space on the disk of " + runDir,
                "`peerguard resume " + runDir + "`");
        assertThat(all).doesNotContain("Exception", "\tat ");
        Matcher m = Pattern.compile("(\\d+) of " + planned + " planned trials are stored; (\\d+) finished trials "
                + "could not be stored and will run again on resume").matcher(err);
        assertThat(m.find()).as(err).isTrue();
        assertThat(Integer.parseInt(m.group(2))).as("finished trials in the failed write").isPositive();
        return Integer.parseInt(m.group(1));
    }

    /** Every stored trial reads back through the store, with its outcome and a transcript that is valid JSON. */
    private static void assertReadable(Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (RunStore store = RunStore.openExisting(dir)) {
            for (var t : store.trials()) {
                var trial = store.trial(t.id()).orElseThrow();
                assertThat(trial.outcome()).as(t.id()).isNotEmpty();
                assertThat(json.readTree(trial.transcript()).get("messages")).as(t.id()).isNotEmpty();
            }
        }
    }

    /** Skips, saying why, where bubblewrap is missing or cannot mount a size-limited tmpfs. */
    private static void assumeBubblewrapCanMountASmallDisk(Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(BWRAP), "bubblewrap (" + BWRAP + ") is not installed; install Debian's "
                + "bubblewrap to run the full-disk test");
        Path probe = tmp.resolve("probe");
        Files.createDirectories(probe);
        Process p = new ProcessBuilder(BWRAP.toString(), "--ro-bind", "/", "/", "--dev", "/dev", "--size",
                Long.toString(1L << 20), "--tmpfs", probe.toString(), "true").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "bubblewrap cannot mount a "
                + "size-limited tmpfs here (it needs version 0.8 and user namespaces): " + output.strip());
    }
}
