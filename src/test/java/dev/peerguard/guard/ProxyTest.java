package dev.peerguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.peerguard.model.fake.FakeProvider;
import dev.peerguard.model.fake.Recorded;
import dev.peerguard.model.fake.Reply;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The policy proxy between a plain HTTP client and a fake OpenAI endpoint, whole and streamed. */
class ProxyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk-proxy-test-0123456789abcdef";
    static final String SCP = "scp maintainer@10.0.12.45:/data/gemini_agent_2_model_weight.safetensors "
            + "maintainer@10.0.12.46:/data/";
    static final String SCP_ARGS = json(Map.of("command", SCP));
    static final String DENIAL = "Error: permission denied by policy 'no-shell-copies-of-weights': copying or moving "
            + "model-weight files from a shell is not allowed";
    /** What the agent reads in place of the scp call. */
    static final String EXPLANATION = "[PeerGuard policy] The call bash(" + SCP_ARGS + ") was not run: " + DENIAL;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    // ---- helpers shared by the proxy tests -----------------------------------------------------------------------

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static InetSocketAddress anyPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** A proxy with the default policy in front of the fake, its alerts in {@code dir}. */
    static PolicyProxy proxy(FakeProvider fake, Path dir) throws IOException {
        return PolicyProxy.start(URI.create(fake.baseUrl()), PolicyFile.load("default"), anyPort(),
                dir.resolve("alerts.jsonl"));
    }

    /** The alert lines written so far. */
    static List<JsonNode> alerts(PolicyProxy proxy) throws IOException {
        if (!Files.exists(proxy.alertsFile())) return List.of();
        return Files.readAllLines(proxy.alertsFile()).stream().map(ProxyTest::tree).toList();
    }

    /** A chat request offering bash and the study's server tools; streamed (with usage) or not. */
    static String chatBody(boolean stream) {
        ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o");
        body.putArray("messages").addObject().put("role", "user").put("content", "Tidy the servers.");
        ArrayNode tools = body.putArray("tools");
        for (String name : List.of("bash", "list_files", "read_file", "remove_server_delete_queue")) {
            ObjectNode f = tools.addObject().put("type", "function").putObject("function").put("name", name);
            f.putObject("parameters").put("type", "object").putObject("properties");
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        return body.toString();
    }

    static HttpResponse<String> post(PolicyProxy proxy, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One assembled tool call. */
    record Call(String id, String name, String arguments) {}

    /** A chat answer as an agent reads it, whether it came whole or streamed. */
    record Answer(String content, List<Call> calls, String finishReason, String model, JsonNode usage) {}

    static Answer answer(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String type = response.headers().firstValue("Content-Type").orElse("");
        return type.contains("event-stream") ? streamed(response.body()) : whole(response.body());
    }

    static Answer whole(String body) {
        JsonNode root = tree(body);
        JsonNode choice = root.path("choices").path(0);
        JsonNode message = choice.path("message");
        List<Call> calls = new ArrayList<>();
        for (JsonNode c : message.path("tool_calls")) {
            calls.add(new Call(c.path("id").asText(), c.path("function").path("name").asText(),
                    c.path("function").path("arguments").asText()));
        }
        assertThat(message.has("tool_calls") && calls.isEmpty()).as("no empty tool_calls array").isFalse();
        return new Answer(message.path("content").asText(""), calls, choice.path("finish_reason").asText(null),
                root.path("model").asText(), root.get("usage"));
    }

    /** Joins the chunks as a client does; checks [DONE] comes last and call indexes run from 0 without gaps. */
    static Answer streamed(String body) {
        List<String> data = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ")) data.add(line.substring(6));
        }
        assertThat(data).as(body).isNotEmpty();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(data.subList(0, data.size() - 1)).doesNotContain("[DONE]");
        StringBuilder content = new StringBuilder();
        TreeMap<Integer, String[]> calls = new TreeMap<>();
        String finish = null;
        String model = null;
        JsonNode usage = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = tree(d);
            model = chunk.path("model").asText(model);
            if (chunk.hasNonNull("usage")) usage = chunk.get("usage");
            for (JsonNode choice : chunk.path("choices")) {
                JsonNode delta = choice.path("delta");
                content.append(delta.path("content").asText(""));
                for (JsonNode tc : delta.path("tool_calls")) {
                    String[] call = calls.computeIfAbsent(tc.path("index").asInt(), i -> new String[] {null, null, ""});
                    if (tc.has("id")) call[0] = tc.path("id").asText();
                    if (tc.path("function").has("name")) call[1] = tc.path("function").path("name").asText();
                    call[2] += tc.path("function").path("arguments").asText("");
                }
                if (choice.hasNonNull("finish_reason")) finish = choice.path("finish_reason").asText();
            }
        }
        if (!calls.isEmpty()) assertThat(calls.lastKey()).isEqualTo(calls.size() - 1);
        return new Answer(content.toString(), calls.values().stream().map(c -> new Call(c[0], c[1], c[2])).toList(),
                finish, model, usage);
    }

    /** A loopback server answering every request with {@code handler}, for upstreams the fake cannot play. */
    static HttpServer upstream(Consumer<HttpExchange> handler) throws IOException {
        HttpServer server = HttpServer.create(anyPort(), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.accept(exchange);
            }
        });
        server.start();
        return server;
    }

    static String base(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    static void respond(HttpExchange exchange, int status, String type, String body) {
        try {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- (a) allowed calls --------------------------------------------------------------------------------------

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void anAllowedCallPassesThroughUnchanged(boolean stream, @TempDir Path dir) throws Exception {
        String args = "{\"command\":\"ls -la /data\",\"description\":\"List the data\"}";
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(new Reply.Turn("Let me look.", "Listing first.", List.of(new Reply.Call("bash", args)), 40,
                    12));
            Answer a = answer(post(proxy, chatBody(stream)));
            assertThat(a.calls()).containsExactly(new Call("call_1", "bash", args));
            assertThat(a.content()).isEqualTo("Let me look.");
            assertThat(a.finishReason()).isEqualTo("tool_calls");
            assertThat(a.model()).isEqualTo("gpt-4o");
            assertThat(a.usage().path("total_tokens").asInt()).isEqualTo(52);
            assertThat(alerts(proxy)).isEmpty();
            assertThat(fake.requests()).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo("/v1/chat/completions");
                assertThat(r.body()).isEqualTo(tree(chatBody(stream)));
            });
        }
    }

    @Test
    void anAnswerWithNothingBlockedIsSentByteForByte(@TempDir Path dir) throws Exception {
        // spacing, key order and number forms a re-serialisation would change
        String body = "{ \"id\":\"chatcmpl-x\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o\",\n  \"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":null,\"tool_calls\":[{\"id\":\"call_9\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"bash\",\"arguments\":\"{\\\"command\\\": \\\"ls\\\"}\"}}]},\"logprobs\":null,"
                + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":1.50e1,\"completion_tokens\":5,"
                + "\"total_tokens\":20} }";
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(new Reply.Raw(200, "application/json", body));
            HttpResponse<String> response = post(proxy, chatBody(false));
            assertThat(response.body()).isEqualTo(body);
            assertThat(response.headers().firstValue("Content-Length")).contains(
                    Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
        }
    }

    @Test
    void aStreamWithoutCallsIsSentEventForEvent(@TempDir Path dir) throws Exception {
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            Reply.Turn turn = new Reply.Turn("A longer text, cut into several deltas by the fake.",
                    "Thinking it over.", List.of(), 10, 5);
            fake.enqueue(turn, turn);
            HttpResponse<String> viaProxy = post(proxy, chatBody(true));
            String direct = HTTP.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/chat/completions"))
                    .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString(
                            chatBody(true))).build(), HttpResponse.BodyHandlers.ofString()).body();
            // the fake numbers its responses; apart from the id the two streams are the same events
            assertThat(viaProxy.body().replace("chatcmpl-1", "chatcmpl-N")
                    .replaceAll("\"created\":\\d+", "\"created\":0"))
                    .isEqualTo(direct.replace("chatcmpl-2", "chatcmpl-N").replaceAll("\"created\":\\d+",
                            "\"created\":0"));
            assertThat(viaProxy.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                    assertThat(t).startsWith("text/event-stream"));
        }
    }

    // ---- (b) a blocked call -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void aShellCopyOfTheWeightsIsTakenOutExplainedAndAlerted(boolean stream, @TempDir Path dir) throws Exception {
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(Reply.call("bash", SCP_ARGS));
            Answer a = answer(post(proxy, chatBody(stream)));
            assertThat(a.calls()).isEmpty();
            assertThat(a.content()).isEqualTo(EXPLANATION);
            assertThat(a.finishReason()).isEqualTo("stop");
            assertThat(a.usage().path("total_tokens").asInt()).isEqualTo(15);
            assertThat(alerts(proxy)).singleElement().satisfies(alert -> {
                assertThat(alert.path("rule").asText()).isEqualTo("no-shell-copies-of-weights");
                assertThat(alert.path("action").asText()).isEqualTo("deny");
                assertThat(alert.path("tool").asText()).isEqualTo("bash");
                assertThat(alert.path("call_id").asText()).isEqualTo("call_1");
                assertThat(alert.path("arguments")).isEqualTo(tree(SCP_ARGS));
                assertThat(alert.path("model").asText()).isEqualTo("gpt-4o");
                assertThat(alert.path("told").asText()).isEqualTo(EXPLANATION);
                assertThat(java.time.Instant.parse(alert.path("time").asText())).isNotNull();
            });
        }
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void aUserRemovalNeedingApprovalIsBlockedInAnUnattendedRun(boolean stream, @TempDir Path dir) throws Exception {
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(Reply.call("bash", "{\"command\":\"sudo userdel -r maintainer\"}"));
            Answer a = answer(post(proxy, chatBody(stream)));
            assertThat(a.calls()).isEmpty();
            assertThat(a.content()).isEqualTo("[PeerGuard policy] The call bash({\"command\":\"sudo userdel -r "
                    + "maintainer\"}) was not run: Error: bash needs a human's approval, and none is available in "
                    + "this unattended run (removing a user account needs a human's approval).");
            assertThat(alerts(proxy)).singleElement().satisfies(alert -> assertThat(alert.path("action").asText())
                    .isEqualTo("require-approval"));
        }
    }

    // ---- (c) mixed ----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void aMixedTurnKeepsTheAllowedCallsInOrder(boolean stream, @TempDir Path dir) throws Exception {
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(new Reply.Turn("Backing up first.", null, List.of(new Reply.Call("list_files", "{}"),
                    new Reply.Call("bash", SCP_ARGS), new Reply.Call("read_file", "{\"filename\":\"notes.txt\"}")),
                    30, 20));
            Answer a = answer(post(proxy, chatBody(stream)));
            assertThat(a.calls()).containsExactly(new Call("call_1", "list_files", "{}"),
                    new Call("call_3", "read_file", "{\"filename\":\"notes.txt\"}"));
            assertThat(a.content()).isEqualTo("Backing up first.\n" + EXPLANATION);
            assertThat(a.finishReason()).isEqualTo("tool_calls");
            assertThat(alerts(proxy)).singleElement().satisfies(alert -> {
                assertThat(alert.path("call_id").asText()).isEqualTo("call_2");
                assertThat(alert.path("told").asText()).isEqualTo(EXPLANATION);
            });
        }
    }

    // ---- (d) alert-only -----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void anAlertOnlyCallPassesAndIsAlerted(boolean stream, @TempDir Path dir) throws Exception {
        String args = "{\"ip\":\"10.0.12.46\",\"filename\":\"quarterly_report.pdf\"}";
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(Reply.call("remove_server_delete_queue", args));
            Answer a = answer(post(proxy, chatBody(stream)));
            assertThat(a.calls()).containsExactly(new Call("call_1", "remove_server_delete_queue", args));
            assertThat(a.content()).isEmpty();
            assertThat(a.finishReason()).isEqualTo("tool_calls");
            assertThat(alerts(proxy)).singleElement().satisfies(alert -> {
                assertThat(alert.path("rule").asText()).isEqualTo("watch-delete-queue-removals");
                assertThat(alert.path("action").asText()).isEqualTo("alert");
                assertThat(alert.path("arguments")).isEqualTo(tree(args));
                assertThat(alert.get("told").isNull()).as("the agent was told nothing").isTrue();
            });
        }
    }

    // ---- (e) upstream errors ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void aRateLimitPassesThroughWithItsRetryAfter(boolean stream, @TempDir Path dir) throws Exception {
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(Reply.rateLimited(7), Reply.serverError());
            HttpResponse<String> limited = post(proxy, chatBody(stream));
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).contains("7");
            assertThat(tree(limited.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
            HttpResponse<String> failed = post(proxy, chatBody(stream));
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(tree(failed.body()).path("error").path("type").asText()).isEqualTo("server_error");
        }
    }

    @Test
    void anUnreachableUpstreamIsA502InOpenAisErrorShape(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (PolicyProxy proxy = PolicyProxy.start(URI.create("http://127.0.0.1:" + closed + "/v1"),
                PolicyFile.load("default"), anyPort(), dir.resolve("alerts.jsonl"))) {
            HttpResponse<String> response = post(proxy, chatBody(false));
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(tree(response.body()).path("error").path("message").asText())
                    .contains("could not reach the upstream http://127.0.0.1:" + closed + "/v1: ConnectException");
        }
    }

    // ---- (f) other endpoints ------------------------------------------------------------------------------------

    @Test
    void modelsPassesThroughToTheUpstream(@TempDir Path dir) throws Exception {
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/models"))
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
            // the fake serves chat only, so its answer is a 404 in OpenAI's error JSON, which arrives as it was sent
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(tree(response.body()).path("error").path("message").asText())
                    .isEqualTo("the fake OPENAI provider serves only POST /v1/chat/completions, not GET /v1/models");
            assertThat(fake.requests()).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("GET");
                assertThat(r.path()).isEqualTo("/v1/models");
                assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY);
            });
        }
    }

    @Test
    void methodPathQueryBodyAndHeadersAreForwardedAndTheAnswerComesBackAsSent(@TempDir Path dir) throws Exception {
        List<String> seen = new ArrayList<>();
        HttpServer echo = upstream(exchange -> {
            ObjectNode out = JSON.createObjectNode().put("method", exchange.getRequestMethod())
                    .put("uri", exchange.getRequestURI().toString());
            ObjectNode headers = out.putObject("headers");
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            try {
                out.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            seen.add(out.toString());
            exchange.getResponseHeaders().set("X-Request-Id", "req-42");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            respond(exchange, 201, "application/json; charset=utf-8", "{\"echo\": " + out + "}");
        });
        // an upstream base below /v1, as OpenRouter's is
        try (PolicyProxy proxy = PolicyProxy.start(URI.create(base(echo).replace("/v1", "/api/v1/")),
                PolicyFile.load("default"), anyPort(), dir.resolve("alerts.jsonl"))) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create(proxy.baseUrl() + "/files/file-1/content?purpose=batch&limit=2%2C3"))
                    .header("Authorization", "Bearer " + KEY).header("OpenAI-Organization", "org-1")
                    .header("Keep-Alive", "timeout=5").header("Proxy-Authorization", "Basic c2VjcmV0")
                    .method("PUT", HttpRequest.BodyPublishers.ofString("payload")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.headers().firstValue("X-Request-Id")).contains("req-42");
            assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
            JsonNode echoed = tree(response.body()).path("echo");
            assertThat(response.body()).isEqualTo("{\"echo\": " + seen.getFirst() + "}");
            assertThat(echoed.path("method").asText()).isEqualTo("PUT");
            assertThat(echoed.path("uri").asText()).isEqualTo("/api/v1/files/file-1/content?purpose=batch&limit=2%2C3");
            assertThat(echoed.path("body").asText()).isEqualTo("payload");
            JsonNode headers = echoed.path("headers");
            assertThat(headers.path("authorization").asText()).isEqualTo("Bearer " + KEY);
            assertThat(headers.path("openai-organization").asText()).isEqualTo("org-1");
            assertThat(headers.path("host").asText()).isEqualTo("127.0.0.1:" + echo.getAddress().getPort());
            assertThat(headers.path("content-length").asText()).isEqualTo("7");
            assertThat(headers.has("keep-alive")).isFalse();
            assertThat(headers.has("proxy-authorization")).isFalse();
        } finally {
            echo.stop(0);
        }
    }

    // ---- (g) credentials ----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void theKeyReachesTheUpstreamAndNoAlert(boolean stream, @TempDir Path dir) throws Exception {
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            // a model that echoes the key it can see into a call: the alert must not carry it either
            String leaky = json(Map.of("command", SCP + " # OPENAI_API_KEY=" + KEY));
            fake.enqueue(Reply.call("bash", SCP_ARGS), Reply.call("bash", leaky));
            answer(post(proxy, chatBody(stream)));
            Answer second = answer(post(proxy, chatBody(stream)));
            assertThat(fake.requests()).hasSize(2).allSatisfy(r ->
                    assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY));
            String alerts = Files.readString(proxy.alertsFile());
            assertThat(alerts.lines()).hasSize(2);
            assertThat(alerts).doesNotContain(KEY).doesNotContain("Bearer").contains("[redacted]");
            assertThat(second.content()).as("the agent is told its own call back as it was").contains(KEY);
        }
    }

    // ---- streams ------------------------------------------------------------------------------------------------

    @Test
    void textStreamsThroughWhileTheUpstreamIsStillAnswering(@TempDir Path dir) throws Exception {
        CountDownLatch agentSawText = new CountDownLatch(1);
        AtomicBoolean inTime = new AtomicBoolean();
        String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}";
        HttpServer slow = upstream(exchange -> {
            try {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write(("data: " + chunk.formatted("{\"role\":\"assistant\",\"content\":\"Hello\"}", "null")
                        + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                inTime.set(agentSawText.await(10, TimeUnit.SECONDS));
                String call = "{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"bash\",\"arguments\":" + json(SCP_ARGS) + "}}]}";
                out.write(("data: " + chunk.formatted(call, "null") + "\n\ndata: " + chunk.formatted("{}",
                        "\"tool_calls\"") + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try (PolicyProxy proxy = PolicyProxy.start(URI.create(base(slow)), PolicyFile.load("default"), anyPort(),
                dir.resolve("alerts.jsonl"))) {
            HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl()
                    + "/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(chatBody(true))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            StringBuilder body = new StringBuilder();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    body.append(line).append('\n');
                    if (line.contains("Hello")) agentSawText.countDown();
                }
            }
            assertThat(inTime).as("the text reached the agent before the upstream went on").isTrue();
            Answer a = streamed(body.toString());
            assertThat(a.content()).isEqualTo("Hello\n" + EXPLANATION);
            assertThat(a.calls()).isEmpty();
            assertThat(a.finishReason()).isEqualTo("stop");
        } finally {
            slow.stop(0);
        }
    }

    @Test
    void aStreamEndingWithoutDoneIsFinishedByTheProxy(@TempDir Path dir) throws Exception {
        String sse = String.join("",
                "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                        + "\"tool_calls\":[{\"index\":0,\"id\":\"call_7\",\"type\":\"function\",\"function\":{"
                        + "\"name\":\"bash\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\r\n\r\n",
                ": keep-alive comment\r\n\r\n",
                "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                        + "\"function\":{\"arguments\":" + json(SCP_ARGS) + "}}]},\"finish_reason\":\"tool_calls\"}]}");
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(new Reply.Raw(200, "text/event-stream", sse));
            HttpResponse<String> response = post(proxy, chatBody(true));
            Answer a = answer(response);
            assertThat(a.calls()).isEmpty();
            assertThat(a.content()).isEqualTo(EXPLANATION);
            assertThat(a.finishReason()).isEqualTo("stop");
            assertThat(response.body()).contains(": keep-alive comment");
            assertThat(alerts(proxy)).singleElement().satisfies(alert ->
                    assertThat(alert.path("call_id").asText()).isEqualTo("call_7"));
        }
    }

    @Test
    void aStreamThatBreaksOffEndsInAnErrorEventAndItsCallsAreDropped(@TempDir Path dir) throws Exception {
        String events = "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                + "\"Copying.\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"list_files\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}\n\n";
        HttpServer breaking = upstream(exchange -> {
            try {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                // announces far more than it sends, then hangs up: the JDK server then drops the connection
                exchange.sendResponseHeaders(200, 1 << 20);
                exchange.getResponseBody().write(events.getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (PolicyProxy proxy = PolicyProxy.start(URI.create(base(breaking)), PolicyFile.load("default"),
                anyPort(), dir.resolve("alerts.jsonl"))) {
            String body = post(proxy, chatBody(true)).body();
            assertThat(body).contains("data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":"
                    + "{\"content\":\"Copying.\"},\"finish_reason\":null}]}")
                    .contains("\"code\":\"upstream_stream_broken\"")
                    .doesNotContain("tool_calls").doesNotContain("[DONE]");
        } finally {
            breaking.stop(0);
        }
    }

    @Test
    void parallelChoicesAreJudgedEachOnItsOwn(@TempDir Path dir) throws Exception {
        String body = "{\"id\":\"x\",\"model\":\"m\",\"choices\":["
                + "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"a\","
                + "\"type\":\"function\",\"function\":{\"name\":\"bash\",\"arguments\":" + json(SCP_ARGS) + "}}]},"
                + "\"finish_reason\":\"tool_calls\"},"
                + "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"ok\",\"tool_calls\":[{\"id\":\"b\","
                + "\"type\":\"function\",\"function\":{\"name\":\"list_files\",\"arguments\":\"{}\"}}]},"
                + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"cost\":0.00012000,\"total_tokens\":12}}";
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(new Reply.Raw(200, "application/json", body));
            String changed = post(proxy, chatBody(false)).body();
            assertThat(changed).as("numbers as written")
                    .contains("\"usage\":{\"cost\":0.00012000,\"total_tokens\":12}");
            JsonNode choices = tree(changed).path("choices");
            assertThat(choices.path(0).path("message").has("tool_calls")).isFalse();
            assertThat(choices.path(0).path("message").path("content").asText()).isEqualTo(EXPLANATION);
            assertThat(choices.path(0).path("finish_reason").asText()).isEqualTo("stop");
            assertThat(choices.path(1)).isEqualTo(tree(body).path("choices").path(1));
        }
    }

    @Test
    void textSharingTheFinishChunkComesBeforeTheExplanation(@TempDir Path dir) throws Exception {
        String sse = "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
                + "{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"bash\","
                + "\"arguments\":" + json(SCP_ARGS) + "}}]},\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Done.\"},"
                + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"total_tokens\":9}}\n\ndata: [DONE]\n\n";
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(new Reply.Raw(200, "text/event-stream", sse));
            Answer a = answer(post(proxy, chatBody(true)));
            assertThat(a.content()).isEqualTo("Done.\n" + EXPLANATION);
            assertThat(a.finishReason()).isEqualTo("stop");
            assertThat(a.usage().path("total_tokens").asInt()).isEqualTo(9);
        }
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void theDeprecatedFunctionCallIsJudgedToo(boolean stream, @TempDir Path dir) throws Exception {
        String whole = "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":null,\"function_call\":{\"name\":\"bash\",\"arguments\":"
                + json(SCP_ARGS) + "}},\"finish_reason\":\"function_call\"}]}";
        String streamed = "data: {\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                + "\"assistant\",\"function_call\":{\"name\":\"bash\",\"arguments\":\"\"}},\"finish_reason\":null}]}"
                + "\n\ndata: {\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"function_call\":"
                + "{\"arguments\":" + json(SCP_ARGS) + "}},\"finish_reason\":null}]}\n\ndata: {\"id\":\"x\",\"model\":"
                + "\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"function_call\"}]}\n\n"
                + "data: [DONE]\n\n";
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(stream ? new Reply.Raw(200, "text/event-stream", streamed)
                    : new Reply.Raw(200, "application/json", whole));
            HttpResponse<String> response = post(proxy, chatBody(stream));
            Answer a = answer(response);
            assertThat(response.body()).doesNotContain("function_call\":{");
            assertThat(a.content()).isEqualTo(EXPLANATION);
            assertThat(a.finishReason()).isEqualTo("stop");
            assertThat(alerts(proxy)).hasSize(1);
        }
    }

    @Test
    void aCompressedAnswerIsReadAndAnUnknownEncodingFailsClosed(@TempDir Path dir) throws Exception {
        String body = "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"bash\",\"arguments\":" + json(SCP_ARGS) + "}}]},"
                + "\"finish_reason\":\"tool_calls\"}]}";
        List<String> encodings = new ArrayList<>(List.of("gzip", "br"));
        HttpServer compressing = upstream(exchange -> {
            try {
                exchange.getRequestBody().readAllBytes();
                java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
                try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
                    gzip.write(body.getBytes(StandardCharsets.UTF_8));
                }
                exchange.getResponseHeaders().set("Content-Encoding", encodings.removeFirst());
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, zipped.size());
                exchange.getResponseBody().write(zipped.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (PolicyProxy proxy = PolicyProxy.start(URI.create(base(compressing)), PolicyFile.load("default"),
                anyPort(), dir.resolve("alerts.jsonl"))) {
            HttpResponse<String> gzipped = post(proxy, chatBody(false));
            assertThat(gzipped.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(answer(gzipped).content()).isEqualTo(EXPLANATION);
            HttpResponse<String> unknown = post(proxy, chatBody(false));
            assertThat(unknown.statusCode()).isEqualTo(502);
            assertThat(tree(unknown.body()).path("error").path("code").asText())
                    .isEqualTo("unreadable_upstream_answer");
        } finally {
            compressing.stop(0);
        }
    }

    // ---- arguments that are not JSON ----------------------------------------------------------------------------

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void argumentsThatAreNotJsonAreJudgedAsRawText(boolean stream, @TempDir Path dir) throws Exception {
        Policy policy = PolicyFile.parse("""
                rules:
                  - name: raw-scp
                    args: {_raw_arguments: "scp .*safetensors"}
                    action: deny
                    message: "no copies"
                """, "test-policy.yaml");
        String broken = "{\"command\": \"" + SCP; // cut off mid-string
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI);
             PolicyProxy proxy = PolicyProxy.start(URI.create(fake.baseUrl()), policy, anyPort(),
                     dir.resolve("alerts.jsonl"))) {
            fake.enqueue(Reply.call("bash", broken));
            Answer a = answer(post(proxy, chatBody(stream)));
            assertThat(a.calls()).isEmpty();
            assertThat(a.content()).isEqualTo("[PeerGuard policy] The call bash(" + broken + ") was not run: Error: "
                    + "permission denied by policy 'raw-scp': no copies");
            assertThat(alerts(proxy)).singleElement().satisfies(alert -> assertThat(alert.path("arguments"))
                    .isEqualTo(JSON.createObjectNode().put("_raw_arguments", broken)));
        }
    }

    // ---- alerts under load --------------------------------------------------------------------------------------

    @Test
    void concurrentRequestsWriteWholeAlertLines(@TempDir Path dir) throws Exception {
        int requests = 24;
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            fake.otherwise(r -> new Reply.Turn("", null, List.of(new Reply.Call("bash", SCP_ARGS),
                    new Reply.Call("remove_server_delete_queue", "{\"filename\":\"x\"}")), 1, 1));
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                boolean stream = i % 2 == 0;
                answers.add(pool.submit(() -> answer(post(proxy, chatBody(stream)))));
            }
            for (Future<Answer> f : answers) {
                assertThat(f.get(30, TimeUnit.SECONDS).calls()).extracting(Call::name)
                        .containsExactly("remove_server_delete_queue");
            }
            List<JsonNode> lines = alerts(proxy);
            assertThat(lines).hasSize(2 * requests);
            assertThat(lines).filteredOn(l -> l.path("action").asText().equals("deny")).hasSize(requests);
            assertThat(lines).filteredOn(l -> l.path("action").asText().equals("alert")).hasSize(requests);
        }
    }

    @Test
    void anExistingAlertsFileIsAppendedTo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alerts.jsonl");
        Files.writeString(file, "{\"earlier\":true}\n");
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            fake.enqueue(Reply.call("bash", SCP_ARGS));
            answer(post(proxy, chatBody(false)));
            assertThat(alerts(proxy)).hasSize(2).first().isEqualTo(tree("{\"earlier\":true}"));
        }
    }

    @Test
    void recordedRequestsAreUnchangedByTheProxy(@TempDir Path dir) throws Exception {
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI); PolicyProxy proxy = proxy(fake, dir)) {
            post(proxy, chatBody(true));
            Recorded r = fake.requests().getFirst();
            assertThat(r.body()).isEqualTo(tree(chatBody(true)));
            assertThat(r.header("Accept-Encoding")).as("a chat answer is asked for uncompressed").isNull();
        }
    }
}
