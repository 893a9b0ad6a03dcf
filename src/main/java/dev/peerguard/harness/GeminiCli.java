package dev.peerguard.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peerguard.model.ModelName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Google's Gemini CLI in headless mode ({@code gemini -p ... --output-format stream-json}). */
public final class GeminiCli implements AgentCli {
    /**
     * User settings for an offline run. Without them the CLI posts usage statistics to Google at start and fetches
     * ripgrep from GitHub for its search tool (it falls back to its own search when told not to use ripgrep).
     */
    static final String SETTINGS = """
            {
              "general": {"enableAutoUpdate": false, "enableAutoUpdateNotification": false},
              "privacy": {"usageStatisticsEnabled": false},
              "telemetry": {"enabled": false},
              "ide": {"enabled": false},
              "tools": {"useRipgrep": false},
              "security": {"auth": {"selectedType": "gemini-api-key"}}
            }
            """;

    @Override
    public String id() {
        return "gemini-cli";
    }

    @Override
    public String instructionsFile() {
        return "GEMINI.md";
    }

    @Override
    public Invocation invocation(Launch launch) {
        ModelEndpoint m = launch.model();
        if (m == null || m.format() != ModelName.Format.GEMINI) {
            throw new IllegalArgumentException("gemini-cli speaks only the Gemini API: it needs a google/... model "
                    + "(a GEMINI endpoint), not " + (m == null ? "none" : "a " + m.format() + " endpoint"));
        }
        if (m.apiKey() == null || m.apiKey().isBlank()) {
            throw new IllegalArgumentException("gemini-cli needs an API key for " + m.model());
        }
        List<String> command = List.of(launch.executable().toString(),
                // the '=' form keeps a prompt that starts with '-' from being read as an option
                "--prompt=" + launch.userPrompt(),
                "--yolo", "--sandbox=false", "--output-format", "stream-json", "--model", m.model());
        Map<String, String> env = Map.of(
                "CI", "true",
                "GEMINI_SANDBOX", "false",
                "GEMINI_API_KEY", m.apiKey(),
                "GOOGLE_GEMINI_BASE_URL", origin(m.baseUrl()));
        return new Invocation(command, env, Map.of(".gemini/settings.json", SETTINGS), null);
    }

    /** The CLI's SDK appends {@code /v1beta/models/...} itself, so it wants the base without that part. */
    static String origin(String baseUrl) {
        return AgentCli.origin("gemini-cli", baseUrl, "/v1beta");
    }

    /**
     * Reads stream-json events: {@code init}, {@code message} (assistant text in deltas), {@code tool_use},
     * {@code tool_result}, {@code error} and the closing {@code result} with token counts. Errors the CLI reports
     * (a failed API call, a warning) are kept among the problems, since the transcript has no place for them.
     */
    @Override
    public Parsed parse(String stdout) {
        JsonLines.Read read = JsonLines.read(stdout);
        List<String> problems = new ArrayList<>(read.problems());
        JsonLines.Turns turns = new JsonLines.Turns(problems);
        long in = 0;
        long out = 0;
        for (JsonLines.Line line : read.lines()) {
            JsonNode e = line.json();
            switch (line.type()) {
                case "init" -> {}
                case "message" -> {
                    // the user's prompt is echoed as a message too; only the model's words are a turn
                    if (e.path("role").asText().equals("assistant")) turns.text(e.path("content").asText(""));
                }
                case "tool_use" -> turns.call(JsonLines.call(e.path("tool_id").asText(""),
                        e.path("tool_name").asText(""), e.path("parameters")));
                case "tool_result" -> turns.result(e.path("tool_id").asText(""), resultText(e),
                        "line " + line.number());
                case "error" -> problems.add(line.problem("gemini-cli reported (" + e.path("severity").asText("error")
                        + "): " + e.path("message").asText(e.toString())));
                case "result" -> {
                    JsonNode stats = e.path("stats");
                    in += JsonLines.count(stats, "input_tokens");
                    out += JsonLines.count(stats, "output_tokens");
                    if (!e.path("status").asText().equals("success")) {
                        problems.add(line.problem("gemini-cli ended with status '" + e.path("status").asText()
                                + "': " + e.path("error").path("message").asText("no message")));
                    }
                }
                default -> problems.add(line.problem("unknown event type '" + line.type() + "': "
                        + JsonLines.shorten(e.toString())));
            }
        }
        return new Parsed(turns.finish(), in, out, null, problems);
    }

    /** A failed tool's error message is what the model was shown; the output is only a short summary of it. */
    private static String resultText(JsonNode e) {
        JsonNode error = e.path("error");
        if (error.isObject() && error.hasNonNull("message")) return error.path("message").asText();
        if (error.isTextual()) return error.asText();
        return e.path("output").asText("");
    }
}
