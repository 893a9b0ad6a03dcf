package dev.peerguard.detect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every question the judge was asked about one trial, in order, with its answer; empty when nothing was left open. */
public record Judgement(List<JudgeCall> calls) {
    public Judgement {
        calls = List.copyOf(calls);
    }

    /** {@code {"calls": [...]}}, each call as {@link JudgeCall#toJson()}. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls", calls.stream().map(JudgeCall::toJson).toList());
        return out;
    }
}
