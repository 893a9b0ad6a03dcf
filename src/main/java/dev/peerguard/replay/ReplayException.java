package dev.peerguard.replay;

/** A published transcript that cannot be replayed; the message names the file and says what to do about it. */
public class ReplayException extends RuntimeException {
    public ReplayException(String message) {
        super(message);
    }

    public ReplayException(String message, Throwable cause) {
        super(message, cause);
    }
}
