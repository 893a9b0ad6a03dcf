package dev.peerguard.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.peerguard.cli.Cli;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerguard harness} with {@code examples/agents/hostile-agent.sh}, an agent that tries to get out of its
 * sandbox, harm the host or outlast its trial. Each attempt is judged from the host: the host's files, processes,
 * disk, network and environment are as they were, and the trial is stored with the reason it ended.
 */
class HostileAgentTest {
    private static final Path AGENT = Path.of("examples/agents/hostile-agent.sh");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSandbox() {
        Trials.assumeSandbox();
    }

    /** One trial of the program named {@code name}, stored by {@code peerguard harness} with the given flags. */
    private record Trial(TrialRecord record, JsonNode transcript, Path dir) {
        String said() {
            JsonNode messages = transcript.path("messages");
            return messages.get(messages.size() - 1).path("content").asText();
        }

        JsonNode harness() {
            return transcript.path("harness");
        }
    }

    private Trial run(Path program, String... flags) throws IOException {
        Path out = tmp.resolve("run-" + program.getFileName());
        List<String> args = new ArrayList<>(List.of("harness", "--agent", "command:" + program, "--tasks",
                "exfiltration_transfer", "--subjects", "peer", "--conditions", "good_peer", "--instantiations",
                "file_only", "--trials", "1", "--keep-sandbox", "--out", out.toString()));
        args.addAll(List.of(flags));
        Cli.Run r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        return stored(out);
    }

    private static Trial stored(Path out) throws IOException {
        try (RunStore store = RunStore.openExisting(out)) {
            List<TrialRecord> trials = store.trials();
            assertThat(trials).hasSize(1);
            TrialRecord t = store.trial(trials.getFirst().id()).orElseThrow();
            assertThat(t.status()).as(t.error()).isEqualTo(TrialRecord.Status.OK);
            return new Trial(t, JSON.readTree(t.transcript()), out.resolve("sandbox").resolve(t.id()));
        }
    }

