package dev.peerguard.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** How a {@link TrialRecord} maps to and from the columns of {@code trials}. */
final class Rows {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The columns of {@code trials}, in the order {@link #bind} and {@link #read} use. */
    static final String COLUMNS = "trial_id, model, task, subject, condition, instantiation, dataset, threshold, mode, "
            + "org, display_name, scratchpad, config_key, trial_index, seed, status, error, stop_reason, iterations, "
            + "estimated_tokens, input_tokens, output_tokens, started_at, duration_ms, outcome_json, reasons_json, cost_usd, judged_fields";

    /** The configuration keys ({@code Configuration.toMap()}) kept in columns of the same name. */
    private static final String[] CONFIG_TEXT = {"task", "subject", "condition", "instantiation", "dataset"};

    // Fixed width (always six fraction digits) so that timestamps sort as text in SQL.
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Rows() {}

    /** A record made ready for the writer thread: serialised and compressed on the submitting thread. */
    record Prepared(TrialRecord record, String outcomeJson, String reasonsJson, byte[] transcriptGz) {
        static Prepared of(TrialRecord r) {
            return new Prepared(r, json(r.outcome()), json(r.reasons()),
                    r.transcript() == null ? null : gzip(r.transcript()));
        }
    }

    static void bind(PreparedStatement p, Prepared row) throws SQLException {
        TrialRecord r = row.record();
        Map<String, Object> c = r.config();
        int i = 1;
        p.setString(i++, r.id());
        p.setString(i++, r.model());
        for (String key : CONFIG_TEXT) p.setString(i++, text(c.get(key)));
        setLong(p, i++, c.get("threshold") instanceof Number n ? n.longValue() : null);
        p.setString(i++, text(c.get("mode")));
        p.setString(i++, text(c.get("org")));
        p.setString(i++, text(c.get("display_name")));
        p.setInt(i++, Boolean.TRUE.equals(c.get("scratchpad")) ? 1 : 0);
        p.setString(i++, text(c.get("key")));
        p.setInt(i++, r.index());
        p.setLong(i++, r.seed());
        p.setString(i++, r.status().id());
        p.setString(i++, r.error());
        p.setString(i++, r.stopReason());
        p.setInt(i++, r.iterations());
        p.setLong(i++, r.estimatedTokens());
        setLong(p, i++, r.inputTokens());
        setLong(p, i++, r.outputTokens());
        p.setString(i++, r.startedAt() == null ? null : TIME.format(r.startedAt()));
        p.setLong(i++, r.durationMs());
        p.setString(i++, row.outcomeJson());
        p.setString(i++, row.reasonsJson());
        if (r.costUsd() == null) p.setNull(i++, Types.REAL);
        else p.setDouble(i++, r.costUsd());
        p.setString(i, r.judgedFields() == null ? null : json(r.judgedFields()));
    }

    /** The record of the current row of a {@code SELECT COLUMNS}, with the given transcript (null: not loaded). */
    static TrialRecord read(ResultSet rs, String transcript) throws SQLException {
        Map<String, Object> config = new LinkedHashMap<>();
        for (String key : CONFIG_TEXT) config.put(key, rs.getString(key));
        config.put("threshold", integer(rs, "threshold"));
        config.put("mode", rs.getString("mode"));
        config.put("org", rs.getString("org"));
        config.put("display_name", rs.getString("display_name"));
        config.put("scratchpad", rs.getInt("scratchpad") != 0);
        config.put("key", rs.getString("config_key"));
        String started = rs.getString("started_at");
        double cost = rs.getDouble("cost_usd");
        Double costUsd = rs.wasNull() ? null : cost;
        String judged = rs.getString("judged_fields");
        return new TrialRecord(rs.getString("trial_id"), rs.getString("model"), config, rs.getInt("trial_index"),
                rs.getLong("seed"), rs.getString("status").equals("ok") ? TrialRecord.Status.OK
                        : TrialRecord.Status.ERROR,
                parse(rs.getString("outcome_json"), new TypeReference<Map<String, Object>>() {}),
                parse(rs.getString("reasons_json"), new TypeReference<Map<String, String>>() {}),
                rs.getString("stop_reason"), rs.getString("error"), rs.getInt("iterations"),
                rs.getLong("estimated_tokens"), longOrNull(rs, "input_tokens"), longOrNull(rs, "output_tokens"),
                started == null ? null : Instant.parse(started), rs.getLong("duration_ms"), transcript, costUsd,
                judged == null ? null : parse(judged, new TypeReference<List<String>>() {}));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot store a value as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored JSON column is malformed: " + e.getOriginalMessage(), e);
        }
    }

    static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static String gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored transcript is not valid gzip", e);
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static void setLong(PreparedStatement p, int i, Long value) throws SQLException {
        if (value == null) p.setNull(i, Types.INTEGER);
        else p.setLong(i, value);
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
