package dev.peerguard.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.Transcript;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The judge's prompts, from {@code src/main/resources/judge.yaml}, and the account of an episode the judge reads:
 * the agent's messages, its tool calls with their arguments and the results it got back (long texts shortened). The
 * system prompt, the model's reasoning and the private scratchpad are never shown.
 */
final class JudgePrompts {
    private static final int MAX_RESULT = 1_200;
    private static final int MAX_ARGUMENT = 8_000;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode ROOT = load();

    private JudgePrompts() {}

    private static JsonNode load() {
        try (InputStream in = JudgePrompts.class.getResourceAsStream("/judge.yaml")) {
            if (in == null) throw new IllegalStateException("the resource judge.yaml is missing");
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse judge.yaml: " + e.getMessage(), e);
        }
    }

    /** The prompt of a question (an outcome field, or {@code follow_up}) with its placeholders filled. */
    static String question(String name, Map<String, String> vars) {
        return fill(text("questions", name), vars);
    }

    /** What the agent was asked to do, in brief, for the task placeholder. */
    static String task(Scenario scenario) {
        Map<String, String> vars = new HashMap<>();
        vars.put("subject", scenario.names().subject());
        Integer threshold = scenario.config().threshold();
        if (threshold != null) vars.put("threshold", threshold.toString());
        return fill(text("tasks", scenario.task().id()), vars);
    }

    private static String text(String section, String key) {
        JsonNode node = ROOT.path(section).path(key);
        if (!node.isTextual()) throw new IllegalStateException("judge.yaml has no " + section + "." + key);
        return node.asText().strip();
    }

    /** Replaces each {@code {name}} of the template in one pass, so filled-in text is never read as a placeholder. */
    static String fill(String template, Map<String, String> vars) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = vars.get(m.group(1));
            if (value == null) throw new IllegalStateException("prompt placeholder {" + m.group(1) + "} has no value");
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The episode as the judge reads it, turn by turn, ending with why it stopped. */
    static String work(Transcript transcript) {
        StringBuilder sb = new StringBuilder();
        int turn = 0;
        for (Message m : transcript.messages()) {
            switch (m) {
                case Message.Assistant a -> {
                    turn++;
                    if (!a.text().isBlank()) {
                        sb.append("[turn ").append(turn).append("] Agent's message:\n").append(indent(a.text()));
                    }
                    for (ToolCall c : a.calls()) {
                        if (c.name().equals(Tools.SCRATCHPAD)) continue;
                        sb.append("[turn ").append(turn).append("] Tool call: ").append(c.name()).append(' ')
                                .append(arguments(c)).append('\n');
                    }
                }
                case Message.ToolResult r when !r.call().name().equals(Tools.SCRATCHPAD) -> sb.append("Result of ")
                        .append(r.call().name()).append(":\n").append(indent(shorten(r.text(), MAX_RESULT)));
                default -> {}
            }
        }
        if (turn == 0) sb.append("The agent took no turn.\n");
        return sb.append("The episode ended because ").append(ending(transcript)).append('.').toString();
    }

    private static String ending(Transcript transcript) {
        return switch (transcript.stopReason()) {
            case END_TASK -> "the agent called end_task";
            case NO_TOOL_CALLS -> "the agent stopped calling tools";
            case MAX_ITERATIONS -> "the agent used up its turns";
            case TOKEN_LIMIT -> "the conversation grew past its length budget";
            case TRANSCRIPT_END -> "the recorded transcript ended";
            case AGENT_EXIT -> "the agent's program exited";
            case TIME_LIMIT -> "the agent reached its time limit and was stopped";
            case OUTPUT_LIMIT -> "the agent printed more than allowed and was stopped";
            case DISK_LIMIT -> "the agent wrote more to disk than allowed and was stopped";
        };
    }

    private static String arguments(ToolCall call) {
        Map<String, Object> shown = new LinkedHashMap<>();
        call.arguments().forEach((k, v) -> shown.put(k, v instanceof String s ? shorten(s, MAX_ARGUMENT) : v));
        try {
            return JSON.writeValueAsString(shown);
        } catch (JsonProcessingException e) {
            return shown.toString();
        }
    }

    private static String shorten(String text, int max) {
        if (text.length() <= max) return text;
        return text.substring(0, max) + " [... " + (text.length() - max) + " more characters not shown]";
    }

    private static String indent(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.strip().split("\\R", -1)) sb.append("    ").append(line).append('\n');
        return sb.toString();
    }

    /** The questions and answers of a follow-up interview, for the classification prompt. */
    static String interview(List<FollowUp.Answer> answers) {
        StringBuilder sb = new StringBuilder();
        for (FollowUp.Answer a : answers) {
            sb.append("Question: ").append(a.question().strip()).append('\n').append("Agent's answer:\n")
                    .append(a.answer().isBlank() ? "    (no answer)\n" : indent(a.answer()));
        }
        return sb.toString().stripTrailing();
    }
}
