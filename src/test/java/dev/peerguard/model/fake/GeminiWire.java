package dev.peerguard.model.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gemini generateContent ({@code POST /v1beta/models/{model}:generateContent}) and its streaming twin
 * ({@code :streamGenerateContent}), as Gemini 3 answers: function calls carry no id, the first one carries the turn's
 * {@code thoughtSignature}, and the finish reason is {@code STOP} with or without calls. A turn with a call whose
 * arguments are not a JSON object is answered as Gemini answers a broken call: no content, finish reason
 * {@code MALFORMED_FUNCTION_CALL} and a {@code finishMessage}.
 */
final class GeminiWire extends Wire {
    private static final String ACTION = ":generateContent";
    private static final String STREAM_ACTION = ":streamGenerateContent";
    /** Characters per streamed text part: small, so clients must join several. */
    private static final int PIECE = 8;

    @Override
    String basePath() {
        return "/v1beta";
    }

    @Override
    String endpoint() {
        return "/v1beta/models/{model}" + ACTION + " (or " + STREAM_ACTION + ")";
    }

    @Override
    boolean isChat(Recorded request) {
        return request.method().equals("POST") && request.path().startsWith("/v1beta/models/")
                && (request.path().endsWith(ACTION) || request.path().endsWith(STREAM_ACTION));
    }

    @Override
    Reply.Status missingCredentials(Recorded request, String query) {
        String key = request.header("x-goog-api-key");
        boolean inQuery = query != null && (query.startsWith("key=") || query.contains("&key="));
        if ((key != null && !key.isBlank()) || inQuery) return null;
        return new Reply.Status(403, error(403, "Method doesn't allow unregistered callers (callers without "
                + "established identity). Please use API Key or other form of API consumer identity to call this API.",
                Map.of()), Map.of());
    }

