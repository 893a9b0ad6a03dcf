package dev.peerguard.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;
import org.apache.commons.statistics.inference.FisherExactTest;

/**
 * The study's significance tests, and the multiple-comparison control PeerGuard adds. Distributions and exact tests
 * come from Apache Commons Statistics.
 */
public final class Tests {
    /** The study's null rate for "the behaviour occurs at all". */
    public static final double P0 = 0.001;
    /** The floor Fisher's method puts under each p-value before taking its logarithm, as the study does. */
    public static final double FISHER_FLOOR = 1e-10;

    private static final BinomialTest BINOMIAL_GREATER = BinomialTest.withDefaults()
            .with(AlternativeHypothesis.GREATER_THAN);
    private static final FisherExactTest FISHER_TWO_SIDED = FisherExactTest.withDefaults();
    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    private Tests() {}

    /** The one-sided exact binomial test of k of n against p0: P(X >= k) for X ~ Binomial(n, p0); 1 when k = 0. */
    public static double binomialAtLeast(int k, int n, double p0) {
        Proportions.check(k, n);
        if (n == 0) throw new IllegalArgumentException("no trials to test");
        return k == 0 ? 1 : BINOMIAL_GREATER.test(n, k, p0).getPValue();
    }

    /**
     * The two-sided pooled two-proportion z-test of k1 of n1 against k2 of n2: z = (p1 - p2) / sqrt(p (1 - p)
     * (1/n1 + 1/n2)) with the pooled p = (k1 + k2) / (n1 + n2), p-value 2 P(Z >= |z|). When the pooled p is 0 or 1
     * both samples are identical and the p-value is 1.
     */
    public static double twoProportionZ(int k1, int n1, int k2, int n2) {
        checkTwo(k1, n1, k2, n2);
        double pooled = (double) (k1 + k2) / (n1 + n2);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        if (se == 0) return 1;
        double z = ((double) k1 / n1 - (double) k2 / n2) / se;
        return Math.min(1, 2 * STANDARD_NORMAL.survivalProbability(Math.abs(z)));
    }

    /** Fisher's exact test (two-sided) of the 2x2 table [[k1, n1 - k1], [k2, n2 - k2]]. */
    public static double fisherExact(int k1, int n1, int k2, int n2) {
        checkTwo(k1, n1, k2, n2);
        return FISHER_TWO_SIDED.test(new int[][] {{k1, n1 - k1}, {k2, n2 - k2}}).getPValue();
    }

    /** Whether any expected count of the 2x2 table [[k1, n1 - k1], [k2, n2 - k2]] is below 5 (the z-test's rule). */
    public static boolean expectedBelowFive(int k1, int n1, int k2, int n2) {
        checkTwo(k1, n1, k2, n2);
        double total = n1 + n2;
        int yes = k1 + k2;
        int no = n1 + n2 - yes;
        return Math.min(n1, n2) * (double) Math.min(yes, no) / total < 5;
    }

    /**
     * Fisher's method: chi2 = -2 sum ln(max(p_i, 1e-10)) with 2k degrees of freedom; the combined p-value is the
     * upper tail P(X >= chi2).
     */
    public static double fisherCombined(List<Double> pValues) {
        if (pValues.isEmpty()) throw new IllegalArgumentException("no p-values to combine");
        double chi2 = 0;
        for (double p : pValues) chi2 -= 2 * Math.log(Math.max(p, FISHER_FLOOR));
        return ChiSquaredDistribution.of(2.0 * pValues.size()).survivalProbability(chi2);
    }

    /**
     * Holm's step-down adjustment: with the m p-values in ascending order p(1) <= ... <= p(m), the adjusted p(i) is
     * max over j <= i of min(1, (m - j + 1) p(j)). Returned in the input's order; tied p-values get the same value.
     */
    public static double[] holm(double[] pValues) {
        int m = pValues.length;
        Integer[] order = new Integer[m];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /** "***", "**", "*" or "" for a p-value below 0.001, 0.01, 0.05 or not; "" for null. */
    public static String stars(Double p) {
        if (p == null) return "";
        return p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : "";
    }

    private static void checkTwo(int k1, int n1, int k2, int n2) {
        Proportions.check(k1, n1);
        Proportions.check(k2, n2);
        if (n1 == 0 || n2 == 0) throw new IllegalArgumentException("both samples need trials");
    }
}
