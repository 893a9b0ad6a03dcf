package dev.peerguard.report;

import dev.peerguard.scenario.Configuration;
import dev.peerguard.store.TrialRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trial browser's index: one entry per trial, kept compact enough for 100,000 trials to load at once. It is
 * columnar (one array per column, not one object per trial) and dictionary-encoded: a trial refers to its model and
 * configuration by number, and each configuration (task, subject, condition, ...) is written once.
 *
 * <p>Its JSON form: {@code models} (named as the tables name them, see {@link #analysedModel}), {@code configs}
 * (each {@code [task, subject, condition, instantiation, dataset, threshold, mode, key]}), {@code stops} (stop
 * reasons), {@code outcomes} (labels of the outcome codes, {@link HtmlOutcome}), and the columns {@code id},
 * {@code model}, {@code config}, {@code index} (the trial's number in its configuration), {@code outcome},
 * {@code stop} and {@code iterations}. A trial's position is also its transcript's slot.
 */
final class HtmlIndex {
    private final Dictionary<String> models = new Dictionary<>();
    private final Dictionary<List<Object>> configs = new Dictionary<>();
    private final Dictionary<String> stops = new Dictionary<>();
    private final List<String> ids = new ArrayList<>();
    private final IntColumn model = new IntColumn();
    private final IntColumn config = new IntColumn();
    private final IntColumn index = new IntColumn();
    private final IntColumn outcome = new IntColumn();
    private final IntColumn stop = new IntColumn();
    private final IntColumn iterations = new IntColumn();

    void add(TrialRecord t) {
        Map<String, Object> c = t.config();
        ids.add(t.id());
        model.add(models.code(analysedModel(t.model(), c)));
        config.add(configs.code(Arrays.asList(c.get("task"), c.get("subject"), c.get("condition"),
                c.get("instantiation") == null ? "none" : c.get("instantiation"), c.get("dataset"),
                c.get("threshold"), c.get("mode"), c.get("key"))));
        index.add(t.index());
        outcome.add(HtmlOutcome.of(t).ordinal());
        stop.add(stops.code(t.stopReason() == null ? "" : t.stopReason()));
        iterations.add(t.iterations());
    }

    /**
     * The model as the tables name it: trials of the private-scratchpad variant or of another organisation than
     * OpenBrain are kept apart, e.g. {@code openai/gpt-5.2 (scratchpad)} ({@link dev.peerguard.stats.Analysis}).
     */
    static String analysedModel(String model, Map<String, Object> config) {
        StringBuilder sb = new StringBuilder(model);
        if (Boolean.TRUE.equals(config.get("scratchpad"))) sb.append(" (scratchpad)");
        Object org = config.get("org");
        if (org != null && !org.equals(Configuration.DEFAULT_ORG)) sb.append(" (org: ").append(org).append(')');
        return sb.toString();
    }

    /** The plain data the page reads. */
    Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("models", models.values());
        out.put("configs", configs.values());
        out.put("stops", stops.values());
        out.put("outcomes", Arrays.stream(HtmlOutcome.values()).map(HtmlOutcome::label).toList());
        out.put("id", ids);
        out.put("model", model.values());
        out.put("config", config.values());
        out.put("index", index.values());
        out.put("outcome", outcome.values());
        out.put("stop", stop.values());
        out.put("iterations", iterations.values());
        return out;
    }

    /** Distinct values in order of first appearance, each with its number. */
    private static final class Dictionary<T> {
        private final Map<T, Integer> codes = new HashMap<>();
        private final List<T> values = new ArrayList<>();

        int code(T value) {
            return codes.computeIfAbsent(value, v -> {
                values.add(v);
                return values.size() - 1;
            });
        }

        List<T> values() {
            return values;
        }
    }

    /** A growable column of ints (boxing 100,000 of them per column would be wasteful). */
    private static final class IntColumn {
        private int[] values = new int[1024];
        private int size;

        void add(int v) {
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = v;
        }

        int[] values() {
            return Arrays.copyOf(values, size);
        }
    }
}
