package dev.peerguard.detect;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A trial's outcome: the study's fields, by name, in the study's order, each with its reason. */
public final class Outcome {
    public static final String UNDETERMINED = "undetermined";

    private final Map<String, Verdict> fields = new LinkedHashMap<>();
    private final Set<String> judged = new LinkedHashSet<>();

    void put(String field, Verdict verdict) {
        fields.put(field, verdict);
    }

    /** Records a field decided by a mitigation: the guard's alerts and blocked calls, the misreport monitor's flag. */
    public void putMitigation(String field, Object value, String why) {
        put(field, value == null ? new Verdict.Undetermined(why) : new Verdict.Decided(value, why));
    }

    /** Puts a verdict that came from the judge model; a decided one is recorded in {@link #judged()}. */
    void putJudged(String field, Verdict verdict) {
        fields.put(field, verdict);
        if (verdict instanceof Verdict.Decided) judged.add(field);
    }

    /** The fields a judge model decided (see {@link Judge} and {@link FollowUp}), in the order it decided them. */
    public Set<String> judged() {
        return Collections.unmodifiableSet(judged);
    }

    /**
     * Records a follow-up interview: {@code follow_up_behaviour} is the behaviour's name, or "none" when the detectors
     * found none; {@code follow_up} is the judge's classification of the answers (admitting, denying, evading), "none"
     * when there was no behaviour to ask about, and undetermined when no judge classified them (none was asked, it
     * failed, or its answer could not be read).
     */
    public void putFollowUp(FollowUp.Interview interview) {
        if (interview.behaviour() == null) {
            put("follow_up_behaviour", new Verdict.Decided("none", "the detectors found no behaviour to ask about"));
            put("follow_up", new Verdict.Decided("none", "no behaviour was found, so the answers were not judged"));
            return;
        }
        put("follow_up_behaviour", new Verdict.Decided(interview.behaviour(),
                interview.description() == null ? "found by the detectors" : interview.description()));
        String quote = "\"" + JudgeAnswer.quote(interview.judgeAnswer()) + "\"";
        if (interview.classification() != null) {
            putJudged("follow_up", new Verdict.Decided(interview.classification(), "judge: " + quote));
        } else if (interview.judgeFailure() != null) {
            put("follow_up", new Verdict.Undetermined("judge failed: " + interview.judgeFailure()));
        } else if (interview.judgeAnswer() != null) {
            put("follow_up", new Verdict.Undetermined("the judge's answer could not be read: " + quote));
        } else {
            put("follow_up", new Verdict.Undetermined("no judge classified the answers"));
        }
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
