package dev.peerguard.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.peerguard.tool.ToolCall;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * An HTTP proxy speaking the OpenAI chat-completions API that forwards every request to an upstream endpoint and
 * takes the tool calls a {@link Policy} blocks out of the model's responses, telling the agent why in their place.
 *
 * <p>The agent's base URL is {@code http://HOST:PORT/v1}; a request path below {@code /v1} (or the whole path, when
 * it does not start with {@code /v1}) is appended to the upstream base URL. Only {@code POST .../chat/completions}
 * answers with status 2xx are read; everything else (other endpoints, errors, redirects) passes through as sent.
 * Calls are judged with {@link Facts#fromCall()}: the proxy sees the call, not the world it acts on.
 */
public final class PolicyProxy implements AutoCloseable {
    /** Numbers are kept as written (no doubles, no trailing zeros dropped) in an answer that is re-serialised. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
    /** The path prefix of the proxy's own base URL, replaced by the upstream base URL. */
    private static final String BASE = "/v1";
    /** Headers that belong to one connection (RFC 9110 7.6.1) or that the HTTP stacks set themselves. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "date", "http2-settings");
    /** Request headers that may carry the agent's credentials: scrubbed from alerts if a model echoes them. */
    private static final Set<String> CREDENTIALS = Set.of("authorization", "api-key", "x-api-key", "x-goog-api-key");
    /** How much of a blocked call's arguments the agent is shown back. */
    private static final int SHOWN_ARGUMENTS = 400;

    private final URI upstream;
    private final Policy policy;
    private final Facts facts = Facts.fromCall();
    private final ProxyAlerts alerts;
    private final Consumer<String> log;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;
    private volatile boolean closed;

    private PolicyProxy(URI upstream, Policy policy, ProxyAlerts alerts, Consumer<String> log, HttpServer server) {
        this.upstream = upstream;
        this.policy = policy;
        this.alerts = alerts;
        this.log = log;
        this.server = server;
        // HTTP/1.1: an h2c upgrade on a POST with a body is where small OpenAI-compatible servers misbehave
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(30)).build();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts the proxy; {@code listen} may have port 0 for a free port (see {@link #port()}). */
    public static PolicyProxy start(URI upstream, Policy policy, InetSocketAddress listen, Path alertsFile)
            throws IOException {
        return start(upstream, policy, listen, alertsFile, line -> { });
    }

    /**
     * Starts the proxy, also telling {@code log} of each call it blocks or flags. The alerts file is opened first,
     * so a {@link java.net.BindException} always means the listen address.
     */
    public static PolicyProxy start(URI upstream, Policy policy, InetSocketAddress listen, Path alertsFile,
            Consumer<String> log) throws IOException {
        String base = upstream.toString();
        URI normalised = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        ProxyAlerts alerts = ProxyAlerts.open(alertsFile);
        try {
            return new PolicyProxy(normalised, policy, alerts, log, HttpServer.create(listen, 0));
        } catch (IOException | RuntimeException e) {
            alerts.close();
            throw e;
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The base URL to give the agent: {@code http://HOST:PORT/v1}. */
    public String baseUrl() {
        String host = server.getAddress().getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + BASE;
    }

    public URI upstream() {
        return upstream;
    }

    public Policy policy() {
        return policy;
    }

    public Path alertsFile() {
        return alerts.file();
    }

    /** Stops at once: requests in flight, streams included, are cut off. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        server.stop(0);
        executor.shutdownNow();
        client.shutdownNow();
        alerts.close();
    }

    // ---- one request ---------------------------------------------------------------------------------------------

    /** What the proxy knows of a chat request when it judges the calls in its answer. */
    record Context(String model, List<String> secrets) {}

    private void handle(HttpExchange exchange) {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            boolean chat = method.equals("POST") && path.endsWith("/chat/completions");
            Context context = chat ? context(body, exchange.getRequestHeaders()) : null;
            HttpResponse<InputStream> response;
            try {
                response = client.send(forward(exchange, body), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                fail(exchange, 502, "upstream_unreachable", "PeerGuard proxy could not reach the upstream " + upstream
                        + ": " + describe(e));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try (InputStream in = response.body()) {
                if (!chat || response.statusCode() / 100 != 2) {
                    passThrough(exchange, response, in);
                } else if (isEventStream(response, body)) {
                    InputStream decoded = decode(response, in);
                    if (decoded == null) {
                        unreadable(exchange, response);
                        return;
                    }
                    sendHeaders(exchange, response, 0, true);
                    new ProxyStream(this, context, exchange.getResponseBody()).relay(decoded);
                } else {
                    completion(exchange, response, in, context);
                }
            }
        } catch (IOException e) {
            // the agent went away, or the upstream broke off a non-chat answer mid-way: there is no one to tell
        } catch (RuntimeException e) {
            log.accept("proxy error on " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                    + ": " + e);
            // fail closed: an answer the proxy could not vet is not sent
            if (exchange.getResponseCode() == -1) fail(exchange, 502, "proxy_error", "PeerGuard proxy failed: " + e);
        }
    }

    private HttpRequest forward(HttpExchange exchange, byte[] body) {
        String path = exchange.getRequestURI().getRawPath();
        String below = path.equals(BASE) || path.startsWith(BASE + "/") ? path.substring(BASE.length()) : path;
        String query = exchange.getRequestURI().getRawQuery();
        URI target = URI.create(upstream + below + (query == null ? "" : "?" + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(target).method(exchange.getRequestMethod(),
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        Set<String> connection = connectionTokens(exchange.getRequestHeaders().get("Connection"));
        boolean chat = path.endsWith("/chat/completions");
        exchange.getRequestHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(lower) || connection.contains(lower)) return;
            // a chat answer must be read to be vetted; asking for it uncompressed saves decoding it
            if (chat && lower.equals("accept-encoding")) return;
            values.forEach(v -> request.header(name, v));
        });
        return request.build();
    }

    private static Context context(byte[] body, Headers headers) {
        String model = null;
        try {
            model = JSON.readTree(body).path("model").asText(null);
        } catch (IOException e) {
            // not JSON: the upstream will say so; the model name is only for alerts
        }
        List<String> secrets = new ArrayList<>();
        headers.forEach((name, values) -> {
            if (!CREDENTIALS.contains(name.toLowerCase(Locale.ROOT))) return;
            for (String v : values) {
                secrets.add(v);
                int space = v.indexOf(' ');
                if (space > 0) secrets.add(v.substring(space + 1).strip());
            }
        });
        return new Context(model, List.copyOf(secrets));
    }

    private static boolean isEventStream(HttpResponse<?> response, byte[] requestBody) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.toLowerCase(Locale.ROOT).contains("text/event-stream")) return true;
        if (!type.isEmpty()) return false;
        try {
            return JSON.readTree(requestBody).path("stream").asBoolean(false);
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends the upstream's answer as it came, flushing as bytes arrive so streams of other endpoints still stream. */
    private static void passThrough(HttpExchange exchange, HttpResponse<?> response, InputStream in)
            throws IOException {
        int status = response.statusCode();
        boolean noBody = exchange.getRequestMethod().equals("HEAD") || status == 204 || status == 304;
        // the JDK server's lengths: -1 for no body, 0 for chunked (length unknown), else the exact length
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        long length = noBody || declared == 0 ? -1 : declared < 0 ? 0 : declared;
        sendHeaders(exchange, response, length, false);
        if (length == -1) return;
        OutputStream out = exchange.getResponseBody();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }

    /** A whole chat completion: vetted, then sent as it came when nothing was blocked. */
    private void completion(HttpExchange exchange, HttpResponse<?> response, InputStream in, Context context)
            throws IOException {
        byte[] raw = in.readAllBytes();
        byte[] body = raw;
        String encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
        if (!isIdentity(encoding)) {
            InputStream decoded = decode(response, new ByteArrayInputStream(raw));
            if (decoded == null) {
                unreadable(exchange, response);
                return;
            }
            body = decoded.readAllBytes();
        }
        byte[] vetted = vet(body, context);
        boolean changed = vetted != body;
        byte[] sent = changed ? vetted : raw;
        sendHeaders(exchange, response, sent.length == 0 ? -1 : sent.length, changed);
        if (sent.length > 0) exchange.getResponseBody().write(sent);
    }

    /**
     * The completion with every blocked call taken out, an explanation appended to its message's content and, when
     * no call is left, {@code finish_reason} {@code stop}; the very same array when nothing was blocked (or the body
     * is not a JSON object: the agent cannot read calls from it either).
     */
    byte[] vet(byte[] body, Context context) throws JsonProcessingException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return body;
        }
        if (!(root instanceof ObjectNode completion)) return body;
        String model = completion.path("model").asText(context.model());
        boolean changed = false;
        for (JsonNode node : completion.path("choices")) {
            if (!(node instanceof ObjectNode choice) || !(choice.get("message") instanceof ObjectNode message)) {
                continue;
            }
            List<Verdict> blocked = new ArrayList<>();
            int kept = 0;
            if (message.get("tool_calls") instanceof ArrayNode calls && !calls.isEmpty()) {
                ArrayNode keep = JSON.createArrayNode();
                for (JsonNode call : calls) {
                    JsonNode function = call.path("function");
                    Verdict v = judge(call.path("id").asText(null), function.path("name").asText(""),
                            function.get("arguments"), model, context);
                    if (v.blocks()) {
                        blocked.add(v);
                    } else {
                        keep.add(call);
                    }
                }
                kept += keep.size();
                // an empty tool_calls array trips some clients; OpenAI leaves the field out when there are none
                if (!blocked.isEmpty() && keep.isEmpty()) message.remove("tool_calls");
                if (!blocked.isEmpty() && !keep.isEmpty()) message.set("tool_calls", keep);
            }
            // the deprecated functions API carries one call the same way; left unjudged it would be a way around
            if (message.get("function_call") instanceof ObjectNode function) {
                Verdict v = judge(null, function.path("name").asText(""), function.get("arguments"), model, context);
                if (v.blocks()) {
                    blocked.add(v);
                    message.remove("function_call");
                } else {
                    kept++;
                }
            }
            if (blocked.isEmpty()) continue;
            changed = true;
            appendContent(message, explanation(blocked));
            if (kept == 0 && isCallFinish(choice.path("finish_reason").asText(""))) choice.put("finish_reason", "stop");
        }
        return changed ? JSON.writeValueAsBytes(completion) : body;
    }

    private static void appendContent(ObjectNode message, String text) {
        JsonNode content = message.get("content");
        if (content instanceof ArrayNode parts) {
            parts.addObject().put("type", "text").put("text", text);
        } else if (content != null && content.isTextual() && !content.asText().isEmpty()) {
            message.put("content", content.asText() + "\n" + text);
        } else {
            message.put("content", text);
        }
    }

    static boolean isCallFinish(String reason) {
        return reason.equals("tool_calls") || reason.equals("function_call");
    }

    // ---- judging -------------------------------------------------------------------------------------------------

    /** A call with the policy's decision, and the arguments text the agent is shown if it is blocked. */
    record Verdict(ToolCall call, String shown, Policy.Decision decision) {
        boolean blocks() {
            return decision.blocks();
        }

        /** The line the agent reads in place of a blocked call. */
        String explanation() {
            return "[PeerGuard policy] The call " + call.name() + "(" + shown + ") was not run: "
                    + decision.denial(call.name());
        }
    }

    static String explanation(List<Verdict> blocked) {
        return String.join("\n", blocked.stream().map(Verdict::explanation).toList());
    }

    /**
     * Decides one call and, for anything but allow, writes an alert. {@code arguments} is the wire's value: normally a
     * string of JSON; an object (some servers send one) is taken as is; text that is not a JSON object is judged as
     * {@code {"_raw_arguments": text}}.
     */
    Verdict judge(String id, String name, JsonNode arguments, String model, Context context) {
        ToolCall call;
        String shown;
        if (arguments == null || arguments.isNull() || (arguments.isTextual() && arguments.asText().isBlank())) {
            // no arguments at all is how some servers send a call of a tool without parameters
            call = new ToolCall(id, name, Map.of());
            shown = "{}";
        } else if (arguments instanceof ObjectNode object) {
            call = new ToolCall(id, name, JSON.convertValue(object, MAP));
            shown = object.toString();
        } else {
            String text = arguments.isTextual() ? arguments.asText() : arguments.toString();
            ObjectNode object = parseObject(text);
            if (object != null) {
                call = new ToolCall(id, name, JSON.convertValue(object, MAP));
                shown = object.toString();
            } else {
                call = ToolCall.malformed(id, name, text, "the arguments are not a JSON object");
                shown = text.strip();
            }
        }
        if (shown.length() > SHOWN_ARGUMENTS) {
            int end = Character.isHighSurrogate(shown.charAt(SHOWN_ARGUMENTS - 1)) ? SHOWN_ARGUMENTS - 1
                    : SHOWN_ARGUMENTS;
            shown = shown.substring(0, end) + "...";
        }
        Verdict verdict = new Verdict(call, shown, policy.decide(call, facts));
        Policy.Decision d = verdict.decision();
        if (d.action() != Policy.Action.ALLOW) {
            String told = d.blocks() ? verdict.explanation() : null;
            alerts.write(new ProxyAlerts.Alert(Instant.now(), d.rule(), d.action().id(), name, id, call.arguments(),
                    model, told), context.secrets());
            log.accept(d.action().id() + " " + name + (d.rule() == null ? " (policy default)" : " (rule " + d.rule()
                    + ")") + (model == null ? "" : " from " + model));
        }
        return verdict;
    }

    private static ObjectNode parseObject(String text) {
        try {
            return JSON.readTree(text) instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    // ---- responses -----------------------------------------------------------------------------------------------

    /**
     * Copies the upstream's headers (not the per-connection ones, nor its length and date, which this server sets)
     * and sends the status. {@code rewritten}: the body is the proxy's own, so its encoding header no longer holds.
     */
    static void sendHeaders(HttpExchange exchange, HttpResponse<?> response, long length, boolean rewritten)
            throws IOException {
        Headers out = exchange.getResponseHeaders();
        Set<String> connection = connectionTokens(response.headers().allValues("Connection"));
        response.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(":") || NOT_FORWARDED.contains(lower) || connection.contains(lower)) return;
            if (rewritten && (lower.equals("content-encoding") || lower.equals("etag")
                    || lower.equals("content-md5"))) {
                return;
            }
            out.put(name, new ArrayList<>(values));
        });
        exchange.sendResponseHeaders(response.statusCode(), length);
    }

    private static Set<String> connectionTokens(List<String> values) {
        if (values == null) return Set.of();
        Set<String> out = new HashSet<>();
        for (String v : values) {
            for (String token : v.split(",")) out.add(token.strip().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static boolean isIdentity(String encoding) {
        String e = encoding.strip().toLowerCase(Locale.ROOT);
        return e.isEmpty() || e.equals("identity");
    }

    /** The body decoded from gzip or deflate, as is when not encoded, or null for an encoding the proxy cannot read. */
    private static InputStream decode(HttpResponse<?> response, InputStream in) throws IOException {
        String encoding = response.headers().firstValue("Content-Encoding").orElse("identity").strip()
                .toLowerCase(Locale.ROOT);
        return switch (encoding) {
            case "", "identity" -> in;
            case "gzip", "x-gzip" -> new GZIPInputStream(in);
            case "deflate" -> new InflaterInputStream(in);
            default -> null;
        };
    }

    /** The exception's class and the first message in its chain: the JDK client's own often has none. */
    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return e.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** Fails closed on a chat answer the proxy cannot read: passing it on would pass its calls unvetted. */
    private static void unreadable(HttpExchange exchange, HttpResponse<?> response) {
        fail(exchange, 502, "unreadable_upstream_answer", "PeerGuard proxy cannot read the upstream's chat answer "
                + "(Content-Encoding " + response.headers().firstValue("Content-Encoding").orElse("?") + "), so it "
                + "cannot vet its tool calls");
    }

    /** An error in OpenAI's error JSON, so agent harnesses show its message. */
    private static void fail(HttpExchange exchange, int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", "proxy_error").putNull("param").put("code", code);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        try {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the agent went away
        }
    }
}
