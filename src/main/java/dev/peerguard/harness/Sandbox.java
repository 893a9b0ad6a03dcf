package dev.peerguard.harness;

import dev.peerguard.harness.shim.Shim;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one agent process under bubblewrap. The sandbox has its own network namespace (only its loopback), its own
 * PID, IPC and UTS namespaces and an unprivileged user; the host's system directories are bound read-only, the
 * host's home and every other path are absent, the root is read-only, and the only writable places are the trial's
 * workspace, the agent's fresh home, the server directories and a private in-memory /tmp. The ssh/scp/rsync shims are first on PATH. Limits: wall-clock time
 * (the process tree is killed), processes, file size and output size. When the process ends, every process it left
 * behind dies with the sandbox's PID namespace.
 */
public final class Sandbox {
    /** Where the trial's directories appear inside the sandbox. */
    public static final String WORKSPACE = "/workspace";
    public static final String HOME = "/home/agent";
    public static final String HOSTS = "/srv/hosts";
    static final String BIN = "/opt/peerguard/bin";
    static final String SERVER_BIN = "/opt/peerguard/server-bin";
    static final String LIBEXEC = "/opt/peerguard/libexec";
    static final String BRIDGE = "/run/peerguard";
    /** PeerGuard's own classes inside the sandbox (a jar or a directory), for the shims and the forwarder. */
    static final String CLASSES = "/opt/peerguard/lib/peerguard";
    /** The size of the sandbox's private /tmp (in memory). */
    static final long TMP_BYTES = 512L << 20;
    static final int AGENT_UID = 1000;

    /** Host configuration the sandbox may read; everything else under /etc is replaced or absent. */
    private static final List<String> ETC = List.of("ssl", "ca-certificates", "ca-certificates.conf", "alternatives",
            "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "nsswitch.conf", "host.conf",
            "gai.conf", "mime.types", "bash.bashrc", "profile", "profile.d", "inputrc", "terminfo", "protocols",
            "services", "os-release", "debian_version", "environment", "locale.alias", "magic", "magic.mime");

    /** The sandbox's limits. */
    public record Limits(Duration time, int maxProcesses, long maxOutputBytes, long maxFileBytes) {
        public static Limits of(HarnessSettings s) {
            return new Limits(s.timeLimit(), s.maxProcesses(), s.maxOutputBytes(), 4L << 30);
        }
    }

    /**
     * The model endpoint as the agent reaches it: the sandbox's loopback forwarder listens on {@code port}, and
     * {@code hostname} (when the endpoint is named, not an address) resolves to the sandbox's loopback.
     */
    public record Forward(String hostname, int port, ModelBridge bridge) {}

    /**
     * How the process ended.
     *
     * @param exitCode its exit code, or -1 when it was stopped at the time or output limit (the study's convention)
     */
    public record Result(int exitCode, boolean timedOut, boolean outputLimited, Duration elapsed, String stdout,
                         String stderr) {}

    private static volatile String unavailable;
    private static volatile boolean probed;

    private Sandbox() {}

    /** Why no sandbox can be made on this machine (bubblewrap missing or not allowed to make namespaces), if so. */
    public static Optional<String> unavailable() {
        if (!probed) {
            synchronized (Sandbox.class) {
                if (!probed) {
                    unavailable = probe();
                    probed = true;
                }
            }
        }
        return Optional.ofNullable(unavailable);
    }

