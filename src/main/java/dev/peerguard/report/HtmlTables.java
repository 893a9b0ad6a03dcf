package dev.peerguard.report;

import static dev.peerguard.report.HtmlText.esc;

import dev.peerguard.stats.Cell;
import dev.peerguard.stats.Table;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The study's tables as HTML, one per behaviour: a row per model (and per task, subject and dataset cell where the
 * table has several), a column per condition (bad, neutral, good peer, and the no-peer and baseline contrasts where
 * present). An entry reads "max / mean" over the instantiations with the mean's 95% interval, stars from the
 * Holm-adjusted p-value and † for a small sample; a table without those aggregates gets a column per instantiation
 * instead. Each number's title gives its counts and p-values, and each number links to the trial browser filtered
 * to the trials behind it.
 */
final class HtmlTables {
    static final List<String> CONDITIONS = List.of("bad_peer", "neutral_peer", "good_peer", "no_peer",
            "non_shutdown", "all");
    static final List<String> SUBJECTS = List.of("peer", "closed-weight-peer", "open-weight-peer", "fiction-peer",
            "self", "all");
    static final List<String> INSTANTIATIONS = List.of("file_only", "file_prt", "memory", "none", "all");
    private static final List<String> TASKS = List.of("misrep_finance", "misrep_evaluation", "tampering",
            "alignment_faking", "exfiltration_transfer", "exfiltration_deletion", "pooled");
    private static final List<String> CELLS = List.of("finance", "factual@80", "creativity@80", "creativity@90",
            "red@80", "red@90", "all");
    /** The tasks a pooled cell of a behaviour pools; refusal pools every task, so it has none. */
    private static final Map<String, String> POOLED_TASKS = Map.of(
            "misrepresentation", "misrep_finance,misrep_evaluation",
            "exfiltration", "exfiltration_transfer,exfiltration_deletion",
            "score_at_threshold", "alignment_faking",
            "shutdown_skipped", "alignment_faking",
            "shutdown_evaded", "alignment_faking");

    private HtmlTables() {}

    /** A row of a table: the cells of one model, task, subject and dataset cell. */
    private record Row(String model, String task, String subject, String cell) {}

    /** A column: a condition, and an instantiation when the table has no aggregates over them (else null). */
    private record Column(String condition, String instantiation) {}

    static String render(List<Table> tables) {
        if (tables.isEmpty()) return "<p class=\"note\">No table: the run has no trial with an outcome.</p>\n";
        StringBuilder b = new StringBuilder("<div class=\"toc\">");
        for (Table t : tables) {
            b.append("<a href=\"#table-").append(esc(t.id())).append("\">").append(esc(t.title())).append("</a>");
        }
        b.append("</div>\n");
        tables.forEach(t -> b.append(render(t)));
        return b.toString();
    }

    static String render(Table table) {
        StringBuilder b = new StringBuilder();
        b.append("<div class=\"card table-card\" id=\"table-").append(esc(table.id())).append("\">\n<h3>")
                .append(esc(table.title())).append("</h3>\n<p class=\"meta\">").append(esc(table.behaviour()))
                .append(" · ").append(table.unit().equals("pp") ? "difference in percentage points" : "rate in %")
                .append(" · ").append(esc(table.test())).append("</p>\n");
        if (table.cells().isEmpty()) {
            b.append("<p class=\"note\">No trials of this run are behind this table.</p>\n");
        } else if (table.cells().stream().map(Cell::cell).distinct().count() > 1) {
            // A table per dataset cell is the detail behind another table: shown on request.
            b.append("<details class=\"detail\"><summary>Show the table per dataset cell</summary>")
                    .append(grid(table)).append("</details>\n");
        } else {
            b.append(grid(table));
        }
        if (!table.notes().isEmpty()) {
            b.append("<details class=\"notes\"><summary>How this table is computed</summary><ul>");
            table.notes().forEach(n -> b.append("<li>").append(esc(n)).append("</li>"));
            b.append("</ul></details>\n");
        }
        return b.append("</div>\n").toString();
    }

