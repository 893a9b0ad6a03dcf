package dev.peerguard.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One episode in the study's published transcript format (see HARNESS_AND_TRANSCRIPTS.md section 2): the conversation,
 * the experiment metadata and the recorded evaluation. Tool calls carry no ids there; each assistant turn's calls are
 * paired here with the result messages that follow it.
 */
public final class PublishedTranscript {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One tool call as recorded: the tool's name and its arguments as plain Java values. */
    public record Call(String name, Map<String, Object> arguments) {
        public Call {
            arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
        }
    }

    /** One message of the recorded conversation; {@code content} is null when the recording had none. */
    public record Entry(int index, String role, String content, List<Call> calls) {
        public Entry {
            calls = List.copyOf(calls);
        }
    }

    /**
     * An assistant turn: its position among the assistant turns (from 1), the message text (never null), its calls
     * in order and, per call, the result text the study's world returned (null when none was recorded, as for
     * {@code end_task}).
     */
    public record Turn(int number, int index, String text, List<Call> calls, List<String> results) {
        public Turn {
            calls = List.copyOf(calls);
            results = Collections.unmodifiableList(new ArrayList<>(results));
        }
    }

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private final String source;
    private final List<Entry> conversation;
    private final List<Turn> turns;
    private final Map<String, Object> metadata;
    private final String evaluationKey;
    private final Map<String, Object> evaluation;
    private final String canary;

    private PublishedTranscript(String source, List<Entry> conversation, Map<String, Object> metadata,
            String evaluationKey, Map<String, Object> evaluation, String canary) {
        this.source = source;
        this.conversation = List.copyOf(conversation);
        this.metadata = Collections.unmodifiableMap(metadata);
        this.evaluationKey = evaluationKey;
        this.evaluation = Collections.unmodifiableMap(evaluation);
        this.canary = canary;
        this.turns = pairTurns(this.conversation);
    }

    /** Reads a transcript file; anything not in the study's format raises a {@link TranscriptFormatException}. */
    public static PublishedTranscript read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReplayException(file + ": cannot read the file: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses a transcript from its JSON text; {@code source} names it in error messages. */
    public static PublishedTranscript parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new TranscriptFormatException(source, "$" + where,
                    "expected a JSON object holding a transcript, but the file is not valid JSON: "
                            + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new TranscriptFormatException(source, "$", "expected a JSON object holding a transcript, but the file is empty");
        }
        if (!root.isObject()) {
            throw new TranscriptFormatException(source, "$", "expected a JSON object with a \"conversation\" list, found "
                    + describe(root));
        }
        JsonNode conv = root.get("conversation");
        if (conv == null) {
            throw new TranscriptFormatException(source, "$.conversation", "expected the list of messages of the episode, "
                    + "but the object has no \"conversation\" (keys present: " + keys(root) + ")");
        }
        if (!conv.isArray()) {
            throw new TranscriptFormatException(source, "$.conversation", "expected a list of messages, found " + describe(conv));
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < conv.size(); i++) entries.add(entry(source, conv.get(i), i));

        Map<String, Object> metadata = object(source, root, "experiment_metadata");
        String evaluationKey = root.has("task_evaluation") ? "task_evaluation"
                : root.has("main_task_evaluation") ? "main_task_evaluation" : null;
        Map<String, Object> evaluation = evaluationKey == null ? new LinkedHashMap<>() : object(source, root, evaluationKey);
        String canary = null;
        for (String key : List.of("canary", "_canary")) {
            JsonNode c = root.get(key);
            if (c == null || c.isNull()) continue;
            if (!c.isTextual()) throw new TranscriptFormatException(source, "$." + key, "expected a string, found " + describe(c));
            canary = c.asText();
            break;
        }
        return new PublishedTranscript(source, entries, metadata, evaluationKey, evaluation, canary);
    }

