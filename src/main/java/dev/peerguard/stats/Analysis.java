package dev.peerguard.stats;

import java.util.List;
import java.util.Map;

/**
 * What a run store shows: the study's tables (with intervals, tests and multiple-comparison control) and what was
 * left out of them — trials stored as errors and outcome fields no rule decided — so nothing is dropped silently.
 *
 * @param trials                  all trials in the store
 * @param ok                      trials with an outcome
 * @param errors                  trials stored as errors (never counted in a rate)
 * @param undeterminedByField     outcome field -> how many ok trials have it undetermined
 */
public record Analysis(List<Table> tables, int trials, int ok, int errors, Map<String, Integer> undeterminedByField) {
    public Analysis {
        tables = List.copyOf(tables);
        undeterminedByField = Map.copyOf(undeterminedByField);
    }
}
