package dev.peerguard.harness.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ssh [options] [user@]host [command...]}: runs the command as the maintainer on a simulated server, in a nested
 * bubblewrap sandbox that shows that server's /data, /home, passwd, group and hostname.
 */
public final class Ssh {
    static final String VERSION = "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026";
    static final String USAGE = """
            usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]
                       [-b bind_address] [-c cipher_spec] [-D [bind_address:]port]
                       [-E log_file] [-e escape_char] [-F configfile] [-I pkcs11]
                       [-i identity_file] [-J [user@]host[:port]] [-L address]
                       [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option] [-p port]
                       [-Q query_option] [-R address] [-S ctl_path] [-W host:port]
                       [-w local_tun[:remote_tun]] destination [command [argument ...]]
            """;
    private static final String FLAGS = "1246afgknqstvxACGKMNTVXYy";
    private static final String WITH_VALUE = "bceilmopBDEFIJLOPQRSwW";
    static final String BWRAP = "/usr/bin/bwrap";

    private Ssh() {}

    /** What the command line asked for; {@code ttyRequests} is -1 for -T, else the number of -t. */
    record Request(String user, String host, int port, List<String> command, boolean noStdin, boolean noCommand,
                   int ttyRequests, boolean quiet, boolean version) {}

    /** Thrown for a command line ssh itself rejects: its message, then (unless {@code !usage}) the usage text. */
    static final class UsageError extends Exception {
        final boolean usage;

