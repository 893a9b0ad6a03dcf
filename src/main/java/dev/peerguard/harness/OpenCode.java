package dev.peerguard.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.Usage;
import dev.peerguard.model.ModelName;
import dev.peerguard.tool.ToolCall;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OpenCode 1.18 ({@code opencode run --format json}) with every permission allowed and nothing fetched online. */
public final class OpenCode implements AgentCli {
    /** The environment variable that carries the model's key; the config refers to it, never to the key. */
    public static final String KEY_VARIABLE = "PEERGUARD_MODEL_API_KEY";
    /** The provider id under which the endpoint is declared ({@code --model peerguard/<model>}). */
    public static final String PROVIDER_ID = "peerguard";
    /**
     * Every permission OpenCode 1.18 knows (and the older tool names {@code write}, {@code patch}, {@code list}), each
     * allowed; {@code "*"} covers any permission a later version adds.
     */
    static final List<String> PERMISSIONS = List.of("*", "read", "edit", "write", "patch", "bash", "glob", "grep",
            "list", "task", "todowrite", "webfetch", "websearch", "codesearch", "lsp", "skill", "external_directory",
            "doom_loop");

    private static final ObjectMapper JSON = new ObjectMapper();
    /** OpenCode's stand-in tool for a call it could not run. */
    private static final String INVALID_TOOL = "invalid";
    private static final String PLUGIN = "{\"dependencies\":{\"@opencode-ai/plugin\":\"*\"}}\n";
    private static final String PLUGIN_LOCK = "{\"lockfileVersion\":3,\"packages\":{\"\":{\"dependencies\":"
            + "{\"@opencode-ai/plugin\":\"*\"}}}}\n";

    @Override
    public String id() {
        return "opencode";
    }

    @Override
    public String instructionsFile() {
        return "AGENTS.md";
    }

    @Override
    public Invocation invocation(Launch launch) {
        ModelEndpoint model = launch.model();
        if (model == null) throw new IllegalArgumentException("OpenCode needs a model endpoint to run against");
        // --title: no extra request in which the model names the session, so each model request is one agent step.
        // --thinking: the model's reasoning is printed as events too. --auto: a permission request that the config
        // did not already allow is approved, where run would reject it. The prompt goes on standard input, because
        // OpenCode wraps a command-line message containing a space in double quotes before the model sees it.
        List<String> command = List.of(launch.executable().toString(), "run", "--format", "json",
                "--model", PROVIDER_ID + "/" + model.model(), "--title", "peerguard", "--thinking", "--auto");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CI", "true");
        env.put("OPENCODE_CONFIG_CONTENT", config(model));
        env.put(KEY_VARIABLE, model.apiKey() == null ? "" : model.apiKey());
        // without it OpenCode downloads its model catalogue at start-up
        env.put("OPENCODE_DISABLE_MODELS_FETCH", "true");
        env.put("OPENCODE_DISABLE_AUTOUPDATE", "true");
        env.put("OPENCODE_DISABLE_LSP_DOWNLOAD", "true");
        env.put("OPENCODE_DISABLE_DEFAULT_PLUGINS", "true");
        env.put("OPENCODE_DISABLE_SHARE", "true");
        // a CLAUDE.md or .claude/skills near the work directory must not add to the scenario's AGENTS.md
        env.put("OPENCODE_DISABLE_CLAUDE_CODE", "true");
        // Not settable here: the glob and grep tools run ripgrep, found on PATH or at ~/.cache/opencode/bin/rg, and
        // downloaded otherwise; the sandbox must provide it or those two tools fail.
        // At every start OpenCode installs @opencode-ai/plugin from the npm registry into each config directory whose
        // node_modules is missing or whose lock lacks it; these files make the home's config directory look done.
        Map<String, String> home = Map.of(
                ".config/opencode/package.json", PLUGIN,
                ".config/opencode/package-lock.json", PLUGIN_LOCK,
                ".config/opencode/node_modules/.keep", "");
        return new Invocation(command, env, home, launch.userPrompt());
    }

    /**
     * The {@code OPENCODE_CONFIG_CONTENT} JSON: permissions, offline switches and the one provider, declared under
     * its own id so it never merges with a provider of OpenCode's catalogue. The key is read from
     * {@value #KEY_VARIABLE} through OpenCode's {@code {env:...}} substitution.
     */
    static String config(ModelEndpoint model) {
        ObjectNode root = JSON.createObjectNode();
        root.put("autoupdate", false);
        root.put("share", "disabled");
        root.put("snapshot", false);
        root.put("lsp", false);
        root.put("formatter", false);
        root.put("model", PROVIDER_ID + "/" + model.model());
        root.put("small_model", PROVIDER_ID + "/" + model.model());
        ObjectNode permission = root.putObject("permission");
        PERMISSIONS.forEach(p -> permission.put(p, "allow"));
        ObjectNode provider = root.putObject("provider").putObject(PROVIDER_ID);
        provider.put("npm", providerPackage(model.format()));
        provider.put("name", model.provider() == null || model.provider().isBlank() ? PROVIDER_ID : model.provider());
        provider.putObject("options")
                .put("baseURL", stripTrailingSlash(model.baseUrl()))
                .put("apiKey", "{env:" + KEY_VARIABLE + "}");
        provider.putObject("models").putObject(model.model()).put("name", model.model()).put("tool_call", true);
        return root.toString();
    }

    /** The AI SDK provider package that speaks the endpoint's wire format; OpenCode has these built in. */
    private static String providerPackage(ModelName.Format format) {
        return switch (format) {
            case OPENAI -> "@ai-sdk/openai-compatible";
            case ANTHROPIC -> "@ai-sdk/anthropic";
            case GEMINI -> "@ai-sdk/google";
            case SCRIPTED -> throw new IllegalArgumentException("OpenCode runs against an OPENAI, ANTHROPIC or GEMINI "
                    + "model endpoint, not a SCRIPTED one");
        };
    }

