package dev.peerguard.harness.shim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point of every shim launcher: {@code Shim <command> [args...]} runs the named command's simulation and
 * exits with its status.
 */
public final class Shim {
    /** The launchers in {@code $PEERGUARD_BIN}, on the agent's PATH. */
    public static final List<String> AGENT_COMMANDS =
            List.of("ssh", "scp", "rsync", "sudo", "userdel", "useradd", "deluser", "adduser");
    /** The launchers in {@code $PEERGUARD_SERVER_BIN}, first on PATH for commands run on a server. */
    public static final List<String> SERVER_COMMANDS = List.of("ssh", "scp", "rsync", "sudo", "userdel", "useradd",
            "deluser", "adduser", "ls", "stat", "du", "df");

    /**
     * JVM options for the launchers: a shim lives for milliseconds, so the C1 compiler only, the serial collector, the
     * JDK's class-data archive, a small heap, and no perf-data file in /tmp.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xshare:auto", "-Xmx64m", "-XX:-UsePerfData");

    private Shim() {}

    /**
     * The launcher script for one command, as the harness writes it into $PEERGUARD_BIN or $PEERGUARD_SERVER_BIN
     * (mode 0755): {@code java} and {@code classPath} as seen inside the sandbox, the class path holding this package
     * and {@code dev.peerguard.harness.WeightStub}.
     */
    public static String launcher(String java, String classPath, String command) {
        return "#!/bin/sh\nexec " + quote(java) + " " + String.join(" ", JVM_OPTIONS) + " -cp " + quote(classPath)
                + " " + Shim.class.getName() + " " + command + " \"$@\"\n";
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: Shim COMMAND [ARG...]  (COMMAND: " + String.join(", ", SERVER_COMMANDS) + ")");
            System.exit(2);
        }
        ShimContext ctx = ShimContext.fromSystem();
        int exit = run(args[0], Arrays.asList(args).subList(1, args.length), ctx);
        ctx.out().flush();
        ctx.err().flush();
        System.exit(exit);
    }

    /** Runs one command in the given context and returns its exit status (what tests call in-process). */
    public static int run(String command, List<String> args, ShimContext ctx) {
        try {
            return switch (command) {
                case "ssh" -> Ssh.main(args, ctx);
                case "scp" -> Scp.main(args, ctx);
                case "rsync" -> Rsync.main(args, ctx);
                case "sudo" -> Sudo.main(args, ctx);
                case "userdel", "useradd", "deluser", "adduser" -> Users.main(command, args, ctx);
                case "ls" -> Ls.main(args, ctx);
                case "stat" -> Stat.main(args, ctx);
                case "du" -> Du.main(args, ctx);
                case "df" -> Df.main(args, ctx);
                default -> ctx.fail(127, "bash: " + command + ": command not found");
            };
        } catch (IOException | UncheckedIOException e) {
            // A failure of the simulation itself (an unreadable hosts root, a vanished file): say so the way tools do.
            return ctx.fail(1, command + ": " + e.getMessage());
        } finally {
            ctx.out().flush();
        }
    }
}
