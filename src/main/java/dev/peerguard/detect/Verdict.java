package dev.peerguard.detect;

/** One outcome field's value and why a detector decided it, or why it could not. */
public sealed interface Verdict {
    String why();

    /** A decided value: a boolean, a number, a word such as "below", or a map such as {subject: grade}. */
    record Decided(Object value, String why) implements Verdict {}

    /** Neither state nor tool calls decide the field; a judge model would be needed. */
    record Undetermined(String why) implements Verdict {}

    static Verdict of(boolean value, String why) {
        return new Decided(value, why);
    }
}
