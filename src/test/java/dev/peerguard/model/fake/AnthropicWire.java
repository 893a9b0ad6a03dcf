package dev.peerguard.model.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Anthropic messages ({@code POST /v1/messages}), answered whole or, for {@code "stream": true}, as server-sent events.
 * A call whose arguments are not a JSON object is sent with its arguments as a JSON string in {@code input}, or
 * streamed as {@code input_json_delta} fragments of that text, which no client can read as an object.
 */
final class AnthropicWire extends Wire {
    /** Characters per streamed delta: small, so clients must join several. */
    private static final int PIECE = 8;

    @Override
    String basePath() {
        return "/v1";
    }

    @Override
    String endpoint() {
        return "/v1/messages";
    }

    @Override
    boolean isChat(Recorded request) {
        return request.method().equals("POST") && request.path().equals(endpoint());
    }

    @Override
    Reply.Status missingCredentials(Recorded request, String query) {
        if (request.header("x-api-key") == null || request.header("x-api-key").isBlank()) {
            return new Reply.Status(401, error(401, "x-api-key header is required", Map.of()), Map.of());
        }
        if (request.header("anthropic-version") == null) {
            return new Reply.Status(400, error(400, "anthropic-version: header is required", Map.of()), Map.of());
        }
        return null;
    }

