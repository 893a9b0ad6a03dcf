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
        Instant last,
        Map<String, Cost> costByModel) {

    /**
     * What one model's trials cost: tokens as the providers reported them and USD where prices are known.
     *
     * @param usd           the summed known costs, null when no trial's cost is known
     * @param unknownTrials trials that called a model without a known price
     */
    public record Cost(long inputTokens, long outputTokens, Double usd, int unknownTrials) {
        Cost plus(long in, long out, Double trialUsd, boolean unknown) {
            Double sum = usd;
            if (trialUsd != null) sum = usd == null ? trialUsd : Double.valueOf(usd + trialUsd);
            return new Cost(inputTokens + in, outputTokens + out, sum, unknownTrials + (unknown ? 1 : 0));
        }

        /** "$1.23", "unknown", or "at least $1.23 (prices unknown for 4 trials)". */
        public String describe() {
            if (usd == null) return unknownTrials > 0 ? "unknown" : "$0";
            String known = String.format(java.util.Locale.ROOT, "$%.4f", usd);
            return unknownTrials == 0 ? known : "at least " + known + " (prices unknown for " + unknownTrials
                    + " trials)";
        }
    }

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
        costByModel = Map.copyOf(costByModel);
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
        costByModel.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(String.format(
                "  cost  %-" + width + "s  %s (%,d in, %,d out tokens)%n", e.getKey(), e.getValue().describe(),
                e.getValue().inputTokens(), e.getValue().outputTokens())));
        return sb.toString().stripTrailing();
    }

    private static void lines(StringBuilder sb, String what, Map<String, Counts> counts, int width) {
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(String.format(
                "  %-5s %-" + width + "s  %6d ok  %4d errors%n", what, e.getKey(), e.getValue().ok(),
                e.getValue().error())));
    }
}
