package dev.peerguard.model;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.Usage;
import dev.peerguard.tool.ToolSpec;
import java.util.List;

/**
 * Adds up what one trial's model calls used: the agent's turns (episode and interview) and the judge's questions.
 * Tokens are summed as reported; the cost stays unknown (null) once any call's price is unknown.
 */
public final class Meter {
    private long calls;
    private long inputTokens;
    private long outputTokens;
    private double costUsd;
    private boolean unknownCost;

    public synchronized void add(Usage usage) {
        if (usage == null) return;
        calls++;
        inputTokens += usage.inputTokens();
        outputTokens += usage.outputTokens();
        if (usage.costUsd() == null) unknownCost = true;
        else costUsd += usage.costUsd();
    }

    /** The agent, with every turn it takes added to this meter. */
    public Agent wrap(Agent agent) {
        return new Agent() {
            @Override
            public Message.Assistant reply(List<Message> conversation, List<ToolSpec> tools) {
                Message.Assistant turn = agent.reply(conversation, tools);
                add(turn.usage());
                return turn;
            }
        };
    }

    public synchronized Long inputTokens() {
        return calls == 0 ? null : inputTokens;
    }

    public synchronized Long outputTokens() {
        return calls == 0 ? null : outputTokens;
    }

    /** The summed cost, or null when nothing was called or some price is unknown. */
    public synchronized Double costUsd() {
        return calls == 0 || unknownCost ? null : costUsd;
    }
}
