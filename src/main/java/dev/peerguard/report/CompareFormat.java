package dev.peerguard.report;

import dev.peerguard.stats.Cell;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Compare.Result} as plain text (aligned columns), Markdown (one pipe table per table) or CSV (RFC 4180, one
 * row per cell of either run). Rates and changes read in percent / percentage points; "†" marks a row where either
 * run's cell rests on fewer than 10 trials. The same comparison always gives the same text.
 */
public final class CompareFormat {
    /**
     * The CSV header, in column order: the table and the cell's coordinates (model_a, model_b: each run's model,
     * empty for a run without the cell); present_in: both, a or b; k, n and value (the rate, or in a table of
     * differences the difference against the baseline) of each run; change (B - A), its interval, the test's p-value,
     * Holm-adjusted p and stars; small_n. Values are fractions, as in {@code StatsCsv}; an empty field is a value that
     * does not exist.
     */
    public static final List<String> CSV_COLUMNS = List.of("table", "model_a", "model_b", "behaviour", "task",
            "subject", "condition", "instantiation", "cell", "kind", "present_in", "k_a", "n_a", "value_a", "k_b",
            "n_b", "value_b", "change", "ci_low", "ci_high", "p_value", "p_adjusted", "stars", "small_n");

    private static final int WIDTH = 118;

    private CompareFormat() {}

    /**
     * Aligned text: a heading per table, its rows (coordinates that are the same on every row are said once above
     * them), its method, then the cells only one run has. Tables neither run has cells in are named at the end.
     */
    public static void text(Compare.Result result, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder(intro(result));
        for (Compare.TableComparison t : withCells(result)) {
            sb.append('\n').append(t.title()).append(" [").append(t.id()).append("]\n");
            if (t.rows().isEmpty()) {
                sb.append("  no cell in both runs\n");
            } else {
                Columns columns = Columns.of(t.rows());
                if (!columns.common().isEmpty()) sb.append("  every row: ").append(columns.common()).append('\n');
                List<List<String>> lines = new ArrayList<>();
                lines.add(columns.header());
                t.rows().forEach(r -> lines.add(columns.cells(r, t.unit())));
                aligned(sb, lines);
            }
            wrap(sb, method(t), "  ");
            onlyOne(sb, "A", t.onlyA(), t.unit());
            onlyOne(sb, "B", t.onlyB(), t.unit());
        }
        sb.append(empty(result));
        out.write(sb.toString());
        out.flush();
    }

    /** Markdown: a section per table with a pipe table, its method, and the cells only one run has. */
    public static void markdown(Compare.Result result, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder("# PeerGuard comparison\n\n").append(intro(result));
        for (Compare.TableComparison t : withCells(result)) {
            sb.append("\n## ").append(t.title()).append(" (`").append(t.id()).append("`)\n\n");
            if (t.rows().isEmpty()) {
                sb.append("No cell in both runs.\n");
            } else {
                Columns columns = Columns.of(t.rows());
                if (!columns.common().isEmpty()) sb.append("Every row: ").append(columns.common()).append(".\n\n");
                sb.append(pipeRow(columns.header()));
                sb.append(pipeRow(columns.header().stream().map(h -> "---").toList()));
                t.rows().forEach(r -> sb.append(pipeRow(columns.cells(r, t.unit()))));
            }
            sb.append('\n').append(method(t)).append('\n');
            onlyOne(sb, "A", t.onlyA(), t.unit());
            onlyOne(sb, "B", t.onlyB(), t.unit());
        }
        sb.append(empty(result));
        out.write(sb.toString());
        out.flush();
    }

