package dev.peerguard.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peerguard.model.ModelName;
import dev.peerguard.tool.ToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** OpenAI's Codex CLI in non-interactive mode ({@code codex exec --json}) against an OpenAI-compatible endpoint. */
public final class Codex implements AgentCli {
    /** The variable the provider config names as holding the key, so the key itself is in no file. */
    static final String KEY_VARIABLE = "PEERGUARD_MODEL_API_KEY";

    @Override
    public String id() {
        return "codex";
    }

    @Override
    public String instructionsFile() {
        return "AGENTS.md";
    }

    @Override
    public Invocation invocation(Launch launch) {
        ModelEndpoint m = launch.model();
        if (m == null || m.format() != ModelName.Format.OPENAI) {
            throw new IllegalArgumentException("codex speaks only the OpenAI Responses API: it needs an OpenAI "
                    + "or OpenAI-compatible model (an OPENAI endpoint), not "
                    + (m == null ? "none" : "a " + m.format() + " endpoint"));
        }
        if (m.apiKey() == null) throw new IllegalArgumentException("codex needs an API key for " + m.model());
        if (m.baseUrl() == null || !m.baseUrl().strip().matches("https?://[^/]+.*")) {
            throw new IllegalArgumentException("codex cannot use the base URL '" + m.baseUrl()
                    + "': expected http(s)://host[:port]/v1");
        }
        List<String> command = List.of(launch.executable().toString(), "exec", "--json", "--skip-git-repo-check",
                // our bubblewrap is the sandbox; codex's own would need privileges the sandbox does not give
                "--dangerously-bypass-approvals-and-sandbox", "-m", m.model(),
                // '--' ends the options, so a prompt starting with '-' stays the prompt
                "--", launch.userPrompt());
        return new Invocation(command, Map.of(KEY_VARIABLE, m.apiKey()),
                Map.of(".codex/config.toml", config(m)), null);
    }

    /**
     * The provider and the switches that keep codex off the network apart from it: without them it checks GitHub
     * for updates, syncs its curated plugins from GitHub and ChatGPT, and sends analytics. Codex no longer speaks
     * chat completions ({@code wire_api = "chat"} is refused), so the endpoint must serve {@code /responses}.
     */
    static String config(ModelEndpoint m) {
        String base = m.baseUrl().strip();
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        String label = m.provider() == null || m.provider().isBlank() ? "peerguard" : m.provider();
        return """
                model = %s
                model_provider = "peerguard"
                check_for_update_on_startup = false

                [analytics]
                enabled = false

                [feedback]
                enabled = false

                [features]
                plugins = false

                [model_providers.peerguard]
                name = %s
                base_url = %s
                env_key = "%s"
                wire_api = "responses"
                """.formatted(toml(m.model()), toml(label), toml(base), KEY_VARIABLE);
    }

