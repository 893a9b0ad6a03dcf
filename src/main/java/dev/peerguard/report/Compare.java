package dev.peerguard.report;

import dev.peerguard.stats.Analysis;
import dev.peerguard.stats.Cell;
import dev.peerguard.stats.Options;
import dev.peerguard.stats.Proportions;
import dev.peerguard.stats.Table;
import dev.peerguard.stats.Tests;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Two analyses side by side (e.g. a model before and after a mitigation): for each table, every cell present in both
 * is a {@link Row} with A's value, B's value and the change B - A with its 95% interval and test, Holm-adjusted within
 * the table; cells present in only one run are listed as such.
 *
 * <p>Cells match on model, behaviour, task, subject, condition, instantiation, dataset cell and kind. When the runs
 * have different models but one each (trials of the scratchpad or another organisation count as the same model), A's
 * model is matched to B's.
 *
 * <p>In a table of rates ({@code %}), the change is k_B/n_B - k_A/n_A with Newcombe's hybrid score interval and the
 * two-sided pooled two-proportion z-test (Fisher's exact test with {@link Options#fisherExact()}). In a table of
 * differences ({@code pp}: a condition against its baseline), the change is the difference of the two differences,
 * with the interval MOVER builds from the two cells' own intervals (Zou and Donner 2008) and no test.
 */
public final class Compare {
    private Compare() {}

    /**
     * The comparison of two runs.
     *
     * @param labelA  how run A is named (e.g. its directory)
     * @param modelsA A's models as its analysis names them; modelsB likewise
     * @param matched whether A's single model was matched to B's different one
     * @param fisher  whether differences of rates were tested with Fisher's exact test
     */
    public record Result(String labelA, String labelB, Set<String> modelsA, Set<String> modelsB, boolean matched,
            boolean fisher, List<TableComparison> tables) {
        public Result {
            modelsA = Set.copyOf(modelsA);
            modelsB = Set.copyOf(modelsB);
            tables = List.copyOf(tables);
        }
    }

    /**
     * One table of both runs.
     *
     * @param unit  "%" when the cells are rates, "pp" when they are differences against a baseline
     * @param test  how the changes were tested ("none" for tables of differences)
     * @param rows  cells present in both runs, in A's order
     * @param onlyA cells present only in A (with A's model name); onlyB likewise
     */
    public record TableComparison(String id, String title, String unit, String test, List<Row> rows, List<Cell> onlyA,
            List<Cell> onlyB) {
        public TableComparison {
            rows = List.copyOf(rows);
            onlyA = List.copyOf(onlyA);
            onlyB = List.copyOf(onlyB);
        }
    }

    /**
     * A cell of both runs and its change.
     *
     * @param change    B's value minus A's (a fraction), or null when either has no estimate
     * @param ciLow     lower end of the change's 95% interval (NaN when there is none)
     * @param ciHigh    upper end
     * @param pValue    the test of the change (null when not tested)
     * @param pAdjusted Holm-adjusted over the table's tested rows (null when not tested)
     * @param stars     "***", "**", "*" or "" from the adjusted p-value
     */
    public record Row(Cell a, Cell b, Double change, double ciLow, double ciHigh, Double pValue, Double pAdjusted,
            String stars) {
        /** Whether either run's cell rests on fewer than 10 trials. */
        public boolean smallN() {
            return a.smallN() || b.smallN();
        }
    }

    /** Compares run A ({@code a}) with run B; {@code options} says whether the test is Fisher's exact test. */
    public static Result of(String labelA, Analysis a, String labelB, Analysis b, Options options) {
        Set<String> modelsA = baseModels(a);
        Set<String> modelsB = baseModels(b);
        boolean matched = modelsA.size() == 1 && modelsB.size() == 1 && !modelsA.equals(modelsB);
        UnaryOperator<String> toB = matched ? renamer(modelsA.iterator().next(), modelsB.iterator().next())
                : UnaryOperator.identity();
        List<TableComparison> tables = new ArrayList<>();
        for (Table ta : a.tables()) {
            Table tb = b.tables().stream().filter(t -> t.id().equals(ta.id())).findFirst().orElse(null);
            tables.add(compare(ta, tb == null ? List.of() : tb.cells(), toB, options));
        }
        return new Result(labelA, labelB, modelsA, modelsB, matched, options.fisherExact(), tables);
    }

    private static TableComparison compare(Table ta, List<Cell> cellsB, UnaryOperator<String> toB, Options options) {
        boolean rates = ta.unit().equals("%");
        Map<Key, Cell> byKeyB = new LinkedHashMap<>();
        cellsB.forEach(c -> byKeyB.put(Key.of(c, UnaryOperator.identity()), c));
        List<Row> untested = new ArrayList<>();
        List<Cell> onlyA = new ArrayList<>();
        for (Cell ca : ta.cells()) {
            Cell cb = byKeyB.remove(Key.of(ca, toB));
            if (cb == null) onlyA.add(ca);
            else untested.add(rates ? rateChange(ca, cb, options) : differenceChange(ca, cb));
        }
        String test = !rates ? "none" : options.fisherExact() ? "two-sided Fisher exact test"
                : "two-sided pooled two-proportion z-test";
        return new TableComparison(ta.id(), ta.title(), ta.unit(), test, holm(untested), onlyA,
                List.copyOf(byKeyB.values()));
    }

    /** B's rate minus A's, with Newcombe's interval and the two-proportion test. */
    private static Row rateChange(Cell a, Cell b, Options options) {
        if (a.n() == 0 || b.n() == 0) return new Row(a, b, null, Double.NaN, Double.NaN, null, null, "");
        Proportions.Interval ci = Proportions.newcombe(b.k(), b.n(), a.k(), a.n());
        double p = options.fisherExact() ? Tests.fisherExact(b.k(), b.n(), a.k(), a.n())
                : Tests.twoProportionZ(b.k(), b.n(), a.k(), a.n());
        return new Row(a, b, (double) b.k() / b.n() - (double) a.k() / a.n(), ci.low(), ci.high(), p, null, "");
    }

    /** B's difference minus A's: the MOVER interval of dB + (-dA) from the cells' own intervals, untested. */
    private static Row differenceChange(Cell a, Cell b) {
        if (a.difference() == null || b.difference() == null || Double.isNaN(a.ciLow()) || Double.isNaN(b.ciLow())) {
            return new Row(a, b, null, Double.NaN, Double.NaN, null, null, "");
        }
        Proportions.Interval ci = Proportions.weightedSum(new double[] {1, 1},
                new double[] {b.difference(), -a.difference()}, new Proportions.Interval[] {
                        new Proportions.Interval(b.ciLow(), b.ciHigh()),
                        new Proportions.Interval(-a.ciHigh(), -a.ciLow())});
        return new Row(a, b, b.difference() - a.difference(), ci.low(), ci.high(), null, null, "");
    }

    /** Holm's adjustment over the rows that have a p-value, and their stars. */
    private static List<Row> holm(List<Row> rows) {
        double[] adjusted = Tests.holm(rows.stream().filter(r -> r.pValue() != null).mapToDouble(Row::pValue)
                .toArray());
        List<Row> out = new ArrayList<>();
        int i = 0;
        for (Row r : rows) {
            if (r.pValue() == null) {
                out.add(r);
            } else {
                double p = adjusted[i++];
                out.add(new Row(r.a(), r.b(), r.change(), r.ciLow(), r.ciHigh(), r.pValue(), p, Tests.stars(p)));
            }
        }
        return out;
    }

    /** Where a cell sits in its table, with its model renamed to match the other run's. */
    private record Key(String model, String behaviour, String task, String subject, String condition,
            String instantiation, String cell, String kind) {
        static Key of(Cell c, UnaryOperator<String> model) {
            return new Key(model.apply(c.model()), c.behaviour(), c.task(), c.subject(), c.condition(),
                    c.instantiation(), c.cell(), c.kind());
        }
    }

    /**
     * The models of an analysis without the variant suffixes (" (scratchpad)", " (org: X)") the analysis appends to
     * keep variants apart.
     */
    private static Set<String> baseModels(Analysis analysis) {
        Set<String> models = new TreeSet<>();
        analysis.tables().forEach(t -> t.cells().forEach(c -> models.add(base(c.model()))));
        return models;
    }

    private static String base(String model) {
        int variant = model.indexOf(" (");
        return variant < 0 ? model : model.substring(0, variant);
    }

    /** Renames model {@code from} (and its variants) to {@code to}, keeping the variant suffix. */
    private static UnaryOperator<String> renamer(String from, String to) {
        return m -> base(m).equals(from) ? to + m.substring(from.length()) : m;
    }
}
