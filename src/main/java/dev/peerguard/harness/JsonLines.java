package dev.peerguard.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.agent.Message;
import dev.peerguard.tool.ToolCall;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CLI's standard output as JSON objects, one a line, keeping every line that is not one as a problem
 * instead of failing: agent CLIs mix warnings into their output and a killed run ends mid-line.
 */
public final class JsonLines {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int SHOWN = 200;

    private JsonLines() {}

    /** One JSON object and the (1-based) line it came from, for problem messages. */
    public record Line(int number, JsonNode json) {
        /** The event's {@code type} field, or "" when it has none. */
        public String type() {
            return json.path("type").asText("");
        }

        /** A problem message about this line. */
        public String problem(String what) {
            return "line " + number + ": " + what;
        }
    }

    /** The objects read, in order, and what could not be read. */
    public record Read(List<Line> lines, List<String> problems) {
        public Read {
            lines = List.copyOf(lines);
            problems = List.copyOf(problems);
        }
    }

    /** Splits {@code text} into lines and reads each non-blank one as a JSON object. */
    public static Read read(String text) {
        List<Line> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (text == null) return new Read(lines, problems);
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i].strip();
            if (line.isEmpty()) continue;
            int number = i + 1;
            try {
                JsonNode node = MAPPER.readTree(line);
                if (node != null && node.isObject()) {
                    lines.add(new Line(number, node));
                } else {
                    problems.add("line " + number + ": not a JSON object: " + shorten(line));
                }
            } catch (JsonProcessingException e) {
                problems.add("line " + number + ": not JSON (" + (line.startsWith("{") ? "truncated or malformed"
                        : "other output") + "): " + shorten(line));
            }
        }
        return new Read(lines, problems);
    }

    /** A JSON value as plain Java values (maps, lists, strings, numbers, booleans, nulls). */
    public static Object plain(JsonNode node) {
        return node == null || node.isMissingNode() ? null : MAPPER.convertValue(node, Object.class);
    }

    /**
     * A tool call from a CLI's arguments, which may be a JSON object or a string holding one; anything else is kept
     * as a malformed call so the transcript still shows it.
     */
    public static ToolCall call(String id, String name, JsonNode arguments) {
        if (arguments == null || arguments.isMissingNode() || arguments.isNull()) {
            return new ToolCall(id, name, Map.of());
        }
        if (arguments.isObject()) return new ToolCall(id, name, object(arguments));
        if (arguments.isTextual()) {
            try {
                JsonNode parsed = MAPPER.readTree(arguments.asText());
                if (parsed != null && parsed.isObject()) return new ToolCall(id, name, object(parsed));
            } catch (JsonProcessingException e) {
                return ToolCall.malformed(id, name, arguments.asText(), "arguments are not JSON");
            }
        }
        return ToolCall.malformed(id, name, arguments.toString(), "arguments are not a JSON object");
    }

    /** A JSON object as a map that keeps its keys' order (and nulls, which {@code Map.of} would reject). */
    public static Map<String, Object> object(JsonNode node) {
        Map<String, Object> out = MAPPER.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() {});
        return out == null ? new LinkedHashMap<>() : out;
    }

    /** A JSON number field as a long, 0 when it is absent or not a number. */
    public static long count(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNumber() ? v.asLong() : 0;
    }

    /** The start of a long line, for problem messages. */
    public static String shorten(String s) {
        return s.length() <= SHOWN ? s : s.substring(0, SHOWN) + "...";
    }

    /**
     * Collects assistant turns and the results of their calls into transcript order: each turn, then one result per
     * call that got one, in the order of the calls. Text or reasoning arriving after a turn's calls starts a new turn,
     * because a model's message always precedes the calls it makes.
     */
    public static final class Turns {
        private final List<Message> messages = new ArrayList<>();
        private final List<String> problems;
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder reasoning = new StringBuilder();
        private final List<ToolCall> calls = new ArrayList<>();
        private final Map<String, String> results = new LinkedHashMap<>();
        /** Calls of turns already written out, whose results may still come (e.g. a sub-agent's task). */
        private final Map<String, ToolCall> earlier = new LinkedHashMap<>();
        private final Set<String> answered = new HashSet<>();

        /** @param problems where to report results that match no call */
        public Turns(List<String> problems) {
            this.problems = problems;
        }

        public void text(String s) {
            if (s == null || s.isEmpty()) return;
            if (!calls.isEmpty()) endTurn();
            text.append(s);
        }

        public void reasoning(String s) {
            if (s == null || s.isEmpty()) return;
            if (!calls.isEmpty()) endTurn();
            if (!reasoning.isEmpty()) reasoning.append("\n\n");
            reasoning.append(s);
        }

        public void call(ToolCall call) {
            calls.add(call);
        }

        /** Whether a call with this id was seen, in this turn or an earlier one. */
        public boolean knows(String callId) {
            return earlier.containsKey(callId) || calls.stream().anyMatch(c -> callId.equals(c.id()));
        }

        /** The result of the call with this id; a second result for the same call is appended to the first. */
        public void result(String callId, String resultText, String where) {
            String t = resultText == null ? "" : resultText;
            if (calls.stream().anyMatch(c -> callId.equals(c.id()))) {
                results.merge(callId, t, (a, b) -> a + "\n" + b);
            } else if (earlier.containsKey(callId) && answered.add(callId)) {
                messages.add(new Message.ToolResult(earlier.get(callId), t));
            } else {
                problems.add(where + ": result for an unknown or already answered call " + callId);
            }
        }

        /** Ends the current turn (e.g. when a CLI marks a new model message), writing it out if it has anything. */
        public void endTurn() {
            if (text.isEmpty() && reasoning.isEmpty() && calls.isEmpty()) return;
            messages.add(new Message.Assistant(text.toString(), calls,
                    reasoning.isEmpty() ? null : reasoning.toString()));
            for (ToolCall c : calls) {
                if (results.containsKey(c.id())) {
                    messages.add(new Message.ToolResult(c, results.get(c.id())));
                    answered.add(c.id());
                } else {
                    earlier.put(c.id(), c);
                }
            }
            text.setLength(0);
            reasoning.setLength(0);
            calls.clear();
            results.clear();
        }

        /** Everything collected, the last turn included. */
        public List<Message> finish() {
            endTurn();
            return List.copyOf(messages);
        }
    }
}
