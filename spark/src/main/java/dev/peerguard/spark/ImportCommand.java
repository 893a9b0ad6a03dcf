package dev.peerguard.spark;

import dev.peerguard.run.RunSession;
import dev.peerguard.run.RunSpec;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.StoreWriter;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peerguard import-results}: a sweep's Parquet output turned into a normal run directory ({@code run.yaml} and
 * the SQLite store), so that {@code show}, {@code report}, {@code export} and {@code compare} work unchanged. Importing
 * into a run directory of the same sweep adds only the trials it lacks (an error is replaced by an outcome).
 */
@Command(name = "import-results", mixinStandardHelpOptions = true,
        description = "Import a Spark sweep's Parquet output into a run directory (run.yaml + store), adding only "
                + "the trials it does not hold yet.")
final class ImportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", description = "The sweep's output, as given to `peerguard spark --output`.")
    String path;

    @Option(names = "--into", required = true, paramLabel = "DIR", description = "The run directory to create or "
            + "add to.")
    Path into;

    @Override
    public Integer call() {
        Path specFile = into.resolve(RunSession.SPEC_FILE);
        if (!Files.exists(specFile) && !isEmptyOrMissing(into)) {
            throw new SparkMain.SparkInputException(into + " is not empty and is not a run directory (it has no "
                    + RunSession.SPEC_FILE + "); choose a new directory, or the run directory of this sweep");
        }
        SweepOutput source = new SweepOutput(SparkHadoopUtil.get().newConfiguration(new SparkConf()), path);
        if (!source.exists()) {
            throw new SparkMain.SparkInputException(path + " does not exist; give the --output of a `peerguard "
                    + "spark` job");
        }
        String yaml = source.spec().orElseThrow(() -> new SparkMain.SparkInputException(path + " is not the output "
                + "of a PeerGuard sweep (it has no " + SweepOutput.SPEC_FILE + ")"));
        if (!source.hasRows()) {
            throw new SparkMain.SparkInputException(path + " holds no trial rows (no Parquet files): its job ran no "
                    + "trial yet");
        }
        RunSpec spec = SweepSpec.parse(yaml, into.toString());
        SparkSession spark = SparkMain.session(SparkMain.configuredBySpark() ? null : "local[*]");
        try {
            Dataset<Row> rows = source.rows(spark);
            writeSpec(specFile, spec.toYaml());
            return store(rows, source.path(), spec);
        } finally {
            spark.stop();
        }
    }

    /**
     * Writes the sweep's spec as the directory's {@code run.yaml}; a directory of the same sweep keeps its own when
     * it has more trials per configuration.
     */
    private void writeSpec(Path specFile, String yaml) {
        try {
            if (Files.exists(specFile)) {
                String existing = Files.readString(specFile, StandardCharsets.UTF_8);
                String difference = SweepSpec.difference(existing, yaml);
                if (difference != null) {
                    throw new SparkMain.SparkInputException(into + " holds a run of another sweep (its spec differs: "
                            + difference + "); import into a new directory");
                }
                if (SweepSpec.trials(existing) >= SweepSpec.trials(yaml)) return;
            }
            Files.createDirectories(into);
            Files.writeString(specFile, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + specFile + ": " + e.getMessage(), e);
        }
    }

    /** Streams every row into the store; the store's writer keeps a trial's outcome over any error row. */
    private int store(Dataset<Row> rows, String source, RunSpec spec) {
        try (RunStore store = RunStore.open(into)) {
            Map<String, TrialRecord.Status> before = store.statuses();
            StoreWriter writer = store.writer();
            try {
                Iterator<Row> each = rows.toLocalIterator();
                while (each.hasNext()) writer.submit(TrialRows.toRecord(each.next()));
            } finally {
                writer.close();
            }
            Map<String, TrialRecord.Status> after = store.statuses();
            long added = after.keySet().stream().filter(id -> !before.containsKey(id)).count();
            long fixed = after.entrySet().stream().filter(e -> e.getValue() == TrialRecord.Status.OK
                    && before.get(e.getKey()) == TrialRecord.Status.ERROR).count();
            long already = before.values().stream().filter(s -> s == TrialRecord.Status.OK).count();
            long errors = after.values().stream().filter(s -> s == TrialRecord.Status.ERROR).count();
            int planned = spec.plan().size();
            System.out.printf("Imported %d new trials from %s, and %d outcomes in place of stored errors; %d "
                    + "outcomes were already in %s.%n", added, source, fixed, already, into);
            System.out.printf("%s now holds %d of the %d trials planned: %d outcomes, %d errors.%n", into,
                    after.size(), planned, after.size() - errors, errors);
            System.out.println("Run directory: " + into.toAbsolutePath().normalize());
            return 0;
        }
    }

    private static boolean isEmptyOrMissing(Path dir) {
        if (!Files.exists(dir)) return true;
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }
}
