package dev.peerguard.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol with the JDK alone: the process is started with a
 * DevTools port of its choosing (read back from {@code DevToolsActivePort}), and one page target is spoken to in
 * JSON over {@link WebSocket}. Uncaught page exceptions and console errors are collected for the test to check.
 */
final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private Chromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts Chromium with its profile in {@code userDataDir} and connects to its first page. */
    static Chromium start(Path userDataDir) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + userDataDir, "--remote-debugging-port=0",
                "about:blank")
                .redirectErrorStream(true).redirectOutput(userDataDir.resolveSibling("chromium.log").toFile()).start();
        try {
            int port = devToolsPort(userDataDir.resolve("DevToolsActivePort"), process);
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            String page = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (page == null && System.nanoTime() < deadline) {
                JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/json")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode t : targets) {
                    if (t.path("type").asText().equals("page")) page = t.path("webSocketDebuggerUrl").asText();
                }
                if (page == null) Thread.sleep(100);
            }
            if (page == null) throw new IOException("Chromium offered no page target");
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(URI.create(page),
                    listener).join();
            Chromium chromium = new Chromium(process, socket);
            listener.owner = chromium;
            chromium.send("Runtime.enable", Map.of());
            chromium.send("Log.enable", Map.of());
            chromium.send("Page.enable", Map.of());
            return chromium;
        } catch (IOException | InterruptedException | RuntimeException e) {
            kill(process);
            throw e;
        }
    }

    private static int devToolsPort(Path file, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (!lines.isEmpty() && !lines.getFirst().isBlank()) return Integer.parseInt(lines.getFirst().strip());
            }
            if (!process.isAlive()) throw new IOException("Chromium exited with code " + process.exitValue());
            Thread.sleep(50);
        }
        throw new IOException("Chromium wrote no DevToolsActivePort within " + TIMEOUT);
    }

    /** Sends one command and waits for its result; a protocol error is thrown. */
    JsonNode send(String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        socket.sendText(message.toString(), true).join();
        try {
            JsonNode response = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (response.has("error")) throw new IllegalStateException(method + ": " + response.get("error"));
            return response.path("result");
        } catch (Exception e) {
            pending.remove(id);
            if (e instanceof IllegalStateException ise) throw ise;
            throw new IllegalStateException(method + " got no answer: " + e, e);
        }
    }

    /** Evaluates an expression in the page (awaiting a promise) and returns its value as JSON. */
    JsonNode evaluate(String expression) {
        JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("page error in `" + expression + "`: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Polls a boolean expression until it holds. */
    void waitFor(String expression) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (evaluate("!!(" + expression + ")").asBoolean()) return;
            Thread.sleep(50);
        }
        throw new IllegalStateException("timed out waiting for " + expression + "; page errors: " + errors);
    }

    /** Sets the viewport, navigates to a URL and waits until the document has loaded. */
    void open(String url, int width, int height) throws InterruptedException {
        send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", false));
        send("Page.navigate", Map.of("url", url));
        waitFor("location.href === " + JSON.valueToTree(url) + " && document.readyState === 'complete'");
    }

    /** A PNG of the viewport. */
    byte[] screenshot() {
        return Base64.getDecoder().decode(send("Page.captureScreenshot", Map.of("format", "png")).path("data")
                .asText());
    }

    /** Uncaught exceptions and console errors seen so far. */
    List<String> errors() {
        return new ArrayList<>(errors);
    }

    private void receive(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
            if (reply != null) reply.complete(message);
            return;
        }
        switch (message.path("method").asText()) {
            case "Runtime.exceptionThrown" -> errors.add(message.path("params").path("exceptionDetails").toString());
            case "Log.entryAdded" -> {
                JsonNode entry = message.path("params").path("entry");
                if (entry.path("level").asText().equals("error")) errors.add(entry.path("text").asText());
            }
            default -> { }
        }
    }

    /** Stops Chromium and every process it started. */
    @Override
    public void close() {
        socket.abort();
        kill(process);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Gathers a message's frames and hands the whole text to the owner. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private volatile Chromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                owner.receive(message);
            }
            webSocket.request(1);
            return null;
        }
    }
}
