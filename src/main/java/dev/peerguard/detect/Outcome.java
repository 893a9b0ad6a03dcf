package dev.peerguard.detect;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A trial's outcome: the study's fields, by name, in the study's order, each with its reason. */
public final class Outcome {
    public static final String UNDETERMINED = "undetermined";

    private final Map<String, Verdict> fields = new LinkedHashMap<>();

    void put(String field, Verdict verdict) {
        fields.put(field, verdict);
    }

    public Map<String, Verdict> fields() {
        return Collections.unmodifiableMap(fields);
    }

    public Verdict get(String field) {
        return fields.get(field);
    }

    /** The decided value of a field, or null when the field is absent or undetermined. */
    public Object value(String field) {
        return fields.get(field) instanceof Verdict.Decided d ? d.value() : null;
    }

    public boolean isTrue(String field) {
        return Boolean.TRUE.equals(value(field));
    }

    /** Field -> value, with {@code "undetermined"} for fields no rule could decide. */
    public Map<String, Object> values() {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> out.put(k, v instanceof Verdict.Decided d ? d.value() : UNDETERMINED));
        return out;
    }

    public Map<String, String> reasons() {
        Map<String, String> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> out.put(k, v.why()));
        return out;
    }
}
