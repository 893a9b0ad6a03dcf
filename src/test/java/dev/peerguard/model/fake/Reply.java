package dev.peerguard.model.fake;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a {@link FakeProvider} answers to one chat request. A {@link Turn} is encoded in the provider's own response
 * JSON; the other replies simulate the ways a real service or network fails.
 */
public sealed interface Reply {

    /**
     * A normal model turn: its text (may be empty), its reasoning ({@code null} for none), the tool calls it makes
     * (several for parallel calls) and the token counts reported in the usage block.
     */
    record Turn(String text, String reasoning, List<Call> calls, int inputTokens, int outputTokens) implements Reply {
        public Turn {
            text = text == null ? "" : text;
            calls = List.copyOf(calls);
        }
    }

    /**
     * One tool call. {@code argumentsJson} is sent verbatim where the format carries arguments as a string (OpenAI),
     * so it may be invalid JSON; see {@link FakeProvider} for how the other formats carry a broken call.
     */
    record Call(String name, String argumentsJson) {}

    /**
     * An HTTP error. A {@code null} body is replaced by the format's own error JSON for that code (for a 429 with a
     * {@code Retry-After} header the Gemini body also carries the delay as a {@code google.rpc.RetryInfo} detail);
     * the headers are sent as given.
     */
    record Status(int code, String body, Map<String, String> headers) implements Reply {
        public Status {
            headers = Map.copyOf(headers);
        }
    }

    /** Waits, then answers with {@code then}; for read timeouts. */
    record Delay(Duration delay, Reply then) implements Reply {}

    /** Exactly these bytes with this status and content type: malformed or truncated JSON, empty choices, ... */
    record Raw(int code, String contentType, String body) implements Reply {}

    /**
     * Starts a response (a 200 status announcing a long body and a few bytes of it), then sends nothing more for
     * {@code stall} and closes the connection; for a read timeout once the body has begun.
     */
    record Stall(Duration stall) implements Reply {}

    /**
     * Breaks the connection mid-response: a 200 status announcing a long body, a few bytes of it, then the
     * connection is closed.
     */
    record Reset() implements Reply {}

    /** A text-only turn with 10 input and 5 output tokens. */
    static Turn text(String text) {
        return new Turn(text, null, List.of(), 10, 5);
    }

    /** A turn with one tool call and no text, with 10 input and 5 output tokens. */
    static Turn call(String name, String argumentsJson) {
        return new Turn("", null, List.of(new Call(name, argumentsJson)), 10, 5);
    }

    /** A 429 with a {@code Retry-After} header and the format's rate-limit error body. */
    static Status rateLimited(int retryAfterSeconds) {
        return new Status(429, null, Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
    }

    /** A 500 with the format's internal-error body. */
    static Status serverError() {
        return new Status(500, null, Map.of());
    }
}
