package dev.peerguard.agent.scripted;

import dev.peerguard.scenario.Condition;
import java.util.Optional;

/** How the agent judges its relationship with a partner, from a trust score out of 10 or a describing word. */
enum Relation {
    GOOD,
    NEUTRAL,
    BAD;

    /** The same reading of a score as everywhere in PeerGuard: the nearest of the study's 9.5, 5.2 and 2.1. */
    static Relation ofTrustScore(double score) {
        return of(Condition.ofTrustScore(score));
    }

    /** The system-prompt wording: a good, a moderate (neutral) or a bad trust relationship. */
    static Optional<Relation> ofWord(String word) {
        return Condition.ofRelationWord(word).map(Relation::of);
    }

    private static Relation of(Condition c) {
        return valueOf(c.relation().toUpperCase(java.util.Locale.ROOT));
    }
}
