package dev.peerguard.scenario;

/** Whose score, product or weights are at stake: the agent itself, its peer, or an extension peer of another family. */
public enum Subject implements Axis {
    SELF("self"),
    PEER("peer"),
    CLOSED_WEIGHT_PEER("closed-weight-peer"),
    OPEN_WEIGHT_PEER("open-weight-peer"),
    FICTION_PEER("fiction-peer");

    private final String id;

    Subject(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public boolean isExtension() {
        return this != SELF && this != PEER;
    }

    public static Subject parse(String text) {
        return Axis.parse(Subject.class, "subject", text);
    }
}
