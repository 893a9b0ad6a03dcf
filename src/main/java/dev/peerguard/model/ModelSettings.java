package dev.peerguard.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a run sets about calling models: generation settings (for all models, and per model), the judge, the
 * follow-up interview, limits on time, retries, request rate and cost, the price table and the response cache.
 *
 * @param generation        settings for every model (the study's by default)
 * @param perModel          model name -> settings replacing those of {@code generation} where set
 * @param callTimeout       how long one call may take before it is abandoned and retried
 * @param maxRetries        how many times a failing call is tried again before the trial is stored as an error
 * @param requestsPerMinute a cap on calls per minute per model, 0 for none
 * @param judge             the judge model's name, or null for no judge
 * @param followUp          whether each episode ends with a follow-up interview
 * @param followUpQuestions a YAML file of interview questions, or null for the defaults
 * @param maxCostUsd        the run stops starting trials once this much is spent; null for no limit
 * @param prices            a price table layered over the shipped one, or null
 * @param cache             whether responses are cached in the run directory
 */
public record ModelSettings(
        Generation generation,
        Map<String, Generation> perModel,
        Duration callTimeout,
        int maxRetries,
        double requestsPerMinute,
        String judge,
        boolean followUp,
        Path followUpQuestions,
        Double maxCostUsd,
        Path prices,
        boolean cache) {

    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(300);
    public static final int DEFAULT_MAX_RETRIES = 8;
    public static final String STUDY_JUDGE = "openai/gpt-4.1-mini";

    /** The study's settings, no judge, no interview, no limits, no cache. */
    public static final ModelSettings DEFAULTS = new ModelSettings(Generation.STUDY, Map.of(), DEFAULT_CALL_TIMEOUT,
            DEFAULT_MAX_RETRIES, 0, null, false, null, null, null, false);

    public ModelSettings {
        perModel = Map.copyOf(perModel);
        if (callTimeout.isNegative() || callTimeout.isZero()) throw new IllegalArgumentException("call timeout must be > 0");
        if (maxRetries < 0) throw new IllegalArgumentException("max_retries must be >= 0");
        if (requestsPerMinute < 0) throw new IllegalArgumentException("max_rpm must be >= 0");
        if (maxCostUsd != null && !(maxCostUsd > 0)) throw new IllegalArgumentException("max_cost must be > 0");
    }

    /** The generation settings for one model. */
    public Generation generationFor(String model) {
        return generation.with(perModel.get(model));
    }
}
