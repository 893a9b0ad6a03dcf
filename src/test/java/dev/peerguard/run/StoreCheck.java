package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.store.RunStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.sqlite.SQLiteConfig;

/**
 * Looks at a run store the way a fault test needs to: read-only (so that looking never checkpoints or otherwise
 * changes what the next resume will find), and with the store's consistency promises spelled out as SQL.
 */
final class StoreCheck {
    private StoreCheck() {}

    /** A read-only connection: it never writes the database, its WAL or its journal, even when closed last. */
    static Connection readOnly(Path dir) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        return config.createConnection("jdbc:sqlite:" + dir.resolve(RunStore.FILE).toAbsolutePath());
    }

    /** Trials stored so far, or 0 while the store does not exist yet or is being created. */
    static int storedIfReadable(Path dir) {
        if (!Files.exists(dir.resolve(RunStore.FILE))) return 0;
        try (Connection c = readOnly(dir); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM trials")) {
            return rs.getInt(1);
        } catch (SQLException stillBeingCreated) {
            return 0;
        }
    }

    /**
     * Asserts that the store is a sound SQLite file holding only whole trials: every {@code ok} trial has its
     * transcript and exactly the outcome fields its {@code outcome_json} names; no field or transcript without its
     * trial. Returns the trials stored (0 when there is no store yet).
     */
    static int assertConsistent(Path dir) throws SQLException {
        if (!Files.exists(dir.resolve(RunStore.FILE))) return 0;
        try (Connection c = readOnly(dir); Statement s = c.createStatement()) {
            assertThat(text(s, "PRAGMA integrity_check")).as("integrity of %s", dir).isEqualTo("ok");
            if (text(s, "SELECT count(*) FROM sqlite_master WHERE name = 'trials'").equals("0")) {
                return 0; // killed before the tables were created: the next open creates them
            }
            assertThat(text(s, "SELECT count(*) FROM trials t WHERE status = 'ok' AND (NOT EXISTS (SELECT 1 FROM "
                    + "transcripts x WHERE x.trial_id = t.trial_id) OR (SELECT count(*) FROM outcome_fields f "
                    + "WHERE f.trial_id = t.trial_id) != (SELECT count(*) FROM json_each(t.outcome_json)))"))
                    .as("trials without their transcript or outcome fields").isEqualTo("0");
            assertThat(text(s, "SELECT count(*) FROM outcome_fields f WHERE NOT EXISTS (SELECT 1 FROM trials t "
                    + "WHERE t.trial_id = f.trial_id AND t.status = 'ok')"))
                    .as("outcome fields without their trial").isEqualTo("0");
            assertThat(text(s, "SELECT count(*) FROM transcripts x WHERE NOT EXISTS (SELECT 1 FROM trials t "
                    + "WHERE t.trial_id = x.trial_id)")).as("transcripts without their trial").isEqualTo("0");
            return Integer.parseInt(text(s, "SELECT count(*) FROM trials"));
        }
    }

    /** Stored trial id -> when it started: a trial that keeps its start time was neither lost nor run again. */
    static Map<String, String> startTimes(Path dir) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir.resolve(RunStore.FILE))) return out;
        try (Connection c = readOnly(dir); Statement s = c.createStatement()) {
            if (text(s, "SELECT count(*) FROM sqlite_master WHERE name = 'trials'").equals("0")) return out;
            try (ResultSet rs = s.executeQuery("SELECT trial_id, started_at FROM trials")) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /**
     * Trial id -> everything stored about it except timings: the trial's columns, its outcome fields and its
     * transcript. Two runs of the same spec with scripted agents store equal contents.
     */
    static Map<String, String> contents(Path dir) throws SQLException {
        Map<String, StringBuilder> out = new TreeMap<>();
        try (Connection c = readOnly(dir); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT trial_id, model, task, subject, condition, instantiation, "
                    + "dataset, threshold, mode, org, display_name, scratchpad, config_key, trial_index, seed, status, "
                    + "error, stop_reason, iterations, estimated_tokens, input_tokens, output_tokens, outcome_json, "
                    + "reasons_json, cost_usd, judged_fields FROM trials")) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 2; i <= columns; i++) row.append(rs.getString(i)).append('|');
                    assertThat(out.put(rs.getString(1), row)).as("trial %s stored twice", rs.getString(1)).isNull();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT trial_id, field, value, value_bool, value_num, determined, "
                    + "reason FROM outcome_fields ORDER BY trial_id, field")) {
                while (rs.next()) {
                    out.get(rs.getString(1)).append("\n").append(rs.getString(2)).append('=').append(rs.getString(3))
                            .append('|').append(rs.getString(4)).append('|').append(rs.getString(5)).append('|')
                            .append(rs.getString(6)).append('|').append(rs.getString(7));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT trial_id, gz FROM transcripts")) {
                while (rs.next()) out.get(rs.getString(1)).append("\ntranscript ").append(gunzip(rs.getBytes(2)));
            }
        }
        Map<String, String> result = new TreeMap<>();
        out.forEach((id, row) -> result.put(id, row.toString()));
        return result;
    }

    private static String gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored transcript is not valid gzip", e);
        }
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
