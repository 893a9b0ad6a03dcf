package dev.peerguard.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a run store holds at a glance: finished and failed trials per model and per task, tokens, the time the trials
 * took, and when the first started and the last ended.
 *
 * @param durationMs the trials' summed durations (with concurrency, more than the wall-clock time)
 * @param first      when the earliest trial started; null for an empty store
 * @param last       when the latest trial ended; null for an empty store
 */
public record Summary(
        Map<String, Counts> byModel,
        Map<String, Counts> byTask,
        long inputTokens,
        long outputTokens,
        long estimatedTokens,
        long durationMs,
        Instant first,
        Instant last) {

    /** Trials stored as outcomes ({@code ok}) and as errors. */
    public record Counts(int ok, int error) {
        public int total() {
            return ok + error;
        }

        Counts plus(boolean isOk) {
            return isOk ? new Counts(ok + 1, error) : new Counts(ok, error + 1);
        }
    }

    public Summary {
        byModel = Map.copyOf(byModel);
        byTask = Map.copyOf(byTask);
    }

    public int ok() {
        return byModel.values().stream().mapToInt(Counts::ok).sum();
    }

    public int errors() {
        return byModel.values().stream().mapToInt(Counts::error).sum();
    }

    /** A few readable lines, as {@code peerguard show} prints them. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%d trials: %d ok, %d errors", ok() + errors(), ok(), errors()));
        if (first != null) sb.append(", from ").append(first).append(" to ").append(last);
        sb.append('\n');
        sb.append(String.format("tokens: %,d estimated", estimatedTokens));
        if (inputTokens + outputTokens > 0) sb.append(String.format(" (%,d in, %,d out reported)", inputTokens,
                outputTokens));
        sb.append(String.format("; trial time %s%n", Duration.ofMillis(durationMs).toString().substring(2)
                .toLowerCase(java.util.Locale.ROOT)));
        int width = java.util.stream.Stream.concat(byModel.keySet().stream(), byTask.keySet().stream())
                .mapToInt(String::length).max().orElse(0);
        lines(sb, "model", byModel, width);
        lines(sb, "task", byTask, width);
        return sb.toString().stripTrailing();
    }

    private static void lines(StringBuilder sb, String what, Map<String, Counts> counts, int width) {
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(String.format(
                "  %-5s %-" + width + "s  %6d ok  %4d errors%n", what, e.getKey(), e.getValue().ok(),
                e.getValue().error())));
    }
}
