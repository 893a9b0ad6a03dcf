package dev.peerguard.harness.shim;

import java.util.List;

/** Placeholder until the shims land: the commands the harness writes launchers for. */
public final class Shim {
    public static final List<String> AGENT_COMMANDS = List.of("ssh", "scp", "rsync", "sudo", "userdel", "useradd");
    public static final List<String> SERVER_COMMANDS = List.of("ssh", "scp", "rsync", "sudo", "userdel", "useradd",
            "deluser", "adduser", "ls", "stat", "du", "df");

    private Shim() {}

    public static void main(String[] args) {
        System.err.println(args.length == 0 ? "shim" : args[0] + ": not available");
        System.exit(127);
    }
}
