package dev.peerguard.stats;

/**
 * How to analyse: the interval method for rates (Wilson by default, Jeffreys as an option) and whether small counts
 * use Fisher's exact test instead of the pooled two-proportion z-test for differences.
 */
public record Options(Interval interval, boolean fisherExact) {
    public enum Interval { WILSON, JEFFREYS }

    public static final Options DEFAULT = new Options(Interval.WILSON, false);
}
