package dev.peerguard.harness;

import dev.peerguard.agent.Message;
import dev.peerguard.model.ModelName;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A production agent CLI that PeerGuard runs inside the sandbox: how to start it for one non-interactive run with
 * every tool auto-approved, and how to read what it printed back into our transcript format.
 */
public interface AgentCli {
    /** The name given to {@code --agent}: opencode, gemini-cli, claude-code, codex, command. */
    String id();

    /** The instructions file the CLI reads from its working directory: AGENTS.md, GEMINI.md or CLAUDE.md. */
    String instructionsFile();

    /** The command line, environment and agent-home files that start one run. */
    Invocation invocation(Launch launch);

    /** Reads the CLI's standard output (JSON lines, possibly with other lines mixed in) into transcript entries. */
    Parsed parse(String stdout);

    /**
     * The endpoint's base URL without the API version a CLI's SDK appends itself ({@code /v1}, {@code /v1beta}).
     *
     * @throws IllegalArgumentException naming the CLI when the URL is missing or not http(s)
     */
    static String origin(String cli, String baseUrl, String version) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException(cli + " needs the endpoint's base URL");
        }
        String url = baseUrl.strip();
        while (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        if (url.endsWith(version)) url = url.substring(0, url.length() - version.length());
        if (!url.matches("https?://[^/]+.*")) {
            throw new IllegalArgumentException(cli + " cannot use the base URL '" + baseUrl
                    + "': expected http(s)://host[:port][/path]" + version);
        }
        return url;
    }

    /**
     * What one run needs.
     *
     * @param executable the CLI's executable as seen inside the sandbox (host paths are bound at the same path)
     * @param userPrompt the scenario's task request
     * @param model the model endpoint as the agent must reach it from inside the sandbox, or null for agents that
     *              bring their own (command agents)
     */
    record Launch(Path executable, String userPrompt, ModelEndpoint model) {}

    /**
     * A model endpoint as seen from inside the sandbox.
     *
     * @param format the wire format the endpoint speaks
     * @param baseUrl the base URL as PeerGuard's own clients use it ({@code .../v1} for OpenAI-compatible servers,
     *                {@code .../v1/} for Anthropic, {@code .../v1beta} for Gemini), rewritten to the sandbox's loopback
     * @param model the provider's model id (e.g. {@code glm-5}, without PeerGuard's provider prefix)
     * @param provider a short provider label for CLIs that want one (e.g. {@code openai}, {@code zhipu})
     * @param apiKey the key; adapters put it only in the environment, never on the command line or in files
     */
    record ModelEndpoint(ModelName.Format format, String baseUrl, String model, String provider, String apiKey) {}

    /**
     * How to start one run.
     *
     * @param command the argument vector (the first element is the executable)
     * @param environment variables added to the sandbox's base environment
     * @param homeFiles files to create in the agent's fresh home directory before the run (path relative to home ->
     *                  content), e.g. a settings file
     * @param stdin text to write to the process's standard input, or null to close it at once
     */
    record Invocation(List<String> command, Map<String, String> environment, Map<String, String> homeFiles,
                      String stdin) {
        public Invocation {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
            homeFiles = Map.copyOf(homeFiles);
        }
    }

    /**
     * What a run printed, as transcript entries ({@link Message.Assistant} turns with their calls, then one
     * {@link Message.ToolResult} per call that got a result) and token counts.
     *
     * @param costUsd the cost the CLI itself reported, or null
     * @param problems lines that could not be read (kept so a format change is noticed, not silently dropped)
     */
    record Parsed(List<Message> messages, long inputTokens, long outputTokens, Double costUsd,
                  List<String> problems) {
        public Parsed {
            messages = List.copyOf(messages);
            problems = List.copyOf(problems);
        }
    }
}