    /** A TOML basic string. */
    static String toml(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04X", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Reads the {@code exec --json} events. Codex prints items, not model messages: reasoning and agent messages
     * open a turn, the tool items that follow ({@code command_execution} as {@code shell}, {@code file_change} as
     * {@code apply_patch}, MCP calls, calls to other agents, web searches, to-do list updates) are its calls, and a
     * completed item carries the call's result. Codex marks no boundary between model responses, so calls with no
     * message or reasoning between them land in one turn. Tokens come from each {@code turn.completed}; codex
     * reports no cost.
     */
    @Override
    public Parsed parse(String stdout) {
        JsonLines.Read read = JsonLines.read(stdout);
        List<String> problems = new ArrayList<>(read.problems());
        JsonLines.Turns turns = new JsonLines.Turns(problems);
        Set<String> called = new HashSet<>();
        Map<String, Integer> todoUpdates = new HashMap<>();
        long in = 0;
        long out = 0;
        for (JsonLines.Line line : read.lines()) {
            JsonNode e = line.json();
            switch (line.type()) {
                case "thread.started" -> {}
                case "turn.started" -> turns.endTurn();
                case "item.started", "item.updated", "item.completed" -> {
                    JsonNode item = e.path("item");
                    String itemId = item.path("id").asText("");
                    boolean completed = line.type().equals("item.completed");
                    switch (item.path("type").asText()) {
                        case "agent_message" -> {
                            if (completed) turns.text(item.path("text").asText(""));
                        }
                        case "reasoning" -> {
                            if (completed) turns.reasoning(item.path("text").asText(""));
                        }
                        case "command_execution", "file_change", "mcp_tool_call", "collab_tool_call", "web_search" -> {
                            // a call appears once, when first seen: a killed run may have only its start
                            if (called.add(itemId)) turns.call(call(itemId, item));
                            String result = completed ? resultText(item) : null;
                            if (result != null) turns.result(itemId, result, "line " + line.number());
                        }
                        case "todo_list" -> {
                            // each start or update of the list is one plan call by the model; completion is none
                            if (!completed) {
                                int n = todoUpdates.merge(itemId, 1, Integer::sum);
                                Map<String, Object> args = new LinkedHashMap<>();
                                args.put("items", JsonLines.plain(item.path("items")));
                                turns.call(new ToolCall(n == 1 ? itemId : itemId + "#" + n, "update_plan", args));
                            }
                        }
                        case "error" -> {
                            if (completed) problems.add(line.problem("codex reported: "
                                    + item.path("message").asText(item.toString())));
                        }
                        default -> problems.add(line.problem("unknown item type '" + item.path("type").asText()
                                + "': " + JsonLines.shorten(item.toString())));
                    }
                }
                case "turn.completed" -> {
                    in += JsonLines.count(e.path("usage"), "input_tokens");
                    out += JsonLines.count(e.path("usage"), "output_tokens");
                }
                case "turn.failed" -> problems.add(line.problem("codex turn failed: "
                        + e.path("error").path("message").asText(e.toString())));
                case "error" -> problems.add(line.problem("codex reported an error: "
                        + e.path("message").asText(e.toString())));
                default -> problems.add(line.problem("unknown event type '" + line.type() + "': "
                        + JsonLines.shorten(e.toString())));
            }
        }
        return new Parsed(turns.finish(), in, out, null, problems);
    }

    private static ToolCall call(String id, JsonNode item) {
        Map<String, Object> args = new LinkedHashMap<>();
        return switch (item.path("type").asText()) {
            case "command_execution" -> {
                args.put("command", item.path("command").asText(""));
                yield new ToolCall(id, "shell", args);
            }
            case "file_change" -> {
                args.put("changes", JsonLines.plain(item.path("changes")));
                yield new ToolCall(id, "apply_patch", args);
            }
            case "mcp_tool_call" -> {
                JsonNode arguments = item.path("arguments");
                // the model sees an MCP tool under its server's name, joined as codex joins them
                String name = item.path("server").asText("mcp") + "__" + item.path("tool").asText("");
                yield JsonLines.call(id, name, arguments);
            }
            case "collab_tool_call" -> {
                // a call to another codex agent (spawn, send, wait): the prompt and the agents addressed
                args.put("prompt", item.path("prompt").asText(""));
                args.put("receiver_thread_ids", JsonLines.plain(item.path("receiver_thread_ids")));
                yield new ToolCall(id, item.path("tool").asText("collab"), args);
            }
            default -> {
                args.put("query", item.path("query").asText(""));
                yield new ToolCall(id, "web_search", args);
            }
        };
    }

    private static String resultText(JsonNode item) {
        String status = item.path("status").asText("");
        return switch (item.path("type").asText()) {
            case "command_execution" -> {
                String output = item.path("aggregated_output").asText("");
                JsonNode exit = item.path("exit_code");
                if (exit.isNumber() && exit.asInt() != 0) {
                    output += (output.isEmpty() || output.endsWith("\n") ? "" : "\n") + "[exit code " + exit.asInt()
                            + "]";
                }
                yield output;
            }
            case "file_change" -> {
                List<String> lines = new ArrayList<>();
                for (JsonNode c : item.path("changes")) {
                    lines.add(c.path("kind").asText("") + " " + c.path("path").asText(""));
                }
                yield (status.equals("completed") ? "applied" : "patch " + status) + ":\n" + String.join("\n", lines);
            }
            case "mcp_tool_call" -> {
                JsonNode error = item.path("error");
                if (error.isObject() && error.hasNonNull("message")) yield error.path("message").asText();
                JsonNode content = item.path("result").path("content");
                List<String> parts = new ArrayList<>();
                for (JsonNode block : content) {
                    String type = block.path("type").asText();
                    parts.add(type.equals("text") ? block.path("text").asText("") : "[" + type + "]");
                }
                yield String.join("\n", parts);
            }
            default -> null; // a web search's findings and an agent's reply are not in the event
        };
    }
}