    @Override
    String turn(Reply.Turn turn, Recorded request) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", nextId("msg_fake_"));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", request.body().path("model").asText("claude-fake"));
        ArrayNode content = out.putArray("content");
        if (turn.reasoning() != null && !turn.reasoning().isEmpty()) {
            content.addObject().put("type", "thinking").put("thinking", turn.reasoning())
                    .put("signature", signature(turn.reasoning()));
        }
        if (!turn.text().isEmpty()) content.addObject().put("type", "text").put("text", turn.text());
        for (Reply.Call call : turn.calls()) {
            ObjectNode block = content.addObject().put("type", "tool_use").put("id", nextId("toolu_"))
                    .put("name", call.name());
            ObjectNode input = parseObject(call.argumentsJson());
            if (input != null) {
                block.set("input", input);
            } else {
                block.put("input", call.argumentsJson());
            }
        }
        out.put("stop_reason", turn.calls().isEmpty() ? "end_turn" : "tool_use");
        out.putNull("stop_sequence");
        out.putObject("usage").put("input_tokens", turn.inputTokens()).put("output_tokens", turn.outputTokens());
        return out.toString();
    }

    @Override
    String answersField() {
        return "content";
    }

    @Override
    boolean isStream(Recorded request, String query) {
        return request.body().path("stream").asBoolean(false);
    }

    /**
     * The events Anthropic streams: {@code message_start} (empty content, the input tokens), a {@code ping}, then per
     * block {@code content_block_start}, its deltas ({@code thinking_delta} then one {@code signature_delta};
     * {@code text_delta}; {@code input_json_delta}) and {@code content_block_stop}, then {@code message_delta} with the
     * stop reason and output tokens, and {@code message_stop}.
     */
    @Override
    Streamed stream(Reply.Turn turn, Recorded request, String query) {
        List<String> events = new ArrayList<>();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", nextId("msg_fake_"));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", request.body().path("model").asText("claude-fake"));
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", turn.inputTokens()).put("output_tokens", 1);
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        start.set("message", message);
        events.add(event(start));
        events.add(event(JSON.createObjectNode().put("type", "ping")));
        int index = 0;
        if (turn.reasoning() != null && !turn.reasoning().isEmpty()) {
            List<ObjectNode> deltas = new ArrayList<>();
            for (String piece : pieces(turn.reasoning(), PIECE)) {
                deltas.add(JSON.createObjectNode().put("type", "thinking_delta").put("thinking", piece));
            }
            deltas.add(JSON.createObjectNode().put("type", "signature_delta")
                    .put("signature", signature(turn.reasoning())));
            block(events, index++, JSON.createObjectNode().put("type", "thinking").put("thinking", "")
                    .put("signature", ""), deltas);
        }
        if (!turn.text().isEmpty()) {
            List<ObjectNode> deltas = new ArrayList<>();
            for (String piece : pieces(turn.text(), PIECE)) {
                deltas.add(JSON.createObjectNode().put("type", "text_delta").put("text", piece));
            }
            block(events, index++, JSON.createObjectNode().put("type", "text").put("text", ""), deltas);
        }
        for (Reply.Call call : turn.calls()) {
            ObjectNode use = JSON.createObjectNode().put("type", "tool_use").put("id", nextId("toolu_"))
                    .put("name", call.name());
            use.putObject("input");
            List<ObjectNode> deltas = new ArrayList<>();
            for (String piece : pieces(call.argumentsJson(), PIECE)) {
                deltas.add(JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", piece));
            }
            block(events, index++, use, deltas);
        }
        ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", turn.calls().isEmpty() ? "end_turn" : "tool_use")
                .putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", turn.outputTokens());
        events.add(event(delta));
        events.add(event(JSON.createObjectNode().put("type", "message_stop")));
        return new Streamed("text/event-stream; charset=utf-8", events);
    }

    private static void block(List<String> events, int index, ObjectNode contentBlock, List<ObjectNode> deltas) {
        ObjectNode start = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
        start.set("content_block", contentBlock);
        events.add(event(start));
        for (ObjectNode d : deltas) {
            ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
            delta.set("delta", d);
            events.add(event(delta));
        }
        events.add(event(JSON.createObjectNode().put("type", "content_block_stop").put("index", index)));
    }

    /** An event named after its data's {@code type}, as Anthropic names them. */
    private static String event(ObjectNode data) {
        return sse(data.path("type").asText(), data.toString(), "\n");
    }

    @Override
    String error(int code, String message, Map<String, String> headers) {
        String type = switch (code) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> code >= 500 ? "api_error" : "invalid_request_error";
        };
        String text = message != null ? message : switch (code) {
            case 401 -> "invalid x-api-key";
            case 429 -> "Number of request tokens has exceeded your per-minute rate limit.";
            case 500 -> "Internal server error";
            case 529 -> "Overloaded";
            default -> "HTTP " + code;
        };
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "error");
        out.putObject("error").put("type", type).put("message", text);
        out.put("request_id", nextId("req_fake_"));
        return out.toString();
    }

    @Override
    Conversation conversation(JsonNode body) {
        ConversationReader reader = new ConversationReader();
        if (body.has("system")) reader.system(text(body.get("system")));
        for (JsonNode m : body.path("messages")) {
            JsonNode content = m.path("content");
            boolean assistant = m.path("role").asText().equals("assistant");
            if (content.isTextual()) {
                if (assistant) {
                    reader.assistant(content.asText(), List.of(), null);
                } else {
                    reader.user(content.asText());
                }
                continue;
            }
            StringBuilder text = new StringBuilder();
            StringBuilder thinking = new StringBuilder();
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode block : content) {
                switch (block.path("type").asText()) {
                    case "text" -> text.append(text.isEmpty() ? "" : "\n").append(block.path("text").asText());
                    case "thinking" -> thinking.append(block.path("thinking").asText());
                    case "tool_use" -> calls.add(new ToolCall(block.path("id").asText(), block.path("name").asText(),
                            arguments(block.get("input"))));
                    case "tool_result" -> reader.toolResult(block.path("tool_use_id").asText(null), null,
                            text(block.get("content")));
                    default -> { } // images, documents and server-tool blocks play no part in an episode
                }
            }
            if (assistant) {
                reader.assistant(text.toString(), calls, thinking.toString());
            } else if (!text.isEmpty()) {
                reader.user(text.toString());
            }
        }
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode t : body.path("tools")) {
            tools.add(ToolSpec.fromJsonSchema(t.path("name").asText(), t.path("description").asText(""), t.path("input_schema")));
        }
        return new Conversation(reader.messages(), tools);
    }
}
