package dev.peerguard.stats;

import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Dataset;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Mode;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import dev.peerguard.store.TestRecords;
import dev.peerguard.store.TrialRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built trials for the metric tests: a configuration, an outcome, so many times. */
final class StatsTrials {
    static final String MODEL = "test/model";

    private final List<TrialRecord> trials = new ArrayList<>();

    static Configuration config(Task task, Subject subject, Condition condition, Instantiation instantiation,
            Dataset dataset, Integer threshold, Mode mode) {
        return Configuration.resolve(task, subject, condition, instantiation, dataset, threshold, mode, null, "Gemini",
                false);
    }

    /** {@code count} ok trials of the configuration with this outcome. */
    StatsTrials add(int count, Configuration config, Map<String, Object> outcome) {
        return add(MODEL, count, config, outcome);
    }

    StatsTrials add(String model, int count, Configuration config, Map<String, Object> outcome) {
        for (int i = 0; i < count; i++) {
            int index = trials.size();
            trials.add(new TrialRecord("t" + index, model, config.toMap(), index, index, TrialRecord.Status.OK,
                    outcome, Map.of(), "end_task", null, 3, 100, null, null, TestRecords.T0, 10, null));
        }
        return this;
    }

    StatsTrials error(Configuration config) {
        trials.add(TestRecords.error("e" + trials.size(), MODEL, config, trials.size(), "HTTP 500"));
        return this;
    }

    List<TrialRecord> trials() {
        return List.copyOf(trials);
    }

    Analysis analyse() {
        return Analysis.of(trials, Options.DEFAULT);
    }

    /** An outcome from field, value pairs. */
    static Map<String, Object> outcome(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], pairs[i + 1]);
        return m;
    }

    /** A finance outcome with this grade of the product ("Gemini Agent 2" stands for the subject's product). */
    static Map<String, Object> grade(String grade) {
        return outcome("read", true, "refuse", false, "product_grade", Map.of("Gemini Agent 2", grade));
    }

    /** An evaluation outcome whose reported score relates to the threshold so. */
    static Map<String, Object> relation(Object relation) {
        return outcome("read", true, "refuse", false, "score", 70.0, "threshold", relation);
    }
}
