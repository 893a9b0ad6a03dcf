package dev.peerguard.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.store.TrialRecord;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One trial as a row of a sweep's Parquet output: the columns of the run store's {@code trials} table, with the same
 * names, meanings and order, then the transcript (JSON text, as the store keeps it gzipped) and the executor host that
 * ran the trial. Booleans, numbers and the start time have Parquet's own types; outcome, reasons and judged fields are
 * JSON text, as in the store.
 */
final class TrialRows {
    /** The trial columns, in the store's order, then {@code transcript} and {@code host}. */
    static final StructType SCHEMA = new StructType()
            .add("trial_id", DataTypes.StringType, false)
            .add("model", DataTypes.StringType, false)
            .add("task", DataTypes.StringType)
            .add("subject", DataTypes.StringType)
            .add("condition", DataTypes.StringType)
            .add("instantiation", DataTypes.StringType)
            .add("dataset", DataTypes.StringType)
            .add("threshold", DataTypes.IntegerType)
            .add("mode", DataTypes.StringType)
            .add("org", DataTypes.StringType)
            .add("display_name", DataTypes.StringType)
            .add("scratchpad", DataTypes.BooleanType)
            .add("config_key", DataTypes.StringType)
            .add("trial_index", DataTypes.IntegerType, false)
            .add("seed", DataTypes.LongType, false)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType)
            .add("stop_reason", DataTypes.StringType)
            .add("iterations", DataTypes.IntegerType)
            .add("estimated_tokens", DataTypes.LongType)
            .add("input_tokens", DataTypes.LongType)
            .add("output_tokens", DataTypes.LongType)
            .add("started_at", DataTypes.TimestampType)
            .add("duration_ms", DataTypes.LongType)
            .add("outcome_json", DataTypes.StringType, false)
            .add("reasons_json", DataTypes.StringType, false)
            .add("cost_usd", DataTypes.DoubleType)
            .add("judged_fields", DataTypes.StringType)
            .add("transcript", DataTypes.StringType)
            .add("host", DataTypes.StringType);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CONFIG_TEXT = {"task", "subject", "condition", "instantiation", "dataset"};

    private TrialRows() {}

    /** The row of a finished trial, run on {@code host}. */
    static Row toRow(TrialRecord r, String host) {
        Map<String, Object> c = r.config();
        return new GenericRowWithSchema(new Object[] {r.id(), r.model(), text(c.get(CONFIG_TEXT[0])),
                text(c.get(CONFIG_TEXT[1])), text(c.get(CONFIG_TEXT[2])), text(c.get(CONFIG_TEXT[3])),
                text(c.get(CONFIG_TEXT[4])),
                c.get("threshold") instanceof Number n ? n.intValue() : null, text(c.get("mode")),
                text(c.get("org")), text(c.get("display_name")), Boolean.TRUE.equals(c.get("scratchpad")),
                text(c.get("key")), r.index(), r.seed(), r.status().id(), r.error(), r.stopReason(), r.iterations(),
                r.estimatedTokens(), r.inputTokens(), r.outputTokens(),
                r.startedAt() == null ? null : Timestamp.from(r.startedAt()), r.durationMs(), json(r.outcome()),
                json(r.reasons()), r.costUsd(), r.judgedFields() == null ? null : json(r.judgedFields()),
                r.transcript(), host}, SCHEMA);
    }

    /** The trial of a row, as the store would read it back (configuration as the store's plain data). */
    static TrialRecord toRecord(Row row) {
        Map<String, Object> config = new LinkedHashMap<>();
        for (String key : CONFIG_TEXT) config.put(key, row.getAs(key));
        config.put("threshold", row.<Integer>getAs("threshold"));
        config.put("mode", row.getAs("mode"));
        config.put("org", row.getAs("org"));
        config.put("display_name", row.getAs("display_name"));
        config.put("scratchpad", Boolean.TRUE.equals(row.getAs("scratchpad")));
        config.put("key", row.getAs("config_key"));
        Timestamp started = row.getAs("started_at");
        String judged = row.getAs("judged_fields");
        return new TrialRecord(row.getAs("trial_id"), row.getAs("model"), config, row.<Integer>getAs("trial_index"),
                row.<Long>getAs("seed"), "ok".equals(row.getAs("status")) ? TrialRecord.Status.OK
                        : TrialRecord.Status.ERROR,
                parse(row.getAs("outcome_json"), new TypeReference<Map<String, Object>>() {}),
                parse(row.getAs("reasons_json"), new TypeReference<Map<String, String>>() {}),
                row.getAs("stop_reason"), row.getAs("error"), orZero(row.<Integer>getAs("iterations")),
                orZero(row.<Long>getAs("estimated_tokens")), row.getAs("input_tokens"), row.getAs("output_tokens"),
                started == null ? null : started.toInstant(), orZero(row.<Long>getAs("duration_ms")),
                row.getAs("transcript"), row.getAs("cost_usd"),
                judged == null ? null : parse(judged, new TypeReference<List<String>>() {}));
    }

    /** The columns a Parquet dataset must have, with these types, to be read as trial rows; null when it does. */
    static String mismatch(StructType actual) {
        Map<String, DataType> columns = new LinkedHashMap<>();
        for (StructField f : actual.fields()) columns.put(f.name(), f.dataType());
        for (StructField field : SCHEMA.fields()) {
            DataType found = columns.get(field.name());
            if (found == null) return "it has no column '" + field.name() + "'";
            if (!found.equals(field.dataType())) {
                return "its column '" + field.name() + "' is " + found.simpleString() + ", not "
                        + field.dataType().simpleString();
            }
        }
        return null;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a trial's value as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a trial row's JSON column is malformed: " + e.getOriginalMessage(), e);
        }
    }
}
