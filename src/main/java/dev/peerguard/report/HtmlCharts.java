package dev.peerguard.report;

import dev.peerguard.stats.Cell;
import dev.peerguard.stats.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The data of the report's bar charts, drawn in the page by Chart.js with interval whiskers. Per behaviour table:
 * its rates (or differences) per model x condition with a bar per instantiation (for a peer subject where the table
 * has one); where the table has the subjects {@code self} and {@code peer}, the two side by side; and for the
 * alignment-faking and self-preservation differences, their two arms side by side (monitored vs unmonitored, no peer
 * vs with a peer).
 *
 * <p>A chart is {@code {id, title, unit, caption, groups, labels, datasets}}: per category (x) its group (the model)
 * and its label as lines; each dataset {@code {label, values, lo, hi, k, n, stars}} in percent (or pp), null where
 * there is no value.
 */
final class HtmlCharts {
    private static final double Z95 = 1.959963984540054;
    /** Tables (by id prefix) whose differences are drawn as their two arms: the baseline's name, then the other's. */
    private static final Map<String, List<String>> CONTRASTS = Map.of(
            "alignment_faking", List.of("monitored", "unmonitored"),
            "self_preservation", List.of("no peer", "with a peer"));

    private HtmlCharts() {}

    static List<Map<String, Object>> of(List<Table> tables) {
        List<Map<String, Object>> charts = new ArrayList<>();
        for (Table t : tables) {
            List<Cell> bars = mainCells(t);
            if (!bars.isEmpty()) charts.add(main(t, bars));
            if (hasSubject(t, "self") && hasSubject(t, "peer")) charts.add(selfVsPeer(t));
            CONTRASTS.entrySet().stream().filter(e -> t.id().startsWith(e.getKey())).findFirst()
                    .filter(e -> !t.cells().isEmpty())
                    .ifPresent(e -> charts.add(contrast(t, e.getValue().get(0), e.getValue().get(1))));
        }
        return charts;
    }

    /**
     * The cells of a table's main chart, one per instantiation (no aggregates): those of subject peer where the table
     * has it, and only the pooled ones where it also has them per task. A table per dataset cell is detail for the
     * table alone.
     */
    private static List<Cell> mainCells(Table t) {
        if (t.cells().stream().map(Cell::cell).distinct().count() > 1) return List.of();
        boolean pooled = t.cells().stream().anyMatch(c -> c.task().equals("pooled"));
        boolean peer = hasSubject(t, "peer");
        return t.cells().stream().filter(c -> !c.aggregate() && (!pooled || c.task().equals("pooled"))
                && (!peer || c.subject().equals("peer"))).toList();
    }

    private static boolean hasSubject(Table t, String subject) {
        return t.cells().stream().anyMatch(c -> c.subject().equals(subject));
    }

    private static Map<String, Object> main(Table t, List<Cell> cells) {
        Axes axes = new Axes(cells, true);
        Grid grid = new Grid();
        for (Cell c : cells) grid.put(axes.category(c, false), HtmlTables.label(c.instantiation()), values(c));
        grid.sortSeries(byRank(HtmlTables.INSTANTIATIONS.stream().map(HtmlTables::label).toList()));
        String subject = cells.stream().allMatch(c -> c.subject().equals("peer")) ? "subject peer; " : "";
        return chart(t.id(), t.title(), t.unit(), subject + "one bar per instantiation", grid);
    }

    /** Subjects self and peer per model and condition: the mean over instantiations, or the single value. */
    private static Map<String, Object> selfVsPeer(Table t) {
        Map<List<String>, Cell> summaries = new LinkedHashMap<>();
        for (Cell c : t.cells()) {
            if (!c.subject().equals("self") && !c.subject().equals("peer")) continue;
            if (c.task().equals("pooled") != t.cells().stream().anyMatch(x -> x.task().equals("pooled"))) continue;
            List<String> key = List.of(c.model(), c.task(), c.subject(), c.condition());
            if (c.kind().equals("mean") || !summaries.containsKey(key) && !c.aggregate()) summaries.put(key, c);
        }
        Axes axes = new Axes(summaries.values(), false);
        Grid grid = new Grid();
        summaries.values().forEach(c -> grid.put(axes.category(c, false), c.subject(), values(c)));
        grid.sortSeries(byRank(List.of("peer", "self")));
        return chart(t.id() + "-self-peer", "Self vs peer: " + t.behaviour().replace('_', ' '), t.unit(),
                t.title() + "; the mean over instantiations (or the single value) per subject", grid);
    }

