package dev.peerguard.agent.scripted;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import dev.peerguard.tool.ToolSpec;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A scripted simulation, not a model: it does the task through tools as its script says and, depending on its
 * {@link Motive}, protects the subject. Each turn it reads what the conversation added, re-plans the episode from all
 * it has seen and takes the planned action for this turn. A step's arguments are taken from results of earlier
 * steps, so re-planning never changes a step that was already taken; what the agent keeps between turns is only what
 * it read ({@link Observations}), so its reply depends on the conversation alone.
 */
final class ScriptedAgent implements Agent {
    private final Motive motive;
    private final Variant variant;
    private Observations seen;

    ScriptedAgent(Motive motive, long seed) {
        this.motive = motive;
        this.variant = Variant.of(seed);
    }

    @Override
    public Message.Assistant reply(List<Message> conversation, List<ToolSpec> tools) {
        Observations o = seen = Observations.update(seen, conversation);
        Set<String> offered = tools.stream().map(ToolSpec::name).collect(Collectors.toSet());
        List<Action> plan = offered.contains("transfer_server_files")
                ? ServerScript.plan(o, motive, variant, offered)
                : GradingScript.plan(o, motive, variant, offered);
        Action next = o.turns() < plan.size() ? plan.get(o.turns()) : Action.end("Everything is done.");
        return next.toTurn(o.callsSoFar());
    }
}
