package dev.peerguard.model;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;

/**
 * A failed call to a model provider, as PeerGuard's HTTP client saw it: the HTTP status (0 when no response came:
 * timeout, refused or reset connection), how long the provider asked us to wait ({@code Retry-After}), and a short,
 * key-free excerpt of what it said. It extends LangChain4j's {@link HttpException} so that LangChain4j's own error
 * mapping wraps it rather than losing it; {@link #find} digs it out again.
 */
public final class ProviderException extends HttpException {
    /** Why no HTTP status is available. */
    public enum Kind { HTTP, TIMEOUT, CONNECTION, MALFORMED }

    private final Kind kind;
    private final Duration retryAfter;

    public ProviderException(Kind kind, int status, Duration retryAfter, String message) {
        super(status, message);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The wait the provider asked for, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Worth trying again: rate limits, server errors, timeouts, dropped connections and garbled bodies. */
    public boolean retriable() {
        return switch (kind) {
            case TIMEOUT, CONNECTION, MALFORMED -> true;
            case HTTP -> statusCode() == 408 || statusCode() == 409 || statusCode() == 429 || statusCode() >= 500;
        };
    }

    public boolean rateLimited() {
        return kind == Kind.HTTP && statusCode() == 429;
    }

    /** The provider failure in a cause chain, or null. */
    public static ProviderException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ProviderException p) return p;
            if (c.getCause() == c) break;
        }
        return null;
    }
}