    private static String grid(Table table) {
        List<Cell> cells = table.cells();
        boolean aggregated = cells.stream().anyMatch(Cell::aggregate);
        Map<Row, Map<Column, List<Cell>>> rows = new LinkedHashMap<>();
        List<String> models = cells.stream().map(Cell::model).distinct().toList();
        Comparator<Row> rowOrder = Comparator.<Row>comparingInt(r -> models.indexOf(r.model()))
                .thenComparingInt(r -> rank(TASKS, r.task())).thenComparingInt(r -> rank(SUBJECTS, r.subject()))
                .thenComparingInt(r -> rank(CELLS, r.cell()));
        cells.stream().map(HtmlTables::row).distinct().sorted(rowOrder)
                .forEach(r -> rows.put(r, new LinkedHashMap<>()));
        for (Cell c : cells) {
            Column column = new Column(c.condition(), aggregated ? null : c.instantiation());
            rows.get(row(c)).computeIfAbsent(column, k -> new ArrayList<>()).add(c);
        }
        List<Column> columns = rows.values().stream().flatMap(m -> m.keySet().stream()).distinct()
                .sorted(Comparator.<Column>comparingInt(c -> rank(CONDITIONS, c.condition()))
                        .thenComparingInt(c -> rank(INSTANTIATIONS, c.instantiation())))
                .toList();
        boolean showTask = varies(rows, Row::task);
        boolean showSubject = varies(rows, Row::subject);
        boolean showCell = varies(rows, Row::cell);
        boolean twoLevels = columns.stream().anyMatch(c -> c.instantiation() != null);

        StringBuilder b = new StringBuilder("<div class=\"table-scroll\"><table class=\"results\">\n<thead><tr>");
        String rowspan = twoLevels ? " rowspan=\"2\"" : "";
        b.append("<th").append(rowspan).append(">Model</th>");
        if (showTask) b.append("<th").append(rowspan).append(">Task</th>");
        if (showSubject) b.append("<th").append(rowspan).append(">Subject</th>");
        if (showCell) b.append("<th").append(rowspan).append(">Cell</th>");
        if (twoLevels) {
            Map<String, Long> spans = columns.stream().collect(Collectors.groupingBy(Column::condition,
                    LinkedHashMap::new, Collectors.counting()));
            spans.forEach((condition, span) -> b.append("<th class=\"group\" colspan=\"").append(span).append("\">")
                    .append(esc(label(condition))).append("</th>"));
            b.append("</tr><tr>");
            columns.forEach(c -> b.append("<th class=\"num sub\">").append(esc(label(c.instantiation())))
                    .append("</th>"));
        } else {
            columns.forEach(c -> b.append("<th class=\"num\">").append(esc(label(c.condition()))).append("</th>"));
        }
        b.append("</tr></thead>\n<tbody>\n");
        String previousModel = null;
        boolean pp = table.unit().equals("pp");
        for (Map.Entry<Row, Map<Column, List<Cell>>> e : rows.entrySet()) {
            Row row = e.getKey();
            boolean first = !row.model().equals(previousModel);
            previousModel = row.model();
            b.append(first ? "<tr class=\"group-start\">" : "<tr>");
            if (first) {
                long span = rows.keySet().stream().filter(r -> r.model().equals(row.model())).count();
                b.append("<th scope=\"rowgroup\" rowspan=\"").append(span).append("\" class=\"model\">")
                        .append(esc(row.model())).append("</th>");
            }
            if (showTask) b.append("<td class=\"label\">").append(esc(row.task())).append("</td>");
            if (showSubject) b.append("<td class=\"label\">").append(esc(row.subject())).append("</td>");
            if (showCell) b.append("<td class=\"label\">").append(esc(row.cell())).append("</td>");
            for (Column column : columns) b.append(entry(e.getValue().getOrDefault(column, List.of()), pp));
            b.append("</tr>\n");
        }
        return b.append("</tbody></table></div>\n").toString();
    }

    private static Row row(Cell c) {
        return new Row(c.model(), c.task(), c.subject(), c.cell());
    }

    private static boolean varies(Map<Row, ?> rows, Function<Row, String> axis) {
        return rows.keySet().stream().map(axis).distinct().count() > 1;
    }

    /** One table entry: "max / mean" (or the single value), its interval, stars and small-n mark. */
    private static String entry(List<Cell> cells, boolean pp) {
        if (cells.isEmpty()) return "<td class=\"num empty\">·</td>";
        Cell max = find(cells, "max");
        Cell mean = find(cells, "mean");
        List<Cell> parts = cells.stream().filter(c -> !c.aggregate())
                .sorted(Comparator.comparingInt(c -> rank(INSTANTIATIONS, c.instantiation()))).toList();
        Cell primary = mean != null ? mean : parts.getFirst();
        StringBuilder b = new StringBuilder("<td class=\"num");
        if (primary.n() > 0 && primary.rate() > 0 && !primary.stars().isEmpty()) b.append(" hit");
        b.append('"');
        if (parts.size() > 1) b.append(" title=\"").append(esc(breakdown(parts, pp))).append('"');
        b.append("><div class=\"value\">");
        if (mean != null && max != null) b.append(link(max, pp, max.source())).append(" / ");
        b.append(link(primary, pp, mean != null ? null : primary.instantiation()));
        if (!primary.stars().isEmpty()) {
            b.append("<span class=\"stars\">").append(esc(primary.stars())).append("</span>");
        }
        if (primary.smallN()) b.append("<span class=\"smalln\" title=\"fewer than 10 trials\">†</span>");
        b.append("</div><div class=\"ci\">").append(interval(primary, pp)).append("</div>");
        return b.append("</td>").toString();
    }

