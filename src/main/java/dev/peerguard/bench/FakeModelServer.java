package dev.peerguard.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.scripted.ScriptedAgents;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible chat-completions server for the benchmarks, run in its own process on 127.0.0.1: it answers
 * each call after a fixed latency as a scripted reference agent would, and optionally enforces a request rate with
 * 429 and {@code Retry-After}, counting what it served on {@code GET /stats}.
 */
public final class FakeModelServer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
    static final String CHAT = "/v1/chat/completions";
    static final String STATS = "/stats";

    /**
     * The server's settings: latency per call, plus up to {@code jitterMs} either way (uniform, 0 = fixed), requests
     * per minute (0 = no limit), port (0 = any free one), and the scripted policy that answers.
     */
    record Settings(long latencyMs, long jitterMs, double rpm, int port, String policy) {
        static Settings parse(String[] args) {
            long latency = 250;
            long jitter = 0;
            double rpm = 0;
            int port = 0;
            String policy = "peer-preserving";
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--latency-ms" -> latency = Long.parseLong(value);
                    case "--jitter-ms" -> jitter = Long.parseLong(value);
                    case "--rpm" -> rpm = Double.parseDouble(value);
                    case "--port" -> port = Integer.parseInt(value);
                    case "--policy" -> policy = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; options: --latency-ms L --jitter-ms J --rpm R --port P --policy P");
                }
                i++;
            }
            return new Settings(latency, jitter, rpm, port, policy);
        }
    }

    private final Settings settings;
    private final TokenBucket bucket;
    private final long started = System.nanoTime();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    // Completion times of successful calls (epoch ms: the caller's clock too), for its steady-state window.
    private final List<Long> served = new ArrayList<>();

    private FakeModelServer(Settings settings) {
        this.settings = settings;
        this.bucket = settings.rpm() > 0 ? new TokenBucket(settings.rpm()) : null;
    }

    /** Prints {@code port N} as its first line, then serves until stdin closes or the process is destroyed. */
    public static void main(String[] args) throws Exception {
        FakeModelServer fake = new FakeModelServer(Settings.parse(args));
        // A large backlog: the benchmark opens dozens of connections at once on start.
        HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), fake.settings.port()), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", fake::handle);
        server.start();
        System.out.println("port " + server.getAddress().getPort());
        System.out.flush();
        // The parent closes our stdin (or dies): then stop, so a crashed benchmark leaves no server behind.
        CountDownLatch done = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // ignore input
                }
            } catch (IOException ignored) {
                // stdin gone: stop as well
            }
            done.countDown();
        });
        done.await();
        server.stop(0);
        System.exit(0);
    }

    private void handle(HttpExchange exchange) {
        long received = System.nanoTime();
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("GET") && path.equals(STATS)) {
                respond(exchange, 200, stats(), Map.of());
                return;
            }
            if (!exchange.getRequestMethod().equals("POST") || !path.equals(CHAT)) {
                respond(exchange, 404, error("only POST " + CHAT + " is served", "invalid_request_error",
                        "not_found"), Map.of());
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= "Bearer ".length()) {
                respond(exchange, 401, error("You didn't provide an API key.", "invalid_request_error",
                        "invalid_api_key"), Map.of());
                return;
            }
            if (bucket != null) {
                long waitMs = bucket.take();
                if (waitMs > 0) {
                    rateLimited.incrementAndGet();
                    // Whole seconds, rounded up, as OpenAI's Retry-After is.
                    String seconds = Long.toString(Math.max(1, (waitMs + 999) / 1000));
                    respond(exchange, 429, error("Rate limit reached for requests per min (RPM): Limit "
                            + (long) settings.rpm() + ". Please try again in " + seconds + "s.", "requests",
                            "rate_limit_exceeded"), Map.of("Retry-After", seconds));
                    return;
                }
            }
            int now = inFlight.incrementAndGet();
            peakInFlight.accumulateAndGet(now, Math::max);
            try {
                String reply;
                try {
                    reply = answer(JSON.readTree(body));
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                    respond(exchange, 500, error("the fake model failed: " + e, "server_error", null), Map.of());
                    return;
                }
                // The latency counts from receipt, so the agent's own work does not add to it.
                long latency = settings.latencyMs() + (settings.jitterMs() == 0 ? 0
                        : ThreadLocalRandom.current().nextLong(-settings.jitterMs(), settings.jitterMs() + 1));
                long remaining = latency * 1_000_000 - (System.nanoTime() - received);
                if (remaining > 0) Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
                respond(exchange, 200, reply, Map.of());
                synchronized (served) {
                    served.add(System.currentTimeMillis());
                }
            } finally {
                inFlight.decrementAndGet();
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server is stopping
        }
    }

    /** The agent's next turn for the conversation in the request, as a chat.completion object. */
    private String answer(JsonNode request) {
        List<Message> messages = messages(request.path("messages"));
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode t : request.path("tools")) {
            JsonNode f = t.path("function");
            tools.add(ToolSpec.fromJsonSchema(f.path("name").asText(), f.path("description").asText(""), f.path("parameters")));
        }
        // Scripted agents reply from (seed, conversation) alone, so a fresh one per call is the same agent.
        Agent agent = ScriptedAgents.open(settings.policy(), seed(messages));
        Message.Assistant turn = agent.reply(messages, tools);
        ObjectNode out = JSON.createObjectNode();
        out.put("id", "chatcmpl-" + ids.incrementAndGet());
        out.put("object", "chat.completion");
        out.put("created", System.currentTimeMillis() / 1000);
        out.put("model", request.path("model").asText("fake"));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (turn.text().isEmpty() && !turn.calls().isEmpty()) message.putNull("content");
        else message.put("content", turn.text());
        if (!turn.calls().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolCall call : turn.calls()) {
                ObjectNode c = calls.addObject();
                c.put("id", "call_" + ids.incrementAndGet());
                c.put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", json(call.arguments()));
            }
        }
        choice.put("finish_reason", turn.calls().isEmpty() ? "stop" : "tool_calls");
        // Four characters a token, roughly, so usage is plausible.
        int in = Math.max(1, request.toString().length() / 4);
        int outTokens = Math.max(1, out.toString().length() / 4);
        out.putObject("usage").put("prompt_tokens", in).put("completion_tokens", outTokens)
                .put("total_tokens", in + outTokens);
        return out.toString();
    }

    /** OpenAI messages read back into PeerGuard's; a tool result is matched to its call by id. */
    private static List<Message> messages(JsonNode array) {
        List<Message> out = new ArrayList<>();
        Map<String, ToolCall> calls = new LinkedHashMap<>();
        boolean sawUser = false;
        for (JsonNode m : array) {
            String text = text(m.get("content"));
            switch (m.path("role").asText()) {
                case "system", "developer" -> out.add(new Message.System(text));
                case "user" -> {
                    out.add(new Message.User(text, sawUser));
                    sawUser = true;
                }
                case "assistant" -> {
                    List<ToolCall> turn = new ArrayList<>();
                    for (JsonNode c : m.path("tool_calls")) {
                        JsonNode f = c.path("function");
                        ToolCall call = new ToolCall(c.path("id").asText(), f.path("name").asText(),
                                arguments(f.path("arguments").asText("{}")));
                        turn.add(call);
                        calls.put(call.id(), call);
                    }
                    out.add(new Message.Assistant(text, turn, null));
                }
                case "tool" -> {
                    String id = m.path("tool_call_id").asText("");
                    ToolCall call = calls.getOrDefault(id, new ToolCall(id, m.path("name").asText(""), Map.of()));
                    out.add(new Message.ToolResult(call, text));
                }
                default -> throw new IllegalArgumentException("unknown role in " + m);
            }
        }
        return out;
    }

    private static String text(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) return "";
        if (content.isTextual()) return content.asText();
        StringBuilder out = new StringBuilder();
        for (JsonNode block : content) {
            if (block.has("text")) out.append(out.isEmpty() ? "" : "\n").append(block.path("text").asText());
        }
        return out.toString();
    }

    private static Map<String, Object> arguments(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node.isObject() ? JSON.convertValue(node, MAP) : Map.of();
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static String json(Map<String, Object> arguments) {
        try {
            return JSON.writeValueAsString(arguments);
        } catch (IOException e) {
            throw new IllegalArgumentException("tool arguments are not JSON: " + arguments, e);
        }
    }

    /** One agent per conversation: its seed comes from the system prompt and the task request. */
    private static long seed(List<Message> messages) {
        String system = messages.stream().filter(m -> m instanceof Message.System).map(Message::text).findFirst()
                .orElse("");
        String user = messages.stream().filter(m -> m instanceof Message.User).map(Message::text).findFirst()
                .orElse("");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((system + "\0" + user).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private String stats() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode times = JSON.createArrayNode();
        synchronized (served) {
            out.put("ok", served.size());
            served.forEach(times::add);
        }
        out.put("rate_limited", rateLimited.get());
        out.put("errors", errors.get());
        out.put("peak_in_flight", peakInFlight.get());
        out.put("uptime_ms", (System.nanoTime() - started) / 1_000_000);
        out.put("cpu_ms", cpuMs());
        out.set("ok_ms", times);
        return out.toString();
    }

    /** This process's CPU time, so a benchmark can tell whether the fake itself was short of CPU. */
    static long cpuMs() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1_000_000 : -1;
    }

    private static String error(String message, String type, String code) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        if (code == null) error.putNull("code");
        else error.put("code", code);
        return out.toString();
    }

    private static void respond(HttpExchange exchange, int code, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** What the server counted: successful calls with their completion times, 429s served, its own failures. */
    record Stats(long ok, long rateLimited, long errors, int peakInFlight, long cpuMs, List<Long> okMs) {
        /**
         * Successful calls per second completed within {@code [fromMs, toMs]} (epoch milliseconds); over the whole
         * run when the window is empty.
         */
        double perSecond(long fromMs, long toMs) {
            if (toMs <= fromMs) {
                if (okMs.size() < 2) return 0;
                fromMs = okMs.stream().mapToLong(Long::longValue).min().orElseThrow();
                toMs = okMs.stream().mapToLong(Long::longValue).max().orElseThrow();
                if (toMs <= fromMs) return 0;
            }
            long from = fromMs;
            long to = toMs;
            long n = okMs.stream().filter(t -> t >= from && t <= to).count();
            return n * 1000.0 / (to - from);
        }
    }

    /** A server running in a child process; closing it destroys the process. */
    static final class Launched implements AutoCloseable {
        private final Process process;
        private final int port;

        private Launched(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        /** Starts {@code java -cp <our class path> FakeModelServer ...} on a free port and waits for it to listen. */
        static Launched start(long latencyMs, long jitterMs, double rpm) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    FakeModelServer.class.getName(), "--latency-ms", Long.toString(latencyMs), "--jitter-ms", Long.toString(jitterMs),
                    "--rpm", Double.toString(rpm), "--port", "0");
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                String first = out.readLine();
                if (first == null || !first.startsWith("port ")) {
                    throw new IOException("the fake model server did not start (first line: " + first + ")");
                }
                return new Launched(process, Integer.parseInt(first.substring("port ".length()).strip()));
            } catch (IOException | RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
        }

        String baseUrl() {
            return "http://127.0.0.1:" + port + "/v1";
        }

        Stats stats() throws IOException, InterruptedException {
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + STATS)).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode s = JSON.readTree(response.body());
                List<Long> times = new ArrayList<>();
                s.path("ok_ms").forEach(t -> times.add(t.asLong()));
                return new Stats(s.path("ok").asLong(), s.path("rate_limited").asLong(), s.path("errors").asLong(),
                        s.path("peak_in_flight").asInt(), s.path("cpu_ms").asLong(), times);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * R requests per minute as a token bucket refilled continuously and holding one second's worth, so the limit
     * holds over any second, as providers enforce per-minute limits on shorter windows.
     */
    static final class TokenBucket {
        private final double perMs;
        private final double capacity;
        private double tokens;
        private long last = System.nanoTime();

        TokenBucket(double perMinute) {
            this.perMs = perMinute / 60_000.0;
            this.capacity = Math.max(1, perMinute / 60.0);
            this.tokens = capacity;
        }

        /** Takes a token and returns 0, or returns the milliseconds until one is free. */
        synchronized long take() {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - last) / 1e6 * perMs);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perMs);
        }
    }
}
