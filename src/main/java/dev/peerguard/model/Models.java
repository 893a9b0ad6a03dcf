package dev.peerguard.model;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.scripted.ScriptedAgents;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a model name into an agent. Names follow Inspect AI: {@code provider/model}. Offline, the provider is
 * {@code scripted} (reference policies); HTTP providers come next.
 */
public final class Models {
    private Models() {}

    /** A model name that cannot be opened; the message says what would work. */
    public static final class UnknownModelException extends RuntimeException {
        public UnknownModelException(String message) {
            super(message);
        }
    }

    public static Agent open(String name, long seed) {
        String[] parts = name.split("/", 2);
        if (parts.length == 2 && parts[0].equals("scripted")) {
            try {
                return ScriptedAgents.open(parts[1], seed);
            } catch (IllegalArgumentException e) {
                throw new UnknownModelException("unknown model '" + name + "': " + e.getMessage());
            }
        }
        throw new UnknownModelException("unknown model '" + name + "': this build runs the scripted reference agents "
                + "only; valid models: " + String.join(", ", ScriptedAgents.POLICIES.stream()
                        .map(p -> "scripted/" + p).toList()));
    }

    private static final Map<String, String> FAMILIES = Map.ofEntries(
            Map.entry("gpt", "ChatGPT"), Map.entry("o1", "ChatGPT"), Map.entry("o3", "ChatGPT"),
            Map.entry("o4", "ChatGPT"), Map.entry("gemini", "Gemini"), Map.entry("claude", "Claude"),
            Map.entry("glm", "GLM"), Map.entry("deepseek", "DeepSeek"), Map.entry("kimi", "Kimi"),
            Map.entry("qwen", "Qwen"), Map.entry("llama", "Llama"), Map.entry("mistral", "Mistral"));

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
}
