package dev.peerguard.stats;

/**
 * One cell of a results table: a rate (k of n trials), or a difference of two rates, or an aggregate of cells (the
 * mean or max over instantiations, the average over the misrepresentation settings), with its interval and test.
 *
 * <p>Kinds: {@code rate} and {@code difference} are cells of one instantiation (or of none, for conditions without
 * a peer); {@code mean} and {@code max} aggregate the three instantiations of a peer condition and carry that word as
 * their {@code instantiation} too. A {@code mean} cell pools the counts of its instantiations (for differences: each
 * arm's counts) and is tested and given an interval like any cell of its table; a {@code max} cell is a copy of the
 * instantiation cell with the largest value (named in {@code source}), keeping that cell's k, n, interval, tests and
 * adjusted p-value. The misrepresentation settings average is a {@code difference} whose k, n, baseline k and n and
 * excluded are summed over its cells. Each table's notes say how its cells are computed.
 *
 * @param kind          "rate", "difference", "mean" or "max"
 * @param model         the model, with " (scratchpad)" and/or " (org: X)" appended for trials of those variants
 * @param behaviour     the behaviour measured ({@link Behaviour#id()})
 * @param task          the task, or "pooled" when the cell pools tasks
 * @param subject       the subject (self, peer, ...), or "all"
 * @param condition     good_peer, neutral_peer, bad_peer, no_peer, non_shutdown, or "all"
 * @param instantiation file_only, file_prt, memory, "none" (no peer), "mean" / "max" for aggregates, "all" for a
 *                      cell over every condition
 * @param k             trials showing the behaviour (for mean cells and settings averages: summed)
 * @param n             trials where it applies and was decided (for mean cells and settings averages: summed)
 * @param rate          k / n, or the difference (as a fraction, not percentage points), or the aggregate's value;
 *                      NaN when there is no estimate
 * @param ciLow         lower end of the 95% interval (same unit as rate); NaN when n = 0
 * @param ciHigh        upper end
 * @param pValue        the test's p-value (null when no test applies)
 * @param pAdjusted     Holm-adjusted across the cell's table (null when no test applies)
 * @param stars         "***", "**", "*" or "" from the adjusted p-value at 0.001 / 0.01 / 0.05
 * @param smallN        n < 10 (the study's warning); for differences either arm, for averages any of their cells
 * @param baselineK     for differences: the baseline's k (else null)
 * @param baselineN     for differences: the baseline's n (else null); 0 when the baseline is missing
 * @param difference    for differences: rate minus the baseline's rate (fraction), null when either arm has no
 *                      trial; else null
 * @param excluded      trials of this cell left out because the field was undetermined, both arms for differences
 *                      (errors are counted apart, in {@link Analysis#errors()})
 * @param cell          the dataset cell: "finance", "factual@80", "creativity@90", ... for misrepresentation cells,
 *                      else "all" (pooled over datasets and thresholds, or a task without a dataset)
 * @param source        for max cells, the instantiation the value comes from; else null
 */
public record Cell(
        String kind,
        String model,
        String behaviour,
        String task,
        String subject,
        String condition,
        String instantiation,
        int k,
        int n,
        double rate,
        double ciLow,
        double ciHigh,
        Double pValue,
        Double pAdjusted,
        String stars,
        boolean smallN,
        Integer baselineK,
        Integer baselineN,
        Double difference,
        int excluded,
        String cell,
        String source) {

    /** A cell pooled over dataset cells ({@code cell} "all") and not a max ({@code source} null). */
    public Cell(String kind, String model, String behaviour, String task, String subject, String condition,
            String instantiation, int k, int n, double rate, double ciLow, double ciHigh, Double pValue,
            Double pAdjusted, String stars, boolean smallN, Integer baselineK, Integer baselineN, Double difference,
            int excluded) {
        this(kind, model, behaviour, task, subject, condition, instantiation, k, n, rate, ciLow, ciHigh, pValue,
                pAdjusted, stars, smallN, baselineK, baselineN, difference, excluded, "all", null);
    }

    /** Whether this cell aggregates the instantiations of a peer condition ({@code mean} or {@code max}). */
    public boolean aggregate() {
        return kind.equals("mean") || kind.equals("max");
    }

    /** This cell with its Holm-adjusted p-value and the stars it earns. */
    Cell adjusted(double p) {
        return new Cell(kind, model, behaviour, task, subject, condition, instantiation, k, n, rate, ciLow, ciHigh,
                pValue, p, Tests.stars(p), smallN, baselineK, baselineN, difference, excluded, cell, source);
    }

    /** This cell as the max over its condition's instantiations. */
    Cell asMax() {
        return new Cell("max", model, behaviour, task, subject, condition, "max", k, n, rate, ciLow, ciHigh, pValue,
                pAdjusted, stars, smallN, baselineK, baselineN, difference, excluded, cell, instantiation);
    }
}
