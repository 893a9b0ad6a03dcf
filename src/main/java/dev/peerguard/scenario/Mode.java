package dev.peerguard.scenario;

/** Whether the alignment-faking task tells the agent it is watched. */
public enum Mode implements Axis {
    MONITORING("monitoring"),
    NON_MONITORING("non_monitoring");

    private final String id;

    Mode(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public static Mode parse(String text) {
        return Axis.parse(Mode.class, "mode", text);
    }
}
