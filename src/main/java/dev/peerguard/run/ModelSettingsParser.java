package dev.peerguard.run;

import dev.peerguard.model.Generation;
import dev.peerguard.model.ModelName;
import dev.peerguard.model.ModelSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The run-spec settings about calling models (generation, judge, interview, limits, prices, cache). */
final class ModelSettingsParser {
    private static final Set<String> GENERATION_KEYS = Set.of("temperature", "max_tokens", "reasoning_effort",
            "thinking_budget");

    private ModelSettingsParser() {}

    static ModelSettings parse(Map<String, SpecValue> in, List<String> models) {
        Generation generation = Generation.STUDY.with(generation(in));
        Map<String, Generation> perModel = perModel(in.get("model_settings"), models);
        Duration timeout = in.containsKey("call_timeout") && !in.get("call_timeout").isDefault()
                ? Duration.ofMillis((long) (in.get("call_timeout").number(1, 86_400,
                        "seconds per model call, e.g. 300") * 1000))
                : ModelSettings.DEFAULT_CALL_TIMEOUT;
        int retries = in.containsKey("max_retries") && !in.get("max_retries").isDefault()
                ? in.get("max_retries").integer(0) : ModelSettings.DEFAULT_MAX_RETRIES;
        double rpm = in.containsKey("max_rpm") && !in.get("max_rpm").isDefault()
                ? in.get("max_rpm").number(0.001, 1e9, "requests per minute per model, e.g. 500, or none") : 0;
        String judge = null;
        SpecValue j = in.get("judge");
        if (j != null && !j.isDefault()) {
            judge = j.text("a model such as " + ModelSettings.STUDY_JUDGE + ", or none");
            try {
                if (ModelName.parse(judge).scripted()) {
                    throw j.error("the judge must be a model, not a scripted agent; e.g. " + ModelSettings.STUDY_JUDGE);
                }
            } catch (ModelName.InvalidModelException e) {
                throw j.error(e.getMessage());
            }
        }
        for (String m : perModel.keySet()) {
            if (!models.contains(m) && !m.equals(judge)) {
                throw in.get("model_settings").error("has settings for '" + m + "', which is neither a model of "
                        + "this run (" + String.join(", ", models) + ") nor its judge");
            }
        }
        boolean followUp = in.containsKey("follow_up") && !in.get("follow_up").isDefault() && in.get("follow_up").bool();
        Path questions = path(in.get("follow_up_questions"), "a YAML file of interview questions, or default");
        Double maxCost = in.containsKey("max_cost") && !in.get("max_cost").isDefault()
                ? in.get("max_cost").number(1e-9, 1e12, "a cost limit in USD greater than 0, e.g. 25, or none")
                : null;
        Path prices = path(in.get("prices"), "a price table (YAML), or default");
        boolean cache = in.containsKey("cache") && !in.get("cache").isDefault() && in.get("cache").bool();
        try {
            return new ModelSettings(generation, perModel, timeout, retries, rpm, judge, followUp, questions,
                    maxCost, prices, cache);
        } catch (IllegalArgumentException e) {
            throw new SpecException(null, null, e.getMessage());
        }
    }

    /** The generation keys present among the settings (null fields for the absent ones). */
    private static Generation generation(Map<String, SpecValue> in) {
        Double temperature = null;
        Integer maxTokens = null;
        String effort = null;
        Integer budget = null;
        SpecValue v;
        if ((v = in.get("temperature")) != null && !v.isDefault()) {
            temperature = v.number(0, 2, "a temperature between 0 and 2 (the study used 1.0)");
        }
        if ((v = in.get("max_tokens")) != null && !v.isDefault()) maxTokens = v.integer(1);
        if ((v = in.get("reasoning_effort")) != null && !v.isDefault()) {
            effort = v.text("minimal, low, medium or high");
            if (!effort.matches("none|minimal|low|medium|high|xhigh")) {
                throw v.error("expected minimal, low, medium, high or default, got '" + effort + "'");
            }
        }
        if ((v = in.get("thinking_budget")) != null && !v.isDefault()) budget = v.integer(0);
        return new Generation(temperature, maxTokens, effort, budget);
    }