    private static String probe() {
        Optional<Path> bwrap = onPath("bwrap");
        if (bwrap.isEmpty()) {
            return "bubblewrap is not installed (`bwrap` is not on PATH); install it, e.g. sudo apt-get install "
                    + "bubblewrap";
        }
        try {
            Process p = new ProcessBuilder(bwrap.get().toString(), "--unshare-all", "--unshare-user", "--ro-bind", "/",
                    "/", "--proc", "/proc", "--dev", "/dev", "true").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "bubblewrap did not start a test sandbox within 30 s";
            }
            if (p.exitValue() != 0) {
                return "bubblewrap cannot create namespaces here (" + out + "); unprivileged user namespaces must be "
                        + "enabled (sysctl kernel.unprivileged_userns_clone=1, or user.max_user_namespaces > 0)";
            }
            return null;
        } catch (IOException e) {
            return "bubblewrap could not be started: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while testing bubblewrap";
        }
    }

    /**
     * Runs {@code invocation} in the trial's workspace and waits for it, within the limits.
     *
     * @param readOnly host paths the agent needs (its CLI's installation), bound read-only at the same path
     * @param path directories put on the agent's PATH after the shims (e.g. the bin directory of a Node.js install)
     * @param forward the model endpoint's bridge, or null when the agent needs no network at all
     */
    public static Result run(Workspace ws, AgentCli.Invocation invocation, List<Path> readOnly, List<String> path,
                             Forward forward, Limits limits) {
        return run(ws, invocation, readOnly, path, forward, limits, null);
    }

    /**
     * A shutdown enforced from outside the sandbox: the signed policy's view, bound read-only at {@link #POLICY},
     * and a controller started on the sandbox's process as soon as it runs (closed when it has ended).
     */
    public record Shutdown(Path view, java.util.function.Function<ProcessHandle, AutoCloseable> controller) {}

    /** Where the agent can read (and never change) the shutdown policy that governs it. */
    public static final String POLICY = "/etc/peerguard/shutdown_policy.yaml";

    /** As {@link #run(Workspace, AgentCli.Invocation, List, List, Forward, Limits)}, under a shutdown controller. */
    public static Result run(Workspace ws, AgentCli.Invocation invocation, List<Path> readOnly, List<String> path,
                             Forward forward, Limits limits, Shutdown shutdown) {
        String bwrap = onPath("bwrap").orElseThrow(() -> new IllegalStateException(unavailable().orElse("no bwrap")))
                .toString();
        try {
            Path gen = ws.root().resolve("sandbox");
            writeGenerated(gen, forward);
            for (Map.Entry<String, String> f : invocation.homeFiles().entrySet()) {
                Path file = ws.home().resolve(f.getKey()).normalize();
                if (!file.startsWith(ws.home())) throw new IllegalArgumentException("home file outside home: " + f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
            List<String> cmd = new ArrayList<>();
            onPath("prlimit").ifPresent(prlimit -> cmd.addAll(List.of(prlimit.toString(),
                    "--nproc=" + limits.maxProcesses(), "--fsize=" + limits.maxFileBytes(), "--core=0", "--")));
            cmd.add(bwrap);
            List<String> args = arguments(ws, gen, invocation, readOnly, path, forward);
            if (shutdown != null) {
                // after the mounts, before --remount-ro and --chdir
                args.addAll(args.indexOf("--remount-ro"), List.of("--ro-bind", shutdown.view().toString(), POLICY));
            }
            cmd.addAll(args);
            cmd.add(LIBEXEC + "/peerguard-start");
            cmd.addAll(invocation.command());
            return execute(cmd, ws.root(), invocation.stdin(), limits, shutdown);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the sandbox in " + ws.root() + ": " + e.getMessage(), e);
        }
    }

    private static List<String> arguments(Workspace ws, Path gen, AgentCli.Invocation invocation, List<Path> readOnly,
                                          List<String> path, Forward forward) {
        List<String> a = new ArrayList<>(List.of("--die-with-parent", "--new-session", "--unshare-all",
                "--unshare-user", "--uid", Integer.toString(AGENT_UID), "--gid", Integer.toString(AGENT_UID),
                "--hostname", "workstation", "--ro-bind", "/usr", "/usr"));
        for (String top : List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
            Path p = Path.of("/" + top);
            try {
                if (Files.isSymbolicLink(p)) {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), "/" + top));
                } else if (Files.isDirectory(p)) {
                    a.addAll(List.of("--ro-bind", "/" + top, "/" + top));
                }
            } catch (IOException e) {
                // an unreadable top-level entry is simply absent in the sandbox
            }
        }
        for (String name : ETC) a.addAll(List.of("--ro-bind-try", "/etc/" + name, "/etc/" + name));
        for (String name : javaEtc()) a.addAll(List.of("--ro-bind", "/etc/" + name, "/etc/" + name));
        for (String name : List.of("passwd", "group", "hosts", "hostname")) {
            a.addAll(List.of("--ro-bind", gen.resolve("etc").resolve(name).toString(), "/etc/" + name));
        }
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--size", Long.toString(TMP_BYTES), "--tmpfs", "/tmp",
                "--tmpfs", "/run",
                // Mount point for the servers' /data in the ssh shim's nested sandbox (the root is read-only).
                "--dir", "/data",
                "--bind", ws.workspace().toString(), WORKSPACE, "--bind", ws.home().toString(), HOME,
                "--bind", ws.hosts().toString(), HOSTS,
                "--ro-bind", gen.resolve("bin").toString(), BIN,
                "--ro-bind", gen.resolve("server-bin").toString(), SERVER_BIN,
                "--ro-bind", gen.resolve("libexec").toString(), LIBEXEC));
        List<Path> binds = new ArrayList<>(readOnly);
        binds.add(javaHome());
        for (Path p : binds) {
            if (!p.startsWith("/usr")) a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
        }
        a.addAll(List.of("--ro-bind", classPath().toString(), CLASSES));
        if (forward != null) {
            a.addAll(List.of("--ro-bind", forward.bridge().directory().toString(), BRIDGE));
            if (forward.port() < 1024) a.addAll(List.of("--cap-add", "CAP_NET_BIND_SERVICE"));
        }
        Map<String, String> env = new LinkedHashMap<>();
        List<String> searchPath = new ArrayList<>(List.of(BIN));
        searchPath.addAll(path);
        searchPath.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin"));
        env.put("PATH", String.join(":", searchPath));
        env.put("HOME", HOME);
        env.put("USER", "agent");
        env.put("LOGNAME", "agent");
        env.put("SHELL", "/bin/bash");
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("TZ", "UTC");
        env.put("TMPDIR", "/tmp");
        env.put("PEERGUARD_HOSTS", HOSTS);
        env.put("PEERGUARD_BIN", BIN);
        env.put("PEERGUARD_SERVER_BIN", SERVER_BIN);
        if (forward != null) env.put("PEERGUARD_FORWARD", "127.0.0.1:" + forward.port());
        env.putAll(invocation.environment());
        a.add("--clearenv");
        env.forEach((k, v) -> a.addAll(List.of("--setenv", k, v)));
        a.addAll(List.of("--remount-ro", "/", "--chdir", WORKSPACE));
        return a;
    }

    private static Result execute(List<String> cmd, Path root, String stdin, Limits limits, Shutdown shutdown)
            throws IOException {
        Path out = root.resolve("agent.stdout");
        Path err = root.resolve("agent.stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        AutoCloseable controller = shutdown == null ? null : shutdown.controller().apply(p.toHandle());
        try {
            return await(p, t0, out, err, stdin, limits, shutdown != null);
        } finally {
            if (controller != null) {
                try {
                    controller.close();
                } catch (Exception e) {
                    // closing a controller only stops its watchdog
                }
            }
        }
    }

    private static Result await(Process p, long t0, Path out, Path err, String stdin, Limits limits,
                                boolean supervised) throws IOException {
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the agent did not read its input: that is its business
        }
        boolean timedOut = false;
        boolean outputLimited = false;
        // Under a shutdown controller the controller enforces the time limit; this is only the backstop.
        long deadline = t0 + limits.time().toNanos() + (supervised ? Duration.ofSeconds(30).toNanos() : 0);
        try {
            while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > deadline) {
                    timedOut = true;
                    break;
                }
                if (Files.size(out) + Files.size(err) > limits.maxOutputBytes()) {
                    outputLimited = true;
                    break;
                }
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the agent ran", e);
        }
        if (timedOut || outputLimited) kill(p);
        int exit = timedOut || outputLimited ? -1 : p.exitValue();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        return new Result(exit, timedOut, outputLimited, elapsed, head(out, limits.maxOutputBytes()),
                head(err, 1 << 20));
    }

    /** Kills the sandbox and everything in it (the PID namespace dies with its first process). */
    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String head(Path file, long max) throws IOException {
        try (var in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(max, Integer.MAX_VALUE - 16));
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The sandbox's own /etc files, the shim launchers and the start script. */
    private static void writeGenerated(Path gen, Forward forward) throws IOException {
        Path etc = Files.createDirectories(gen.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n"
                + "agent:x:" + AGENT_UID + ":" + AGENT_UID + ":Agent:" + HOME + ":/bin/bash\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\nagent:x:" + AGENT_UID + ":\nnogroup:x:65534:\n");
        StringBuilder hosts = new StringBuilder("127.0.0.1\tlocalhost\n127.0.1.1\tworkstation\n::1\tlocalhost\n");
        if (forward != null && forward.hostname() != null) {
            hosts.append("127.0.0.1\t").append(forward.hostname()).append('\n');
        }
        Files.writeString(etc.resolve("hosts"), hosts);
        Files.writeString(etc.resolve("hostname"), "workstation\n");
        String java = javaHome().resolve("bin/java") + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto "
                + "-XX:-UsePerfData -Xss512k -Xmx96m -cp " + CLASSES;
        writeLaunchers(Files.createDirectories(gen.resolve("bin")), Shim.AGENT_COMMANDS, java);
        writeLaunchers(Files.createDirectories(gen.resolve("server-bin")), Shim.SERVER_COMMANDS, java);
        Path libexec = Files.createDirectories(gen.resolve("libexec"));
        script(libexec.resolve("peerguard-start"), """
                #!/bin/sh
                # Starts the loopback forwarder to the model (when there is one), then becomes the agent.
                if [ -n "$PEERGUARD_FORWARD" ]; then
                  %s dev.peerguard.harness.LoopbackForwarder "$PEERGUARD_FORWARD" %s/model.sock /tmp/.peerguard-forwarder </dev/null >/dev/null 2>/tmp/.peerguard-forwarder.log &
                  i=0
                  while [ ! -e /tmp/.peerguard-forwarder ]; do
                    i=$((i + 1))
                    if [ "$i" -gt 2400 ]; then
                      echo "peerguard: the model forwarder did not start" >&2
                      cat /tmp/.peerguard-forwarder.log >&2
                      exit 125
                    fi
                    sleep 0.05
                  done
                fi
                unset PEERGUARD_FORWARD
                exec "$@"
                """.formatted(java, BRIDGE));
    }

    private static void writeLaunchers(Path dir, List<String> commands, String java) throws IOException {
        for (String name : commands) {
            script(dir.resolve(name), "#!/bin/sh\nexec " + java + " dev.peerguard.harness.shim.Shim " + name
                    + " \"$@\"\n");
        }
    }

    private static void script(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The JDK running PeerGuard; the shims and the forwarder run on it inside the sandbox. */
    static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /** PeerGuard's own classes (a jar or a directory), bound read-only so the shims can run. */
    static Path classPath() {
        try {
            return Path.of(Shim.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JDK's configuration under /etc (Debian links {@code conf} there), so java starts inside. */
    private static List<String> javaEtc() {
        try (var entries = Files.list(Path.of("/etc"))) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("java")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
