package dev.peerguard.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.run.RunSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerguard spark} in Spark's local mode with the scripted reference agents: the rows equal a single-machine
 * run's, a second job runs only what the output lacks, and a task attempt that fails half-way adds no rows.
 */
class SparkSweepTest {
    /** Two policies over three tasks (one trial each: 140 trials), small enough for seconds on two cores. */
    private static final List<String> SPEC = List.of("--model", "scripted/peer-preserving", "--model",
            "scripted/honest", "--tasks", "tampering,exfiltration_transfer,misrep_evaluation", "--subjects", "peer",
            "--instantiations", "file_only,file_prt");

    @TempDir
    Path dir;

    @Test
    void rowsEqualThoseOfASingleMachineRunOfTheSameSpec() throws Exception {
        Path runDir = dir.resolve("run");
        Commands.Run local = Commands.core(args("run", SPEC, "--trials", "1", "--out", runDir.toString()));
        assertThat(local.exit()).as(local.out() + local.err()).isZero();
        String output = dir.resolve("sweep").toString();
        Commands.Run spark = Commands.spark(args("spark", SPEC, "--trials", "1", "--master", "local[2]",
                "--output", output));
        assertThat(spark.exit()).as(spark.out() + spark.err()).isZero();

        Map<String, Map<String, Object>> store = Tables.ofStore(runDir);
        Map<String, Map<String, Object>> rows = Tables.ofRows(Tables.parquet(output));
        assertThat(store).hasSizeGreaterThan(50);
        assertThat(rows.keySet()).isEqualTo(store.keySet());
        // Every column of the store is in the Parquet rows, and each row equals the stored trial, transcript included.
        assertThat(rows.values().iterator().next().keySet()).isEqualTo(store.values().iterator().next().keySet());
        store.forEach((id, row) -> assertThat(rows.get(id)).as(id).isEqualTo(row));
        assertThat(rows.values()).allSatisfy(r -> assertThat((String) r.get("transcript")).contains("\"messages\""));
        assertThat(spark.out()).contains(store.size() + " trials planned: " + store.size() + " stored now as outcomes, "
                + "0 as errors, 0 were already stored.");
    }

    @Test
    void aSecondJobRunsOnlyTheTrialsTheOutputLacks() throws Exception {
        String output = dir.resolve("sweep").toString();
        List<String> small = List.of(args("spark", "--model", "scripted/peer-preserving", "--model",
                "scripted/honest", "--tasks", "tampering", "--master", "local[2]", "--output", output));
        assertThat(Commands.spark(args(small, "--trials", "1")).exit()).isZero();
        List<Row> first = Tables.parquet(output);
        int perTrial = first.size();
        List<Path> filesAfterFirst = parquetFiles(output);

        Commands.Run again = Commands.spark(args(small, "--trials", "1"));
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already in").contains("running 0 on Spark");
        assertThat(parquetFiles(output)).isEqualTo(filesAfterFirst);

        // A larger sweep of the same spec runs just the new trial indices; the first rows stay as they were.
        Commands.Run larger = Commands.spark(args(small, "--trials", "2", "--commit-every", "40"));
        assertThat(larger.exit()).as(larger.out() + larger.err()).isZero();
        assertThat(larger.out()).contains("running " + perTrial + " on Spark")
                .contains("committed 40 of " + perTrial + " trials").contains("committed 80 of " + perTrial);
        List<Row> both = Tables.parquet(output);
        assertThat(both).hasSize(2 * perTrial);
        assertThat(Tables.ofRows(both)).hasSize(2 * perTrial).containsAllEntriesOf(Tables.ofRows(first));
        assertThat(both.stream().filter(r -> r.<Integer>getAs("trial_index") == 0).map(r -> r.getAs("started_at"))
                .toList()).containsExactlyInAnyOrderElementsOf(first.stream().map(r -> r.getAs("started_at")).toList());

        // Rows lost from the output (a deleted file) are run again, and only those.
        Path lost = parquetFiles(output).getFirst();
        long lostRows;
        SparkSession spark = SparkMain.session("local[2]");
        try {
            lostRows = spark.read().parquet(lost.toString()).count();
        } finally {
            spark.stop();
        }
        Files.delete(lost);
        Commands.Run refill = Commands.spark(args(small, "--trials", "2"));
        assertThat(refill.out()).contains("running " + lostRows + " on Spark");
        assertThat(Tables.ofRows(Tables.parquet(output))).hasSize(2 * perTrial);
    }

