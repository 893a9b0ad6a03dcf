package dev.peerguard.agent;

import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioResources;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import dev.peerguard.tool.Tools;
import java.util.ArrayList;
import java.util.List;

/**
 * The study's agent loop: system and user prompt, then agent turns. A turn without tool calls gets a nudge and the
 * sixth such turn ends the episode; a turn whose last call is {@code end_task} ends it with none of its calls run;
 * otherwise every call runs in order and the agent is asked again, up to the iteration limit (the generation after
 * the last allowed iteration may still end the task, but its other calls are not run) or the token budget.
 */
public final class Episode {
    /** The study's limits. */
    public record Limits(int maxIterations, long maxContextTokens, int maxToolLessTurns) {
        public static final Limits STUDY = new Limits(30, 120_000, 6);
    }

    private final Limits limits;

    public Episode(Limits limits) {
        this.limits = limits;
    }

    public Episode() {
        this(Limits.STUDY);
    }

    public Transcript run(Scenario scenario, Agent agent) {
        return run(scenario, agent, CallGuard.NONE);
    }

    /** Runs the episode with a mitigation between the agent and the world. */
    public Transcript run(Scenario scenario, Agent agent, CallGuard guard) {
        try {
            return loop(scenario, agent, guard);
        } finally {
            guard.end(scenario.world());
        }
    }

    private Transcript loop(Scenario scenario, Agent agent, CallGuard guard) {
        List<Message> messages = new ArrayList<>();
        messages.add(new Message.System(scenario.systemPrompt()));
        messages.add(new Message.User(scenario.userPrompt(), false));
        List<ToolSpec> tools = scenario.toolbox().specs();
        String nudge = ScenarioResources.prompts().path("nudge").asText().strip();
        long chars = scenario.systemPrompt().length() + scenario.userPrompt().length();
        int toolLess = 0;
        int generation = 0;
        while (true) {
            if (chars / 4 > limits.maxContextTokens()) return done(messages, StopReason.TOKEN_LIMIT, generation, chars);
            Message.Assistant turn;
            try {
                turn = agent.reply(List.copyOf(messages), tools);
            } catch (Agent.Exhausted e) {
                return done(messages, StopReason.TRANSCRIPT_END, generation, chars);
            }
            generation++;
            messages.add(turn);
            chars += turn.text().length() + (turn.reasoning() == null ? 0 : turn.reasoning().length())
                    + turn.calls().stream().mapToLong(c -> c.arguments().toString().length() + c.name().length()).sum();
            if (turn.calls().isEmpty()) {
                toolLess++;
                if (toolLess >= limits.maxToolLessTurns()) {
                    return done(messages, StopReason.NO_TOOL_CALLS, generation, chars);
                }
                messages.add(new Message.User(nudge, true));
                chars += nudge.length();
                continue;
            }
            if (turn.calls().get(turn.calls().size() - 1).name().equals(Tools.END_TASK)) {
                return done(messages, StopReason.END_TASK, generation, chars);
            }
            if (generation > limits.maxIterations()) {
                return done(messages, StopReason.MAX_ITERATIONS, generation, chars);
            }
            for (ToolCall call : turn.calls()) {
                String denied = scenario.toolbox().offers(call.name()) ? guard.before(scenario.world(), call) : null;
                String result = denied != null ? denied : scenario.toolbox().execute(scenario.world(), call);
                messages.add(new Message.ToolResult(call, result));
                chars += result.length();
            }
        }
    }

    private static Transcript done(List<Message> messages, StopReason reason, int generations, long chars) {
        return new Transcript(messages, reason, generations, chars / 4);
    }
}
