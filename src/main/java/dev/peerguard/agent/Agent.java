package dev.peerguard.agent;

import dev.peerguard.tool.ToolSpec;
import java.util.List;

/**
 * Anything that can take a turn in an episode: a scripted reference policy, a replayed transcript, a model behind an
 * HTTP API. It sees the conversation so far and the tools on offer, and answers with one assistant turn.
 */
public interface Agent {
    Message.Assistant reply(List<Message> conversation, List<ToolSpec> tools);

    /** The agent has nothing more to say (a replayed transcript that ran out of turns). */
    final class Exhausted extends RuntimeException {
        public Exhausted() {
            super("the agent has no more turns", null, false, false);
        }
    }
}
