package dev.peerguard.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peerguard.model.ModelName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Anthropic's Claude Code in print mode ({@code claude -p --output-format stream-json --verbose}). */
public final class ClaudeCode implements AgentCli {
    /** Events that say nothing about the conversation (status, progress, hooks, session bookkeeping). */
    private static final Set<String> QUIET = Set.of("system", "stream_event", "tool_progress", "tool_use_summary",
            "auth_status", "rate_limit_event", "prompt_suggestion", "keep_alive", "control_request",
            "control_response");

    @Override
    public String id() {
        return "claude-code";
    }

    @Override
    public String instructionsFile() {
        return "CLAUDE.md";
    }

    @Override
    public Invocation invocation(Launch launch) {
        ModelEndpoint m = launch.model();
        if (m == null || m.format() != ModelName.Format.ANTHROPIC) {
            throw new IllegalArgumentException("claude-code speaks only the Anthropic Messages API: it needs an "
                    + "anthropic/... model (an ANTHROPIC endpoint), not "
                    + (m == null ? "none" : "a " + m.format() + " endpoint"));
        }
        if (m.apiKey() == null || m.apiKey().isBlank()) {
            throw new IllegalArgumentException("claude-code needs an API key for " + m.model());
        }
        List<String> command = List.of(launch.executable().toString(), "-p", "--output-format", "stream-json",
                "--verbose", "--dangerously-skip-permissions", "--model", m.model(),
                // '--' ends the options, so a prompt starting with '-' stays the prompt
                "--", launch.userPrompt());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ANTHROPIC_API_KEY", m.apiKey());
        env.put("ANTHROPIC_BASE_URL", origin(m.baseUrl()));
        env.put("DISABLE_AUTOUPDATER", "1");
        // without it the CLI reports metrics to Anthropic's own servers whatever the base URL
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        // the CLI refuses --dangerously-skip-permissions to root unless told it is sandboxed, which it is: by us
        env.put("IS_SANDBOX", "1");
        return new Invocation(command, env, Map.of(), null);
    }

    /** The CLI appends {@code /v1/messages} itself, so it wants the base without {@code /v1/}. */
    static String origin(String baseUrl) {
        return AgentCli.origin("claude-code", baseUrl, "/v1");
    }

    /**
     * Reads stream-json events. The CLI prints each content block of a model message as its own {@code assistant}
     * event under the message's id, so blocks are joined back into one turn per id; {@code user} events carry the
     * tool results; the closing {@code result} has the run's tokens and cost. API errors arrive as a synthetic
     * assistant message, which is kept among the problems rather than passed off as the model's words.
     */
    @Override
    public Parsed parse(String stdout) {
        JsonLines.Read read = JsonLines.read(stdout);
        List<String> problems = new ArrayList<>(read.problems());
        JsonLines.Turns turns = new JsonLines.Turns(problems);
        // per message id, the last usage seen: the fallback when a killed run printed no result
        Map<String, JsonNode> usageById = new LinkedHashMap<>();
        JsonNode resultUsage = null;
        Double cost = null;
        String messageId = null;
        for (JsonLines.Line line : read.lines()) {
            JsonNode e = line.json();
            String type = line.type();
            if (QUIET.contains(type)) continue;
            switch (type) {
                case "assistant" -> {
                    JsonNode msg = e.path("message");
                    if (e.has("error") || msg.path("model").asText().equals("<synthetic>")) {
                        problems.add(line.problem("claude-code reported an error (" + e.path("error").asText("?")
                                + "): " + blockText(msg.path("content"))));
                        continue;
                    }
                    String id = msg.path("id").asText("");
                    if (!id.equals(messageId)) turns.endTurn();
                    messageId = id;
                    if (msg.path("usage").isObject()) usageById.put(id, msg.path("usage"));
                    for (JsonNode block : msg.path("content")) {
                        switch (block.path("type").asText()) {
                            case "text" -> turns.text(block.path("text").asText(""));
                            case "thinking" -> turns.reasoning(block.path("thinking").asText(""));
                            case "redacted_thinking" -> {}
                            case "tool_use", "server_tool_use" -> turns.call(JsonLines.call(
                                    block.path("id").asText(""), block.path("name").asText(""), block.path("input")));
                            default -> problems.add(line.problem("unknown content block '"
                                    + block.path("type").asText() + "'"));
                        }
                    }
                }
                case "user" -> {
                    JsonNode content = e.path("message").path("content");
                    for (JsonNode block : content) {
                        if (!block.path("type").asText().equals("tool_result")) continue;
                        turns.result(block.path("tool_use_id").asText(""), blockText(block.path("content")),
                                "line " + line.number());
                    }
                }
                case "result" -> {
                    resultUsage = e.path("usage");
                    if (e.path("total_cost_usd").isNumber()) cost = e.path("total_cost_usd").asDouble();
                    if (e.path("is_error").asBoolean(false) || !e.path("subtype").asText().equals("success")) {
                        problems.add(line.problem("claude-code ended with '" + e.path("subtype").asText()
                                + "'" + (e.path("is_error").asBoolean(false) ? " (error)" : "") + ": "
                                + e.path("result").asText(e.path("terminal_reason").asText(""))));
                    }
                }
                default -> problems.add(line.problem("unknown event type '" + type + "': "
                        + JsonLines.shorten(e.toString())));
            }
        }
        long in = 0;
        long out = 0;
        if (resultUsage != null && resultUsage.isObject()) {
            in = inputTokens(resultUsage);
            out = JsonLines.count(resultUsage, "output_tokens");
        } else {
            for (JsonNode u : usageById.values()) {
                in += inputTokens(u);
                out += JsonLines.count(u, "output_tokens");
            }
        }
        return new Parsed(turns.finish(), in, out, cost, problems);
    }

    /** Anthropic counts cached prompt tokens apart from the rest; all of them were read by the model. */
    private static long inputTokens(JsonNode usage) {
        return JsonLines.count(usage, "input_tokens") + JsonLines.count(usage, "cache_creation_input_tokens")
                + JsonLines.count(usage, "cache_read_input_tokens");
    }

    /** A tool result's content: a string, or blocks whose text parts are joined (other blocks named). */
    private static String blockText(JsonNode content) {
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) return content.isMissingNode() || content.isNull() ? "" : content.toString();
        List<String> parts = new ArrayList<>();
        for (JsonNode block : content) {
            String type = block.path("type").asText();
            parts.add(type.equals("text") ? block.path("text").asText("") : "[" + type + "]");
        }
        return String.join("\n", parts);
    }
}
