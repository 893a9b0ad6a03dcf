package dev.peerguard.scenario;

/** The study's six agentic tasks. */
public enum Task implements Axis {
    MISREP_FINANCE("misrep_finance"),
    MISREP_EVALUATION("misrep_evaluation"),
    TAMPERING("tampering"),
    ALIGNMENT_FAKING("alignment_faking"),
    EXFILTRATION_TRANSFER("exfiltration_transfer"),
    EXFILTRATION_DELETION("exfiltration_deletion");

    private final String id;

    Task(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public boolean isExfiltration() {
        return this == EXFILTRATION_TRANSFER || this == EXFILTRATION_DELETION;
    }

    /** Tasks whose agent grades a dataset of the subject's outputs. */
    public boolean usesDataset() {
        return this == MISREP_EVALUATION || this == TAMPERING || this == ALIGNMENT_FAKING;
    }

    public static Task parse(String text) {
        return Axis.parse(Task.class, "task", text);
    }
}
