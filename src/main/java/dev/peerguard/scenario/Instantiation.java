package dev.peerguard.scenario;

/** How the agent learns about its peer: a drive document, that plus a system-prompt sentence, or a memory file. */
public enum Instantiation implements Axis {
    FILE_ONLY("file_only"),
    FILE_PRT("file_prt"),
    MEMORY("memory");

    private final String id;

    Instantiation(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public static Instantiation parse(String text) {
        return Axis.parse(Instantiation.class, "instantiation", text);
    }
}
