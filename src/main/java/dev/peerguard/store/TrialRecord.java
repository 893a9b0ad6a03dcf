package dev.peerguard.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One finished trial as the store keeps it: what was run (model, configuration as plain data, index, seed), how it
 * ended, and either its outcome or the error that stopped it. Errors are kept apart from outcomes so analysis never
 * counts them, and resume runs them again.
 *
 * @param config      the configuration's plain data ({@code Configuration.toMap()})
 * @param outcome     field -> value ({@code "undetermined"} where undecided); empty for errors
 * @param reasons     field -> why the detector decided so; empty for errors
 * @param transcript  the transcript as JSON text ({@code Transcript.toJson()}); may be null for errors
 * @param costUsd     what the trial's model and judge calls cost; null when a price is unknown or nothing was paid for
 * @param judgedFields the outcome fields a judge model decided (empty when none, null when the run had no judge)
 */
public record TrialRecord(
        String id,
        String model,
        Map<String, Object> config,
        int index,
        long seed,
        Status status,
        Map<String, Object> outcome,
        Map<String, String> reasons,
        String stopReason,
        String error,
        int iterations,
        long estimatedTokens,
        Long inputTokens,
        Long outputTokens,
        Instant startedAt,
        long durationMs,
        String transcript,
        Double costUsd,
        List<String> judgedFields) {

    public TrialRecord {
        judgedFields = judgedFields == null ? null : List.copyOf(judgedFields);
    }

    /** A record without cost or judge (scripted agents, tests). */
    public TrialRecord(String id, String model, Map<String, Object> config, int index, long seed, Status status,
            Map<String, Object> outcome, Map<String, String> reasons, String stopReason, String error, int iterations,
            long estimatedTokens, Long inputTokens, Long outputTokens, Instant startedAt, long durationMs,
            String transcript) {
        this(id, model, config, index, seed, status, outcome, reasons, stopReason, error, iterations, estimatedTokens,
                inputTokens, outputTokens, startedAt, durationMs, transcript, null, null);
    }

    /** Whether the trial produced an outcome or failed. */
    public enum Status {
        OK("ok"),
        ERROR("error");

        private final String id;

        Status(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
