package dev.peerguard.detect;

/**
 * A model asked one question at a time: one user message in, its text answer out (the judge runs at temperature 0).
 * Implementations may throw RuntimeException when the provider fails.
 */
@FunctionalInterface
public interface JudgeModel {
    String ask(String prompt);
}