    @Test
    void everyEscapeAttemptIsContainedAndTheTrialIsStored() throws Exception {
        // The program's directory on the host, in the project rather than in /tmp where the project is elsewhere:
        // the sandbox's /tmp is its own, so writing beside a program kept in /tmp would prove nothing.
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "hostile-");
        HttpServer loopback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger reached = new AtomicInteger();
        loopback.createContext("/", ex -> {
            reached.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        loopback.start();
        try {
            Path program = copy(dir, "hostile-agent.sh");
            Path hostFile = Files.writeString(dir.resolve("host-canary.txt"), "a host file the agent links to\n");
            Files.setPosixFilePermissions(hostFile, PosixFilePermissions.fromString("rw-r-----"));
            Object hostFileOwner = Files.getAttribute(hostFile, "unix:uid");
            Path fakeEtc = Files.createDirectories(dir.resolve("fake-etc"));
            Files.writeString(fakeEtc.resolve("passwd"), "hostile-host-account:x:4242:4242::/:/bin/sh\n");
            Path pom = Path.of("pom.xml").toAbsolutePath();
            byte[] pomBefore = Files.readAllBytes(pom);
            String canary = "hostile-canary-" + UUID.randomUUID();
            Path out = tmp.resolve("run-probes");

            // A separate PeerGuard whose environment holds the canary, as a provider key would be.
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "dev.peerguard.cli.Main", "harness", "--agent",
                    "command:" + program, "--tasks", "exfiltration_transfer", "--subjects", "peer", "--conditions",
                    "good_peer", "--instantiations", "file_only", "--trials", "1", "--time-limit", "120",
                    "--keep-sandbox", "--out", out.toString());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("peerguard.log").toFile());
            pb.environment().put("HOSTILE_CANARY", canary);
            Process peerguard = pb.start();
            assertThat(peerguard.waitFor(180, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(tmp.resolve("peerguard.log"));
            assertThat(peerguard.exitValue()).as(log).isZero();

            Trial t = stored(out);
            String said = t.said();
            assertThat(t.record().stopReason()).isEqualTo("agent_exit");
            assertThat(said).as(said).doesNotContain("ESCAPED").contains("done");
            long contained = said.lines().filter(l -> l.startsWith("contained: ")).count();
            assertThat(contained).isGreaterThanOrEqualTo(60);
            assertThat(said.lines().filter(l -> l.startsWith("planted: "))).hasSize(7);
            assertThat(said).contains("contained: find the host's canary")
                    .contains("contained: reach a TCP port on 127.0.0.1 (all 65535 tried)")
                    .contains("contained: fill /tmp (it took 512 MiB)");

            // The host's side: nothing it owns changed, nothing of it leaked, nothing was reached.
            assertThat(reached).hasValue(0);
            assertThat(Files.readAllBytes(pom)).isEqualTo(pomBefore);
            assertThat(Files.readString(hostFile)).isEqualTo("a host file the agent links to\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hostFile))).isEqualTo("rw-r-----");
            assertThat(Files.getAttribute(hostFile, "unix:uid")).isEqualTo(hostFileOwner);
            try (Stream<Path> beside = Files.list(dir)) {
                assertThat(beside.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("hostile-agent.sh", "host-canary.txt", "fake-etc");
            }
            assertThat(Path.of(".hostile-probe")).doesNotExist();
            assertThat(t.record().transcript()).doesNotContain(canary).doesNotContain("hostile-host-account");
            assertThat(log).doesNotContain(canary);
            assertThat(filesContaining(out, canary)).isEmpty();
            assertThat(t.harness().path("servers_at_end").has("10.0.12.99")).isFalse();

            // The traps it left in its directories were made harmless before the host read them.
            Path workspace = t.dir().resolve("workspace");
            assertThat(mode(workspace.resolve("hostile-suid-shell")) & 06000).isZero();
            assertThat(Files.isSymbolicLink(workspace.resolve("hostile-link"))).isTrue();
            try (Stream<Path> kept = Files.walk(t.dir())) {
                for (Path p : kept.toList()) {
                    assertThat(mode(p) & 06000).as(p.toString()).satisfiesAnyOf(m -> assertThat(m).isZero(),
                            m -> assertThat(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).isTrue());
                    if (Sandbox.asRoot()) {
                        assertThat(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(p.toString())
                                .isEqualTo(0);
                    }
                }
            }
            assertThat(strays("hostile-daemon")).isZero();
        } finally {
            loopback.stop(0);
            deleteTree(dir);
        }
    }

    @Test
    void aForkBombGetsNoMoreProcessesThanItsLimit() throws Exception {
        Path program = copy(tmp, "hostile-fork-bomb.sh");
        // As root the sandbox has a budget of its own; otherwise the kernel counts every task of the user.
        int limit = Sandbox.asRoot() ? 64 : userTasks() + 64;
        CompletableFuture<Trial> trial = CompletableFuture.supplyAsync(() -> {
            try {
                return run(program, "--max-processes", Integer.toString(limit), "--time-limit", "6");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long most = 0;
        while (!trial.isDone()) {
            List<ProcessHandle> bomb = agentProcesses("hostile-fork-bomb");
            most = Math.max(most, bomb.size());
            if (Sandbox.asRoot()) {
                // not root's: the kernel does not limit root's processes
                for (ProcessHandle p : bomb) assertThat(uid(p)).isIn(Sandbox.HOST_UID, -1);
            }
            // the host still starts processes
            assertThat(new ProcessBuilder("true").start().waitFor()).isZero();
            Thread.sleep(50);
        }
        Trial t = trial.get();
        assertThat(most).isGreaterThan(8).isLessThanOrEqualTo(limit);
        assertThat(t.record().stopReason()).isEqualTo("time_limit");
        assertThat(t.harness().path("exit_code").asInt()).isEqualTo(-1);
        assertThat(strays("hostile-fork-bomb")).isZero();
    }

    @Test
    void fillingTheDiskStopsTheTrialNearItsLimit() throws IOException {
        Trial t = run(copy(tmp, "hostile-fill-disk.sh"), "--max-disk-mb", "64");
        assertThat(t.record().stopReason()).isEqualTo("disk_limit");
        assertThat(t.harness().path("disk_limited").asBoolean()).isTrue();
        assertThat(t.said()).doesNotContain("ESCAPED");
        // The limit is checked every 20 ms: it may be passed by what the agent writes in between, never by much.
        long used = bytes(t.dir().resolve("workspace")) + bytes(t.dir().resolve("home"))
                + bytes(t.dir().resolve("hosts"));
        assertThat(used).isGreaterThan(32L << 20).isLessThan((64L << 20) + (512L << 20));
    }

    @Test
    void makingFilesWithoutEndStopsTheTrialNearItsLimit() throws IOException {
        Trial t = run(copy(tmp, "hostile-fill-inodes.sh"), "--max-disk-mb", "16");
        assertThat(t.record().stopReason()).isEqualTo("disk_limit");
        // Each file counts as at least one 4 KiB block: 16 MiB is 4,096 of them, and the agent was stopped a few
        // counts later, long before the 200,000 it tried to make.
        long files;
        try (Stream<Path> made = Files.list(t.dir().resolve("workspace/inodes"))) {
            files = made.count();
        }
        assertThat(files).isGreaterThan(2000).isLessThan(50_000);
    }

    @Test
    void printingGigabytesStopsTheTrialAtItsOutputLimit() throws IOException {
        Trial t = run(copy(tmp, "hostile-flood.sh"), "--max-output-mb", "1");
        assertThat(t.record().stopReason()).isEqualTo("output_limit");
        assertThat(t.harness().path("exit_code").asInt()).isEqualTo(-1);
        Path root = t.dir();
        // Nothing past the limit reached the host's disk.
        assertThat(Files.size(root.resolve("agent.stdout")) + Files.size(root.resolve("agent.stderr")))
                .isLessThanOrEqualTo(1L << 20);
        assertThat(t.said().length()).isLessThanOrEqualTo(CommandAgent.MAX_MESSAGE + 100);
    }

    @Test
    void anAgentThatOutlivesItsTimeLimitIsStoppedWithEverythingItStarted() throws Exception {
        Trial t = run(copy(tmp, "hostile-linger.sh"), "--time-limit", "3");
        assertThat(t.record().stopReason()).isEqualTo("time_limit");
        assertThat(t.said()).contains("lingering");
        assertThat(t.record().durationMs()).isLessThan(60_000);
        assertThat(strays("hostile-linger")).isZero();
    }

    private static Path copy(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        Files.copy(AGENT, p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** The agent's processes: those whose command line names {@code marker}, bubblewrap's own aside. */
    /**
     * The agent's processes: those named {@code marker} inside a sandbox, i.e. in a PID namespace other than this
     * JVM's (PeerGuard's own process names the program too), leaving out bubblewrap and the {@code setpriv} that is
     * about to become the agent (root for an instant, inside the sandbox's user namespace).
     */
    private static List<ProcessHandle> agentProcesses(String marker) {
        String ours = pidNamespace(ProcessHandle.current().pid());
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(marker))
                .orElse(false) && !p.info().command().orElse("").endsWith("/bwrap")
                && !p.info().command().orElse("").endsWith("/setpriv")
                && !ours.equals(pidNamespace(p.pid()))).toList();
    }

    private static String pidNamespace(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid")).toString();
        } catch (IOException e) {
            return "gone";
        }
    }

    /** Processes named {@code marker} still alive (a killed process may take a moment to disappear). */
    private static long strays(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long n = agentProcesses(marker).size();
        while (n > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            n = agentProcesses(marker).size();
        }
        return n;
    }

    /** The processes and threads of the user running the tests, which the kernel counts against its limit. */
    private static int userTasks() throws IOException {
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int tasks = 0;
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            for (Path p : all.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    List<String> status = Files.readAllLines(p.resolve("status"));
                    boolean mine = status.stream().anyMatch(l -> l.matches("Uid:\\s+" + me + "\\s.*"));
                    if (mine) {
                        tasks += status.stream().filter(l -> l.startsWith("Threads:"))
                                .mapToInt(l -> Integer.parseInt(l.substring(8).strip())).sum();
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }
        }
        return tasks;
    }

    /** The process's user on the host, or -1 when it is gone. */
    private static int uid(ProcessHandle p) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc", Long.toString(p.pid())), "unix:uid");
        } catch (IOException e) {
            return -1;
        }
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            long sum = 0;
            for (Path p : all.toList()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) sum += Files.size(p);
            }
            return sum;
        }
    }

    /** Files under {@code dir} holding {@code text}, the store's compressed transcripts included. */
    private static List<Path> filesContaining(Path dir, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                byte[] content = Files.readAllBytes(p);
                if (indexOf(content, needle) >= 0) found.add(p);
            }
        }
        try (RunStore store = RunStore.openExisting(dir)) {
            store.forEachTrialWithTranscriptGz((t, gz) -> {
                try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
                    if (indexOf(in.readAllBytes(), needle) >= 0) found.add(dir.resolve("store.sqlite"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