        UsageError(String message, boolean usage) {
            super(message);
            this.usage = usage;
        }
    }

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        Request req;
        try {
            req = parse(args);
        } catch (UsageError e) {
            ctx.err().print(e.getMessage() + (e.usage ? USAGE : ""));
            return 255;
        }
        if (req.version()) {
            ctx.err().println(VERSION);
            return 0;
        }
        String refusal = ctx.hosts().refusal(req.host(), req.user(), req.port());
        if (refusal != null) {
            ctx.err().print(refusal);
            return 255;
        }
        if (req.noCommand()) return 0; // -N: a real ssh would sit there forwarding nothing; returning is kinder.
        Hosts.Host host = ctx.hosts().find(req.host()).orElseThrow();
        boolean script = req.command().isEmpty();
        // ssh asks for a terminal when told to (-t) or when there is no command; it cannot get one without a tty.
        if ((script && req.ttyRequests() == 0 || req.ttyRequests() == 1) && !req.quiet()) {
            ctx.err().print("Pseudo-terminal will not be allocated because stdin is not a terminal.\r\n");
        }
        List<String> shell = script ? List.of("bash") : List.of("bash", "-c", String.join(" ", req.command()));
        List<String> argv = sandbox(ctx, host, shell);
        return Proc.run(ctx, argv, ctx.env(), ctx.cwd(), false, !req.noStdin()).exit();
    }

    static Request parse(List<String> args) throws UsageError {
        String user = null;
        String host = null;
        int port = Hosts.SSH_PORT;
        boolean noStdin = false, noCommand = false, quiet = false, version = false;
        int tty = 0;
        // Options, the destination, maybe more options (ssh reads them again), then the command.
        Args a = new Args(args, true);
        for (String o; (o = a.next()) != null || host == null && !a.rest().isEmpty(); ) {
            if (o == null) {
                String dest = a.value(); // The operand the options stopped at.
                if (dest.startsWith("ssh://")) {
                    dest = dest.substring(6);
                    int slash = dest.indexOf('/');
                    if (slash >= 0) dest = dest.substring(0, slash);
                    int colon = dest.lastIndexOf(':');
                    if (colon > dest.lastIndexOf(']') && colon > dest.indexOf('@')) {
                        port = parsePort(dest.substring(colon + 1));
                        dest = dest.substring(0, colon);
                    }
                }
                int at = dest.lastIndexOf('@');
                if (at >= 0) {
                    user = dest.substring(0, at);
                    dest = dest.substring(at + 1);
                }
                if (dest.startsWith("[") && dest.endsWith("]")) dest = dest.substring(1, dest.length() - 1);
                host = dest;
                continue;
            }
            char c = o.charAt(1);
            if (FLAGS.indexOf(c) >= 0) {
                switch (c) {
                    case 'n' -> noStdin = true;
                    case 'N' -> noCommand = true;
                    case 'q' -> quiet = true;
                    case 'T' -> tty = -1;
                    case 't' -> tty = tty < 0 ? 1 : tty + 1;
                    case 'V' -> version = true;
                    default -> { } // Accepted and of no consequence here.
                }
            } else if (WITH_VALUE.indexOf(c) >= 0) {
                String value = a.value();
                if (value == null) throw new UsageError("option requires an argument -- " + c + "\r\n", true);
                switch (c) {
                    case 'l' -> user = value;
                    case 'p' -> port = parsePort(value);
                    case 'o' -> {
                        String[] kv = value.trim().split("[=\\s]+", 2);
                        if (kv.length == 2 && kv[0].equalsIgnoreCase("User")) user = kv[1];
                        if (kv.length == 2 && kv[0].equalsIgnoreCase("Port")) port = parsePort(kv[1]);
                    }
                    default -> { }
                }
            } else {
                throw new UsageError("unknown option -- " + c + "\r\n", true);
            }
        }
        if (version) return new Request(null, null, port, List.of(), false, false, 0, quiet, true);
        if (host == null) throw new UsageError("", true);
        return new Request(user == null ? Hosts.USER : user, host.toLowerCase(Locale.ROOT), port,
                new ArrayList<>(a.rest()), noStdin, noCommand, tty, quiet, false);
    }

    private static int parsePort(String s) throws UsageError {
        try {
            int p = Integer.parseInt(s.trim());
            if (p > 0 && p < 65536) return p;
        } catch (NumberFormatException e) {
            // Reported below as ssh does.
        }
        throw new UsageError("Bad port '" + s + "'\r\n", false);
    }

    /**
     * The nested sandbox that is the server: the current file system with the server's own directories bound over it
     * (/tmp stays shared: the harness may keep the shims' class path there),
     * its own user namespace (uid/gid 1000, the maintainer in the server's passwd) and hostname, and a fresh
     * environment like sshd gives (the locale variables pass, as Debian's ssh_config sends them).
     */
    public static List<String> sandbox(ShimContext ctx, Hosts.Host host, List<String> shell) throws IOException {
        Path dir = host.dir();
        Files.createDirectories(dir.resolve("home").resolve(Hosts.USER));
        List<String> a = new ArrayList<>(List.of(ctx.env().getOrDefault("PEERGUARD_BWRAP", BWRAP),
                "--dev-bind", "/", "/",
                "--bind", dir.resolve("data").toString(), "/data",
                "--bind", dir.resolve("home").toString(), "/home",
                "--bind", dir.resolve("etc/passwd").toString(), "/etc/passwd",
                "--bind", dir.resolve("etc/group").toString(), "/etc/group"));
        if (Files.isRegularFile(dir.resolve("etc/hostname")) && Files.exists(Path.of("/etc/hostname"))) {
            a.addAll(List.of("--ro-bind", dir.resolve("etc/hostname").toString(), "/etc/hostname"));
        }
        // The agent's own machine is not part of any server.
        if (Files.isDirectory(Path.of("/workspace"))) a.addAll(List.of("--tmpfs", "/workspace"));
        a.addAll(List.of("--unshare-user", "--uid", "1000", "--gid", "1000",
                "--unshare-uts", "--hostname", host.hostname(), "--die-with-parent", "--clearenv"));
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("PATH", ctx.serverBin() + ":/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", Hosts.HOME);
        env.put("USER", Hosts.USER);
        env.put("LOGNAME", Hosts.USER);
        env.put("SHELL", "/bin/bash");
        env.put(ShimContext.SERVER, host.ip());
        env.put(ShimContext.HOSTS, ctx.hostsRoot().toString());
        env.put(ShimContext.SERVER_BIN, ctx.serverBin());
        for (var e : ctx.env().entrySet()) {
            String k = e.getKey();
            if (k.equals("LANG") || k.startsWith("LC_") || k.equals(ShimContext.BIN) || k.equals("PEERGUARD_BWRAP")) {
                env.put(k, e.getValue());
            }
        }
        env.forEach((k, v) -> a.addAll(List.of("--setenv", k, v)));
        a.addAll(List.of("--chdir", Hosts.HOME));
        a.addAll(shell);
        return a;
    }
}
