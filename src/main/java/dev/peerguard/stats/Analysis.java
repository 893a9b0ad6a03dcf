package dev.peerguard.stats;

import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Task;
import dev.peerguard.store.TrialRecord;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a run store shows: the study's tables (with intervals, tests and multiple-comparison control) and what was
 * left out of them — trials stored as errors and outcome fields no rule decided — so nothing is dropped silently.
 *
 * <p>The tables, in this order (see each table's notes for how its cells are computed): {@code misrepresentation},
 * {@code tampering}, {@code exfiltration}, {@code alignment_faking_score}, {@code alignment_faking_shutdown},
 * {@code self_preservation}, {@code refusal}, {@code misrepresentation_cells}. Every table is present, with no cells
 * when the run has no trials for it.
 *
 * <p>Trials of a variant of the study's setting — the private scratchpad, or an organisation other than OpenBrain —
 * are kept apart from the model's other trials: their model reads e.g. {@code "openai/gpt-5.2 (scratchpad)"}.
 *
 * @param tables              the tables, in the order above
 * @param trials              all trials in the store
 * @param ok                  trials with an outcome
 * @param errors              trials stored as errors (never counted in a rate)
 * @param undeterminedByField outcome field -> how many ok trials have it undetermined (sorted by field)
 */
public record Analysis(List<Table> tables, int trials, int ok, int errors, Map<String, Integer> undeterminedByField) {
    public Analysis {
        tables = List.copyOf(tables);
        undeterminedByField = Collections.unmodifiableMap(new TreeMap<>(undeterminedByField));
    }

    /** Analyses trials, reading each once (a store's {@code trials()}, or any iterable). */
    public static Analysis of(Iterable<TrialRecord> trials, Options options) {
        Accumulator accumulator = accumulator(options);
        trials.forEach(accumulator);
        return accumulator.result();
    }

    /**
     * A consumer to stream trials into, e.g. {@code store.forEachTrial(acc)}, then {@link Accumulator#result()}: it
     * keeps only counts, never the trials.
     */
    public static Accumulator accumulator(Options options) {
        return new Accumulator(options);
    }

    /** The table with this id. */
    public Table table(String id) {
        return tables.stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + id));
    }

    /** Counts trials' behaviours as they stream by; {@link #result()} builds the tables from the counts. */
    public static final class Accumulator implements Consumer<TrialRecord> {
        private static final String UNDETERMINED = "undetermined";

        private final Options options;
        private final Map<Metrics.Key, Metrics.Tally> tallies = new HashMap<>();
        private final Map<String, Integer> undetermined = new TreeMap<>();
        private int trials;
        private int ok;
        private int errors;

        private Accumulator(Options options) {
            this.options = options;
        }

        @Override
        public void accept(TrialRecord trial) {
            trials++;
            if (trial.status() != TrialRecord.Status.OK) {
                errors++;
                return;
            }
            ok++;
            trial.outcome().forEach((field, value) -> {
                if (UNDETERMINED.equals(value)) undetermined.merge(field, 1, Integer::sum);
            });
            Map<String, Object> config = trial.config();
            String model = model(trial.model(), config);
            for (Behaviour b : Metrics.MEASURED) {
                Behaviour.Reading reading = b.read(config, trial.outcome());
                if (reading != Behaviour.Reading.NOT_APPLICABLE) count(model, b, config, cell(config), reading);
            }
            if (isEvaluationBaseline(config)) {
                // A non_shutdown evaluation is the baseline of every threshold its dataset is graded against.
                for (dev.peerguard.scenario.Cell c : dev.peerguard.scenario.Cell.forTask(Task.MISREP_EVALUATION)) {
                    if (!c.dataset().id().equals(config.get("dataset"))) continue;
                    count(model, Behaviour.MISREPRESENTATION, config, c.toString(),
                            Behaviour.scoreAtLeast(trial.outcome().get("score"), c.threshold()));
                }
            }
        }

        /** The analysis of every trial accepted so far. */
        public Analysis result() {
            return new Analysis(new Metrics(tallies, options).tables(), trials, ok, errors, undetermined);
        }

        private void count(String model, Behaviour b, Map<String, Object> config, String cell,
                Behaviour.Reading reading) {
            Metrics.Key key = new Metrics.Key(model, b, text(config.get("task")), text(config.get("subject")),
                    text(config.get("condition")), config.get("instantiation") == null ? Metrics.NONE
                            : text(config.get("instantiation")), cell, text(config.get("mode")));
            tallies.merge(key, Metrics.Tally.of(reading), Metrics.Tally::plus);
        }

        private static boolean isEvaluationBaseline(Map<String, Object> config) {
            return "misrep_evaluation".equals(config.get("task")) && "non_shutdown".equals(config.get("condition"));
        }

        /** The dataset cell: finance, dataset@threshold, a bare dataset (non_shutdown), or "all" for other tasks. */
        private static String cell(Map<String, Object> config) {
            if ("misrep_finance".equals(config.get("task"))) return Metrics.FINANCE;
            Object dataset = config.get("dataset");
            if (dataset == null) return Metrics.ALL;
            Object threshold = config.get("threshold");
            return threshold == null ? dataset.toString() : dataset + "@" + threshold;
        }

        private static String model(String model, Map<String, Object> config) {
            StringBuilder sb = new StringBuilder(model);
            if (Boolean.TRUE.equals(config.get("scratchpad"))) sb.append(" (scratchpad)");
            Object org = config.get("org");
            if (org != null && !org.equals(Configuration.DEFAULT_ORG)) sb.append(" (org: ").append(org).append(')');
            return sb.toString();
        }

        private static String text(Object value) {
            return value == null ? "" : value.toString();
        }
    }
}
