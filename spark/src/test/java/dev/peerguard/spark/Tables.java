package dev.peerguard.spark;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The trials of a run store and of a sweep's Parquet output as comparable tables: trial id -> column -> value, with
 * the store's integers, booleans and Parquet's types made alike, and the transcript as text on both sides.
 */
final class Tables {
    /** Columns that differ between two runs of the same trials: when and how long, and where (Parquet only). */
    static final Set<String> TIMING_AND_HOST = Set.of("started_at", "duration_ms", "host");

    private Tables() {}

    /** Every row of a sweep's output, read in a session of its own. */
    static List<Row> parquet(String path) {
        SparkSession spark = SparkMain.session("local[2]");
        try {
            return spark.read().parquet(path).collectAsList();
        } finally {
            spark.stop();
        }
    }

    static Map<String, Map<String, Object>> ofRows(List<Row> rows) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (Row r : rows) {
            Map<String, Object> row = new TreeMap<>();
            for (String column : r.schema().fieldNames()) {
                if (!TIMING_AND_HOST.contains(column)) row.put(column, alike(r.getAs(column)));
            }
            if (out.put(r.getAs("trial_id"), row) != null) throw new AssertionError("two rows of " + r.getAs("trial_id"));
        }
        return out;
    }

    static Map<String, Map<String, Object>> ofStore(Path runDir) throws SQLException {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + runDir.resolve("store.sqlite"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT t.*, x.gz FROM trials t LEFT JOIN transcripts x USING (trial_id)")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new TreeMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String column = md.getColumnName(i);
                    if (column.equals("gz")) {
                        byte[] gz = rs.getBytes(i);
                        row.put("transcript", gz == null ? null : gunzip(gz));
                    } else if (!TIMING_AND_HOST.contains(column)) {
                        row.put(column, alike(rs.getObject(i)));
                    }
                }
                out.put(rs.getString("trial_id"), row);
            }
        }
        return out;
    }

    /** Whole numbers as longs and booleans as 0/1, as SQLite keeps them. */
    private static Object alike(Object v) {
        if (v instanceof Boolean b) return b ? 1L : 0L;
        if (v instanceof Integer || v instanceof Long || v instanceof Short) return ((Number) v).longValue();
        return v;
    }

    private static String gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
