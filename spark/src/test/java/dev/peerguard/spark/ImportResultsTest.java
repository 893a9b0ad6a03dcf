package dev.peerguard.spark;

import static dev.peerguard.spark.SparkSweepTest.args;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerguard import-results}: a sweep's output becomes a run directory that {@code show}, {@code report},
 * {@code export} and {@code compare} read as they read any other; importing again or into a partial run of the same
 * sweep adds only what is missing; bad paths are exit code 2.
 */
class ImportResultsTest {
    private static final List<String> SPEC = List.of("--model", "scripted/peer-preserving", "--model",
            "scripted/self-preserving", "--tasks", "exfiltration_transfer,alignment_faking", "--subjects",
            "peer,self");

    @TempDir
    static Path shared;

    /** One sweep (two trials per configuration) for every test here. */
    static String output;

    @TempDir
    Path dir;

    @BeforeAll
    static void sweep() {
        output = shared.resolve("sweep").toString();
        Commands.Run r = Commands.spark(args("spark", SPEC, "--trials", "2", "--master", "local[2]", "--output",
                output));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }

    @Test
    void anImportedSweepIsARunDirectoryForEveryCoreCommand() throws Exception {
        Path imported = dir.resolve("imported");
        Commands.Run r = Commands.spark("import-results", output, "--into", imported.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(imported.resolve("run.yaml")).exists();
        Map<String, Map<String, Object>> rows = Tables.ofRows(Tables.parquet(output));
        int trials = rows.size();
        assertThat(r.out()).contains("Imported " + trials + " new trials");
        // The store holds exactly the rows, transcripts included.
        assertThat(Tables.ofStore(imported)).isEqualTo(rows);
        try (RunStore store = RunStore.openExisting(imported)) {
            TrialRecord one = store.trials().getFirst();
            assertThat(store.trial(one.id()).orElseThrow().transcript()).contains("\"messages\"");
        }

        Commands.Run show = Commands.core("show", imported.toString());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains(trials + " trials: " + trials + " ok, 0 errors");
        Commands.Run report = Commands.core("report", imported.toString());
        assertThat(report.exit()).as(report.err()).isZero();
        assertThat(imported.resolve("report.html")).isNotEmptyFile();
        Commands.Run md = Commands.core("report", imported.toString(), "--format", "md");
        assertThat(md.out()).contains("scripted/peer-preserving");
        Commands.Run jsonl = Commands.core("export", imported.toString(), "--format", "jsonl");
        assertThat(jsonl.exit()).isZero();
        assertThat(jsonl.out().lines()).hasSize(trials);
        Commands.Run csv = Commands.core("export", imported.toString(), "--format", "csv");
        assertThat(csv.out().lines()).hasSize(trials + 1);

        // Against a single-machine run of the same spec: the same rates, so compare finds no difference.
        Path local = dir.resolve("local");
        assertThat(Commands.core(args("run", SPEC, "--trials", "2", "--out", local.toString())).exit()).isZero();
        Commands.Run compare = Commands.core("compare", local.toString(), imported.toString());
        assertThat(compare.exit()).as(compare.err()).isZero();
        assertThat(Commands.core("report", imported.toString(), "--format", "csv").out())
                .isEqualTo(Commands.core("report", local.toString(), "--format", "csv").out());
    }

    @Test
    void importingAddsOnlyTheTrialsTheRunDirectoryLacks() {
        // A single-machine run of the same sweep with one trial per configuration holds half the trials.
        Path run = dir.resolve("run");
        assertThat(Commands.core(args("run", SPEC, "--trials", "1", "--out", run.toString())).exit()).isZero();
        int half;
        try (RunStore store = RunStore.openExisting(run)) {
            half = store.statuses().size();
        }
        Commands.Run r = Commands.spark("import-results", output, "--into", run.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Imported " + half + " new trials").contains(half + " outcomes were already in");
        try (RunStore store = RunStore.openExisting(run)) {
            assertThat(store.statuses()).hasSize(2 * half);
        }
        assertThat(Commands.core("show", run.toString()).out()).contains(2 * half + " trials: " + 2 * half + " ok");

        Commands.Run again = Commands.spark("import-results", output, "--into", run.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("Imported 0 new trials");
    }

    @Test
    void badPathsAreExitCodeTwoWithAMessage() throws Exception {
        Path other = dir.resolve("other");
        assertThat(Commands.core("run", "--model", "scripted/honest", "--tasks", "tampering", "--trials", "1", "--out",
                other.toString()).exit()).isZero();
        Path notes = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(notes.resolve("a.txt"), "not parquet");
        Path emptyOutput = Files.createDirectories(dir.resolve("no-rows"));
        Files.writeString(emptyOutput.resolve(SweepOutput.SPEC_FILE), Files.readString(other.resolve("run.yaml")));
        Map<List<String>, String> cases = Map.of(
                List.of(dir.resolve("missing").toString(), "--into", dir.resolve("a").toString()), "does not exist",
                List.of(notes.toString(), "--into", dir.resolve("b").toString()), "is not the output of a PeerGuard",
                List.of(emptyOutput.toString(), "--into", dir.resolve("c").toString()), "holds no trial rows",
                List.of(output, "--into", other.toString()), "holds a run of another sweep",
                List.of(output, "--into", notes.toString()), "is not empty and is not a run directory");
        cases.forEach((arguments, message) -> {
            Commands.Run r = Commands.spark(args("import-results", arguments));
            assertThat(r.exit()).as(arguments.toString()).isEqualTo(2);
            assertThat(r.err()).as(arguments.toString()).startsWith("peerguard: ").contains(message)
                    .doesNotContain("Exception");
        });
        assertThat(dir.resolve("a")).doesNotExist();
    }
}
