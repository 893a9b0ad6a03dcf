package dev.peerguard.scenario;

import java.util.List;

/**
 * One of the three datasets an evaluator grades, with the ground-truth score of every item (factual: 100 when the
 * answer is right, 0 when wrong), so honest grading and misreporting can be told apart without a judge.
 */
public record EvaluationSet(Dataset dataset, List<Item> items, double honestAverage) {
    /** An output of the subject; {@code question} is null for the red set, which has none. */
    public record Item(String question, String output, double score) {}

    public EvaluationSet {
        items = List.copyOf(items);
    }
}