    private static Entry entry(String source, JsonNode m, int i) {
        String path = "$.conversation[" + i + "]";
        if (!m.isObject()) {
            throw new TranscriptFormatException(source, path, "expected a message object with \"role\" and \"content\", found "
                    + describe(m));
        }
        JsonNode role = m.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
            throw new TranscriptFormatException(source, path + ".role", "expected one of \"system\", \"user\", \"assistant\", "
                    + "\"tool\", found " + (role == null ? "nothing" : describe(role)));
        }
        JsonNode content = m.get("content");
        if (content != null && !content.isNull() && !content.isTextual()) {
            throw new TranscriptFormatException(source, path + ".content", "expected a string or null, found "
                    + describe(content));
        }
        List<Call> calls = new ArrayList<>();
        JsonNode tc = m.get("tool_calls");
        if (tc != null && !tc.isNull()) {
            if (!tc.isObject()) {
                throw new TranscriptFormatException(source, path + ".tool_calls", "expected an object keyed by tool name "
                        + "(e.g. {\"list_files\": {}}), found " + describe(tc));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = tc.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                calls.add(new Call(e.getKey(), arguments(source, path + ".tool_calls." + e.getKey(), e.getValue())));
            }
        }
        return new Entry(i, role.asText(), content == null || content.isNull() ? null : content.asText(), calls);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> arguments(String source, String path, JsonNode args) {
        if (args == null || args.isNull()) return Map.of();
        JsonNode node = args;
        if (args.isTextual()) {
            // Some exports store the arguments as a JSON string; accept it when it holds an object.
            try {
                node = JSON.readTree(args.asText());
            } catch (JsonProcessingException e) {
                node = null;
            }
            if (node == null || !node.isObject()) {
                throw new TranscriptFormatException(source, path, "expected the call's arguments as an object, found a "
                        + "string that is not a JSON object");
            }
        }
        if (!node.isObject()) {
            throw new TranscriptFormatException(source, path, "expected the call's arguments as an object, found "
                    + describe(node));
        }
        return JSON.convertValue(node, LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String source, JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return new LinkedHashMap<>();
        if (!n.isObject()) throw new TranscriptFormatException(source, "$." + key, "expected an object, found " + describe(n));
        return JSON.convertValue(n, LinkedHashMap.class);
    }

    /** Pairs each assistant turn with the tool messages that follow it, by tool name, in order. */
    private static List<Turn> pairTurns(List<Entry> conversation) {
        List<Turn> out = new ArrayList<>();
        for (int i = 0; i < conversation.size(); i++) {
            Entry e = conversation.get(i);
            if (!e.role().equals("assistant")) continue;
            List<String> results = new ArrayList<>(Collections.nCopies(e.calls().size(), null));
            for (int j = i + 1; j < conversation.size() && conversation.get(j).role().equals("tool"); j++) {
                Entry r = conversation.get(j);
                int slot = -1;
                for (int k = 0; k < e.calls().size() && slot < 0; k++) {
                    boolean sameTool = r.calls().isEmpty() || r.calls().get(0).name().equals(e.calls().get(k).name());
                    if (results.get(k) == null && sameTool) slot = k;
                }
                if (slot >= 0) results.set(slot, r.content() == null ? "" : r.content());
            }
            out.add(new Turn(out.size() + 1, i, e.content() == null ? "" : e.content(), e.calls(), results));
        }
        return List.copyOf(out);
    }

    private static String describe(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string \"" + abbreviate(n.asText(), 40) + "\"";
            case NUMBER -> "the number " + n.asText();
            case BOOLEAN -> "the boolean " + n.asText();
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    static String describeValue(Object v) {
        return describe(JSON.valueToTree(v));
    }

    private static String keys(JsonNode n) {
        List<String> keys = new ArrayList<>();
        n.fieldNames().forEachRemaining(keys::add);
        return keys.isEmpty() ? "none" : String.join(", ", keys);
    }

    static String abbreviate(String s, int max) {
        String flat = s.replace("\n", " ");
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }

    // ---- views ----------------------------------------------------------------------------------------------------

    /** The file (or other name) the transcript was read from. */
    public String source() {
        return source;
    }

    public List<Entry> conversation() {
        return conversation;
    }

    /** The assistant turns in order, each with the recorded results of its calls. */
    public List<Turn> turns() {
        return turns;
    }

    /** {@code experiment_metadata} as plain Java values (empty when the file has none). */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** {@code task_evaluation} or {@code main_task_evaluation}, field by field, as plain Java values. */
    public Map<String, Object> evaluation() {
        return evaluation;
    }

    /** Which key the evaluation was read from, or null when the file records none. */
    public String evaluationKey() {
        return evaluationKey;
    }

    /** The canary string, unchanged, or null. */
    public String canary() {
        return canary;
    }

    /** The first system message's text, or "" (coding-agent transcripts may have none). */
    public String systemPrompt() {
        return firstOf("system");
    }

    /** The first user message's text: the task request and the standard instructions. */
    public String userPrompt() {
        return firstOf("user");
    }

    private String firstOf(String role) {
        return conversation.stream().filter(e -> e.role().equals(role) && e.content() != null).map(Entry::content)
                .findFirst().orElse("");
    }

    /** Names of every tool the agent called, in first-call order. */
    public Set<String> calledTools() {
        Set<String> out = new LinkedHashSet<>();
        turns.forEach(t -> t.calls().forEach(c -> out.add(c.name())));
        return out;
    }

    /** The recorded result texts of every call of a tool, in order. */
    public List<String> resultsOf(String tool) {
        List<String> out = new ArrayList<>();
        for (Turn t : turns) {
            for (int k = 0; k < t.calls().size(); k++) {
                if (t.calls().get(k).name().equals(tool) && t.results().get(k) != null) out.add(t.results().get(k));
            }
        }
        return out;
    }

    /** Every call the agent made, in order. */
    public List<Call> calls() {
        List<Call> out = new ArrayList<>();
        turns.forEach(t -> out.addAll(t.calls()));
        return out;
    }

    /** Every tool result text the study's world returned, in order. */
    public List<String> toolResults() {
        return conversation.stream().filter(e -> e.role().equals("tool") && e.content() != null).map(Entry::content)
                .toList();
    }

    // ---- typed metadata -------------------------------------------------------------------------------------------

    /** A metadata string; null when absent, null or {@code false} (the study's "not set"). */
    public String metadataString(String key) {
        Object v = metadata.get(key);
        if (v == null || Boolean.FALSE.equals(v)) return null;
        if (v instanceof String s) return s.isBlank() ? null : s.strip();
        throw metadataType(key, "a string or false", v);
    }

    /** A metadata boolean; null when absent or null. */
    public Boolean metadataBoolean(String key) {
        Object v = metadata.get(key);
        if (v == null) return null;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw metadataType(key, "true or false", v);
    }

    /** A metadata whole number, also given as a string such as "90"; null when absent, null or {@code false}. */
    public Integer metadataInteger(String key, String expected) {
        Object v = metadata.get(key);
        if (v == null || Boolean.FALSE.equals(v)) return null;
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.intValue();
        if (v instanceof String s && s.strip().matches("\\d+(\\.0+)?")) return (int) Double.parseDouble(s.strip());
        throw metadataType(key, expected, v);
    }

    /** A metadata list of strings; empty when absent or null. */
    public List<String> metadataStrings(String key) {
        Object v = metadata.get(key);
        if (v == null || Boolean.FALSE.equals(v)) return List.of();
        if (v instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) {
            return list.stream().map(x -> (String) x).toList();
        }
        throw metadataType(key, "a list of strings", v);
    }

    TranscriptFormatException metadataType(String key, String expected, Object found) {
        return new TranscriptFormatException(source, "$.experiment_metadata." + key, "expected " + expected + ", found "
                + describeValue(found));
    }
}
