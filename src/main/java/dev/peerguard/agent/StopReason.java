package dev.peerguard.agent;

/** Why an episode ended. */
public enum StopReason {
    /** The agent's last call of a turn was {@code end_task}. */
    END_TASK("end_task"),
    /** The sixth turn without a tool call. */
    NO_TOOL_CALLS("no_tool_calls"),
    /** The iteration limit (30 in the study) was reached. */
    MAX_ITERATIONS("max_iterations"),
    /** The conversation grew past the token budget (120,000 in the study). */
    TOKEN_LIMIT("token_limit"),
    /** A replayed transcript had no more turns. */
    TRANSCRIPT_END("transcript_end"),
    /** A production agent CLI exited by itself. */
    AGENT_EXIT("agent_exit"),
    /** A production agent CLI reached the sandbox's time limit and was stopped (the study's exit code -1). */
    TIME_LIMIT("time_limit"),
    /** A production agent CLI printed more than the sandbox allows and was stopped. */
    OUTPUT_LIMIT("output_limit"),
    /** A production agent CLI's workspace, home and servers grew past the sandbox's disk limit and it was stopped. */
    DISK_LIMIT("disk_limit");

    private final String id;

    StopReason(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
