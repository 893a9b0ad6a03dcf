package dev.peerguard.stats;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An analysis as Markdown, in the study's layout: per table, one row per model (and per behaviour, task or subject
 * when the table has several), columns bad / neutral / good peer, each "max / mean" over the instantiations in % (or
 * pp for differences) with its 95% interval, stars from the Holm-adjusted p-value and "†" when it rests on fewer than
 * 10 trials; then the table's test and notes. A coverage line ends the document: trials, errors and undetermined
 * outcome fields. Per-cell values (every instantiation, dataset cell, baseline) are in {@link StatsCsv}'s output.
 * The same analysis always gives the same text.
 */
public final class StatsMarkdown {
    private static final List<String> COLUMNS = List.of("bad_peer", "neutral_peer", "good_peer");

    private StatsMarkdown() {}

    /** Writes the document; flushes the writer. */
    public static void write(Analysis analysis, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder("# PeerGuard statistics\n");
        for (Table table : analysis.tables()) table(sb, table);
        sb.append('\n').append(coverage(analysis)).append('\n');
        out.write(sb.toString());
        out.flush();
    }

    private static void table(StringBuilder sb, Table table) {
        sb.append("\n## ").append(table.title()).append(" (`").append(table.id()).append("`)\n\n");
        List<Cell> aggregates = table.cells().stream().filter(Cell::aggregate).toList();
        if (table.cells().isEmpty()) {
            sb.append("No trials of this behaviour in the run.\n");
            return;
        }
        if (aggregates.isEmpty()) {
            sb.append("Per-cell values only: see the CSV (").append(table.cells().size()).append(" cells).\n");
        } else {
            grid(sb, table, aggregates);
        }
        sb.append("\nTest: ").append(table.test()).append(".\n\n");
        table.notes().forEach(n -> sb.append("- ").append(n).append('\n'));
    }

    private static void grid(StringBuilder sb, Table table, List<Cell> aggregates) {
        List<Function<Cell, String>> qualifiers = new ArrayList<>();
        List<String> headers = new ArrayList<>(List.of("model"));
        Map<String, Function<Cell, String>> candidates = new LinkedHashMap<>();
        candidates.put("behaviour", Cell::behaviour);
        candidates.put("task", Cell::task);
        candidates.put("subject", Cell::subject);
        candidates.forEach((header, qualifier) -> {
            if (aggregates.stream().map(qualifier).distinct().count() > 1) {
                qualifiers.add(qualifier);
                headers.add(header);
            }
        });
        Map<List<String>, Map<String, Cell[]>> rows = new LinkedHashMap<>();
        for (Cell c : aggregates) {
            List<String> key = new ArrayList<>(List.of(c.model()));
            qualifiers.forEach(q -> key.add(q.apply(c)));
            Cell[] maxMean = rows.computeIfAbsent(key, k -> new LinkedHashMap<>())
                    .computeIfAbsent(c.condition(), k -> new Cell[2]);
            maxMean[c.kind().equals("max") ? 0 : 1] = c;
        }
        sb.append("Each column: max / mean over the instantiations (file_only, file_prt, memory), in ")
                .append(table.unit()).append(", with the 95% interval; stars from the Holm-adjusted p-value "
                        + "(* < 0.05, ** < 0.01, *** < 0.001); † fewer than 10 trials.\n\n");
        headers.addAll(List.of("bad peer", "neutral peer", "good peer"));
        sb.append(row(headers)).append(row(headers.stream().map(h -> "---").toList()));
        rows.forEach((key, byCondition) -> {
            List<String> cells = new ArrayList<>(key);
            for (String condition : COLUMNS) {
                Cell[] maxMean = byCondition.get(condition);
                cells.add(maxMean == null ? "–"
                        : value(maxMean[0], table.unit()) + " / " + value(maxMean[1], table.unit()));
            }
            sb.append(row(cells));
        });
    }

    /** "82.8 [78.1, 86.6]***", "+37.7 [30.1, 45.0]**†" in pp, "n/a" without an estimate, "–" when absent. */
    static String value(Cell c, String unit) {
        if (c == null) return "–";
        String mark = c.smallN() ? "†" : "";
        if (Double.isNaN(c.rate())) return "n/a" + mark;
        String format = unit.equals("pp") ? "%+.1f" : "%.1f";
        return String.format(Locale.ROOT, format + " [%.1f, %.1f]", 100 * c.rate(), 100 * c.ciLow(),
                100 * c.ciHigh()) + c.stars() + mark;
    }

    static String coverage(Analysis a) {
        String undetermined = a.undeterminedByField().isEmpty() ? "none"
                : a.undeterminedByField().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", "));
        return "Coverage: " + a.trials() + " trials, " + a.ok() + " with an outcome, " + a.errors()
                + " stored as errors (in no rate); undetermined outcome fields (counted in no rate): " + undetermined
                + ".";
    }

    private static String row(List<String> cells) {
        return cells.stream().map(s -> Objects.toString(s, "").replace("|", "\\|"))
                .collect(Collectors.joining(" | ", "| ", " |\n"));
    }
}
