package dev.peerguard.model;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.googleai.GeminiThinkingConfig;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.data.message.UserMessage;
import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Usage;
import dev.peerguard.agent.scripted.ScriptedAgents;
import dev.peerguard.detect.JudgeModel;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns model names into agents for one run (or one episode). Scripted agents are made directly; a model behind an
 * API gets one {@link ModelClient} per run, shared by all its trials, so that its concurrency limit, rate cap, spend
 * and cache are the run's, not the trial's. Keys come from the environment and are kept only in memory.
 */
public final class Models implements AutoCloseable {
    private final ModelSettings settings;
    private final Map<String, String> env;
    private final Prices prices;
    private final Spend spend;
    private final ResponseCache cache;
    private final Secrets secrets = new Secrets();
    private final Map<String, ModelClient> clients = new ConcurrentHashMap<>();
    private final Map<String, Integer> concurrency;
    private final ModelClient.Backoff backoff;

    Models(ModelSettings settings, Map<String, String> env, Path cacheFile, Map<String, Integer> concurrency,
            ModelClient.Backoff backoff) {
        this.settings = settings;
        this.env = Map.copyOf(env);
        this.prices = settings.prices() == null ? Prices.defaults() : Prices.load(settings.prices());
        this.spend = new Spend(prices, settings.maxCostUsd());
        this.cache = settings.cache() && cacheFile != null ? ResponseCache.open(cacheFile) : null;
        this.concurrency = Map.copyOf(concurrency);
        this.backoff = backoff;
    }

    /**
     * Models for a run: settings from its spec, keys and base URLs from {@code env} (the process environment), the
     * response cache (when on) in {@code runDir/responses.sqlite}, and each model's concurrency limit (the most calls
     * in flight).
     */
    public static Models forRun(ModelSettings settings, Map<String, String> env, Path runDir,
            Map<String, Integer> concurrency) {
        return new Models(settings, env, runDir == null ? null : runDir.resolve("responses.sqlite"), concurrency,
                ModelClient.Backoff.DEFAULT);
    }

    /** Models for a single episode with the study's settings and keys from the process environment. */
    public static Models forEpisode() {
        return forRun(ModelSettings.DEFAULTS, System.getenv(), null, Map.of());
    }

    /**
     * Checks, before any trial starts (and before a run directory is made), that every model and the judge can be
     * opened: names are valid, keys and base URLs are set, and with a cost limit every price is known.
     *
     * @throws ModelName.InvalidModelException or IllegalArgumentException saying what to set
     */
    public static void check(ModelSettings settings, Collection<String> models, Map<String, String> env) {
        Set<String> all = new LinkedHashSet<>(models);
        if (settings.judge() != null) {
            if (ModelName.parse(settings.judge()).scripted()) {
                throw new ModelName.InvalidModelException("the judge must be a model, not a scripted agent ('"
                        + settings.judge() + "'); e.g. --judge " + ModelSettings.STUDY_JUDGE);
            }
            all.add(settings.judge());
        }
        for (String m : all) ModelName.parse(m).endpoint(env);
        if (settings.maxCostUsd() != null) {
            Spend.requirePrices(settings.prices() == null ? Prices.defaults() : Prices.load(settings.prices()), all);
        }
    }

    /** {@link #check(ModelSettings, Collection, Map)} with this instance's settings and environment. */
    public void check(Collection<String> models) {
        check(settings, models, env);
    }

    /** A fresh agent for one trial. */
    public Agent agent(String model, long seed) {
        ModelName name = ModelName.parse(model);
        if (name.scripted()) return ScriptedAgents.open(name.model(), seed);
        return new ChatAgent(client(model, settings.generationFor(model)), seed);
    }

    /**
     * The judge, asked one user message per question at temperature 0, its usage added to the trial's meter; null
     * when the run has no judge. A scripted "judge" is refused by {@link #check}: only a model can judge.
     */
    public JudgeModel judge(Meter meter) {
        if (settings.judge() == null) return null;
        ModelClient client = client("judge:" + settings.judge(), Generation.JUDGE.with(settings.perModel()
                .get(settings.judge())));
        return prompt -> {
            ModelClient.Reply r = client.chat(List.of(UserMessage.from(prompt)), List.of(), 0);
            meter.add(new Usage(r.inputTokens(), r.outputTokens(), r.cached(), r.costUsd()));
            String text = r.message().text();
            return text == null ? "" : text;
        };
    }

    public Spend spend() {
        return spend;
    }