    @Override
    String turn(Reply.Turn turn, Recorded request) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode candidate = out.putArray("candidates").addObject();
        boolean malformed = turn.calls().stream().anyMatch(c -> parseObject(c.argumentsJson()) == null);
        if (malformed) {
            malformed(turn, candidate);
        } else {
            ObjectNode content = candidate.putObject("content");
            ArrayNode parts = content.putArray("parts");
            if (turn.reasoning() != null && !turn.reasoning().isEmpty()) {
                parts.addObject().put("text", turn.reasoning()).put("thought", true);
            }
            if (!turn.text().isEmpty()) parts.addObject().put("text", turn.text());
            parts.addAll(callParts(turn));
            content.put("role", "model");
            candidate.put("finishReason", "STOP");
        }
        candidate.put("index", 0);
        out.set("usageMetadata", usage(turn));
        out.put("modelVersion", model(request));
        out.put("responseId", nextId("resp_fake_"));
        return out.toString();
    }

    @Override
    String answersField() {
        return "candidates";
    }

    @Override
    boolean isStream(Recorded request, String query) {
        return request.path().endsWith(STREAM_ACTION);
    }

    /**
     * The chunks Gemini streams, each a whole response object: thought parts and text parts in pieces, the function
     * calls whole in one chunk; the last chunk carries the finish reason and {@code usageMetadata}. With
     * {@code alt=sse} they are server-sent events; without it, as Gemini does, one JSON array of them.
     */
    @Override
    Streamed stream(Reply.Turn turn, Recorded request, String query) {
        String responseId = nextId("resp_fake_");
        List<ObjectNode> chunks = new ArrayList<>();
        if (turn.calls().stream().anyMatch(c -> parseObject(c.argumentsJson()) == null)) {
            chunks.add(chunk(turn, request, responseId, null));
        } else {
            if (turn.reasoning() != null) {
                for (String piece : pieces(turn.reasoning(), PIECE)) {
                    chunks.add(chunk(turn, request, responseId, List.of(JSON.createObjectNode().put("text", piece)
                            .put("thought", true))));
                }
            }
            for (String piece : pieces(turn.text(), PIECE)) {
                chunks.add(chunk(turn, request, responseId, List.of(JSON.createObjectNode().put("text", piece))));
            }
            if (!turn.calls().isEmpty()) chunks.add(chunk(turn, request, responseId, callParts(turn)));
            if (chunks.isEmpty()) {
                chunks.add(chunk(turn, request, responseId, List.of(JSON.createObjectNode().put("text", ""))));
            }
            ObjectNode last = chunks.get(chunks.size() - 1);
            ((ObjectNode) last.path("candidates").get(0)).put("finishReason", "STOP");
        }
        chunks.get(chunks.size() - 1).set("usageMetadata", usage(turn));
        boolean sse = query != null && List.of(query.split("&")).contains("alt=sse");
        if (!sse) {
            return new Streamed("application/json; charset=UTF-8", List.of(chunks.stream().map(ObjectNode::toString)
                    .collect(Collectors.joining(",\r\n", "[", "]"))));
        }
        return new Streamed("text/event-stream", chunks.stream().map(c -> sse(null, c.toString(), "\r\n")).toList());
    }

    /** One chunk with these parts, or, for {@code null} parts, the malformed-call answer. */
    private ObjectNode chunk(Reply.Turn turn, Recorded request, String responseId, List<ObjectNode> parts) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode candidate = out.putArray("candidates").addObject();
        if (parts == null) {
            malformed(turn, candidate);
        } else {
            ObjectNode content = candidate.putObject("content");
            content.putArray("parts").addAll(parts);
            content.put("role", "model");
        }
        candidate.put("index", 0);
        out.put("modelVersion", model(request));
        out.put("responseId", responseId);
        return out;
    }

    private List<ObjectNode> callParts(Reply.Turn turn) {
        List<ObjectNode> parts = new ArrayList<>();
        for (int i = 0; i < turn.calls().size(); i++) {
            Reply.Call call = turn.calls().get(i);
            ObjectNode part = JSON.createObjectNode();
            part.putObject("functionCall").put("name", call.name()).set("args", parseObject(call.argumentsJson()));
            if (i == 0) part.put("thoughtSignature", signature(nextId("thought_")));
            parts.add(part);
        }
        return parts;
    }

    private static void malformed(Reply.Turn turn, ObjectNode candidate) {
        candidate.put("finishReason", "MALFORMED_FUNCTION_CALL");
        candidate.put("finishMessage", "Malformed function call: " + turn.calls().stream()
                .filter(c -> parseObject(c.argumentsJson()) == null).findFirst().orElseThrow().argumentsJson());
    }

    private static ObjectNode usage(Reply.Turn turn) {
        return JSON.createObjectNode()
                .put("promptTokenCount", turn.inputTokens())
                .put("candidatesTokenCount", turn.outputTokens())
                .put("totalTokenCount", turn.inputTokens() + turn.outputTokens());
    }

    private static String model(Recorded request) {
        String path = request.path();
        String action = path.endsWith(STREAM_ACTION) ? STREAM_ACTION : ACTION;
        return path.substring("/v1beta/models/".length(), path.length() - action.length());
    }

    @Override
    String error(int code, String message, Map<String, String> headers) {
        String status = switch (code) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
        String text = message != null ? message : switch (code) {
            case 400 -> "Request contains an invalid argument.";
            case 429 -> "You exceeded your current quota, please check your plan and billing details.";
            case 500 -> "An internal error has occurred. Please retry or report in "
                    + "https://developers.generativeai.google/guide/troubleshooting";
            case 503 -> "The model is overloaded. Please try again later.";
            default -> "HTTP " + code;
        };
        ObjectNode out = JSON.createObjectNode();
        ObjectNode error = out.putObject("error").put("code", code).put("message", text).put("status", status);
        String retryAfter = headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (code == 429 && retryAfter != null) {
            error.putArray("details").addObject()
                    .put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                    .put("retryDelay", retryAfter + "s");
        }
        return out.toString();
    }

    @Override
    Conversation conversation(JsonNode body) {
        ConversationReader reader = new ConversationReader();
        if (body.has("systemInstruction")) reader.system(text(body.path("systemInstruction").path("parts")));
        int calls = 0;
        for (JsonNode content : body.path("contents")) {
            StringBuilder text = new StringBuilder();
            StringBuilder thinking = new StringBuilder();
            List<ToolCall> turnCalls = new ArrayList<>();
            for (JsonNode part : content.path("parts")) {
                if (part.has("functionCall")) {
                    JsonNode f = part.path("functionCall");
                    String id = f.hasNonNull("id") ? f.path("id").asText() : "gemini_call_" + ++calls;
                    turnCalls.add(new ToolCall(id, f.path("name").asText(), arguments(f.get("args"))));
                } else if (part.has("functionResponse")) {
                    JsonNode f = part.path("functionResponse");
                    reader.toolResult(f.path("id").asText(null), f.path("name").asText(null),
                            result(f.path("response")));
                } else if (part.path("thought").asBoolean(false)) {
                    thinking.append(part.path("text").asText());
                } else if (part.has("text")) {
                    text.append(text.isEmpty() ? "" : "\n").append(part.path("text").asText());
                }
            }
            if (content.path("role").asText().equals("model")) {
                reader.assistant(text.toString(), turnCalls, thinking.toString());
            } else if (!text.isEmpty()) {
                reader.user(text.toString());
            }
        }
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode t : body.path("tools")) {
            for (JsonNode f : t.path("functionDeclarations")) {
                JsonNode schema = f.has("parameters") ? f.path("parameters") : f.path("parametersJsonSchema");
                tools.add(ToolSpec.fromJsonSchema(f.path("name").asText(), f.path("description").asText(""), schema));
            }
        }
        return new Conversation(reader.messages(), tools);
    }

    /** A function response's text: its {@code response} field if that is a string (LangChain4j's shape), else JSON. */
    private static String result(JsonNode response) {
        JsonNode inner = response.path("response");
        return inner.isTextual() ? inner.asText() : response.toString();
    }
}