    /** The AI SDK providers append their paths ({@code /chat/completions}, {@code /messages}) after a slash. */
    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public Parsed parse(String stdout) {
        JsonLines.Read read = JsonLines.read(stdout);
        Reader reader = new Reader(new ArrayList<>(read.problems()));
        for (JsonLines.Line line : read.lines()) reader.event(line);
        return reader.finish();
    }

    /**
     * Reads the JSON events in order. OpenCode prints, per model request (a "step"), {@code step_start}, then
     * {@code reasoning} and {@code text} parts as each ends and {@code tool_use} as each call finishes (so parallel
     * calls come in the order they finished), then {@code step_finish} with the step's tokens and cost; a failed run
     * prints an {@code error} event.
     */
    private static final class Reader {
        private final List<Message> messages = new ArrayList<>();
        private final List<String> problems;
        private Step step;
        private long inputTokens;
        private long outputTokens;
        private Double cost;

        Reader(List<String> problems) {
            this.problems = problems;
        }

        void event(JsonLines.Line line) {
            JsonNode event = line.json();
            JsonNode part = event.path("part");
            switch (line.type()) {
                case "step_start" -> {
                    close(null);
                    step = new Step();
                }
                case "text" -> add(open().text, part.path("text").asText(""));
                case "reasoning" -> add(open().reasoning, part.path("text").asText(""));
                case "tool_use" -> open().calls.add(call(part));
                case "step_finish" -> close(part);
                case "error" -> problems.add(line.problem("opencode reported an error: " + error(event.path("error"))));
                case "" -> problems.add(line.problem("no event type: " + JsonLines.shorten(event.toString())));
                default -> problems.add(line.problem("unknown event type '" + line.type() + "': "
                        + JsonLines.shorten(event.toString())));
            }
        }

        Parsed finish() {
            close(null);
            return new Parsed(messages, inputTokens, outputTokens, cost, problems);
        }

        private static void add(List<String> parts, String text) {
            if (!text.isEmpty()) parts.add(text);
        }

        private Step open() {
            if (step == null) step = new Step();
            return step;
        }

        /** Ends the current step: its turn, then one result per finished call, in the order the model made them. */
        private void close(JsonNode finish) {
            Usage usage = finish == null ? null : usage(finish);
            if (usage != null) count(usage);
            if (step == null) return;
            if (usage == null && step.isEmpty()) {
                step = null;
                return;
            }
            List<Call> calls = new ArrayList<>(step.calls);
            calls.sort(Comparator.comparingLong(Call::started));
            String reasoning = step.reasoning.isEmpty() ? null : String.join("\n", step.reasoning);
            messages.add(new Message.Assistant(String.join("\n", step.text),
                    calls.stream().map(Call::call).toList(), reasoning, usage));
            for (Call c : calls) {
                if (c.result() != null) messages.add(new Message.ToolResult(c.call(), c.result()));
            }
            step = null;
        }

        private void count(Usage usage) {
            inputTokens += usage.inputTokens();
            outputTokens += usage.outputTokens();
            if (usage.costUsd() != null) cost = (cost == null ? 0 : cost) + usage.costUsd();
        }

        /**
         * A step's usage as the provider counted it: OpenCode reports cached prompt tokens apart from the others and
         * reasoning apart from the output. Its cost is 0 for a model it has no price for, which is every model
         * declared here, so only a positive cost counts as known.
         */
        private static Usage usage(JsonNode finish) {
            JsonNode tokens = finish.path("tokens");
            long in = tokens.path("input").asLong() + tokens.path("cache").path("read").asLong()
                    + tokens.path("cache").path("write").asLong();
            long out = tokens.path("output").asLong() + tokens.path("reasoning").asLong();
            double cost = finish.path("cost").asDouble(0);
            return new Usage(in, out, false, cost > 0 ? cost : null);
        }

        private static Call call(JsonNode part) {
            JsonNode state = part.path("state");
            String id = part.path("callID").asText(part.path("id").asText(""));
            String tool = part.path("tool").asText("");
            JsonNode input = state.path("input");
            // a call of a tool that does not exist, or with arguments that are not JSON, is run as OpenCode's "invalid"
            // tool with the model's tool name and the reason as input; the transcript keeps the model's own name
            ToolCall call = tool.equals(INVALID_TOOL) && input.has("tool")
                    ? new ToolCall(id, input.path("tool").asText(), Map.of(), input.path("error").asText(""))
                    : JsonLines.call(id, tool, input);
            String result = switch (state.path("status").asText()) {
                case "completed" -> state.path("output").asText("");
                case "error" -> state.path("error").asText("");
                default -> null;
            };
            return new Call(call, result, state.path("time").path("start").asLong(Long.MAX_VALUE));
        }

        private static String error(JsonNode error) {
            String name = error.path("name").asText("error");
            JsonNode data = error.path("data");
            String message = data.path("message").asText("");
            String status = data.has("statusCode") ? " (HTTP " + data.path("statusCode").asInt() + ")" : "";
            return message.isEmpty() ? name + status + ": " + error : name + ": " + message + status;
        }
    }

    /** The parts of one step seen so far. */
    private static final class Step {
        final List<String> text = new ArrayList<>();
        final List<String> reasoning = new ArrayList<>();
        final List<Call> calls = new ArrayList<>();

        boolean isEmpty() {
            return text.isEmpty() && reasoning.isEmpty() && calls.isEmpty();
        }
    }

    /** A finished call, its result text (null when it has none) and when it started, which orders parallel calls. */
    private record Call(ToolCall call, String result, long started) {}
}
