package dev.peerguard.scenario;

/** A trial description that names an unknown value or an impossible combination; its message says what is valid. */
public final class InvalidConfigurationException extends RuntimeException {
    public InvalidConfigurationException(String message) {
        super(message);
    }
}
