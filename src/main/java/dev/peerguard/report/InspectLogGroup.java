package dev.peerguard.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The trials of one Inspect log (one model on one task), tallied from the store's rows without their transcripts:
 * their ids in the store's order, and what the log's {@code results} and {@code stats} sections say about them.
 */
final class InspectLogGroup {
    private static final String UNDETERMINED = "undetermined";

    private final String model;
    private final String task;
    private final List<String> ids = new ArrayList<>();
    private final Set<String> configurations = new HashSet<>();
    private final Map<String, FieldTally> fields = new HashMap<>();
    private int errors;
    private long inputTokens;
    private long outputTokens;
    private boolean tokensReported;
    private Instant started;
    private Instant completed;

    InspectLogGroup(String model, String task) {
        this.model = model;
        this.task = task;
    }

    void add(TrialRecord t) {
        ids.add(t.id());
        configurations.add(String.valueOf(t.config().get("key")));
        if (t.status() == TrialRecord.Status.ERROR) errors++;
        t.outcome().forEach((field, value) -> fields.computeIfAbsent(field, f -> new FieldTally()).add(value));
        if (t.inputTokens() != null || t.outputTokens() != null) {
            tokensReported = true;
            inputTokens += t.inputTokens() == null ? 0 : t.inputTokens();
            outputTokens += t.outputTokens() == null ? 0 : t.outputTokens();
        }
        if (t.startedAt() != null) {
            Instant end = t.startedAt().plusMillis(t.durationMs());
            if (started == null || t.startedAt().isBefore(started)) started = t.startedAt();
            if (completed == null || end.isAfter(completed)) completed = end;
        }
    }

    String model() {
        return model;
    }

    String task() {
        return task;
    }

    List<String> ids() {
        return ids;
    }

    int samples() {
        return ids.size();
    }

    int errors() {
        return errors;
    }

    /** Distinct configurations among the trials: the "dataset" that the trials are epochs of. */
    int configurations() {
        return configurations.size();
    }

    /** When the first trial started; null when no trial recorded a time. */
    Instant started() {
        return started;
    }

    /**
     * Inspect's {@code results}: one EvalScore per outcome field (in the study's order), scored over the trials where
     * a rule decided it; booleans get the mean (the share of {@code true}) and its standard error, numbers their mean
     * and standard error, and other values (above/below, grades, ...) the share of each value.
     */
    void writeResults(JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("results");
        json.writeNumberField("total_samples", samples());
        json.writeNumberField("completed_samples", samples() - errors);
        json.writeArrayFieldStart("scores");
        List<String> order = new ArrayList<>(fields.keySet());
        order.sort(Comparator.comparingInt((String f) -> {
            int i = Export.OUTCOME_FIELDS.indexOf(f);
            return i < 0 ? Integer.MAX_VALUE : i;
        }).thenComparing(Comparator.naturalOrder()));
        for (String field : order) {
            FieldTally tally = fields.get(field);
            json.writeStartObject();
            json.writeStringField("name", field);
            json.writeStringField("scorer", field);
            json.writeNumberField("scored_samples", tally.decided);
            json.writeNumberField("unscored_samples", samples() - tally.decided);
            json.writeObjectFieldStart("params");
            json.writeEndObject();
            json.writeObjectFieldStart("metrics");
            tally.writeMetrics(json);
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** Inspect's {@code stats}: when the trials started and ended, and the tokens the model used. */
    void writeStats(JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("stats");
        if (started != null) {
            json.writeStringField("started_at", InspectLog.iso(started));
            json.writeStringField("completed_at", InspectLog.iso(completed));
        }
        json.writeObjectFieldStart("model_usage");
        if (tokensReported) {
            json.writeObjectFieldStart(model);
            InspectLogSample.writeUsage(json, inputTokens, outputTokens);
            json.writeEndObject();
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    /** One outcome field's decided values, summarised as they arrive. */
    private static final class FieldTally {
        private int decided;
        private int booleans;
        private int trues;
        private int numbers;
        private double numberSum;
        private double numberSquares;
        private final Map<String, Integer> categories = new TreeMap<>();

        void add(Object value) {
            if (UNDETERMINED.equals(value)) return;
            decided++;
            switch (value) {
                case Boolean b -> {
                    booleans++;
                    if (b) trues++;
                    categories.merge(b.toString(), 1, Integer::sum);
                }
                case Number n -> {
                    numbers++;
                    numberSum += n.doubleValue();
                    numberSquares += n.doubleValue() * n.doubleValue();
                }
                case Map<?, ?> m -> m.values().forEach(v -> categories.merge(String.valueOf(v), 1, Integer::sum));
                case null -> categories.merge("null", 1, Integer::sum);
                default -> categories.merge(value.toString(), 1, Integer::sum);
            }
        }

        void writeMetrics(JsonGenerator json) throws IOException {
            if (decided == 0) return;
            if (booleans == decided) {
                writeMeanAndStderr(json, booleans, trues, trues);
                return;
            }
            // A number mixed with other values (a score, or false when none was reported): the numbers' mean, and
            // the share of each other value.
            if (numbers > 0) writeMeanAndStderr(json, numbers, numberSum, numberSquares);
            for (Map.Entry<String, Integer> e : categories.entrySet()) {
                metric(json, e.getKey(), (double) e.getValue() / decided);
            }
        }

        /** Inspect's mean and stderr metrics: the sample mean and its standard error (sample variance / n). */
        private static void writeMeanAndStderr(JsonGenerator json, int n, double sum, double squares)
                throws IOException {
            double mean = sum / n;
            metric(json, "mean", mean);
            if (n > 1) {
                double variance = Math.max(0, (squares - n * mean * mean) / (n - 1));
                metric(json, "stderr", Math.sqrt(variance / n));
            }
        }

        private static void metric(JsonGenerator json, String name, double value) throws IOException {
            json.writeObjectFieldStart(name);
            json.writeStringField("name", name);
            json.writeNumberField("value", value);
            json.writeObjectFieldStart("params");
            json.writeEndObject();
            json.writeEndObject();
        }
    }
}