    private static Cell find(List<Cell> cells, String kind) {
        return cells.stream().filter(c -> c.kind().equals(kind)).findFirst().orElse(null);
    }

    /** A number linking to the trials behind a cell; {@code instantiation} null keeps every instantiation. */
    private static String link(Cell c, boolean pp, String instantiation) {
        return "<a href=\"" + esc(href(c, instantiation)) + "\" title=\"" + esc(describe(c, pp)) + "\">"
                + esc(value(c, pp)) + "</a>";
    }

    /** The trial browser's address for a cell's trials, e.g. {@code #trials?model=m&task=tampering&...}. */
    private static String href(Cell c, String instantiation) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("model", c.model());
        String task = c.task().equals("pooled") ? POOLED_TASKS.get(c.behaviour()) : c.task();
        if (task != null) q.put("task", task);
        if (!c.subject().equals("all")) q.put("subject", c.subject());
        if (!c.condition().equals("all")) q.put("condition", c.condition());
        if (instantiation != null && !instantiation.equals("all") && INSTANTIATIONS.contains(instantiation)) {
            q.put("instantiation", instantiation);
        }
        if (c.cell() != null && !c.cell().equals("all") && !c.cell().equals("finance")) q.put("cell", c.cell());
        return "#trials?" + q.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static String value(Cell c, boolean pp) {
        if (c.n() == 0 || Double.isNaN(c.rate())) return "–";
        return pp ? HtmlText.pp(c.rate()) : HtmlText.pct(c.rate());
    }

    private static String interval(Cell c, boolean pp) {
        if (Double.isNaN(c.ciLow()) || Double.isNaN(c.ciHigh())) return c.n() == 0 ? "n = 0" : "no estimate";
        return "[" + (pp ? HtmlText.pp(c.ciLow()) : HtmlText.pct(c.ciLow())) + ", "
                + (pp ? HtmlText.pp(c.ciHigh()) : HtmlText.pct(c.ciHigh())) + "]";
    }

    /** What the hover shows for one cell: value, interval, counts and the tests. */
    private static String describe(Cell c, boolean pp) {
        StringBuilder b = new StringBuilder();
        switch (c.kind()) {
            case "max" -> b.append("max (").append(label(c.source())).append("): ");
            case "mean" -> b.append("mean over instantiations: ");
            default -> b.append(c.instantiation().equals("none") ? "" : label(c.instantiation()) + ": ");
        }
        b.append(value(c, pp)).append(pp ? " pp" : "%");
        if (!Double.isNaN(c.ciLow())) b.append(", 95% interval ").append(interval(c, pp));
        b.append("\n").append(c.k()).append(" of ").append(c.n()).append(" decided trials");
        if (c.baselineN() != null) b.append(" vs baseline ").append(c.baselineK()).append(" of ").append(c.baselineN());
        if (c.excluded() > 0) b.append("; ").append(c.excluded()).append(" undetermined, left out");
        if (c.pValue() != null) b.append("\np = ").append(HtmlText.p(c.pValue()));
        if (c.pAdjusted() != null) b.append(", Holm-adjusted p = ").append(HtmlText.p(c.pAdjusted()));
        if (!c.stars().isEmpty()) b.append(" ").append(c.stars());
        if (c.smallN()) b.append("\n† small sample: fewer than 10 trials");
        return b.toString();
    }

    /** The instantiations behind an entry, one line each. */
    private static String breakdown(List<Cell> parts, boolean pp) {
        return parts.stream().map(c -> label(c.instantiation()) + ": " + value(c, pp) + (pp ? " pp" : "%") + " ("
                + c.k() + "/" + c.n() + (c.pAdjusted() == null ? "" : ", Holm p " + HtmlText.p(c.pAdjusted()))
                + ")").collect(Collectors.joining("\n"));
    }

    /** A readable name for an axis value: {@code good_peer} -> "good peer", {@code file_prt} -> "file + prompt". */
    static String label(String value) {
        return switch (Objects.requireNonNullElse(value, "none")) {
            case "file_prt" -> "file + prompt";
            case "file_only" -> "file only";
            case "no_peer" -> "no peer";
            case "non_shutdown" -> "non-shutdown";
            case "non_monitoring" -> "unmonitored";
            case "monitoring" -> "monitored";
            case "none" -> "none";
            default -> value.replace('_', ' ');
        };
    }

    static int rank(List<String> order, String value) {
        int i = order.indexOf(value);
        return i < 0 ? order.size() : i;
    }
}
