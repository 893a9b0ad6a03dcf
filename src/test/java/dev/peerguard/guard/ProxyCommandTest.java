package dev.peerguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.cli.Cli;
import dev.peerguard.model.fake.FakeProvider;
import dev.peerguard.model.fake.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerguard proxy} on the command line: its start-up, and exit code 2 for each flag it cannot use. */
class ProxyCommandTest {
    private static final String UPSTREAM = "http://127.0.0.1:9/v1";

    private static Cli.Run proxy(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "proxy";
        System.arraycopy(args, 0, all, 1, args.length);
        return Cli.run(all);
    }

    private static void assertBadInput(Cli.Run run, String... mentions) {
        assertThat(run.exit()).as("exit code; err: %s", run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith("peerguard: ").contains(mentions).doesNotContain("Exception\n\tat ");
    }

    @Test
    void withoutAnUpstreamItSaysWhatToGive() {
        assertBadInput(proxy("--policy", "default"), "--upstream", "https://api.openai.com/v1");
    }

    @Test
    void anUpstreamThatIsNotAnHttpUrlIsRefused() {
        assertBadInput(proxy("--upstream", "api.openai.com/v1", "--policy", "default"), "--upstream",
                "http:// or https://");
        assertBadInput(proxy("--upstream", "ftp://example.com/v1", "--policy", "default"), "http:// or https://");
        assertBadInput(proxy("--upstream", "http://exa mple.com/v1", "--policy", "default"), "is not a URL");
        assertBadInput(proxy("--upstream", "http:///v1", "--policy", "default"), "has no host");
        assertBadInput(proxy("--upstream", "https://user:pw@example.com/v1", "--policy", "default"),
                "plain base URL");
    }

    @Test
    void withoutAPolicyItSaysWhatToGive() {
        assertBadInput(proxy("--upstream", UPSTREAM), "--policy", "'default'");
    }

    @Test
    void aPolicyFileErrorNamesTheFileAndLine(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.yaml");
        assertBadInput(proxy("--upstream", UPSTREAM, "--policy", missing.toString()), "--policy", missing.toString(),
                "no such file");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "rules:\n  - name: x\n    action: explode\n");
        assertBadInput(proxy("--upstream", UPSTREAM, "--policy", bad.toString()), bad + " line 3",
                "unknown action 'explode'");
    }

    @Test
    void aListenAddressItCannotUseIsRefused() throws IOException {
        assertBadInput(proxy("--upstream", UPSTREAM, "--policy", "default", "--listen", "8400"), "--listen 8400",
                "HOST:PORT");
        assertBadInput(proxy("--upstream", UPSTREAM, "--policy", "default", "--listen", "127.0.0.1:99999"),
                "0 to 65535");
        assertBadInput(proxy("--upstream", UPSTREAM, "--policy", "default", "--listen", "127.0.0.1:http"),
                "0 to 65535");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + taken.getLocalPort();
            assertBadInput(proxy("--upstream", UPSTREAM, "--policy", "default", "--listen", listen),
                    "--listen " + listen, "cannot serve there");
        }
    }

    @Test
    void anAlertsFileItCannotWriteIsRefused(@TempDir Path dir) {
        Path alerts = dir.resolve("no-such-dir/alerts.jsonl");
        assertBadInput(proxy("--upstream", UPSTREAM, "--policy", "default", "--listen", "127.0.0.1:0", "--alerts",
                alerts.toString()), "--alerts " + alerts);
    }

    @Test
    void itSaysWhereItListensAndServesUntilInterrupted(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path alerts = dir.resolve("alerts.jsonl");
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI)) {
            fake.enqueue(Reply.call("bash", ProxyTest.SCP_ARGS));
            CompletableFuture<Thread> runner = new CompletableFuture<>();
            CompletableFuture<Cli.Run> run = CompletableFuture.supplyAsync(() -> {
                runner.complete(Thread.currentThread());
                return proxy("--upstream", fake.baseUrl() + "/", "--policy", "default", "--listen",
                        "127.0.0.1:" + port, "--alerts", alerts.toString());
            });
            awaitListening(port, run);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/v1/chat/completions")).header("Authorization", "Bearer " + ProxyTest.KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(ProxyTest.chatBody(false))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ProxyTest.answer(response).content()).isEqualTo(ProxyTest.EXPLANATION);
            runner.get().interrupt();
            Cli.Run done = run.get(10, TimeUnit.SECONDS);
            assertThat(done.exit()).as(done.err()).isZero();
            assertThat(done.out()).contains("PeerGuard proxy on http://127.0.0.1:" + port + "/v1")
                    .contains("upstream: " + fake.baseUrl() + "\n")
                    .contains("policy:   default (" + Policy.defaults().rules().size() + " rules)")
                    .contains("alerts:   " + alerts.toAbsolutePath())
                    .contains("peerguard proxy: deny bash (rule no-shell-copies-of-weights) from gpt-4o")
                    .doesNotContain(ProxyTest.KEY);
            assertThat(Files.readAllLines(alerts)).hasSize(1);
            try (Socket s = new Socket()) {
                assertThat(tryConnect(s, port)).as("the port is closed after the interrupt").isFalse();
            }
        }
    }

    private static void awaitListening(int port, CompletableFuture<Cli.Run> run) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (run.isDone()) throw new AssertionError("the proxy stopped: " + run.get());
            try (Socket s = new Socket()) {
                if (tryConnect(s, port)) return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the proxy did not listen on " + port + " within 10 s");
    }

    private static boolean tryConnect(Socket s, int port) {
        try {
            s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
