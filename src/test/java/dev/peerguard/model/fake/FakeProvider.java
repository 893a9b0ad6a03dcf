package dev.peerguard.model.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * An in-process HTTP server on 127.0.0.1 that answers like one LLM provider's chat API, in that provider's real
 * request and response JSON, so that provider code (LangChain4j chat models, PeerGuard's own HTTP client and retry
 * loop) can be tested offline.
 *
 * <table>
 *   <caption>What each format serves</caption>
 *   <tr><th>format</th><th>{@link #baseUrl()}</th><th>chat endpoint</th><th>credentials required</th></tr>
 *   <tr><td>{@link Format#OPENAI}</td><td>{@code http://127.0.0.1:PORT/v1}</td>
 *       <td>{@code POST /v1/chat/completions}</td><td>{@code Authorization: Bearer ...} (else 401)</td></tr>
 *   <tr><td>{@link Format#ANTHROPIC}</td><td>{@code http://127.0.0.1:PORT/v1}</td>
 *       <td>{@code POST /v1/messages}</td>
 *       <td>{@code x-api-key} (else 401) and {@code anthropic-version} (else 400)</td></tr>
 *   <tr><td>{@link Format#GEMINI}</td><td>{@code http://127.0.0.1:PORT/v1beta}</td>
 *       <td>{@code POST /v1beta/models/{model}:generateContent} and {@code :streamGenerateContent}</td>
 *       <td>{@code x-goog-api-key} or {@code ?key=} (else 403)</td></tr>
 * </table>
 *
 * <p>Each chat request takes the next {@link #enqueue queued} {@link Reply}; when the queue is empty the
 * {@link #otherwise fallback} decides (by default a text turn saying "ok"). Requests to any other path are answered
 * 404 and requests without credentials as the service would, both in the format's error JSON and without taking a
 * queued reply. Every request is {@link #requests() recorded}.
 *
 * <p>How a {@link Reply.Turn} is encoded:
 * <ul>
 *   <li>OpenAI: {@code choices[0].message} with {@code content} ({@code null} when there are calls and no text),
 *       {@code reasoning_content}, {@code tool_calls[] {id: "call_N", type: "function", function: {name,
 *       arguments}}} with the arguments string verbatim, {@code finish_reason} {@code tool_calls} or {@code stop},
 *       {@code usage}.</li>
 *   <li>Anthropic: {@code content[]} of a {@code thinking} block (with a base64 {@code signature}), a {@code text}
 *       block and {@code tool_use} blocks ({@code id: "toolu_N"}); {@code stop_reason} {@code tool_use} or
 *       {@code end_turn}; {@code usage}. The real API always sends {@code input} as an object; arguments that are
 *       not a JSON object are sent as a JSON <em>string</em> in {@code input}, so a client that reads {@code input} as
 *       an object (LangChain4j does) fails on the response as a whole, and a hand-written client sees the text.</li>
 *   <li>Gemini: {@code candidates[0].content.parts[]} of {@code {text, thought: true}}, {@code {text}} and
 *       {@code {functionCall: {name, args}}} parts (no call ids, as Gemini sends none; the first call part carries a
 *       {@code thoughtSignature}), {@code finishReason: "STOP"}, {@code usageMetadata}. Arguments that are not a
 *       JSON object make the turn a {@code MALFORMED_FUNCTION_CALL} finish with no content, as Gemini reports a
 *       broken call.</li>
 * </ul>
 *
 * <p>Streaming: a turn asked for as a stream ({@code "stream": true} for OpenAI and Anthropic, the
 * {@code :streamGenerateContent} endpoint for Gemini) is sent as the service streams it, with text, reasoning and
 * arguments cut into small deltas that the client must join, each flushed on its own:
 * <ul>
 *   <li>OpenAI: {@code data:} lines of {@code chat.completion.chunk} objects (the role, {@code reasoning_content}
 *       and {@code content} deltas, {@code tool_calls} deltas with index, id, type and name first and the arguments
 *       in fragments after, a chunk with the finish reason, a usage chunk without choices when
 *       {@code stream_options.include_usage} is set), then {@code data: [DONE]}.</li>
 *   <li>Anthropic: {@code message_start}, {@code ping}, {@code content_block_start}/{@code _delta}/{@code _stop}
 *       per block ({@code thinking_delta} and a {@code signature_delta}, {@code text_delta},
 *       {@code input_json_delta}), {@code message_delta} with the stop reason and output tokens, and
 *       {@code message_stop}.</li>
 *   <li>Gemini: with {@code ?alt=sse}, {@code data:} lines of whole response objects (thought and text parts in
 *       pieces, the calls together in one), the last with the finish reason and {@code usageMetadata}; without it,
 *       one JSON array of those objects.</li>
 * </ul>
 * The other replies are the same for streaming requests: a {@link Reply.Status} is a plain HTTP error, as the real
 * services answer before a stream starts.
 *
 * <p>{@link #driveWith} answers from a PeerGuard {@link Agent} instead, so a whole episode can run over HTTP.
 */
public final class FakeProvider implements AutoCloseable {
    /** The provider whose wire format the fake speaks. */
    public enum Format { OPENAI, ANTHROPIC, GEMINI }

    private final Format format;
    private final Wire wire;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Reply> queue = new ConcurrentLinkedQueue<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Recorded, Reply> fallback = request -> Reply.text("ok");
    private volatile Faults faults;

    private FakeProvider(Format format) {
        this.format = format;
        this.wire = Wire.of(format);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake " + format + " server", e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a fake of this format on a free port of 127.0.0.1. */
    public static FakeProvider start(Format format) {
        return new FakeProvider(format);
    }

    /** The URL to hand to the LangChain4j builder's {@code baseUrl(...)} for this format (see the class comment). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + wire.basePath();
    }

    /** The environment that points PeerGuard's provider of this fake's format at it, with the given key. */
    public Map<String, String> env(String key) {
        String prefix = switch (format) {
            case OPENAI -> "OPENAI";
            case ANTHROPIC -> "ANTHROPIC";
            case GEMINI -> "GEMINI";
        };
        Map<String, String> env = new HashMap<>();
        env.put(prefix + "_API_KEY", key);
        env.put((format == Format.GEMINI ? "GOOGLE" : prefix) + "_BASE_URL", baseUrl());
        return env;
    }

    /** Queues replies, answered in order, one per chat request. */
    public FakeProvider enqueue(Reply... replies) {
        queue.addAll(List.of(replies));
        return this;
    }

    /** What to answer when the queue is empty, from the request received. */
    public FakeProvider otherwise(Function<Recorded, Reply> fallback) {
        this.fallback = fallback;
        return this;
    }

    /**
     * Answers, once the queue is empty, as PeerGuard agents would. Each request is read back into PeerGuard's
     * conversation and tools, the agent replies, and its reply is encoded as a {@link Reply.Turn} with fresh call ids
     * and token counts estimated at four characters a token. Reading back:
     * <ul>
     *   <li>system prompt: {@link Message.System}; the first user message: {@link Message.User} (the task), later
     *       ones nudges;</li>
     *   <li>assistant turns: {@link Message.Assistant} with text, reasoning and calls whose arguments are parsed
     *       (arguments that are not a JSON object read as none);</li>
     *   <li>tool results: {@link Message.ToolResult} matched to a call of the turn before by id, else (Gemini's calls
     *       usually have none) by name and order;</li>
     *   <li>tools: array parameters become string lists, all others strings, in the order of {@code required}.</li>
     * </ul>
     *
     * <p>There is one agent per conversation, created on its first request by {@code agents.apply(seed)}, where
     * conversations are told apart by their system prompt and first user message and the seed is
     * {@link #seedOf(List)}. The agent does not see {@link Faults.Kind#INVALID_TOOL_CALL injected} invalid-call turns
     * (their text is {@link Faults#INVALID_CALL_TEXT}) nor their results: it answers as if they had not happened.
     */
    public FakeProvider driveWith(LongFunction<Agent> agents) {
        return otherwise(driver(agents));
    }

    /** The answers {@link #driveWith} gives, for a fallback that answers some requests otherwise. */
    public Function<Recorded, Reply> driver(LongFunction<Agent> agents) {
        Map<String, Agent> byConversation = new ConcurrentHashMap<>();
        return request -> {
            Wire.Conversation conversation = wire.conversation(request.body());
            List<Message> messages = Faults.withoutInjectedCalls(conversation.messages());
            Agent agent = byConversation.computeIfAbsent(conversationKey(messages), k -> agents.apply(seed(k)));
            return turnOf(agent.reply(messages, conversation.tools()), request);
        };
    }

    /**
     * The seed {@link #driveWith} gives the agent of this conversation: the first eight bytes (big-endian) of the
     * SHA-256 of {@code system + "\0" + firstUser} in UTF-8.
     */
    public static long seedOf(List<Message> conversation) {
        return seed(conversationKey(conversation));
    }

    /**
     * Injects these faults: each chat request that has its credentials may get one of the {@link Faults.Kind}s
     * instead of its queued or fallback reply (which is then not consumed). How each kind is sent:
     * <ul>
     *   <li>{@code RATE_LIMITED}, {@code RATE_LIMITED_RETRY_AFTER}, {@code SERVER_ERROR}, {@code UNAVAILABLE}: a
     *       429 (with {@code Retry-After: 1} for the second), 500 or 503 in the format's error JSON;</li>
     *   <li>{@code HANG}: a {@link Reply.Delay} of {@link Faults#hang()}, then a 504; {@code STALL}: a
     *       {@link Reply.Stall} of that long; {@code RESET}: a {@link Reply.Reset};</li>
     *   <li>{@code TRUNCATED_JSON}: the first half of a text turn's response JSON; {@code INVALID_JSON}: an HTML
     *       page, both with status 200 and {@code Content-Type: application/json};</li>
     *   <li>{@code INVALID_TOOL_CALL}: a turn with the text {@link Faults#INVALID_CALL_TEXT} calling the first tool
     *       offered other than {@code end_task} with the arguments {@code {"filename": "} (not JSON);</li>
     *   <li>{@code EMPTY_CHOICES}: a text turn's response JSON with its {@code choices}, {@code content} or
     *       {@code candidates} list emptied.</li>
     * </ul>
     * {@code null} turns injection off.
     */
    public FakeProvider faults(Faults faults) {
        this.faults = faults;
        return this;
    }

    /** Every request received so far, in order. */
    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** Stops the server at once; replies still waiting in a {@link Reply.Delay} are abandoned. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            Recorded request = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders(), parse(exchange.getRequestBody().readAllBytes()));
            requests.add(request);
            String query = exchange.getRequestURI().getRawQuery();
            Reply reply;
            try {
                reply = choose(request, query);
            } catch (RuntimeException e) {
                reply = status(500, "fake " + format + " provider failed to answer: " + e);
            }
            send(exchange, request, query, reply);
        } catch (IOException e) {
            // the client went away, or a Reset reply broke the connection on purpose
        }
    }

    private Reply choose(Recorded request, String query) {
        if (!wire.isChat(request)) {
            return status(404, "the fake " + format + " provider serves only POST " + wire.endpoint() + ", not "
                    + request.method() + " " + request.path());
        }
        Reply.Status denied = wire.missingCredentials(request, query);
        if (denied != null) return denied;
        Faults f = faults;
        Faults.Kind fault = f == null ? null : f.next();
        if (fault != null) return fault(fault, f, request);
        Reply next = queue.poll();
        return next != null ? next : fallback.apply(request);
    }

    private Reply fault(Faults.Kind kind, Faults f, Recorded request) {
        return switch (kind) {
            case RATE_LIMITED -> status(429, null);
            case RATE_LIMITED_RETRY_AFTER -> Reply.rateLimited(1);
            case SERVER_ERROR -> status(500, null);
            case UNAVAILABLE -> status(503, null);
            case HANG -> new Reply.Delay(f.hang(), status(504, "the fake " + format + " provider hung"));
            case STALL -> new Reply.Stall(f.hang());
            case RESET -> new Reply.Reset();
            case TRUNCATED_JSON -> {
                String whole = wire.turn(Reply.text("This answer was cut off in the middle."), request);
                yield new Reply.Raw(200, "application/json", whole.substring(0, whole.length() / 2));
            }
            case INVALID_JSON -> new Reply.Raw(200, "application/json",
                    "<html><body><h1>502 Bad Gateway</h1></body></html>");
            case INVALID_TOOL_CALL -> {
                String tool = wire.conversation(request.body()).tools().stream().map(t -> t.name())
                        .filter(name -> !name.equals("end_task")).findFirst().orElse("list_files");
                yield new Reply.Turn(Faults.INVALID_CALL_TEXT, null,
                        List.of(new Reply.Call(tool, "{\"filename\": \"")), 10, 5);
            }
            case EMPTY_CHOICES -> new Reply.Raw(200, "application/json", wire.empty(request));
        };
    }

    private Reply.Status status(int code, String message) {
        return new Reply.Status(code, wire.error(code, message, Map.of()), Map.of());
    }

    private void send(HttpExchange exchange, Recorded request, String query, Reply reply) throws IOException {
        switch (reply) {
            case Reply.Turn turn when wire.isStream(request, query) ->
                    stream(exchange, wire.stream(turn, request, query));
            case Reply.Turn turn -> respond(exchange, 200, "application/json", wire.turn(turn, request), Map.of());
            case Reply.Status s -> respond(exchange, s.code(), "application/json",
                    s.body() != null ? s.body() : wire.error(s.code(), null, s.headers()), s.headers());
            case Reply.Raw raw -> respond(exchange, raw.code(), raw.contentType(), raw.body(), Map.of());
            case Reply.Delay delay -> {
                try {
                    Thread.sleep(delay.delay());
                } catch (InterruptedException e) {
                    return; // the fake is closing
                }
                send(exchange, request, query, delay.then());
            }
            case Reply.Stall stall -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 1 << 20);
                OutputStream body = exchange.getResponseBody();
                body.write("{\"id\": \"stalled\", ".getBytes(StandardCharsets.UTF_8));
                body.flush();
                try {
                    Thread.sleep(stall.stall());
                } catch (InterruptedException e) {
                    return; // the fake is closing
                }
                exchange.close();
            }
            case Reply.Reset reset -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 1 << 20);
                OutputStream body = exchange.getResponseBody();
                body.write("{\"id\":".getBytes(StandardCharsets.UTF_8));
                body.flush();
                exchange.close(); // short of the announced length, closing the exchange closes the connection
            }
        }
    }

    /** Sends the pieces chunked, flushing each so the client reads them as they come. */
    private static void stream(HttpExchange exchange, Wire.Streamed streamed) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", streamed.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String piece : streamed.pieces()) {
                out.write(piece.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    private static void respond(HttpExchange exchange, int code, String contentType, String body,
            Map<String, String> headers) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) exchange.getResponseHeaders().set("Content-Type", contentType);
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) return MissingNode.getInstance();
        try {
            return Wire.JSON.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    private static String conversationKey(List<Message> messages) {
        String system = messages.stream().filter(m -> m instanceof Message.System).map(Message::text).findFirst()
                .orElse("");
        String user = messages.stream().filter(m -> m instanceof Message.User).map(Message::text).findFirst()
                .orElse("");
        return system + "\0" + user;
    }

    private static long seed(String conversationKey) {
        return ByteBuffer.wrap(Wire.sha256(conversationKey)).getLong();
    }

    private static Reply.Turn turnOf(Message.Assistant reply, Recorded request) {
        List<Reply.Call> calls = reply.calls().stream()
                .map(c -> new Reply.Call(c.name(), json(c.arguments())))
                .toList();
        long out = reply.text().length() + (reply.reasoning() == null ? 0 : reply.reasoning().length())
                + calls.stream().mapToLong(c -> c.name().length() + c.argumentsJson().length()).sum();
        int inputTokens = Math.max(1, request.body().toString().length() / 4);
        return new Reply.Turn(reply.text(), reply.reasoning(), calls, inputTokens, (int) Math.max(1, out / 4));
    }

    private static String json(Map<String, Object> arguments) {
        try {
            return Wire.JSON.writeValueAsString(arguments);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tool arguments are not JSON: " + arguments, e);
        }
    }
}
