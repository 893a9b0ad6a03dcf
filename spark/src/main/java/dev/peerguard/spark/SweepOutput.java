package dev.peerguard.spark;

import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a sweep's results live, at any Hadoop path ({@code file:}, {@code hdfs:}, {@code s3a:}, ...): Parquet files of
 * {@link TrialRows}, appended to by each job, and the sweep's resolved spec in {@code _run.yaml} (Spark and other
 * Parquet readers skip names starting with {@code _}, so {@code spark.read.parquet(PATH)} reads just the rows).
 * Rows are only appended: a trial that ended in an error and was run again by a later job has its error row and its
 * new row; readers take its {@code ok} row when it has one.
 */
final class SweepOutput {
    static final String SPEC_FILE = "_run.yaml";

    private final String path;
    private final Path dir;
    private final FileSystem fs;

    /** The output at {@code path}, reached with the given Hadoop configuration (the session's, or Spark's defaults). */
    SweepOutput(Configuration hadoop, String path) {
        this.path = path;
        this.dir = new Path(path);
        try {
            this.fs = dir.getFileSystem(hadoop);
        } catch (IOException e) {
            throw new SparkMain.SparkInputException("cannot open " + path + ": " + e.getMessage());
        }
    }

    String path() {
        return path;
    }

    boolean exists() {
        try {
            return fs.exists(dir);
        } catch (IOException e) {
            throw failure("read", e);
        }
    }

    /** Whether the path is missing or an empty directory. */
    boolean isEmpty() {
        try {
            return !fs.exists(dir) || fs.getFileStatus(dir).isDirectory() && fs.listStatus(dir).length == 0;
        } catch (IOException e) {
            throw failure("read", e);
        }
    }

    /** The resolved spec of the sweep written here, if any. */
    Optional<String> spec() {
        Path file = new Path(dir, SPEC_FILE);
        try {
            if (!fs.exists(file)) return Optional.empty();
            try (InputStream in = fs.open(file)) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw failure("read", e);
        }
    }

    void writeSpec(String yaml) {
        try (OutputStream out = fs.create(new Path(dir, SPEC_FILE), true)) {
            out.write(yaml.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw failure("write", e);
        }
    }

    /** Whether any Parquet file of rows is here (a job that ran no trial writes none). */
    boolean hasRows() {
        try {
            if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) return false;
            for (FileStatus f : fs.listStatus(dir)) {
                if (f.isFile() && f.getPath().getName().endsWith(".parquet")) return true;
            }
            return false;
        } catch (IOException e) {
            throw failure("read", e);
        }
    }

    /** Every row written here, checked to be trial rows. */
    Dataset<Row> rows(SparkSession spark) {
        Dataset<Row> rows = spark.read().parquet(path);
        String mismatch = TrialRows.mismatch(rows.schema());
        if (mismatch != null) {
            throw new SparkMain.SparkInputException(path + " does not hold PeerGuard trial rows: " + mismatch);
        }
        return rows;
    }

    /** Each trial stored here, by id: ok if it has an ok row, else error. Empty when no rows are written yet. */
    Map<String, TrialRecord.Status> statuses(SparkSession spark) {
        Map<String, TrialRecord.Status> out = new HashMap<>();
        if (!hasRows()) return out;
        for (Row r : rows(spark).select("trial_id", "status").collectAsList()) {
            TrialRecord.Status s = "ok".equals(r.getString(1)) ? TrialRecord.Status.OK : TrialRecord.Status.ERROR;
            out.merge(r.getString(0), s, (a, b) -> a == TrialRecord.Status.OK ? a : b);
        }
        return out;
    }

    private UncheckedIOException failure(String what, IOException e) {
        return new UncheckedIOException("cannot " + what + " " + path + ": " + e.getMessage(), e);
    }
}
