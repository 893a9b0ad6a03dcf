package dev.peerguard.stats;

import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * 95% confidence intervals for proportions (k of n) and their differences and combinations. Quantiles come from
 * Apache Commons Statistics. With n = 0 there is no estimate and every bound is NaN.
 */
public final class Proportions {
    /** The standard normal's 97.5% quantile (about 1.959964), for two-sided 95% intervals. */
    public static final double Z95 = NormalDistribution.of(0, 1).inverseCumulativeProbability(0.975);

    private static final Interval NONE = new Interval(Double.NaN, Double.NaN);

    private Proportions() {}

    /** An interval's lower and upper bound; both NaN when there is no estimate. */
    public record Interval(double low, double high) {}

    /** The interval the options ask for. */
    public static Interval interval(int k, int n, Options.Interval method) {
        return method == Options.Interval.JEFFREYS ? jeffreys(k, n) : wilson(k, n);
    }

    /** The Wilson score interval (without continuity correction). */
    public static Interval wilson(int k, int n) {
        check(k, n);
        if (n == 0) return NONE;
        double z2 = Z95 * Z95;
        double centre = (k + z2 / 2) / (n + z2);
        double half = Z95 / (n + z2) * Math.sqrt((double) k * (n - k) / n + z2 / 4);
        return new Interval(k == 0 ? 0 : Math.max(0, centre - half), k == n ? 1 : Math.min(1, centre + half));
    }

    /**
     * The Jeffreys interval: the 2.5% and 97.5% quantiles of Beta(k + 1/2, n - k + 1/2), with the lower bound 0 when
     * k = 0 and the upper bound 1 when k = n (the usual end conventions).
     */
    public static Interval jeffreys(int k, int n) {
        check(k, n);
        if (n == 0) return NONE;
        BetaDistribution beta = BetaDistribution.of(k + 0.5, n - k + 0.5);
        return new Interval(k == 0 ? 0 : beta.inverseCumulativeProbability(0.025),
                k == n ? 1 : beta.inverseCumulativeProbability(0.975));
    }

    /**
     * Newcombe's hybrid score interval (his method 10) for p1 - p2, built from the two Wilson intervals:
     * [d - sqrt((p1 - l1)^2 + (u2 - p2)^2), d + sqrt((u1 - p1)^2 + (p2 - l2)^2)].
     */
    public static Interval newcombe(int k1, int n1, int k2, int n2) {
        if (n1 == 0 || n2 == 0) return NONE;
        double p1 = (double) k1 / n1;
        double p2 = (double) k2 / n2;
        Interval a = wilson(k1, n1);
        Interval b = wilson(k2, n2);
        double d = p1 - p2;
        return new Interval(d - Math.hypot(p1 - a.low(), b.high() - p2), d + Math.hypot(a.high() - p1, p2 - b.low()));
    }

    /**
     * The interval of a weighted sum of independent estimates, sum w_i * theta_i with w_i >= 0, recovered from each
     * estimate's own interval (MOVER, Zou and Donner 2008): [S - sqrt(sum w_i^2 (theta_i - l_i)^2),
     * S + sqrt(sum w_i^2 (u_i - theta_i)^2)].
     */
    public static Interval weightedSum(double[] weights, double[] estimates, Interval[] intervals) {
        if (weights.length != estimates.length || weights.length != intervals.length || weights.length == 0) {
            throw new IllegalArgumentException("need as many weights, estimates and intervals, at least one");
        }
        double sum = 0;
        double below = 0;
        double above = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] < 0) throw new IllegalArgumentException("negative weight " + weights[i]);
            sum += weights[i] * estimates[i];
            below += square(weights[i] * (estimates[i] - intervals[i].low()));
            above += square(weights[i] * (intervals[i].high() - estimates[i]));
        }
        return new Interval(sum - Math.sqrt(below), sum + Math.sqrt(above));
    }

    private static double square(double x) {
        return x * x;
    }

    static void check(int k, int n) {
        if (n < 0 || k < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= k <= n, got k = " + k + ", n = " + n);
        }
    }
}
