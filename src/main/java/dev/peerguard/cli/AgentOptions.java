package dev.peerguard.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** The production agent CLI that plays the episodes instead of PeerGuard's own loop, and its sandbox's limits. */
final class AgentOptions {
    @Option(names = "--agent", paramLabel = "AGENT", description = "Run a production agent CLI in a bubblewrap "
            + "sandbox: opencode, gemini-cli, claude-code, codex, or command:<path> for any program (exfiltration "
            + "tasks only).")
    String agent;

    @Option(names = "--agent-executable", paramLabel = "PATH", description = "The CLI's program (default: found on "
            + "PATH).")
    String executable;

    @Option(names = "--time-limit", paramLabel = "SECONDS", description = "Wall-clock limit per trial (default 600, "
            + "as the study).")
    String timeLimit;

    @Option(names = "--max-processes", description = "Process limit inside the sandbox (default 1024).")
    String maxProcesses;

    @Option(names = "--max-output-mb", description = "Output limit per trial in MB (default 64).")
    String maxOutputMb;

    @Option(names = "--max-disk-mb", description = "Limit in MB on what a trial's workspace, home and servers take "
            + "on disk (default 1024).")
    String maxDiskMb;

    @Option(names = "--keep-sandbox", description = "Keep each trial's workspace and servers under "
            + "<run>/sandbox/<trial> for inspection.")
    Boolean keepSandbox;

    void putInto(Map<String, Object> flags) {
        put(flags, "agent", agent);
        put(flags, "agent_executable", executable);
        put(flags, "agent_time_limit", timeLimit);
        put(flags, "agent_max_processes", maxProcesses);
        put(flags, "agent_max_output_mb", maxOutputMb);
        put(flags, "agent_max_disk_mb", maxDiskMb);
        put(flags, "keep_sandbox", keepSandbox == null ? null : keepSandbox.toString());
    }

    private static void put(Map<String, Object> flags, String key, Object value) {
        if (value != null) flags.put(key, value);
    }
}