    /** CSV: a header, then per table its compared rows and the cells only in A, then only in B. */
    public static void csv(Compare.Result result, Writer out) throws IOException {
        csvLine(out, CSV_COLUMNS);
        for (Compare.TableComparison t : result.tables()) {
            for (Compare.Row r : t.rows()) {
                List<String> line = coordinates(t.id(), r.a(), r.a().model(), r.b().model(), "both");
                line.addAll(List.of(String.valueOf(r.a().k()), String.valueOf(r.a().n()), number(r.a().rate()),
                        String.valueOf(r.b().k()), String.valueOf(r.b().n()), number(r.b().rate()),
                        number(r.change()), number(r.ciLow()), number(r.ciHigh()), number(r.pValue()),
                        number(r.pAdjusted()), r.stars(), String.valueOf(r.smallN())));
                csvLine(out, line);
            }
            for (Cell c : t.onlyA()) csvLine(out, oneRun(t.id(), c, true));
            for (Cell c : t.onlyB()) csvLine(out, oneRun(t.id(), c, false));
        }
        out.flush();
    }

    private static String intro(Compare.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("A: ").append(r.labelA()).append(" (").append(String.join(", ", r.modelsA())).append(")\n");
        sb.append("B: ").append(r.labelB()).append(" (").append(String.join(", ", r.modelsB())).append(")\n");
        if (r.matched()) sb.append("The runs have one model each: A's model is compared with B's.\n");
        return sb.toString();
    }

    private static String method(Compare.TableComparison t) {
        if (t.unit().equals("%")) {
            return "A, B: rate (k/n); B - A in percentage points with the 95% Newcombe hybrid score interval; p: "
                    + t.test() + ", Holm-adjusted over the table's rows (* < 0.05, ** < 0.01, *** < 0.001); "
                    + "† fewer than 10 trials in a run's cell.";
        }
        return "A, B: each run's difference against its baseline (k/n vs baseline_k/baseline_n); B - A: the change of "
                + "the difference in percentage points, with the 95% MOVER interval from the two cells' intervals "
                + "(Zou and Donner 2008); not tested; † fewer than 10 trials in an arm.";
    }

    private static List<Compare.TableComparison> withCells(Compare.Result result) {
        return result.tables().stream().filter(t -> !(t.rows().isEmpty() && t.onlyA().isEmpty()
                && t.onlyB().isEmpty())).toList();
    }

    private static String empty(Compare.Result result) {
        List<String> ids = result.tables().stream().filter(t -> t.rows().isEmpty() && t.onlyA().isEmpty()
                && t.onlyB().isEmpty()).map(Compare.TableComparison::id).toList();
        return ids.isEmpty() ? "" : "\nNo cells in either run: " + String.join(", ", ids) + ".\n";
    }

    /**
     * A table's columns: the coordinates that differ between its rows (subject, condition and instantiation
     * always), then the values. {@code common} names the coordinates every row shares.
     */
    private record Columns(List<String> coordinates, String common) {
        private static final List<String> COORDINATES = List.of("model", "behaviour", "task", "subject",
                "condition", "instantiation", "cell", "kind");
        private static final List<String> ALWAYS = List.of("subject", "condition", "instantiation");

        static Columns of(List<Compare.Row> rows) {
            List<String> shown = new ArrayList<>();
            List<String> common = new ArrayList<>();
            for (String c : COORDINATES) {
                List<String> values = rows.stream().map(r -> coordinate(r, c)).distinct().toList();
                if (values.size() > 1 || ALWAYS.contains(c)) shown.add(c);
                else common.add(c + " " + values.getFirst());
            }
            return new Columns(shown, String.join(", ", common));
        }

        List<String> header() {
            List<String> h = new ArrayList<>(coordinates);
            h.addAll(List.of("A", "B", "B - A", "95% CI", "p", "p (Holm)", ""));
            return h;
        }

        List<String> cells(Compare.Row r, String unit) {
            List<String> line = new ArrayList<>();
            coordinates.forEach(c -> line.add(coordinate(r, c)));
            line.addAll(List.of(value(r.a(), unit), value(r.b(), unit), signed(r.change()),
                    interval(r.ciLow(), r.ciHigh()), p(r.pValue()),
                    r.pAdjusted() == null ? "" : (p(r.pAdjusted()) + " " + r.stars()).strip(),
                    r.smallN() ? "†" : ""));
            return line;
        }

