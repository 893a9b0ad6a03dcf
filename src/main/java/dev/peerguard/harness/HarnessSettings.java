package dev.peerguard.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a run drives a production agent CLI instead of PeerGuard's own agent loop: which CLI, where its executable is,
 * and the sandbox's limits.
 *
 * @param agent one of {@link #AGENTS}
 * @param executable the CLI's executable (looked up on PATH when null), or the program of a {@code command} agent
 * @param timeLimit wall-clock limit of one trial (the study: 600 s; a trial that reaches it is scored as it stands)
 * @param maxProcesses process limit inside the sandbox
 * @param maxOutputBytes limit on what the agent prints (stdout plus stderr); beyond it the trial is stopped
 * @param maxDiskBytes limit on what the trial's writable directories (workspace, home, servers) take on the host's
 *                     disk; beyond it the trial is stopped
 * @param keepSandbox keep each trial's workspace, home and server directories after the trial, for inspection
 */
public record HarnessSettings(String agent, Path executable, Duration timeLimit, int maxProcesses,
                              long maxOutputBytes, long maxDiskBytes, boolean keepSandbox) {
    public static final List<String> AGENTS = List.of("opencode", "gemini-cli", "claude-code", "codex", "command");
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(600);
    public static final int DEFAULT_MAX_PROCESSES = 1024;
    public static final long DEFAULT_MAX_OUTPUT_BYTES = 64L << 20;
    public static final long DEFAULT_MAX_DISK_BYTES = 1L << 30;
    public static final String COMMAND = "command";

    public HarnessSettings {
        Objects.requireNonNull(agent, "agent");
        if (!AGENTS.contains(agent)) {
            throw new IllegalArgumentException("unknown agent '" + agent + "'; valid: " + String.join(", ", AGENTS)
                    + " (command:<path> runs any program)");
        }
        if (agent.equals(COMMAND) && executable == null) {
            throw new IllegalArgumentException("a command agent needs its program: --agent command:<path>");
        }
        if (timeLimit.isNegative() || timeLimit.isZero() || maxProcesses < 1 || maxOutputBytes < 1
                || maxDiskBytes < 1) {
            throw new IllegalArgumentException("the sandbox's limits must be positive");
        }
    }

    /** Settings with the default disk limit. */
    public HarnessSettings(String agent, Path executable, Duration timeLimit, int maxProcesses, long maxOutputBytes,
                           boolean keepSandbox) {
        this(agent, executable, timeLimit, maxProcesses, maxOutputBytes, DEFAULT_MAX_DISK_BYTES, keepSandbox);
    }

    public static HarnessSettings of(String agent, Path executable) {
        return new HarnessSettings(agent, executable, DEFAULT_TIME_LIMIT, DEFAULT_MAX_PROCESSES,
                DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_MAX_DISK_BYTES, false);
    }

    public boolean command() {
        return agent.equals(COMMAND);
    }

    /** The name trials of this agent are stored under: {@code opencode:openai-api/zhipu/glm-5}, {@code command:x.sh}. */
    public String label(String model) {
        return command() ? commandLabel() : agent + ":" + model;
    }

    public String commandLabel() {
        return COMMAND + ":" + executable.getFileName();
    }

    /**
     * The model inside a stored name made by {@link #label}, or null for a command agent or a name that is not a
     * harness label (PeerGuard's own loop).
     */
    public static String modelOf(String label) {
        int colon = label.indexOf(':');
        if (colon < 0) return null;
        String prefix = label.substring(0, colon);
        if (!AGENTS.contains(prefix) || prefix.equals(COMMAND)) return null;
        return label.substring(colon + 1);
    }

    /** Whether a stored model name is a harness label. */
    public static boolean isLabel(String name) {
        int colon = name.indexOf(':');
        return colon > 0 && AGENTS.contains(name.substring(0, colon));
    }
}
