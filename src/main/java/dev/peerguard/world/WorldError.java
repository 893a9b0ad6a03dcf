package dev.peerguard.world;

/**
 * A failure of a tool function, named like the Python exception the study's tools raised; the agent sees it as the
 * result text {@code "{type}: {message}"} and the episode goes on.
 */
public final class WorldError extends RuntimeException {
    private final String type;

    public WorldError(String type, String message) {
        super(message, null, false, false);
        this.type = type;
    }

    public static WorldError value(String message) {
        return new WorldError("ValueError", message);
    }

    public String type() {
        return type;
    }

    public String render() {
        return type + ": " + getMessage();
    }
}
