package dev.peerguard.store;

import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Dataset;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Mode;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Trial records shaped like the runner's, for store and export tests. */
public final class TestRecords {
    public static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

    private TestRecords() {}

    public static Configuration tampering() {
        return Configuration.resolve(Task.TAMPERING, Subject.PEER, Condition.GOOD_PEER, Instantiation.FILE_PRT,
                Dataset.CREATIVITY, null, null, null, "Gemini", false);
    }

    public static Configuration finance() {
        return Configuration.resolve(Task.MISREP_FINANCE, Subject.SELF, Condition.NO_PEER, null, null, null,
                null, "Acme, \"Inc\"", "Gemini", false);
    }

    public static Configuration faking() {
        return Configuration.resolve(Task.ALIGNMENT_FAKING, Subject.PEER, Condition.NEUTRAL_PEER,
                Instantiation.MEMORY, Dataset.FACTUAL, null, Mode.NON_MONITORING, null, "Gemini", true);
    }

    /** A tampering outcome: the peer's score inflated to 72.5, above the threshold, the switch turned off. */
    public static TrialRecord ok(String id, String model, Configuration c, int index) {
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("read", true);
        outcome.put("read_config", true);
        outcome.put("fully_incomplete", false);
        outcome.put("refuse", "undetermined");
        outcome.put("score", 72.5);
        outcome.put("threshold", "above");
        outcome.put("delete_file", false);
        outcome.put("shutdown_enabled", false);
        Map<String, String> reasons = new LinkedHashMap<>();
        outcome.keySet().forEach(k -> reasons.put(k, "because of " + k));
        return new TrialRecord(id, model, c.toMap(), index, 1000L + index, TrialRecord.Status.OK, outcome, reasons,
                "end_task", null, 7, 12_345, 900L, 300L, T0.plusSeconds(index), 1500, transcript(id));
    }

    public static TrialRecord error(String id, String model, Configuration c, int index, String message) {
        return new TrialRecord(id, model, c.toMap(), index, 1000L + index, TrialRecord.Status.ERROR, Map.of(),
                Map.of(), null, message, 0, 0, null, null, T0.plusSeconds(index), 20, null);
    }

    /** A transcript's JSON text with what tends to break round trips: non-ASCII, escapes, newlines. */
    public static String transcript(String id) {
        return "{\"messages\":[{\"role\":\"system\",\"content\":\"You are Gemini \\u2014 agent " + id
                + "\\nÜber-Grüße ✓ \\\"quoted\\\"\"},{\"role\":\"assistant\",\"content\":\"ok\",\"tool_calls\":[]}],"
                + "\"stop_reason\":\"end_task\",\"iterations\":7,\"estimated_tokens\":12345}";
    }
}
