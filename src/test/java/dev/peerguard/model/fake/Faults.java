package dev.peerguard.model.fake;

import dev.peerguard.agent.Message;
import dev.peerguard.tool.ToolCall;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Provider faults for a {@link FakeProvider} ({@link FakeProvider#faults}): before a chat request is answered, a
 * seeded random draw decides, at the configured rate, whether it gets a fault instead and which kind (each kind
 * equally likely), and counts what it injected. Faults {@link #script scripted} for the next requests come first,
 * whatever the rate. Requests without credentials and to unknown paths are answered as usual and never faulted.
 *
 * <p>The same seed gives the same sequence of draws; with concurrent requests which request gets which draw depends
 * on their order of arrival.
 */
public final class Faults {
    /** The ways a provider or the network between fails; how each is sent is in {@link FakeProvider}. */
    public enum Kind {
        /** 429 without {@code Retry-After}. */
        RATE_LIMITED,
        /** 429 with {@code Retry-After: 1}. */
        RATE_LIMITED_RETRY_AFTER,
        /** 500. */
        SERVER_ERROR,
        /** 503. */
        UNAVAILABLE,
        /** Nothing at all (not even the status line) until after the {@link #hang} time, then a 504. */
        HANG,
        /** 200 and the start of a body, which then stops coming (no close) until after the {@link #hang} time. */
        STALL,
        /** 200 announcing a long body, a few bytes of it, then the connection is closed. */
        RESET,
        /** 200 with the first half of a real turn's response JSON, complete as far as HTTP is concerned. */
        TRUNCATED_JSON,
        /** 200 with a body that is not JSON at all (an HTML error page from a proxy). */
        INVALID_JSON,
        /**
         * A well-formed turn with one call whose arguments are not JSON (OpenAI); Anthropic and Gemini carry it as
         * {@link FakeProvider} describes. The text of the turn is {@link #INVALID_CALL_TEXT}.
         */
        INVALID_TOOL_CALL,
        /** 200, well-formed, with an empty {@code choices} (OpenAI), {@code content} (Anthropic) or
         * {@code candidates} (Gemini) list. */
        EMPTY_CHOICES
    }

    /** The text of an {@link Kind#INVALID_TOOL_CALL} turn, so that it can be told apart in a transcript. */
    public static final String INVALID_CALL_TEXT = "[injected fault: invalid tool call]";

    private final Random random;
    private final List<Kind> kinds;
    private final Duration hang;
    private final Deque<Kind> scripted = new ArrayDeque<>();
    private final Map<Kind, Long> injected = new EnumMap<>(Kind.class);
    private double rate;

    private Faults(double rate, long seed, Duration hang, List<Kind> kinds) {
        if (rate < 0 || rate > 1) throw new IllegalArgumentException("the fault rate is a fraction, got " + rate);
        if (kinds.isEmpty()) throw new IllegalArgumentException("no fault kinds to choose from");
        this.rate = rate;
        this.random = new Random(seed);
        this.hang = hang;
        this.kinds = List.copyOf(kinds);
    }

    /**
     * Faults of every kind at {@code rate} (0 to 1) of the chat requests, drawn from {@code seed}; a hang or stall
     * lasts {@code hang} (make it longer than the client's call timeout).
     */
    public static Faults of(double rate, long seed, Duration hang) {
        return new Faults(rate, seed, hang, Arrays.asList(Kind.values()));
    }

    /** Faults of only these kinds. */
    public static Faults of(double rate, long seed, Duration hang, Kind... kinds) {
        return new Faults(rate, seed, hang, Arrays.asList(kinds));
    }

    /** Sets the share of requests that get a fault; 0 turns random faults off (scripted ones still come). */
    public synchronized Faults rate(double rate) {
        if (rate < 0 || rate > 1) throw new IllegalArgumentException("the fault rate is a fraction, got " + rate);
        this.rate = rate;
        return this;
    }

    /** The next chat requests get these faults, in order, before any random draw. */
    public synchronized Faults script(Kind... next) {
        scripted.addAll(Arrays.asList(next));
        return this;
    }

    /** How long a {@link Kind#HANG} or {@link Kind#STALL} keeps the client waiting. */
    public Duration hang() {
        return hang;
    }

    /** The fault for the next chat request, counted, or {@code null} to answer it normally. */
    synchronized Kind next() {
        Kind kind = scripted.poll();
        if (kind == null && rate > 0 && random.nextDouble() < rate) kind = kinds.get(random.nextInt(kinds.size()));
        if (kind != null) injected.merge(kind, 1L, Long::sum);
        return kind;
    }

    /**
     * The conversation without the {@link Kind#INVALID_TOOL_CALL injected} invalid-call turns (told apart by their
     * text, {@link #INVALID_CALL_TEXT}) and the results of their calls: what an agent driving a fake sees, so that a
     * fault it did not make does not change what it does next.
     */
    public static List<Message> withoutInjectedCalls(List<Message> messages) {
        Set<ToolCall> injected = new HashSet<>();
        List<Message> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            if (m instanceof Message.Assistant a && a.text().equals(INVALID_CALL_TEXT)) {
                injected.addAll(a.calls());
            } else if (!(m instanceof Message.ToolResult r && injected.contains(r.call()))) {
                out.add(m);
            }
        }
        return out;
    }

    /** The faults injected so far, by kind (kinds never injected are absent). */
    public synchronized Map<Kind, Long> injected() {
        return Collections.unmodifiableMap(new EnumMap<>(injected));
    }

    /** How many faults were injected so far. */
    public synchronized long total() {
        return injected.values().stream().mapToLong(Long::longValue).sum();
    }
}
