package dev.peerguard.model;

import dev.peerguard.agent.scripted.ScriptedAgents;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A model name as users type it, after Inspect AI: {@code provider/model}. It says which wire format the model
 * speaks, where its endpoint is and which environment variables hold its key and base URL.
 *
 * <ul>
 *   <li>{@code openai/<model>}, {@code anthropic/<model>}, {@code google/<model>}: the providers' own APIs;</li>
 *   <li>{@code openai-api/<provider>/<model>}: any OpenAI-compatible endpoint, configured by
 *       {@code <PROVIDER>_BASE_URL} and {@code <PROVIDER>_API_KEY};</li>
 *   <li>{@code ollama/<model>}, {@code vllm/<model>}, {@code llamacpp/<model>}: local OpenAI-compatible servers on
 *       their usual ports (no key needed);</li>
 *   <li>{@code scripted/<policy>}: the offline reference agents.</li>
 * </ul>
 *
 * @param name      the full name as given
 * @param provider  the first part: openai, anthropic, google, openai-api, ollama, vllm, llamacpp or scripted
 * @param vendor    for {@code openai-api}, the provider part ({@code deepseek} in {@code openai-api/deepseek/x}); else null
 * @param model     the model id the endpoint expects
 */
public record ModelName(String name, String provider, String vendor, String model) {
    /** The three wire formats PeerGuard speaks. */
    public enum Format { OPENAI, ANTHROPIC, GEMINI, SCRIPTED }

    /** Where a model is served and how to authenticate; the key is a secret and never printed. */
    public record Endpoint(Format format, String baseUrl, String apiKey, String model) {
        @Override
        public String toString() {
            return "Endpoint[" + format + ", " + baseUrl + ", " + model + "]";
        }
    }

    /** A model name that cannot be used; the message says what would work. */
    public static final class InvalidModelException extends RuntimeException {
        public InvalidModelException(String message) {
            super(message);
        }
    }

    private record Local(String prefix, String defaultUrl) {}

    private static final Map<String, Local> LOCAL = Map.of(
            "ollama", new Local("OLLAMA", "http://localhost:11434/v1"),
            "vllm", new Local("VLLM", "http://localhost:8000/v1"),
            "llamacpp", new Local("LLAMACPP", "http://localhost:8080/v1"));

    static final List<String> PROVIDERS = List.of("openai", "anthropic", "google", "openai-api", "ollama", "vllm",
            "llamacpp", "scripted");

    private static final String EXAMPLES = "e.g. openai/gpt-5.2, anthropic/claude-haiku-4-5, google/gemini-3-pro-preview, "
            + "openai-api/deepseek/deepseek-chat, ollama/qwen3:8b, scripted/peer-preserving";

    /** Parses a name, checking its syntax only (keys are checked by {@link #endpoint}). */
    public static ModelName parse(String name) {
        if (name == null || name.isBlank()) throw new InvalidModelException("empty model name; " + EXAMPLES);
        String[] parts = name.split("/", 2);
        if (parts.length < 2 || parts[1].isBlank()) {
            throw new InvalidModelException("model '" + name + "' has no provider: names are provider/model, "
                    + EXAMPLES);
        }
        String provider = parts[0];
        String rest = parts[1];
        switch (provider) {
            case "scripted" -> {
                if (!ScriptedAgents.POLICIES.contains(rest)) {
                    throw new InvalidModelException("unknown model '" + name + "': the scripted policies are "
                            + String.join(", ", ScriptedAgents.POLICIES) + " (as scripted/<policy>, e.g. "
                            + "scripted/honest)");
                }
                return new ModelName(name, provider, null, rest);
            }
            case "openai-api" -> {
                String[] vm = rest.split("/", 2);
                if (vm.length < 2 || vm[0].isBlank() || vm[1].isBlank()) {
                    throw new InvalidModelException("model '" + name + "': OpenAI-compatible endpoints are named "
                            + "openai-api/<provider>/<model>, e.g. openai-api/deepseek/deepseek-chat (base URL and "
                            + "key from DEEPSEEK_BASE_URL and DEEPSEEK_API_KEY)");
                }
                if (!vm[0].matches("[A-Za-z][A-Za-z0-9_-]*")) {
                    throw new InvalidModelException("model '" + name + "': the provider part '" + vm[0]
                            + "' must be letters, digits, '-' or '_' (it names the variables "
                            + envPrefix(vm[0].replaceAll("[^A-Za-z0-9]", "_")) + "_BASE_URL and _API_KEY)");
                }
                return new ModelName(name, provider, vm[0], vm[1]);
            }
            case "openai", "anthropic", "google", "ollama", "vllm", "llamacpp" -> {
                return new ModelName(name, provider, null, rest);
            }
            default -> throw new InvalidModelException("unknown provider '" + provider + "' in model '" + name
                    + "'; providers: " + String.join(", ", PROVIDERS) + "; " + EXAMPLES);
        }
    }

