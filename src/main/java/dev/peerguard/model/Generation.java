package dev.peerguard.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a model is asked to generate: temperature, the cap on output tokens, and reasoning where the provider has it
 * ({@code reasoningEffort} for OpenAI-style reasoning models: minimal, low, medium, high; {@code thinkingBudget}
 * in tokens for Anthropic's extended thinking and Gemini's thinking). A null field means "the provider's default".
 */
public record Generation(Double temperature, Integer maxTokens, String reasoningEffort, Integer thinkingBudget) {
    /** The study's settings: temperature 1.0, at most 8,192 output tokens. */
    public static final Generation STUDY = new Generation(1.0, 8192, null, null);
    /** The study's judge: temperature 0. */
    public static final Generation JUDGE = new Generation(0.0, 2048, null, null);

    public Generation {
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, got " + temperature);
        }
        if (maxTokens != null && maxTokens < 1) throw new IllegalArgumentException("max_tokens must be >= 1");
        if (reasoningEffort != null && !reasoningEffort.matches("none|minimal|low|medium|high|xhigh")) {
            throw new IllegalArgumentException("reasoning_effort must be one of none, minimal, low, medium, high, "
                    + "xhigh; got '" + reasoningEffort + "'");
        }
        if (thinkingBudget != null && thinkingBudget < 0) {
            throw new IllegalArgumentException("thinking_budget must be >= 0 tokens");
        }
    }

    /** These settings with the other's non-null fields taking their place. */
    public Generation with(Generation other) {
        if (other == null) return this;
        return new Generation(
                other.temperature != null ? other.temperature : temperature,
                other.maxTokens != null ? other.maxTokens : maxTokens,
                other.reasoningEffort != null ? other.reasoningEffort : reasoningEffort,
                other.thinkingBudget != null ? other.thinkingBudget : thinkingBudget);
    }

    /** The set fields, keyed as in a run spec. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (temperature != null) m.put("temperature", temperature);
        if (maxTokens != null) m.put("max_tokens", maxTokens);
        if (reasoningEffort != null) m.put("reasoning_effort", reasoningEffort);
        if (thinkingBudget != null) m.put("thinking_budget", thinkingBudget);
        return m;
    }
}
