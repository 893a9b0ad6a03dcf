package dev.peerguard.model.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerguard.agent.Message;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One provider's wire format, as a {@link FakeProvider} speaks it: where the chat endpoint is, how a turn and an error
 * are encoded, and how a request is read back into PeerGuard's conversation and tools.
 */
abstract sealed class Wire permits OpenAiWire, AnthropicWire, GeminiWire {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private final Map<String, AtomicInteger> ids = new ConcurrentHashMap<>();

    static Wire of(FakeProvider.Format format) {
        return switch (format) {
            case OPENAI -> new OpenAiWire();
            case ANTHROPIC -> new AnthropicWire();
            case GEMINI -> new GeminiWire();
        };
    }

    /** The path the base URL ends with: what a LangChain4j builder's {@code baseUrl} must include. */
    abstract String basePath();

    /** The chat endpoint, for error messages (e.g. {@code /v1/chat/completions}). */
    abstract String endpoint();

    /** Whether the request is a call of the chat endpoint. */
    abstract boolean isChat(Recorded request);

    /** The service's answer to a request without credentials, or {@code null} when they are there. */
    abstract Reply.Status missingCredentials(Recorded request, String query);

    /** The response JSON of a turn. */
    abstract String turn(Reply.Turn turn, Recorded request);

    /** The field of a response that holds the model's answers: {@code choices}, {@code content}, {@code candidates}. */
    abstract String answersField();

    /** A well-formed text turn's response JSON whose {@link #answersField() answers} list is empty. */
    final String empty(Recorded request) {
        try {
            ObjectNode out = (ObjectNode) JSON.readTree(turn(Reply.text(""), request));
            out.putArray(answersField());
            return out.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the fake's own turn JSON is unreadable", e);
        }
    }

    /** Whether the request asks for the answer as a stream. */
    abstract boolean isStream(Recorded request, String query);

    /** A turn as the service streams it. */
    abstract Streamed stream(Reply.Turn turn, Recorded request, String query);

    /** The service's error JSON for a status code; {@code message} may be {@code null} for the usual text. */
    abstract String error(int code, String message, Map<String, String> headers);

    /** The request's messages and tools as PeerGuard sees them. */
    abstract Conversation conversation(JsonNode body);

    /**
     * A streamed answer: its content type and the pieces of its body, each written and flushed on its own so a client
     * sees them arrive one by one.
     */
    record Streamed(String contentType, List<String> pieces) {
        Streamed {
            pieces = List.copyOf(pieces);
        }
    }

    /** One server-sent event: an optional {@code event:} line, the {@code data:} line and the blank line. */
    static String sse(String event, String data, String newline) {
        return (event == null ? "" : "event: " + event + newline) + "data: " + data + newline + newline;
    }

    /**
     * The text cut into pieces of at most {@code size} characters (never inside a surrogate pair), as streamed deltas
     * arrive; none for an empty text.
     */
    static List<String> pieces(String text, int size) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + size);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) end++;
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    /** A request read back: the conversation so far and the tools on offer. */
    record Conversation(List<Message> messages, List<ToolSpec> tools) {}

    /** A fresh id with this prefix, numbered per prefix within this fake: {@code call_1}, {@code call_2}, ... */
    final String nextId(String prefix) {
        return prefix + ids.computeIfAbsent(prefix, p -> new AtomicInteger()).incrementAndGet();
    }

    /** The arguments as an object node, or {@code null} when they are not a JSON object. */
    static ObjectNode parseObject(String json) {
        try {
            return JSON.readTree(json) instanceof ObjectNode o ? o : null;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The arguments as a map; empty when they are not a JSON object. */
    static Map<String, Object> arguments(JsonNode node) {
        if (node != null && node.isTextual()) node = parseObject(node.asText());
        return node instanceof ObjectNode o ? JSON.convertValue(o, MAP) : Map.of();
    }

    /** The text of a content that is a string or an array of {@code {type:"text", text}} blocks. */
    static String text(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) return "";
        if (content.isTextual()) return content.asText();
        StringBuilder out = new StringBuilder();
        for (JsonNode block : content) {
            if (block.has("text")) out.append(out.isEmpty() ? "" : "\n").append(block.path("text").asText());
        }
        return out.toString();
    }

    /** A stable opaque signature for a thinking block, as base64 like the real ones. */
    static String signature(String seed) {
        return Base64.getEncoder().encodeToString(sha256(seed));
    }

    /** The SHA-256 of the text in UTF-8. */
    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Builds a conversation message by message: the first user message is the task request and later ones are
     * nudges; a tool result is matched to a call of the latest assistant turn by id, else by name, else by order.
     */
    static final class ConversationReader {
        private final List<Message> messages = new ArrayList<>();
        private final List<ToolCall> unanswered = new ArrayList<>();
        private boolean sawUser;

        void system(String text) {
            messages.add(new Message.System(text));
        }

        void user(String text) {
            messages.add(new Message.User(text, sawUser));
            sawUser = true;
        }

        void assistant(String text, List<ToolCall> calls, String reasoning) {
            unanswered.clear();
            unanswered.addAll(calls);
            String thought = reasoning == null || reasoning.isEmpty() ? null : reasoning;
            messages.add(new Message.Assistant(text, calls, thought));
        }

        void toolResult(String id, String name, String text) {
            ToolCall call = unanswered.stream().filter(c -> id != null && id.equals(c.id())).findFirst()
                    .or(() -> unanswered.stream().filter(c -> c.name().equals(name)).findFirst())
                    .or(() -> unanswered.stream().findFirst())
                    .orElseGet(() -> new ToolCall(id, name == null ? "" : name, Map.of()));
            unanswered.remove(call);
            messages.add(new Message.ToolResult(call, text));
        }

        List<Message> messages() {
            return List.copyOf(messages);
        }
    }
}
