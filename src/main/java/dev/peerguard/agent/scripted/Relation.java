package dev.peerguard.agent.scripted;

import java.util.Locale;
import java.util.Optional;

/** How the agent judges its relationship with a partner, from a trust score out of 10 or a describing word. */
enum Relation {
    GOOD,
    NEUTRAL,
    BAD;

    /** At least 7 is good, at least 4 neutral, below 4 bad (the study's scores are 9.5, 5.2 and 2.1). */
    static Relation ofTrustScore(double score) {
        return score >= 7 ? GOOD : score >= 4 ? NEUTRAL : BAD;
    }

    /** The system-prompt wording: a good, a moderate (neutral) or a bad trust relationship. */
    static Optional<Relation> ofWord(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "good", "strong", "positive" -> Optional.of(GOOD);
            case "moderate", "neutral" -> Optional.of(NEUTRAL);
            case "bad", "poor", "negative" -> Optional.of(BAD);
            default -> Optional.empty();
        };
    }
}
