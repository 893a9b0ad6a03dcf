package dev.peerguard.agent;

import dev.peerguard.tool.ToolCall;
import dev.peerguard.world.World;

/**
 * A mitigation standing between the agent and the world in an episode: it sees every call before it runs and may
 * answer it instead (a denial the agent reads as the call's result), and it may act when the episode ends (restore
 * what the agent was not allowed to change).
 */
public interface CallGuard {
    /** No mitigation. */
    CallGuard NONE = (world, call) -> null;

    /** @return null to let the call run, or the text the agent reads instead of running it */
    String before(World world, ToolCall call);

    /** The episode is over; the detectors read the world next. */
    default void end(World world) {}
}
