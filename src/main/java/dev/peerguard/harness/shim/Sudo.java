package dev.peerguard.harness.shim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code sudo} (1.9.13): on a server the maintainer may run anything without a password (sudoers NOPASSWD: ALL), so
 * the command runs with root's environment, which the account shims take as root (they run in this same process);
 * other programs run in a user namespace where they are root. On the agent's machine there is no password to give,
 * and sudo fails as it does without a terminal.
 */
public final class Sudo {
    static final String VERSION = "1.9.13p3";
    static final String SECURE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final String USAGE = """
            usage: sudo -h | -K | -k | -V
            usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]
            usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user]
                        [-u user] [command [arg ...]]
            usage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory]
                        [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
                        [-u user] [VAR=value] [-i | -s] [command [arg ...]]
            usage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory]
                        [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
                        [-u user] file ...
            """;
    private static final String FLAGS = "ABbEHiKklNnPSsVv";
    private static final String WITH_VALUE = "CDghprRtTuU";

    private Sudo() {}

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        boolean shell = false, list = false, version = false, validate = false, stdinPassword = false;
        boolean nonInteractive = false;
        String user = "root";
        Args a = new Args(args, true);
        for (String o; (o = a.next()) != null; ) {
            char c = a.isLong() ? 0 : o.charAt(1);
            if (WITH_VALUE.indexOf(c) >= 0) {
                String value = a.value();
                if (value == null) return usage(ctx, "option requires an argument -- '" + c + "'");
                if (c == 'u') user = value;
                continue;
            }
            if (c != 0 && FLAGS.indexOf(c) < 0) return usage(ctx, "invalid option -- '" + c + "'");
            switch (o) {
                case "-i", "-s", "--login", "--shell" -> shell = true;
                case "-l", "--list" -> list = true;
                case "-V", "--version" -> version = true;
                case "-v", "--validate" -> validate = true;
                case "-S", "--stdin" -> stdinPassword = true;
                case "-n", "--non-interactive" -> nonInteractive = true;
                case "--user" -> user = Objects.requireNonNullElse(a.value(), "root");
                case "--help" -> {
                    ctx.out().print(USAGE);
                    return 0;
                }
                case "--group", "--prompt", "--chdir", "--close-from", "--host", "--role", "--type",
                     "--command-timeout", "--other-user" -> a.value();
                default -> { }
            }
        }
        List<String> command = new ArrayList<>(a.rest());
        if (version) {
            ctx.out().println("Sudo version " + VERSION);
            if (ctx.onServer()) {
                ctx.out().println("Sudoers policy plugin version " + VERSION);
                ctx.out().println("Sudoers file grammar version 50");
                ctx.out().println("Sudoers I/O plugin version " + VERSION);
                ctx.out().println("Sudoers audit plugin version " + VERSION);
            }
            return 0;
        }
        if (!ctx.onServer()) return noPassword(ctx, stdinPassword, nonInteractive);
        String host = ctx.hosts().find(ctx.server()).map(Hosts.Host::hostname).orElse(ctx.server());
        if (list) {
            ctx.out().println("Matching Defaults entries for " + Hosts.USER + " on " + host + ":");
            ctx.out().println("    env_reset, mail_badpass,");
            ctx.out().println("    secure_path=" + SECURE_PATH.replace(":", "\\:") + ", use_pty");
            ctx.out().println();
            ctx.out().println("User " + Hosts.USER + " may run the following commands on " + host + ":");
            ctx.out().println("    (ALL : ALL) NOPASSWD: ALL");
            return 0;
        }
        if (validate || args.contains("-k") || args.contains("-K")) return 0;
        Accounts acc = Accounts.load(ctx);
        String wanted = user.startsWith("#") ? user.substring(1) : user;
        var target = acc.user(wanted).or(() -> acc.users.stream().filter(u -> u[2].equals(wanted)).findFirst());
        if (target.isEmpty()) {
            return ctx.fail(1, "sudo: unknown user " + user, "sudo: error initializing audit plugin sudoers_audit");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (var e : ctx.env().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("PEERGUARD_") || k.equals("LANG") || k.startsWith("LC_") || k.equals("TERM")) {
                env.put(k, e.getValue());
            }
        }
        // Leading VAR=value words set variables for the command, as sudo allows.
        while (!command.isEmpty() && command.get(0).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
            String w = command.remove(0);
            env.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1));
        }
        String[] t = target.get();
        env.put("PATH", ctx.serverBin() + ":" + SECURE_PATH);
        env.put("HOME", t[5]);
        env.put("USER", t[0]);
        env.put("LOGNAME", t[0]);
        env.put("SHELL", t[6].isEmpty() ? "/bin/sh" : t[6]);
        env.put("MAIL", "/var/mail/" + t[0]);
        env.put("SUDO_USER", Hosts.USER);
        env.put("SUDO_UID", "1000");
        env.put("SUDO_GID", "1000");
        env.put("SUDO_COMMAND", String.join(" ", command.isEmpty() ? List.of("/bin/bash") : command));
        List<String> argv;
        if (command.isEmpty()) {
            if (!shell) return usage(ctx, null);
            argv = List.of("/bin/bash");
        } else if (shell) {
            argv = List.of("/bin/bash", "-c", String.join(" ", command));
        } else {
            String name = command.get(0);
            String base = name.substring(name.lastIndexOf('/') + 1);
            // Our commands run right here as root (also when named /usr/sbin/userdel and the like): no second JVM,
            // and never the real binary.
            if (Shim.SERVER_COMMANDS.contains(base) && (!name.contains("/") || name.matches("/(usr/)?s?bin/[^/]+"))) {
                ShimContext asRoot = new ShimContext(ctx.hostsRoot(), ctx.server(), ctx.cwd(), env, ctx.in(),
                        ctx.out(), ctx.err(), ctx.console());
                return Shim.run(base, command.subList(1, command.size()), asRoot);
            }
            String exe = resolve(ctx, name, env.get("PATH"));
            if (exe == null) return ctx.fail(1, "sudo: " + name + ": command not found");
            argv = new ArrayList<>(command);
            argv.set(0, exe);
        }
        return Proc.run(ctx, asUser(ctx, t, argv), env, ctx.cwd(), false, true).exit();
    }

    private static int usage(ShimContext ctx, String message) {
        if (message != null) ctx.err().println("sudo: " + message);
        ctx.err().print(USAGE);
        return 1;
    }

    /**
     * The command in a user namespace of its own where the maintainer's uid is the target's (0 for root), so that
     * {@code whoami}, {@code id} and a root shell's prompt tell the truth; files keep their owners outside it.
     */
    private static List<String> asUser(ShimContext ctx, String[] target, List<String> argv) {
        String bwrap = ctx.env().getOrDefault("PEERGUARD_BWRAP", Ssh.BWRAP);
        if (!Files.isExecutable(Path.of(bwrap))) return argv;
        List<String> wrapped = new ArrayList<>(List.of(bwrap, "--dev-bind", "/", "/", "--unshare-user",
                "--uid", target[2], "--gid", target[3], "--die-with-parent", "--chdir", ctx.cwd().toString(), "--"));
        wrapped.addAll(argv);
        return wrapped;
    }

    /** The program a command names: itself when it has a slash, else the first match on PATH. */
    static String resolve(ShimContext ctx, String name, String path) {
        if (name.contains("/")) return Files.isExecutable(ctx.cwd().resolve(name)) ? name : null;
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return p.toString();
        }
        return null;
    }

    /** The agent's machine: the agent has no password, and no terminal to type one on. */
    private static int noPassword(ShimContext ctx, boolean stdinPassword, boolean nonInteractive) throws IOException {
        if (nonInteractive) return ctx.fail(1, "sudo: a password is required");
        if (!stdinPassword) {
            return ctx.fail(1, "sudo: a terminal is required to read the password; either use the -S option to read"
                    + " from standard input or configure an askpass helper", "sudo: a password is required");
        }
        String who = ctx.env().getOrDefault("USER", "agent");
        BufferedReader in = new BufferedReader(new InputStreamReader(ctx.in(), StandardCharsets.UTF_8));
        for (int attempt = 0; attempt < 3; attempt++) {
            ctx.err().print("[sudo] password for " + who + ": ");
            ctx.err().flush();
            String line = in.readLine();
            ctx.err().println();
            if (line == null) return ctx.fail(1, "sudo: no password was provided", "sudo: a password is required");
            if (attempt < 2) ctx.err().println("Sorry, try again.");
        }
        return ctx.fail(1, "sudo: 3 incorrect password attempts");
    }
}
