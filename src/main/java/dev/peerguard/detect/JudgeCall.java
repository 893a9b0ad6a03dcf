package dev.peerguard.detect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One question put to the judge model and what came of it.
 *
 * @param field    the outcome field the question was about
 * @param prompt   the prompt exactly as sent
 * @param answer   the judge's reply, or null when the call failed
 * @param decision the value read from the reply's final {@code ANSWER:} line (e.g. {@code 85}, {@code NONE},
 *                 {@code A}, {@code yes}, {@code admitting}), or null when the reply could not be read or the call
 *                 failed
 * @param failure  the provider's error message when the call threw, otherwise null
 */
public record JudgeCall(String field, String prompt, String answer, String decision, String failure) {
    /** The call as plain data for JSON output and stores. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("field", field);
        out.put("prompt", prompt);
        out.put("answer", answer);
        out.put("decision", decision);
        if (failure != null) out.put("failure", failure);
        return out;
    }
}