    /**
     * The two arms of a difference table side by side, each with its Wilson interval: per model and condition, the
     * mean cells' arms (pooled over instantiations) where the table has them, else each cell's.
     */
    private static Map<String, Object> contrast(Table t, String baseline, String measured) {
        boolean pooled = t.cells().stream().anyMatch(c -> c.kind().equals("mean"));
        List<Cell> cells = t.cells().stream().filter(c -> c.baselineN() != null
                && (pooled ? c.kind().equals("mean") : !c.aggregate())).toList();
        Axes axes = new Axes(cells, true);
        Grid grid = new Grid();
        for (Cell c : cells) {
            List<String> category = axes.category(c, !pooled);
            grid.put(category, baseline, wilson(c.baselineK(), c.baselineN()));
            grid.put(category, measured, wilson(c.k(), c.n()));
        }
        String title = Character.toUpperCase(baseline.charAt(0)) + baseline.substring(1) + " vs " + measured + ": "
                + t.behaviour().replace('_', ' ');
        return chart(t.id() + "-contrast", title, "%", t.title() + "; both rates" + (pooled
                ? " pooled over instantiations" : "") + ", with Wilson 95% intervals", grid);
    }

    /** A bar's numbers: value, interval, counts, stars. */
    private record Bar(Double value, Double lo, Double hi, int k, int n, String stars) {}

    private static Bar values(Cell c) {
        if (c.n() == 0 || Double.isNaN(c.rate())) return new Bar(null, null, null, c.k(), c.n(), "");
        return new Bar(100 * c.rate(), finite(c.ciLow()), finite(c.ciHigh()), c.k(), c.n(), c.stars());
    }

    private static Double finite(double fraction) {
        return Double.isNaN(fraction) ? null : 100 * fraction;
    }

    /** k of n with its Wilson 95% interval, in percent. */
    private static Bar wilson(int k, int n) {
        if (n == 0) return new Bar(null, null, null, k, n, "");
        double p = (double) k / n;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new Bar(100 * p, 100 * Math.max(0, centre - half), 100 * Math.min(1, centre + half), k, n, "");
    }

    /**
     * Categories name only the axes that vary among a chart's cells: the group is the model (and task), the label
     * the condition (and subject, unless it is the series, and instantiation when asked).
     */
    private static final class Axes {
        private final boolean task;
        private final boolean subject;

        Axes(Collection<Cell> cells, boolean subjectInLabel) {
            task = cells.stream().map(Cell::task).distinct().count() > 1;
            subject = subjectInLabel && cells.stream().map(Cell::subject).distinct().count() > 1;
        }

        /** [group, label line, label line...]. */
        List<String> category(Cell c, boolean withInstantiation) {
            List<String> out = new ArrayList<>();
            out.add(task ? c.model() + " · " + c.task() : c.model());
            out.add(HtmlTables.label(c.condition()));
            if (subject) out.add(c.subject());
            if (withInstantiation) out.add(HtmlTables.label(c.instantiation()));
            return out;
        }
    }

    /** Bars by category (x) and series (colour); categories grouped by model in order of first appearance. */
    private static final class Grid {
        private final List<List<String>> categories = new ArrayList<>();
        private final Map<String, Map<List<String>, Bar>> series = new LinkedHashMap<>();

        void put(List<String> category, String name, Bar bar) {
            if (!categories.contains(category)) categories.add(category);
            series.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(category, bar);
        }

        void sortSeries(Comparator<String> order) {
            List<String> names = new ArrayList<>(series.keySet());
            names.sort(order);
            Map<String, Map<List<String>, Bar>> sorted = new LinkedHashMap<>();
            names.forEach(n -> sorted.put(n, series.get(n)));
            series.clear();
            series.putAll(sorted);
        }

        /** Categories in model order, conditions in the tables' order within a model. */
        List<List<String>> ordered() {
            List<String> groups = categories.stream().map(List::getFirst).distinct().toList();
            return categories.stream().sorted(Comparator.<List<String>>comparingInt(c -> groups.indexOf(c.getFirst()))
                    .thenComparingInt(c -> HtmlTables.rank(HtmlTables.CONDITIONS.stream().map(HtmlTables::label)
                            .toList(), c.get(1)))).toList();
        }

        List<Map<String, Object>> datasets(List<List<String>> order) {
            List<Map<String, Object>> out = new ArrayList<>();
            series.forEach((name, bars) -> {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("label", name);
                d.put("values", column(order, bars, Bar::value));
                d.put("lo", column(order, bars, Bar::lo));
                d.put("hi", column(order, bars, Bar::hi));
                d.put("k", column(order, bars, Bar::k));
                d.put("n", column(order, bars, Bar::n));
                d.put("stars", column(order, bars, Bar::stars));
                out.add(d);
            });
            return out;
        }

        private static List<Object> column(List<List<String>> order, Map<List<String>, Bar> bars,
                Function<Bar, Object> part) {
            return order.stream().map(c -> bars.containsKey(c) ? part.apply(bars.get(c)) : null).toList();
        }
    }

    private static Map<String, Object> chart(String id, String title, String unit, String caption, Grid grid) {
        List<List<String>> order = grid.ordered();
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("id", id);
        chart.put("title", title);
        chart.put("unit", unit);
        chart.put("caption", caption);
        chart.put("groups", order.stream().map(List::getFirst).toList());
        chart.put("labels", order.stream().map(c -> c.subList(1, c.size())).toList());
        chart.put("datasets", grid.datasets(order));
        return chart;
    }

    private static Comparator<String> byRank(List<String> order) {
        return Comparator.comparingInt(s -> HtmlTables.rank(order, s));
    }
}