    /** Set by the fault below in local mode, where the executor is this JVM. */
    static final AtomicInteger FAILED_ATTEMPTS = new AtomicInteger();

    @Test
    void aTaskAttemptThatFailsHalfWayThroughItsRowsAddsNoDuplicates() {
        String output = dir.resolve("sweep").toString();
        RunSpec spec = RunSpec.read(Optional.empty(), Map.of("models", List.of("scripted/peer-preserving"), "tasks",
                "tampering", "trials", "2", "out", output), Clock.systemUTC());
        FAILED_ATTEMPTS.set(0);
        // local[2,2]: two cores, and a failed task is tried again once.
        SparkSession spark = SparkMain.session("local[2,2]");
        SparkSweep.Result result;
        try {
            result = new SparkSweep(spark, spec, output, 4, 1000).withFault((task, row) -> {
                if (task.partitionId() == 1 && task.attemptNumber() == 0 && row == 5) {
                    FAILED_ATTEMPTS.incrementAndGet();
                    throw new IllegalStateException("the first attempt of partition 1 dies after 5 rows");
                }
            }).run(new PrintStream(OutputStream.nullOutputStream()));
        } finally {
            spark.stop();
        }
        assertThat(FAILED_ATTEMPTS).hasValue(1);
        assertThat(result.ok()).isEqualTo(spec.plan().size());
        List<Row> rows = Tables.parquet(output);
        assertThat(rows).hasSize(spec.plan().size());
        assertThat(rows.stream().map(r -> r.<String>getAs("trial_id")).distinct()).hasSize(spec.plan().size());
    }

    @Test
    void anotherSweepIntoTheSameOutputIsRefused() {
        String output = dir.resolve("sweep").toString();
        assertThat(Commands.spark("spark", "--model", "scripted/honest", "--tasks", "tampering", "--trials", "1",
                "--master", "local[2]", "--output", output).exit()).isZero();
        Commands.Run other = Commands.spark("spark", "--model", "scripted/refuser", "--tasks", "tampering", "--trials",
                "1", "--master", "local[2]", "--output", output);
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("holds the results of another sweep").contains("scripted/refuser")
                .doesNotContain("Exception");
    }

    @Test
    void whatASparkJobCannotDoIsRefusedBeforeItStarts() throws IOException {
        String output = dir.resolve("sweep").toString();
        for (List<String> flags : List.of(List.of("--out", dir.resolve("run").toString()), List.of("--cache"),
                List.of("--max-cost", "5"), List.of("--model", "openai-api/nokey/some-model"),
                List.of("--commit-every", "0"))) {
            Commands.Run r = Commands.spark(args("spark", "--model", "scripted/honest", "--trials", "1", "--master",
                    "local[2]", "--output", output, flags));
            assertThat(r.exit()).as(flags.toString()).isEqualTo(2);
            assertThat(r.err()).as(flags.toString()).startsWith("peerguard: ").doesNotContain("Exception");
        }
        assertThat(dir.resolve("sweep")).doesNotExist();
        // A directory that is not a sweep's output is not written into.
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        Commands.Run r = Commands.spark("spark", "--model", "scripted/honest", "--trials", "1", "--master", "local[2]",
                "--output", foreign.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("is not the output of a PeerGuard sweep");
    }

    private static List<Path> parquetFiles(String output) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(output))) {
            return files.filter(f -> f.toString().endsWith(".parquet")).sorted().toList();
        }
    }

    /** Command-line arguments from strings and lists of them. */
    static String[] args(Object... parts) {
        List<String> all = new ArrayList<>();
        for (Object o : parts) {
            if (o instanceof List<?> l) l.forEach(x -> all.add((String) x));
            else all.add((String) o);
        }
        return all.toArray(String[]::new);
    }
}