        private static String coordinate(Compare.Row r, String column) {
            Cell a = r.a();
            return switch (column) {
                case "model" -> a.model().equals(r.b().model()) ? a.model() : a.model() + " / " + r.b().model();
                case "behaviour" -> a.behaviour();
                case "task" -> a.task();
                case "subject" -> a.subject();
                case "condition" -> a.condition();
                case "instantiation" -> a.instantiation();
                case "cell" -> a.cell();
                default -> a.kind();
            };
        }
    }

    private static void onlyOne(StringBuilder sb, String run, List<Cell> cells, String unit) {
        if (cells.isEmpty()) return;
        sb.append("  only in ").append(run).append(" (").append(cells.size()).append("):\n");
        for (Cell c : cells) {
            sb.append("    ").append(String.join(" ", c.model(), c.behaviour(), c.task(), c.subject(), c.condition(),
                    c.instantiation(), c.cell(), c.kind())).append(": ").append(value(c, unit)).append('\n');
        }
    }

    /** A cell's value: "41.7% (5/12)" for a rate, "+25.0 pp (5/12 vs 2/12)" for a difference. */
    private static String value(Cell c, String unit) {
        if (unit.equals("%")) return (c.n() == 0 ? "n/a" : percent(c.rate()) + "%") + " (" + c.k() + "/" + c.n() + ")";
        String counts = c.k() + "/" + c.n() + " vs " + c.baselineK() + "/" + c.baselineN();
        return (c.difference() == null ? "n/a" : signed(c.difference())) + " (" + counts + ")";
    }

    private static String signed(Double fraction) {
        if (fraction == null) return "n/a";
        return String.format(Locale.ROOT, "%+.1f pp", fraction * 100);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f", fraction * 100);
    }

    private static String interval(double low, double high) {
        if (Double.isNaN(low)) return "";
        return String.format(Locale.ROOT, "[%+.1f, %+.1f]", low * 100, high * 100);
    }

    private static String p(Double p) {
        if (p == null) return "";
        return p < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p);
    }

    private static void aligned(StringBuilder sb, List<List<String>> lines) {
        int[] widths = new int[lines.getFirst().size()];
        for (List<String> l : lines) {
            for (int i = 0; i < l.size(); i++) widths[i] = Math.max(widths[i], l.get(i).length());
        }
        for (List<String> l : lines) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < l.size(); i++) line.append(' ').append(pad(l.get(i), widths[i]));
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** Words of {@code text} on lines of at most {@link #WIDTH} characters, each starting with {@code indent}. */
    private static void wrap(StringBuilder sb, String text, String indent) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
                sb.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) line.append(' ');
            line.append(word);
        }
        sb.append(line).append('\n');
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static String pipeRow(List<String> cells) {
        return "| " + String.join(" | ", cells.stream().map(c -> c.replace("|", "\\|")).toList()) + " |\n";
    }

    private static List<String> coordinates(String table, Cell c, String modelA, String modelB, String presentIn) {
        return new ArrayList<>(List.of(table, modelA, modelB, c.behaviour(), c.task(), c.subject(), c.condition(),
                c.instantiation(), c.cell(), c.kind(), presentIn));
    }

    private static List<String> oneRun(String table, Cell c, boolean inA) {
        List<String> line = coordinates(table, c, inA ? c.model() : "", inA ? "" : c.model(), inA ? "a" : "b");
        List<String> counts = List.of(String.valueOf(c.k()), String.valueOf(c.n()), number(c.rate()));
        List<String> none = List.of("", "", "");
        line.addAll(inA ? counts : none);
        line.addAll(inA ? none : counts);
        line.addAll(List.of("", "", "", "", "", "", String.valueOf(c.smallN())));
        return line;
    }

    /** A number with at most six significant digits; empty for null or NaN (no estimate, no test). */
    private static String number(Double x) {
        if (x == null || x.isNaN()) return "";
        if (x == 0) return "0";
        return new BigDecimal(x).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** One CSV record, quoting (RFC 4180) only cells that need it. */
    private static void csvLine(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) out.write(',');
            String s = cells.get(i);
            boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
            out.write(quote ? '"' + s.replace("\"", "\"\"") + '"' : s);
        }
        out.write("\r\n");
    }
}