    public Secrets secrets() {
        return secrets;
    }

    private ModelClient client(String key, Generation generation) {
        return clients.computeIfAbsent(key, k -> {
            String model = k.startsWith("judge:") ? k.substring("judge:".length()) : k;
            ModelName name = ModelName.parse(model);
            ModelName.Endpoint endpoint = name.endpoint(env);
            secrets.add(endpoint.apiKey());
            ChatModel chat = chatModel(name, endpoint, generation);
            int max = concurrency.getOrDefault(model, 5);
            return new ModelClient(model, chat, generation.toString(), max, settings.requestsPerMinute(),
                    settings.maxRetries(), backoff, spend, prices, cache, secrets);
        });
    }

    private ChatModel chatModel(ModelName name, ModelName.Endpoint e, Generation g) {
        var http = Http.builder(settings.callTimeout(), secrets);
        return switch (e.format()) {
            case OPENAI -> {
                var b = OpenAiChatModel.builder().httpClientBuilder(http).baseUrl(e.baseUrl()).apiKey(e.apiKey())
                        .modelName(e.model()).temperature(g.temperature()).maxRetries(0).returnThinking(true)
                        .timeout(settings.callTimeout());
                // OpenAI's own reasoning models take max_completion_tokens; compatible servers know max_tokens.
                if (name.provider().equals("openai")) b.maxCompletionTokens(g.maxTokens());
                else b.maxTokens(g.maxTokens());
                if (g.reasoningEffort() != null) b.reasoningEffort(g.reasoningEffort());
                yield b.build();
            }
            case ANTHROPIC -> {
                var b = AnthropicChatModel.builder().httpClientBuilder(http).baseUrl(e.baseUrl()).apiKey(e.apiKey())
                        .modelName(e.model()).temperature(g.temperature()).maxTokens(g.maxTokens()).maxRetries(0)
                        .timeout(settings.callTimeout());
                if (g.thinkingBudget() != null && g.thinkingBudget() > 0) {
                    b.thinkingType("enabled").thinkingBudgetTokens(g.thinkingBudget()).returnThinking(true)
                            .sendThinking(true);
                }
                yield b.build();
            }
            case GEMINI -> {
                var b = GoogleAiGeminiChatModel.builder().httpClientBuilder(http).baseUrl(e.baseUrl())
                        .apiKey(e.apiKey()).modelName(e.model()).temperature(g.temperature())
                        .maxOutputTokens(g.maxTokens()).maxRetries(0).timeout(settings.callTimeout())
                        .returnThinking(true).sendThinking(true);
                if (g.thinkingBudget() != null || g.reasoningEffort() != null) {
                    var t = GeminiThinkingConfig.builder().includeThoughts(true);
                    if (g.thinkingBudget() != null) t.thinkingBudget(g.thinkingBudget());
                    if (g.reasoningEffort() != null) t.thinkingLevel(g.reasoningEffort().toLowerCase(Locale.ROOT));
                    b.thinkingConfig(t.build());
                }
                yield b.build();
            }
            case SCRIPTED -> throw new IllegalStateException("scripted agents need no client");
        };
    }

    /**
     * The display name {@code {M}} the prompts use for a model: the study's names for its families (ChatGPT, Gemini,
     * Claude, GLM, DeepSeek, Kimi), "Scripted" for the reference agents, otherwise the model's family capitalised.
     */
    public static String displayName(String name) {
        if (name.startsWith("scripted/")) return "Scripted";
        String model = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> e : FAMILIES.entrySet()) {
            if (model.startsWith(e.getKey())) return e.getValue();
        }
        String family = model.split("[-_.:0-9]", 2)[0];
        if (family.isEmpty()) family = model;
        return family.substring(0, 1).toUpperCase(Locale.ROOT) + family.substring(1);
    }

    private static final Map<String, String> FAMILIES = Map.ofEntries(
            Map.entry("gpt", "ChatGPT"), Map.entry("o1", "ChatGPT"), Map.entry("o3", "ChatGPT"),
            Map.entry("o4", "ChatGPT"), Map.entry("gemini", "Gemini"), Map.entry("claude", "Claude"),
            Map.entry("glm", "GLM"), Map.entry("deepseek", "DeepSeek"), Map.entry("kimi", "Kimi"),
            Map.entry("qwen", "Qwen"), Map.entry("llama", "Llama"), Map.entry("mistral", "Mistral"));

    @Override
    public void close() {
        if (cache != null) cache.close();
    }
}
