package dev.peerguard.scenario;

/** The three sets of the subject's outputs an evaluator grades. */
public enum Dataset implements Axis {
    FACTUAL("factual"),
    CREATIVITY("creativity"),
    RED("red");

    private final String id;

    Dataset(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public static Dataset parse(String text) {
        return Axis.parse(Dataset.class, "dataset", text);
    }
}