    public boolean scripted() {
        return provider.equals("scripted");
    }

    /** Local servers and scripted agents run on the user's own machine. */
    public boolean local() {
        return scripted() || LOCAL.containsKey(provider);
    }

    /**
     * The endpoint from the environment: the key from the provider's variable and the base URL from its
     * {@code _BASE_URL} variable or the provider's public default.
     *
     * @throws InvalidModelException naming the variable to set when a key or base URL is missing
     */
    public Endpoint endpoint(Map<String, String> env) {
        return switch (provider) {
            case "scripted" -> new Endpoint(Format.SCRIPTED, null, null, model);
            case "openai" -> new Endpoint(Format.OPENAI,
                    env.getOrDefault("OPENAI_BASE_URL", "https://api.openai.com/v1"),
                    require(env, "OPENAI_API_KEY"), model);
            case "anthropic" -> new Endpoint(Format.ANTHROPIC,
                    env.getOrDefault("ANTHROPIC_BASE_URL", "https://api.anthropic.com/v1/"),
                    require(env, "ANTHROPIC_API_KEY"), model);
            case "google" -> new Endpoint(Format.GEMINI,
                    firstOf(env, "GOOGLE_BASE_URL", "GEMINI_BASE_URL")
                            .orElse("https://generativelanguage.googleapis.com/v1beta"),
                    firstOf(env, "GEMINI_API_KEY", "GOOGLE_API_KEY").orElseThrow(() -> missing(
                            "GEMINI_API_KEY (or GOOGLE_API_KEY)")), model);
            case "openai-api" -> {
                String prefix = envPrefix(vendor);
                String url = env.get(prefix + "_BASE_URL");
                if (url == null || url.isBlank()) {
                    throw new InvalidModelException("model '" + name + "' needs the endpoint's base URL: set "
                            + prefix + "_BASE_URL (e.g. export " + prefix + "_BASE_URL=https://api.example.com/v1) "
                            + "and " + prefix + "_API_KEY");
                }
                yield new Endpoint(Format.OPENAI, url, require(env, prefix + "_API_KEY"), model);
            }
            default -> {
                Local local = LOCAL.get(provider);
                yield new Endpoint(Format.OPENAI, env.getOrDefault(local.prefix() + "_BASE_URL", local.defaultUrl()),
                        env.getOrDefault(local.prefix() + "_API_KEY", "none"), model);
            }
        };
    }

    /** The environment variable prefix for an OpenAI-compatible provider: upper case, '-' as '_'. */
    static String envPrefix(String vendor) {
        return vendor.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private String require(Map<String, String> env, String variable) {
        String v = env.get(variable);
        if (v == null || v.isBlank()) throw missing(variable);
        return v;
    }

    private InvalidModelException missing(String variable) {
        return new InvalidModelException("model '" + name + "' needs an API key: set " + variable
                + " in the environment (PeerGuard never stores or prints it)");
    }

    private static Optional<String> firstOf(Map<String, String> env, String... variables) {
        for (String v : variables) {
            String value = env.get(v);
            if (value != null && !value.isBlank()) return Optional.of(value);
        }
        return Optional.empty();
    }
}
