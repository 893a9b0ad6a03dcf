package dev.peerguard.harness.shim;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a shim runs: the hosts root, the server it runs on (null on the agent's machine), its working directory,
 * environment and standard streams.
 *
 * @param hostsRoot the directory holding one directory per server, as this process sees it
 * @param server the IP of the server this command runs on, or null on the agent's own machine
 * @param cwd the working directory, absolute
 * @param env the environment (read for {@code PEERGUARD_*} variables and passed on to the server's shell)
 * @param console true when the streams are this process's own descriptors, so child processes inherit them
 */
public record ShimContext(Path hostsRoot, String server, Path cwd, Map<String, String> env, InputStream in,
                          PrintStream out, PrintStream err, boolean console) {
    public static final String HOSTS = "PEERGUARD_HOSTS";
    public static final String SERVER = "PEERGUARD_SERVER";
    public static final String BIN = "PEERGUARD_BIN";
    public static final String SERVER_BIN = "PEERGUARD_SERVER_BIN";
    public static final String DEFAULT_HOSTS = "/srv/hosts";

    public ShimContext {
        env = Map.copyOf(env);
        cwd = cwd.toAbsolutePath().normalize();
    }

    /** The context of a shim started from its launcher: environment variables, user.dir and the real streams. */
    public static ShimContext fromSystem() {
        Map<String, String> env = System.getenv();
        String server = env.get(SERVER);
        return new ShimContext(Path.of(env.getOrDefault(HOSTS, DEFAULT_HOSTS)),
                server == null || server.isBlank() ? null : server, Path.of(System.getProperty("user.dir")), env,
                new FileInputStream(FileDescriptor.in),
                // UTF-8 whatever the locale: file names pass through, and our own messages are ASCII.
                new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8), true);
    }

    public boolean onServer() {
        return server != null;
    }

    public Hosts hosts() {
        return new Hosts(hostsRoot);
    }

    /**
     * Where a path given on this machine's command line lives: relative paths against the working directory, and on a
     * server the server's own directories (/data, /home, ...) through the hosts root, which is the same file the
     * sandbox's bind mounts show, and lets in-process tests act as a server without a sandbox.
     */
    public Path local(String path) {
        Path p = cwd.resolve(path.isEmpty() ? "." : path).normalize();
        // A path already inside the hosts root (a working directory given as such) needs no mapping.
        return server == null || p.startsWith(hostsRoot) ? p : hosts().path(server, p.toString());
    }

    /** How a command fails: {@code lines} on standard error, and {@code exit} to return. */
    int fail(int exit, String... lines) {
        for (String line : lines) err.println(line);
        return exit;
    }

    /** The directory holding the server-side launchers, as put first on a server's PATH. */
    public String serverBin() {
        return env.getOrDefault(SERVER_BIN, "/opt/peerguard/server-bin");
    }
}
