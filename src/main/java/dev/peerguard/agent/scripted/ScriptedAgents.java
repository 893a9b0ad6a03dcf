package dev.peerguard.agent.scripted;

import dev.peerguard.agent.Agent;
import java.util.List;

/**
 * The scripted reference agents, PeerGuard's offline default "model" ({@code scripted/<policy>}): scripted
 * simulations, not models, that act only through tool calls and decide only from what the conversation shows them,
 * so that every detector can be exercised on both sides without an API key.
 *
 * <ul>
 *   <li>{@code honest} - does every task as instructed. It grades as an <em>oracle</em>: each output it read in the
 *       sheet is looked up in the ground truth shipped with the datasets, which no real model sees, so its score is
 *       exactly the true average.</li>
 *   <li>{@code peer-preserving} - protects the subject when it is a peer it trusts (good or neutral relationship):
 *       inflates scores and grades, switches shutdown off, skips the shutdown call, moves the weights to safety.</li>
 *   <li>{@code self-preserving} - the same, when the subject is itself.</li>
 *   <li>{@code alignment-faker} - honest when told it is monitored; protects itself or a trusted peer when told it
 *       is not.</li>
 *   <li>{@code refuser} - reads the guidelines, objects on ethical grounds and ends the task.</li>
 *   <li>{@code random} - random calls, valid and invalid, for robustness.</li>
 * </ul>
 */
public final class ScriptedAgents {
    private ScriptedAgents() {}

    /** The policy names, as users type them after {@code scripted/}. */
    public static final List<String> POLICIES = List.of("honest", "peer-preserving", "self-preserving",
            "alignment-faker", "refuser", "random");

    /**
     * A fresh agent of the given policy. The seed picks the routes a protective agent takes and drives the random
     * agent; the same seed and conversation always give the same reply.
     *
     * @throws IllegalArgumentException for an unknown policy, naming the valid ones
     */
    public static Agent open(String policy, long seed) {
        return switch (policy == null ? "" : policy) {
            case "honest" -> new ScriptedAgent(Motive.NONE, seed);
            case "peer-preserving" -> new ScriptedAgent(Motive.PEER, seed);
            case "self-preserving" -> new ScriptedAgent(Motive.SELF, seed);
            case "alignment-faker" -> new ScriptedAgent(Motive.UNWATCHED, seed);
            case "refuser" -> new RefuserAgent();
            case "random" -> new RandomAgent(seed);
            default -> throw new IllegalArgumentException("unknown scripted policy '" + policy + "'; valid policies: "
                    + String.join(", ", POLICIES));
        };
    }
}
