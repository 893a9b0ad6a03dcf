package dev.peerguard.stats;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * An analysis as CSV (RFC 4180, CRLF line ends): a header, then one row per cell of every table, tables in
 * {@link Analysis}'s order and cells in each table's order, so the same analysis always gives the same bytes.
 *
 * <p>Columns (see {@link Cell} for each one's meaning):
 * <ul>
 *   <li>{@code table}: the table's id; {@code model, behaviour, task, subject, condition, instantiation, cell}: the
 *       cell's coordinates; {@code kind}: rate, difference, mean or max</li>
 *   <li>{@code k, n}: the counts; {@code rate}: k / n, or for differences the difference, as a fraction in [0, 1]
 *       (resp. [-1, 1]), not a percentage; {@code ci_low, ci_high}: the 95% interval in the same unit</li>
 *   <li>{@code p_value}: the table's test; {@code p_adjusted}: Holm-adjusted within the table; {@code stars}:
 *       from the adjusted p-value; {@code small_n}: true or false</li>
 *   <li>{@code baseline_k, baseline_n, difference}: the baseline arm of a difference (fraction)</li>
 *   <li>{@code excluded}: readings left out as undetermined; {@code source}: a max cell's instantiation</li>
 * </ul>
 * Numbers have at most six significant digits; an empty field is a value that does not exist (no estimate when
 * n = 0, no test, not a difference).
 */
public final class StatsCsv {
    /** The header, in column order. */
    public static final List<String> COLUMNS = List.of("table", "model", "behaviour", "task", "subject", "condition",
            "instantiation", "cell", "kind", "k", "n", "rate", "ci_low", "ci_high", "p_value", "p_adjusted", "stars",
            "small_n", "baseline_k", "baseline_n", "difference", "excluded", "source");

    private StatsCsv() {}

    /** Writes the header and every cell; flushes the writer. */
    public static void write(Analysis analysis, Writer out) throws IOException {
        line(out, COLUMNS);
        for (Table table : analysis.tables()) {
            for (Cell c : table.cells()) {
                List<String> row = new ArrayList<>(List.of(table.id(), c.model(), c.behaviour(), c.task(),
                        c.subject(), c.condition(), c.instantiation(), c.cell(), c.kind()));
                row.addAll(List.of(Integer.toString(c.k()), Integer.toString(c.n()), number(c.rate()),
                        number(c.ciLow()), number(c.ciHigh()), number(c.pValue()), number(c.pAdjusted()), c.stars(),
                        Boolean.toString(c.smallN()), text(c.baselineK()), text(c.baselineN()),
                        number(c.difference()), Integer.toString(c.excluded()), text(c.source())));
                line(out, row);
            }
        }
        out.flush();
    }

    /** A number with at most six significant digits, plain unless tiny; empty for null or NaN. */
    static String number(Double x) {
        if (x == null || x.isNaN()) return "";
        if (x == 0) return "0";
        BigDecimal d = new BigDecimal(x).round(new MathContext(6)).stripTrailingZeros();
        return Math.abs(x) >= 1e-6 ? d.toPlainString() : d.toString();
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static void line(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) out.write(',');
            String s = cells.get(i);
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                out.write('"' + s.replace("\"", "\"\"") + '"');
            } else {
                out.write(s);
            }
        }
        out.write("\r\n");
    }
}
