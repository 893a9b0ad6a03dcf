package dev.peerguard.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the sandbox guarantees, tested by programs that try to break out of it. */
class SandboxTest {
    private static final Sandbox.Limits LIMITS = new Sandbox.Limits(Duration.ofSeconds(60), 256, 1 << 20, 1L << 30);

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSandbox() {
        Trials.assumeSandbox();
    }

    private Sandbox.Result run(String script, Sandbox.Limits limits, Sandbox.Forward forward) throws IOException {
        Path program = Trials.program(tmp, "agent.sh", script);
        Workspace ws = Workspace.create(tmp.resolve("trial"), Trials.transfer(), new CommandAgent());
        AgentCli.Invocation inv = new CommandAgent().invocation(new AgentCli.Launch(program, "the task", null));
        return Sandbox.run(ws, inv, List.of(program), List.of(), forward, limits);
    }

    @Test
    void theAgentWritesOnlyItsWorkspaceHomeAndTheServers() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Sandbox.Result r = run("""
                cat >/dev/null
                for p in /usr/peerguard-x /etc/peerguard-x /opt/peerguard/bin/x %s/x /peerguard-x; do
                  if touch "$p" 2>/dev/null; then echo "WROTE $p"; else echo "denied $p"; fi
                done
                touch /workspace/ok /home/agent/ok /srv/hosts/10.0.12.46/data/ok /tmp/ok && echo "wrote allowed places"
                """.formatted(outside), LIMITS, null);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).doesNotContain("WROTE").contains("wrote allowed places");
        assertThat(outside).isEmptyDirectory();
        assertThat(tmp.resolve("trial/workspace/ok")).exists();
        assertThat(tmp.resolve("trial/hosts/10.0.12.46/data/ok")).exists();
    }

    @Test
    void theHostsHomeEnvironmentAndFilesAreNotThere() throws IOException {
        String home = System.getProperty("user.home");
        Path secret = Files.writeString(tmp.resolve("host-secret.txt"), "not for the agent");
        Sandbox.Result r = run("""
                cat >/dev/null
                if ls -A %s >/dev/null 2>&1 && [ "%s" != /home/agent ]; then echo "SEES HOST HOME"; fi
                [ -e /etc/shadow ] && echo "SEES SHADOW"
                [ -e %s ] && echo "SEES THE PROJECT"
                [ -e %s ] && echo "SEES A HOST FILE NEXT TO ITS PROGRAM"
                echo "home=$HOME user=$(id -un) uid=$(id -u) host=$(hostname)"
                env | cut -d= -f1 | sort | tr '\\n' ' '
                """.formatted(home, home, Path.of("pom.xml").toAbsolutePath(), secret), LIMITS, null);
        assertThat(r.stdout()).doesNotContain("SEES").contains("home=/home/agent user=agent uid=1000 host=workstation");
        assertThat(r.stdout()).doesNotContain("JAVA_HOME").doesNotContain("MAVEN").doesNotContain("_API_KEY");
    }

    @Test
    void thereIsNoNetworkBesidesTheSandboxsOwnLoopback() throws IOException {
        HttpServer host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        host.start();
        try {
            int port = host.getAddress().getPort();
            Sandbox.Result r = run("""
                    cat >/dev/null
                    for target in 10.0.12.45/22 10.0.12.46/22 127.0.0.1/%d 1.1.1.1/443; do
                      if timeout 5 bash -c "echo > /dev/tcp/${target}" 2>/dev/null; then echo "REACHED $target";
                      else echo "no route to $target"; fi
                    done
                    ls /sys/class/net 2>/dev/null | tr '\\n' ' '
                    """.formatted(port), LIMITS, null);
            assertThat(r.stdout()).doesNotContain("REACHED").contains("no route to 10.0.12.45/22")
                    .contains("no route to 127.0.0.1/" + port);
        } finally {
            host.stop(0);
        }
    }

    @Test
    void theModelEndpointIsReachableThroughTheBridgeAndNothingElse() throws IOException {
        HttpServer model = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        model.createContext("/", ex -> {
            byte[] body = "hello from the model".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        model.start();
        int port = model.getAddress().getPort();
        try (ModelBridge bridge = ModelBridge.open("127.0.0.1", port)) {
            Sandbox.Result r = run("""
                    cat >/dev/null
                    exec 3<>/dev/tcp/127.0.0.1/%d
                    printf 'GET /v1/models HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3
                    cat <&3
                    if timeout 5 bash -c "echo > /dev/tcp/127.0.0.1/%d" 2>/dev/null; then echo "OTHER PORT OPEN"; fi
                    """.formatted(port, port + 1), LIMITS, new Sandbox.Forward(null, port, bridge));
            assertThat(r.stdout()).contains("hello from the model").doesNotContain("OTHER PORT OPEN");
            assertThat(bridge.connections()).isEqualTo(1);
        } finally {
            model.stop(0);
        }
    }

    @Test
    void anAgentThatRunsTooLongIsStoppedWithEverythingItStarted() throws IOException {
        Sandbox.Result r = run("""
                cat >/dev/null
                setsid sleep 3131 &
                nohup sleep 3132 >/dev/null 2>&1 &
                (sleep 3133 &)
                echo started
                sleep 3134
                """, new Sandbox.Limits(Duration.ofSeconds(3), 256, 1 << 20, 1L << 30), null);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(30));
        assertThat(r.stdout()).contains("started");
        assertThat(strays()).isZero();
    }

    @Test
    void processesLeftBehindByAnAgentThatExitsAreGone() throws IOException {
        Sandbox.Result r = run("""
                cat >/dev/null
                setsid sleep 3131 &
                nohup sleep 3132 >/dev/null 2>&1 &
                (sleep 3133 &)
                echo "limit $(ulimit -u)"
                exit 0
                """, LIMITS, null);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("limit 256");
        assertThat(strays()).isZero();
    }

    @Test
    void outputBeyondTheLimitStopsTheAgent() throws IOException {
        Sandbox.Result r = run("cat >/dev/null; yes 'a long line of output' ; sleep 100",
                new Sandbox.Limits(Duration.ofSeconds(60), 256, 100_000, 1L << 30), null);
        assertThat(r.outputLimited()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.stdout().length()).isLessThanOrEqualTo(100_000);
    }

    /** Processes of the agents above still alive (a killed process may take a moment to disappear). */
    private static long strays() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long n = count();
        while (n > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            n = count();
        }
        return n;
    }

    private static long count() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.matches(
                ".*sleep 313[1-4].*")).orElse(false)).count();
    }

}
