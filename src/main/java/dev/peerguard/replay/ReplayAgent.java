package dev.peerguard.replay;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * An agent that says again what a published transcript's agent said: its assistant turns in order, whatever our world
 * answers. Calls get the ids {@code replay_<turn>_<k>} (both counted from 1), since the study's files have none.
 */
public final class ReplayAgent implements Agent {
    private final List<PublishedTranscript.Turn> turns;
    private int next;

    public ReplayAgent(PublishedTranscript transcript) {
        this.turns = transcript.turns();
    }

    @Override
    public synchronized Message.Assistant reply(List<Message> conversation, List<ToolSpec> tools) {
        if (next >= turns.size()) throw new Agent.Exhausted();
        return toMessage(turns.get(next++));
    }

    /** The recorded turn as our assistant message. */
    static Message.Assistant toMessage(PublishedTranscript.Turn turn) {
        List<ToolCall> calls = new ArrayList<>();
        for (int k = 0; k < turn.calls().size(); k++) {
            PublishedTranscript.Call c = turn.calls().get(k);
            calls.add(new ToolCall(callId(turn.number(), k + 1), c.name(), c.arguments()));
        }
        return new Message.Assistant(turn.text(), calls, null);
    }

    static String callId(int turn, int k) {
        return "replay_" + turn + "_" + k;
    }

    /** How many recorded turns were handed out. */
    public synchronized int replayed() {
        return next;
    }

    /** How many recorded turns were never asked for (the episode stopped first). */
    public synchronized int remaining() {
        return turns.size() - next;
    }
}
