package dev.peerguard.model.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * OpenAI chat completions ({@code POST /v1/chat/completions}), with DeepSeek's {@code reasoning_content}, answered
 * whole or, for {@code "stream": true}, as {@code chat.completion.chunk} server-sent events.
 */
final class OpenAiWire extends Wire {
    /** Characters per streamed text or arguments delta: small, so clients must join several. */
    private static final int PIECE = 8;

    @Override
    String basePath() {
        return "/v1";
    }

    @Override
    String endpoint() {
        return "/v1/chat/completions";
    }

    @Override
    boolean isChat(Recorded request) {
        return request.method().equals("POST") && request.path().equals(endpoint());
    }

    @Override
    Reply.Status missingCredentials(Recorded request, String query) {
        String auth = request.header("Authorization");
        if (auth != null && auth.startsWith("Bearer ") && auth.length() > "Bearer ".length()) return null;
        return new Reply.Status(401, error(401, "You didn't provide an API key. You need to provide your API key in an "
                + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", Map.of()), Map.of());
    }

    @Override
    String turn(Reply.Turn turn, Recorded request) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", nextId("chatcmpl-"));
        out.put("object", "chat.completion");
        out.put("created", Instant.now().getEpochSecond());
        out.put("model", request.body().path("model").asText("gpt-fake"));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (turn.text().isEmpty() && !turn.calls().isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", turn.text());
        }
        if (turn.reasoning() != null) message.put("reasoning_content", turn.reasoning());
        if (!turn.calls().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (Reply.Call call : turn.calls()) {
                ObjectNode c = calls.addObject();
                c.put("id", nextId("call_"));
                c.put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
            }
        }
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", turn.calls().isEmpty() ? "stop" : "tool_calls");
        out.set("usage", usage(turn));
        out.put("system_fingerprint", "fp_fake");
        return out.toString();
    }

    @Override
    String answersField() {
        return "choices";
    }

    @Override
    boolean isStream(Recorded request, String query) {
        return request.body().path("stream").asBoolean(false);
    }

    /**
     * The chunks OpenAI streams: the role (with empty content), reasoning and content deltas, for each call its id,
     * type and name with empty arguments then the arguments in fragments, a chunk with the finish reason, then, when
     * {@code stream_options.include_usage} is set, a chunk without choices carrying the usage ({@code "usage": null}
     * in all others, as OpenAI sends it), and {@code [DONE]}.
     */
    @Override
    Streamed stream(Reply.Turn turn, Recorded request, String query) {
        boolean withUsage = request.body().path("stream_options").path("include_usage").asBoolean(false);
        Chunks chunks = new Chunks(nextId("chatcmpl-"), Instant.now().getEpochSecond(),
                request.body().path("model").asText("gpt-fake"), withUsage);
        chunks.delta(d -> d.put("role", "assistant").put("content", ""));
        if (turn.reasoning() != null) {
            for (String piece : pieces(turn.reasoning(), PIECE)) chunks.delta(d -> d.put("reasoning_content", piece));
        }
        for (String piece : pieces(turn.text(), PIECE)) chunks.delta(d -> d.put("content", piece));
        for (int i = 0; i < turn.calls().size(); i++) {
            int index = i;
            Reply.Call call = turn.calls().get(i);
            chunks.delta(d -> {
                ObjectNode c = d.putArray("tool_calls").addObject().put("index", index).put("id", nextId("call_"))
                        .put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", "");
            });
            for (String piece : pieces(call.argumentsJson(), PIECE)) {
                chunks.delta(d -> d.putArray("tool_calls").addObject().put("index", index)
                        .putObject("function").put("arguments", piece));
            }
        }
        chunks.finish(turn.calls().isEmpty() ? "stop" : "tool_calls");
        if (withUsage) chunks.usage(usage(turn));
        List<String> events = new ArrayList<>(chunks.events);
        events.add(sse(null, "[DONE]", "\n"));
        return new Streamed("text/event-stream; charset=utf-8", events);
    }

    private static ObjectNode usage(Reply.Turn turn) {
        return JSON.createObjectNode()
                .put("prompt_tokens", turn.inputTokens())
                .put("completion_tokens", turn.outputTokens())
                .put("total_tokens", turn.inputTokens() + turn.outputTokens());
    }

    /** The chunks of one streamed response, which share its id, creation time and model. */
    private static final class Chunks {
        final List<String> events = new ArrayList<>();
        private final String id;
        private final long created;
        private final String model;
        private final boolean withUsage;

        Chunks(String id, long created, String model, boolean withUsage) {
            this.id = id;
            this.created = created;
            this.model = model;
            this.withUsage = withUsage;
        }

        void delta(Consumer<ObjectNode> fill) {
            ObjectNode chunk = chunk();
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            fill.accept(choice.putObject("delta"));
            choice.putNull("logprobs");
            choice.putNull("finish_reason");
            add(chunk, true);
        }

        void finish(String reason) {
            ObjectNode chunk = chunk();
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.putObject("delta");
            choice.putNull("logprobs");
            choice.put("finish_reason", reason);
            add(chunk, true);
        }

        void usage(ObjectNode usage) {
            ObjectNode chunk = chunk();
            chunk.putArray("choices");
            chunk.set("usage", usage);
            add(chunk, false);
        }

        private ObjectNode chunk() {
            ObjectNode chunk = JSON.createObjectNode();
            chunk.put("id", id);
            chunk.put("object", "chat.completion.chunk");
            chunk.put("created", created);
            chunk.put("model", model);
            chunk.put("system_fingerprint", "fp_fake");
            return chunk;
        }

        private void add(ObjectNode chunk, boolean nullUsage) {
            if (withUsage && nullUsage) chunk.putNull("usage");
            events.add(sse(null, chunk.toString(), "\n"));
        }
    }

    @Override
    String error(int code, String message, Map<String, String> headers) {
        String type = code >= 500 ? "server_error" : code == 429 ? "requests" : "invalid_request_error";
        String errorCode = switch (code) {
            case 401 -> "invalid_api_key";
            case 404 -> "model_not_found";
            case 429 -> "rate_limit_exceeded";
            default -> null;
        };
        String text = message != null ? message : switch (code) {
            case 401 -> "Incorrect API key provided. You can find your API key at "
                    + "https://platform.openai.com/account/api-keys.";
            case 404 -> "The model does not exist or you do not have access to it.";
            case 429 -> "Rate limit reached for requests. Please try again later.";
            case 500 -> "The server had an error while processing your request. Sorry about that!";
            case 503 -> "The engine is currently overloaded, please try again later.";
            default -> "HTTP " + code;
        };
        ObjectNode out = JSON.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("message", text);
        error.put("type", type);
        error.putNull("param");
        error.put("code", errorCode);
        return out.toString();
    }

    @Override
    Conversation conversation(JsonNode body) {
        ConversationReader reader = new ConversationReader();
        for (JsonNode m : body.path("messages")) {
            switch (m.path("role").asText()) {
                case "system", "developer" -> reader.system(text(m.get("content")));
                case "user" -> reader.user(text(m.get("content")));
                case "assistant" -> {
                    List<ToolCall> calls = new ArrayList<>();
                    for (JsonNode c : m.path("tool_calls")) {
                        JsonNode f = c.path("function");
                        calls.add(new ToolCall(c.path("id").asText(), f.path("name").asText(),
                                arguments(f.get("arguments"))));
                    }
                    reader.assistant(text(m.get("content")), calls, m.path("reasoning_content").asText(null));
                }
                case "tool" -> reader.toolResult(m.path("tool_call_id").asText(null), m.path("name").asText(null),
                        text(m.get("content")));
                default -> throw new IllegalArgumentException("unknown role in " + m);
            }
        }
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode t : body.path("tools")) {
            JsonNode f = t.path("function");
            tools.add(ToolSpec.fromJsonSchema(f.path("name").asText(), f.path("description").asText(""), f.path("parameters")));
        }
        return new Conversation(reader.messages(), tools);
    }
}
