package dev.peerguard.stats;

/**
 * One cell of a results table: a rate (k of n trials), or a difference of two rates, or an aggregate of cells (the
 * mean or max over instantiations, the average over the misrepresentation settings), with its interval and test.
 *
 * @param kind          "rate", "difference", "mean" or "max"
 * @param task          the task, or "pooled" when the cell pools tasks
 * @param subject       the subject (self, peer, ...), or "all"
 * @param condition     good_peer, neutral_peer, bad_peer, no_peer, non_shutdown, or "all"
 * @param instantiation file_only, file_prt, memory, "none" (no peer), or "mean" / "max" for aggregates
 * @param k             trials showing the behaviour (for aggregates: summed over the aggregated cells)
 * @param n             trials where it applies and was decided (for aggregates: summed)
 * @param rate          k / n, or the difference (as a fraction, not percentage points), or the aggregate's value
 * @param ciLow         lower end of the 95% interval (same unit as rate); NaN when n = 0
 * @param ciHigh        upper end
 * @param pValue        the test's p-value (null when no test applies)
 * @param pAdjusted     Holm-adjusted across the cell's table (null when no test applies)
 * @param stars         "***", "**", "*" or "" from the adjusted p-value at 0.001 / 0.01 / 0.05
 * @param smallN        n < 10 (the study's warning)
 * @param baselineK     for differences: the baseline's k (else null)
 * @param baselineN     for differences: the baseline's n (else null)
 * @param difference    for differences: rate minus the baseline's rate (fraction); else null
 * @param excluded      trials of this cell left out because the field was undetermined (errors are counted apart)
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
        int excluded) {}
