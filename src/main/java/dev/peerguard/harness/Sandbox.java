package dev.peerguard.harness;

import dev.peerguard.harness.shim.Shim;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one agent process under bubblewrap. The sandbox has its own network namespace (only its loopback), its own
 * PID, IPC and UTS namespaces and an unprivileged user; the host's system directories are bound read-only, the
 * host's home and every other path are absent, the root is read-only, and the only writable places are the trial's
 * workspace, the agent's fresh home, the server directories and small private in-memory file systems ({@code /tmp},
 * {@code /run}, {@code /dev/shm}). The ssh/scp/rsync shims are first on PATH. Limits: wall-clock time (the process
 * tree is killed), processes, file size, output size and the disk the trial's directories take. When the process
 * ends, every process it left behind dies with the sandbox's PID namespace.
 *
 * <p>The kernel does not limit the processes of root, so when PeerGuard runs as root the agent runs as
 * {@link #HOST_UID} on the host: the sandbox's user namespace maps its uid 1000 there (and root to root, so that
 * bubblewrap can still bind what root can read), and the trial's writable directories belong to that uid while the
 * agent runs. See SECURITY.md for what this guarantees and what it does not.
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
    /** The sizes of its /run and /dev/shm (in memory). */
    static final long RUN_BYTES = 16L << 20;
    static final long SHM_BYTES = 64L << 20;
    static final int AGENT_UID = 1000;
    /**
     * The host uid and gid the agent runs as when PeerGuard runs as root: no account's, outside the ranges that
     * container engines and directory services hand out, so that its processes count against the process limit.
     */
    public static final int HOST_UID = 2_100_000_000;
    /** How often the watchdog looks at the time, the output and the disk while the agent runs. */
    private static final long POLL_MILLIS = 20;

    /** Host configuration the sandbox may read; everything else under /etc is replaced or absent. */
    private static final List<String> ETC = List.of("ssl", "ca-certificates", "ca-certificates.conf", "alternatives",
            "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "nsswitch.conf", "host.conf",
            "gai.conf", "mime.types", "bash.bashrc", "profile", "profile.d", "inputrc", "terminfo", "protocols",
            "services", "os-release", "debian_version", "environment", "locale.alias", "magic", "magic.mime");

    /**
     * The sandbox's limits.
     *
     * @param maxFileBytes the largest file the agent may write (RLIMIT_FSIZE, its output included)
     * @param maxDiskBytes what the workspace, home and servers may take on the host's disk, counted by
     *                     {@link Workspace#diskUsage}
     */
    public record Limits(Duration time, int maxProcesses, long maxOutputBytes, long maxFileBytes, long maxDiskBytes) {
        /** Limits with the default disk limit. */
        public Limits(Duration time, int maxProcesses, long maxOutputBytes, long maxFileBytes) {
            this(time, maxProcesses, maxOutputBytes, maxFileBytes, HarnessSettings.DEFAULT_MAX_DISK_BYTES);
        }

        public static Limits of(HarnessSettings s) {
            return new Limits(s.timeLimit(), s.maxProcesses(), s.maxOutputBytes(),
                    Math.min(4L << 30, s.maxDiskBytes()), s.maxDiskBytes());
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
     * @param exitCode its exit code, or -1 when it was stopped at a limit (the study's convention)
     * @param diskLimited it was stopped because the trial's directories grew past their limit
     */
    public record Result(int exitCode, boolean timedOut, boolean outputLimited, boolean diskLimited, Duration elapsed,
                         String stdout, String stderr) {
        /** Whether the sandbox stopped the agent (at the time, output or disk limit). */
        public boolean stopped() {
            return timedOut || outputLimited || diskLimited;
        }
    }

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
        // util-linux: the limits, and as root the agent's own user
        for (String tool : asRoot() ? List.of("prlimit", "unshare", "setpriv") : List.of("prlimit")) {
            if (onPath(tool).isEmpty()) {
                return "`" + tool + "` (util-linux) is not on PATH; install it, e.g. sudo apt-get install util-linux";
            }
        }
        try {
            List<String> args = new ArrayList<>(namespaces(false));
            args.addAll(List.of("--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"));
            Process p = start(command(bwrap.get(), List.of(), args, false, List.of("true")), true);
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "bubblewrap did not start a test sandbox within 30 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
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
        Path bwrap = onPath("bwrap").orElseThrow(() -> new IllegalStateException(unavailable().orElse("no bwrap")));
        boolean root = asRoot();
        boolean lowPort = forward != null && forward.port() < 1024;
        try {
            Path gen = ws.root().resolve("sandbox");
            writeGenerated(gen, forward);
            for (Map.Entry<String, String> f : invocation.homeFiles().entrySet()) {
                Path file = ws.home().resolve(f.getKey()).normalize();
                if (!file.startsWith(ws.home())) throw new IllegalArgumentException("home file outside home: " + f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
            List<String> limitArgs = List.of("--nproc=" + limits.maxProcesses(), "--fsize=" + limits.maxFileBytes(),
                    "--core=0");
            List<String> args = arguments(ws, gen, invocation, readOnly, path, forward,
                    shutdown == null ? null : shutdown.view());
            List<String> program = new ArrayList<>(List.of(LIBEXEC + "/peerguard-start"));
            program.addAll(invocation.command());
            if (root) {
                ws.handTo(HOST_UID);
                if (forward != null) handTo(forward.bridge().directory());
            }
            try {
                return execute(command(bwrap, limitArgs, args, lowPort, program), ws, invocation.stdin(), limits,
                        shutdown);
            } finally {
                ws.reclaim(root);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the sandbox in " + ws.root() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The whole command line: prlimit, then as root a user namespace of the agent's own (see {@link #start}), then
     * bubblewrap, then as root setpriv, which becomes the agent's user and drops every capability before
     * {@code program} runs.
     */
    private static List<String> command(Path bwrap, List<String> limits, List<String> bwrapArgs, boolean lowPort,
                                        List<String> program) {
        List<String> cmd = new ArrayList<>();
        cmd.add(onPath("prlimit").orElseThrow(() -> new IllegalStateException("no prlimit on PATH")).toString());
        cmd.addAll(limits);
        cmd.add("--");
        boolean root = asRoot();
        if (root) {
            // Waits for its user namespace's uid and gid maps (written by start) before bubblewrap runs.
            cmd.addAll(List.of(onPath("unshare").orElseThrow().toString(), "--user", "--", "/bin/sh", "-c",
                    "read -r _ && exec \"$@\"", "sh"));
        }
        cmd.add(bwrap.toString());
        cmd.addAll(bwrapArgs);
        if (root) {
            String caps = lowPort ? "-all,+net_bind_service" : "-all";
            cmd.addAll(List.of(onPath("setpriv").orElseThrow().toString(), "--reuid=" + AGENT_UID,
                    "--regid=" + AGENT_UID, "--clear-groups", "--inh-caps=" + caps, "--bounding-set=" + caps));
            if (lowPort) cmd.add("--ambient-caps=+net_bind_service");
            cmd.add("--");
        }
        cmd.addAll(program);
        return cmd;
    }

    /**
     * The namespaces: as root, bubblewrap runs as root in the user namespace {@link #start} made (where only uid 0 and
     * the agent's uid exist) and keeps just what setpriv needs to become the agent; otherwise bubblewrap makes the user
     * namespace itself, with the agent's uid mapped to the invoking user.
     */
    private static List<String> namespaces(boolean lowPort) {
        List<String> a = new ArrayList<>(List.of("--die-with-parent", "--new-session"));
        if (asRoot()) {
            a.addAll(List.of("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                    "--unshare-cgroup-try", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add",
                    "CAP_SETPCAP"));
        } else {
            a.addAll(List.of("--unshare-all", "--unshare-user", "--uid", Integer.toString(AGENT_UID), "--gid",
                    Integer.toString(AGENT_UID)));
        }
        if (lowPort) a.addAll(List.of("--cap-add", "CAP_NET_BIND_SERVICE"));
        return a;
    }

    /** @param policy the shutdown policy's view, bound read-only at {@link #POLICY}, or null */
    private static List<String> arguments(Workspace ws, Path gen, AgentCli.Invocation invocation, List<Path> readOnly,
                                          List<String> path, Forward forward, Path policy) {
        Mounts m = new Mounts(namespaces(forward != null && forward.port() < 1024));
        m.add("--hostname", "workstation");
        m.mount("--ro-bind", "/usr", "/usr");
        for (String top : List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
            Path p = Path.of("/" + top);
            try {
                if (Files.isSymbolicLink(p)) {
                    m.mount("--symlink", Files.readSymbolicLink(p).toString(), "/" + top);
                } else if (Files.isDirectory(p)) {
                    m.mount("--ro-bind", "/" + top, "/" + top);
                }
            } catch (IOException e) {
                // an unreadable top-level entry is simply absent in the sandbox
            }
        }
        for (String name : ETC) m.mount("--ro-bind-try", "/etc/" + name, "/etc/" + name);
        for (String name : javaEtc()) m.mount("--ro-bind", "/etc/" + name, "/etc/" + name);
        for (String name : List.of("passwd", "group", "hosts", "hostname")) {
            m.mount("--ro-bind", gen.resolve("etc").resolve(name).toString(), "/etc/" + name);
        }
        m.add("--proc", "/proc", "--dev", "/dev");
        // Every writable file system in memory has a size, so none can fill the host's memory.
        m.add("--perms", "1777", "--size", Long.toString(SHM_BYTES), "--tmpfs", "/dev/shm");
        m.add("--perms", "1777", "--size", Long.toString(TMP_BYTES), "--tmpfs", "/tmp");
        m.add("--perms", "1777", "--size", Long.toString(RUN_BYTES), "--tmpfs", "/run");
        // Mount point for the servers' /data in the ssh shim's nested sandbox (the root is read-only).
        m.add("--dir", "/data");
        m.mount("--bind", ws.workspace().toString(), WORKSPACE);
        m.mount("--bind", ws.home().toString(), HOME);
        m.mount("--bind", ws.hosts().toString(), HOSTS);
        m.mount("--ro-bind", gen.resolve("bin").toString(), BIN);
        m.mount("--ro-bind", gen.resolve("server-bin").toString(), SERVER_BIN);
        m.mount("--ro-bind", gen.resolve("libexec").toString(), LIBEXEC);
        List<Path> binds = new ArrayList<>(readOnly);
        binds.add(javaHome());
        for (Path p : binds) {
            if (!p.startsWith("/usr")) m.mount("--ro-bind", p.toString(), p.toString());
        }
        m.mount("--ro-bind", classPath().toString(), CLASSES);
        if (forward != null) m.mount("--ro-bind", forward.bridge().directory().toString(), BRIDGE);
        if (policy != null) m.mount("--ro-bind", policy.toString(), POLICY);
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
        m.add("--clearenv");
        env.forEach((k, v) -> m.add("--setenv", k, v));
        // /dev's own tmpfs has no size: nothing may be written there (/dev/shm is its own mount)
        m.add("--remount-ro", "/", "--remount-ro", "/dev", "--chdir", WORKSPACE);
        return m.args;
    }

    /**
     * bubblewrap's arguments, with the directories above each mount point made first: bubblewrap would make them
     * readable by its own user only, which is not the agent's when PeerGuard runs as root.
     */
    private static final class Mounts {
        final List<String> args;
        private final Set<Path> made = new HashSet<>(Set.of(Path.of("/")));

        Mounts(List<String> first) {
            this.args = new ArrayList<>(first);
        }

        void add(String... a) {
            args.addAll(List.of(a));
        }

        void mount(String op, String source, String destination) {
            List<Path> above = new ArrayList<>();
            for (Path p = Path.of(destination).getParent(); p != null && !made.contains(p); p = p.getParent()) {
                above.addFirst(p);
            }
            for (Path p : above) {
                args.addAll(List.of("--dir", p.toString()));
                made.add(p);
            }
            args.addAll(List.of(op, source, destination));
        }
    }

    /**
     * Starts the command with an empty environment: the sandbox's process 1 is bubblewrap, and whatever it was
     * started with can be read in /proc/1/environ by anything running as the same user. As root, it then writes the
     * new user namespace's maps (uid and gid 0 to root, {@link #AGENT_UID} to {@link #HOST_UID}) and lets bubblewrap
     * go on by sending the line the waiting shell reads before the agent's input.
     */
    private static Process start(List<String> cmd, boolean mergeErrors) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(mergeErrors);
        pb.environment().clear();
        Process p = pb.start();
        if (asRoot()) {
            try {
                if (mapAgentUser(p)) {
                    p.getOutputStream().write('\n');
                    p.getOutputStream().flush();
                }
            } catch (IOException | RuntimeException e) {
                kill(p);
                throw e;
            }
        }
        return p;
    }

    /** @return false when the process ended before it had a user namespace (what it said is its output) */
    private static boolean mapAgentUser(Process p) throws IOException {
        Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
        Path proc = Path.of("/proc", Long.toString(p.pid()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Path ns;
            try {
                ns = Files.readSymbolicLink(proc.resolve("ns/user"));
            } catch (IOException e) {
                if (!p.isAlive()) return false;
                throw e;
            }
            if (!ns.equals(own)) break;
            if (!p.isAlive()) return false;
            if (System.nanoTime() > deadline) {
                throw new IOException("the sandbox's user namespace was not made within 30 s");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the sandbox started", e);
            }
        }
        byte[] map = ("0 0 1\n" + AGENT_UID + " " + HOST_UID + " 1\n").getBytes(StandardCharsets.US_ASCII);
        for (String file : List.of("uid_map", "gid_map")) {
            try (OutputStream o = Files.newOutputStream(proc.resolve(file), StandardOpenOption.WRITE)) {
                o.write(map);
            }
        }
        return true;
    }

    /** Gives the model bridge's directory and socket to the agent's host user (root runs it as {@link #HOST_UID}). */
    private static void handTo(Path bridge) throws IOException {
        try (var entries = Files.list(bridge)) {
            for (Path p : entries.toList()) Workspace.chown(p, HOST_UID);
        }
        Workspace.chown(bridge, HOST_UID);
    }

    private static Result execute(List<String> cmd, Workspace ws, String stdin, Limits limits, Shutdown shutdown)
            throws IOException {
        Path out = ws.root().resolve("agent.stdout");
        Path err = ws.root().resolve("agent.stderr");
        long t0 = System.nanoTime();
        Process p = start(cmd, false);
        Output output = new Output(p, out, err, limits.maxOutputBytes());
        AutoCloseable controller = shutdown == null ? null : shutdown.controller().apply(p.toHandle());
        try {
            return await(p, t0, ws, output, stdin, limits, shutdown != null);
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

    private static Result await(Process p, long t0, Workspace ws, Output output, String stdin, Limits limits,
                                boolean supervised) throws IOException {
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the agent did not read its input: that is its business
        }
        boolean timedOut = false;
        boolean outputLimited = false;
        boolean diskLimited = false;
        // Under a shutdown controller the controller enforces the time limit; this is only the backstop.
        long deadline = t0 + limits.time().toNanos() + (supervised ? Duration.ofSeconds(30).toNanos() : 0);
        long nextDiskCheck = t0;
        try {
            while (!p.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (now > deadline) {
                    timedOut = true;
                    break;
                }
                if (output.exceeded()) {
                    outputLimited = true;
                    break;
                }
                if (now >= nextDiskCheck) {
                    if (ws.diskUsage(limits.maxDiskBytes()) > limits.maxDiskBytes()) {
                        diskLimited = true;
                        break;
                    }
                    // A tree of many files takes a while to measure: then measure less often (a fifth of a core).
                    long took = System.nanoTime() - now;
                    nextDiskCheck = System.nanoTime() + Math.max(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS), 4 * took);
                }
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the agent ran", e);
        }
        boolean stopped = timedOut || outputLimited || diskLimited;
        if (stopped) kill(p);
        output.finish();
        // the output's limit may have been reached just as the agent ended: it counts as reached
        outputLimited = outputLimited || (!timedOut && !diskLimited && output.exceeded());
        int exit = stopped || outputLimited ? -1 : p.exitValue();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        return new Result(exit, timedOut, outputLimited, diskLimited, elapsed,
                head(output.stdout(), limits.maxOutputBytes()), head(output.stderr(), 1 << 20));
    }

    /**
     * Copies the agent's standard output and error to their files as they come, at most {@code limit} bytes
     * together: nothing past the limit reaches the host's disk, and the agent's next write fails.
     */
    private static final class Output {
        private final Path stdout;
        private final Path stderr;
        private final AtomicLong left;
        private final AtomicBoolean exceeded = new AtomicBoolean();
        private final List<Thread> copiers;

        Output(Process p, Path stdout, Path stderr, long limit) {
            this.stdout = stdout;
            this.stderr = stderr;
            this.left = new AtomicLong(limit);
            this.copiers = List.of(Thread.ofPlatform().daemon().name("sandbox-stdout")
                            .start(() -> copy(p.getInputStream(), stdout)),
                    Thread.ofPlatform().daemon().name("sandbox-stderr").start(() -> copy(p.getErrorStream(), stderr)));
        }

        private void copy(InputStream from, Path to) {
            byte[] buffer = new byte[64 * 1024];
            try (from; OutputStream file = Files.newOutputStream(to)) {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    long granted = take(n);
                    file.write(buffer, 0, (int) granted);
                    if (granted < n) {
                        exceeded.set(true);
                        return; // closing the pipe: the agent's next write fails
                    }
                }
            } catch (IOException e) {
                // the pipe broke as the agent was killed: what came before is kept
            }
        }

        private long take(int n) {
            while (true) {
                long l = left.get();
                long granted = Math.min(l, n);
                if (left.compareAndSet(l, l - granted)) return granted;
            }
        }

        boolean exceeded() {
            return exceeded.get();
        }

        /** Waits for the copies to end (the sandbox is gone, so its pipes are closed). */
        void finish() {
            for (Thread t : copiers) {
                try {
                    t.join(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        Path stdout() {
            return stdout;
        }

        Path stderr() {
            return stderr;
        }
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
        if (!Files.exists(file)) return "";
        try (var in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(max, Integer.MAX_VALUE - 16));
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * Whether PeerGuard runs as the host's root (uid 0 of the initial user namespace), whose processes the kernel
     * does not limit, so that the agent must run as {@link #HOST_UID} (see the class comment). Root inside a user
     * namespace of its own (a rootless container) is limited like any user and runs the sandbox as others do.
     */
    static boolean asRoot() {
        return Root.ROOT;
    }

    private static final class Root {
        static final boolean ROOT = hostRoot();

        private static boolean hostRoot() {
            try {
                return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0
                        && List.of(Files.readString(Path.of("/proc/self/uid_map")).strip().split("\\s+"))
                                .equals(List.of("0", "0", "4294967295"));
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
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
