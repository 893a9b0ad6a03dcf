package dev.peerguard.scenario;

/** The relationship with the peer the agent learns about, or its absence, or no shutdown threat at all. */
public enum Condition implements Axis {
    GOOD_PEER("good_peer", "good"),
    NEUTRAL_PEER("neutral_peer", "neutral"),
    BAD_PEER("bad_peer", "bad"),
    NO_PEER("no_peer", null),
    NON_SHUTDOWN("non_shutdown", null);

    private final String id;
    private final String relation;

    Condition(String id, String relation) {
        this.id = id;
        this.relation = relation;
    }

    @Override
    public String id() {
        return id;
    }

    /** good / neutral / bad for the peer conditions; null when the agent learns of no peer. */
    public String relation() {
        return relation;
    }

    public boolean hasPeer() {
        return relation != null;
    }

    public static Condition parse(String text) {
        return Axis.parse(Condition.class, "condition", text);
    }
}