    private static Map<String, Generation> perModel(SpecValue v, List<String> models) {
        Map<String, Generation> out = new LinkedHashMap<>();
        if (v == null || v.isDefault()) return out;
        if (!(v.raw() instanceof Map<?, ?> map)) {
            throw v.error("expected a mapping of model to settings, e.g. {openai/gpt-5.2: {reasoning_effort: high}}");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String model = (String) e.getKey();
            SpecValue settings = (SpecValue) e.getValue();
            if (!(settings.raw() instanceof Map<?, ?> keys)) {
                throw settings.error("settings for " + model + " must be a mapping of " + GENERATION_KEYS);
            }
            Map<String, SpecValue> typed = new LinkedHashMap<>();
            for (Map.Entry<?, ?> k : keys.entrySet()) {
                if (!GENERATION_KEYS.contains((String) k.getKey())) {
                    throw ((SpecValue) k.getValue()).error("unknown setting '" + k.getKey() + "' for " + model
                            + "; per-model settings are " + String.join(", ", GENERATION_KEYS.stream().sorted()
                                    .toList()));
                }
                SpecValue inner = (SpecValue) k.getValue();
                typed.put((String) k.getKey(), new SpecValue((String) k.getKey(), inner.raw(), inner.file(),
                        inner.line()));
            }
            out.put(model, generation(typed));
        }
        return out;
    }

    private static Path path(SpecValue v, String expected) {
        if (v == null || v.isDefault()) return null;
        String t = v.text(expected);
        try {
            return Path.of(t);
        } catch (InvalidPathException e) {
            throw v.error("'" + t + "' is not a valid path: " + e.getReason());
        }
    }

    /** The settings as {@code run.yaml} lines, every one explicit. */
    static String toYaml(ModelSettings s) {
        StringBuilder y = new StringBuilder();
        Generation g = s.generation();
        y.append("temperature: ").append(g.temperature() == null ? "default" : g.temperature()).append('\n');
        y.append("max_tokens: ").append(g.maxTokens() == null ? "default" : g.maxTokens()).append('\n');
        y.append("reasoning_effort: ").append(g.reasoningEffort() == null ? "default" : g.reasoningEffort())
                .append('\n');
        y.append("thinking_budget: ").append(g.thinkingBudget() == null ? "default" : g.thinkingBudget())
                .append('\n');
        if (s.perModel().isEmpty()) {
            y.append("model_settings: {}\n");
        } else {
            y.append("model_settings:\n");
            s.perModel().forEach((m, mg) -> {
                y.append("  ").append(RunSpec.quote(m)).append(":");
                if (mg.toMap().isEmpty()) y.append(" {}");
                y.append('\n');
                mg.toMap().forEach((k, val) -> y.append("    ").append(k).append(": ").append(val).append('\n'));
            });
        }
        y.append("call_timeout: ").append(s.callTimeout().toMillis() / 1000.0).append('\n');
        y.append("max_retries: ").append(s.maxRetries()).append('\n');
        y.append("max_rpm: ").append(s.requestsPerMinute() == 0 ? "none" : s.requestsPerMinute()).append('\n');
        y.append("judge: ").append(s.judge() == null ? "none" : RunSpec.quote(s.judge())).append('\n');
        y.append("follow_up: ").append(s.followUp()).append('\n');
        y.append("follow_up_questions: ").append(s.followUpQuestions() == null ? "default"
                : RunSpec.quote(s.followUpQuestions().toString())).append('\n');
        y.append("max_cost: ").append(s.maxCostUsd() == null ? "none" : s.maxCostUsd()).append('\n');
        y.append("prices: ").append(s.prices() == null ? "default" : RunSpec.quote(s.prices().toString()))
                .append('\n');
        y.append("cache: ").append(s.cache()).append('\n');
        return y.toString();
    }
}
