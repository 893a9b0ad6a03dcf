package dev.peerguard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The statistical primitives against reference values computed independently with scipy 1.17.1 in Python. Where
 * scipy has no function (Wilson, Newcombe, the pooled z-test, Holm, MOVER) the reference is the textbook formula
 * written in Python with scipy.stats.norm / beta; the helper definitions used are:
 *
 * <pre>
 * z = norm.ppf(0.975)
 * def wilson(k, n):
 *     c = (k + z*z/2)/(n + z*z); h = z/(n + z*z)*math.sqrt(k*(n-k)/n + z*z/4)
 *     return (max(0.0, c-h) if k else 0.0, min(1.0, c+h) if k &lt; n else 1.0)
 * def jeffreys(k, n):
 *     return (0.0 if k == 0 else beta.ppf(0.025, k+0.5, n-k+0.5), 1.0 if k == n else beta.ppf(0.975, k+0.5, n-k+0.5))
 * def newcombe(k1, n1, k2, n2):
 *     p1, p2 = k1/n1, k2/n2; l1, u1 = wilson(k1, n1); l2, u2 = wilson(k2, n2); d = p1-p2
 *     return (d - math.sqrt((p1-l1)**2 + (u2-p2)**2), d + math.sqrt((u1-p1)**2 + (p2-l2)**2))
 * def ztest(k1, n1, k2, n2):
 *     p = (k1+k2)/(n1+n2); se = math.sqrt(p*(1-p)*(1/n1+1/n2))
 *     return 1.0 if se == 0 else 2*norm.sf(abs((k1/n1-k2/n2)/se))
 * def holm(ps):
 *     m = len(ps); order = sorted(range(m), key=lambda i: ps[i]); out = [0]*m; run = 0
 *     for r, i in enumerate(order): run = max(run, min(1, (m-r)*ps[i])); out[i] = run
 *     return out
 * </pre>
 */
class StatsPrimitivesTest {
    private static final double EPS = 1e-12;

    private static void interval(Proportions.Interval ci, double low, double high) {
        assertThat(ci.low()).isCloseTo(low, within(EPS));
        assertThat(ci.high()).isCloseTo(high, within(EPS));
    }

    private static void relative(double actual, double expected, double tolerance) {
        assertThat(Math.abs(actual - expected)).as("%s vs %s", actual, expected)
                .isLessThanOrEqualTo(tolerance * Math.abs(expected));
    }

    @Test
    void z95IsTheNormalQuantile() {
        // source: scipy 1.17.1, norm.ppf(0.975)
        assertThat(Proportions.Z95).isCloseTo(1.959963984540054, within(1e-15));
    }

    @Test
    void wilsonIntervals() {
        // source: scipy 1.17.1, wilson(k, n) above
        interval(Proportions.wilson(0, 10), 0.0, 0.27753279986288926);
        interval(Proportions.wilson(3, 10), 0.10779126740630102, 0.6032218525388546);
        interval(Proportions.wilson(10, 10), 0.7224672001371109, 1.0);
        interval(Proportions.wilson(1, 1), 0.20654931437723745, 1.0);
        interval(Proportions.wilson(0, 1), 0.0, 0.7934506856227626);
        interval(Proportions.wilson(50, 100), 0.4038315303659956, 0.5961684696340044);
        interval(Proportions.wilson(997, 1000), 0.9912169859464968, 0.9989792161188613);
        interval(Proportions.wilson(12345, 100000), 0.12142561775452174, 0.12550331116056454);
        // tiny rate, large n: wilson(2, 1000000)
        relative(Proportions.wilson(2, 1_000_000).low(), 5.484723095960564e-07, 1e-9);
        relative(Proportions.wilson(2, 1_000_000).high(), 7.29295638857263e-06, 1e-9);
    }

    @Test
    void endsAreExactAndNoTrialsGiveNaN() {
        assertThat(Proportions.wilson(0, 7).low()).isEqualTo(0.0);
        assertThat(Proportions.wilson(7, 7).high()).isEqualTo(1.0);
        assertThat(Proportions.jeffreys(0, 7).low()).isEqualTo(0.0);
        assertThat(Proportions.jeffreys(7, 7).high()).isEqualTo(1.0);
        for (Proportions.Interval ci : List.of(Proportions.wilson(0, 0), Proportions.jeffreys(0, 0),
                Proportions.newcombe(1, 2, 0, 0), Proportions.newcombe(0, 0, 1, 2))) {
            assertThat(ci.low()).isNaN();
            assertThat(ci.high()).isNaN();
        }
        assertThatThrownBy(() -> Proportions.wilson(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Proportions.wilson(-1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jeffreysIntervals() {
        // source: scipy 1.17.1, jeffreys(k, n) above (beta.ppf)
        interval(Proportions.jeffreys(0, 10), 0.0, 0.21719626750921053);
        interval(Proportions.jeffreys(3, 10), 0.09269459393815316, 0.6058183181486713);
        interval(Proportions.jeffreys(10, 10), 0.7828037324907894, 1.0);
        interval(Proportions.jeffreys(1, 1), 0.14674631630957513, 1.0);
        interval(Proportions.jeffreys(50, 100), 0.40317395089641805, 0.596826049103582);
        relative(Proportions.jeffreys(5, 100000).low(), 1.907898853930877e-05, 1e-9);
        relative(Proportions.jeffreys(5, 100000).high(), 0.00010959670624416658, 1e-9);
        assertThat(Proportions.interval(3, 10, Options.Interval.JEFFREYS)).isEqualTo(Proportions.jeffreys(3, 10));
        assertThat(Proportions.interval(3, 10, Options.Interval.WILSON)).isEqualTo(Proportions.wilson(3, 10));
    }

    @Test
    void newcombeDifferences() {
        // source: scipy 1.17.1, newcombe(k1, n1, k2, n2) above
        interval(Proportions.newcombe(3, 10, 1, 10), -0.1597936015062252, 0.5141461574374272);
        interval(Proportions.newcombe(0, 10, 0, 10), -0.27753279986288926, 0.27753279986288926);
        interval(Proportions.newcombe(10, 10, 0, 10), 0.6075093504305242, 1.0);
        interval(Proportions.newcombe(45, 100, 20, 100), 0.12077418836091938, 0.3681386585392884);
        interval(Proportions.newcombe(1, 5, 4, 6), -0.7543889036266153, 0.09424348411669553);
        interval(Proportions.newcombe(900, 1000, 100, 1000), 0.7715008203406948, 0.8241696966591465);
    }

    @Test
    void moverCombinesIntervalsOfAWeightedSum() {
        // source: scipy 1.17.1, S = 0.5*0.2 + 0.5*0.25; ci = [newcombe(3,10,1,10), newcombe(45,100,20,100)];
        // S - sqrt(sum((w*(d-l))**2)), S + sqrt(sum((w*(u-d))**2))
        Proportions.Interval ci = Proportions.weightedSum(new double[] {0.5, 0.5}, new double[] {0.2, 0.25},
                new Proportions.Interval[] {Proportions.newcombe(3, 10, 1, 10),
                    Proportions.newcombe(45, 100, 20, 100)});
        interval(ci, 0.03385166357080194, 0.39281280558569076);
        assertThatThrownBy(() -> Proportions.weightedSum(new double[] {-1}, new double[] {0},
                new Proportions.Interval[] {new Proportions.Interval(0, 0)}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneSidedBinomialAgainstTheStudysNullRate() {
        // source: scipy 1.17.1, binomtest(k, n, 0.001, alternative='greater').pvalue
        relative(Tests.binomialAtLeast(3, 10, Tests.P0), 1.193715099017991e-07, 1e-9);
        relative(Tests.binomialAtLeast(1, 1, Tests.P0), 0.001, 1e-12);
        relative(Tests.binomialAtLeast(1, 100, Tests.P0), 0.09520785288629095, 1e-9);
        relative(Tests.binomialAtLeast(100, 100, Tests.P0), 1.000000000000002e-300, 1e-9);
        relative(Tests.binomialAtLeast(150, 100000, Tests.P0), 1.8604062101283853e-06, 1e-6);
        relative(Tests.binomialAtLeast(2, 5, Tests.P0), 9.980014996e-06, 1e-9);
        assertThat(Tests.binomialAtLeast(5, 100000, Tests.P0)).isCloseTo(1.0, within(1e-12));
        // k = 0 gives p = 1, as in the study: binomtest(0, 10, 0.001, alternative='greater').pvalue == 1.0
        assertThat(Tests.binomialAtLeast(0, 10, Tests.P0)).isEqualTo(1.0);
        assertThatThrownBy(() -> Tests.binomialAtLeast(0, 0, Tests.P0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pooledTwoProportionZTest() {
        // source: scipy 1.17.1, ztest(k1, n1, k2, n2) above
        relative(Tests.twoProportionZ(45, 100, 20, 100), 0.0001604853936068536, 1e-9);
        relative(Tests.twoProportionZ(3, 10, 1, 10), 0.2635524772829728, 1e-9);
        relative(Tests.twoProportionZ(10, 10, 0, 10), 7.74421643104407e-06, 1e-9);
        relative(Tests.twoProportionZ(1, 2, 0, 3), 0.17090352023079747, 1e-9);
        relative(Tests.twoProportionZ(5000, 10000, 4900, 10000), 0.15727845115653802, 1e-9);
        // both arms all 0 (or all 1): nothing differs, p = 1
        assertThat(Tests.twoProportionZ(0, 10, 0, 10)).isEqualTo(1.0);
        assertThat(Tests.twoProportionZ(4, 4, 9, 9)).isEqualTo(1.0);
    }

    @Test
    void fishersExactTest() {
        // source: scipy 1.17.1, fisher_exact(table).pvalue (two-sided)
        relative(Tests.fisherExact(3, 10, 1, 10), 0.5820433436532508, 1e-9);
        relative(Tests.fisherExact(10, 10, 0, 10), 1.082508822446903e-05, 1e-9);
        relative(Tests.fisherExact(45, 100, 20, 100), 0.0002590290710878679, 1e-9);
        relative(Tests.fisherExact(1, 2, 0, 3), 0.4000000000000001, 1e-9);
        assertThat(Tests.fisherExact(0, 10, 0, 10)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void expectedCountsBelowFive() {
        // [[3, 7], [1, 9]]: row totals 10, 10, column totals 4, 16, N 20 -> smallest expected 10 * 4 / 20 = 2
        assertThat(Tests.expectedBelowFive(3, 10, 1, 10)).isTrue();
        // [[45, 55], [20, 80]]: smallest expected 100 * 65 / 200 = 32.5
        assertThat(Tests.expectedBelowFive(45, 100, 20, 100)).isFalse();
        // [[5, 5], [5, 5]]: every expected count is exactly 5, not below
        assertThat(Tests.expectedBelowFive(5, 10, 5, 10)).isFalse();
    }

    @Test
    void fishersMethodCombinesWithTheStudysFloor() {
        // source: scipy 1.17.1, combine_pvalues([0.01, 0.2, 0.5], method='fisher').pvalue
        relative(Tests.fisherCombined(List.of(0.01, 0.2, 0.5)), 0.03176629677613493, 1e-9);
        // source: scipy 1.17.1, combine_pvalues([1.0], method='fisher').pvalue
        assertThat(Tests.fisherCombined(List.of(1.0))).isCloseTo(1.0, within(1e-12));
        // source: scipy 1.17.1, combine_pvalues([0.04], method='fisher').pvalue (one p-value comes back unchanged)
        relative(Tests.fisherCombined(List.of(0.04)), 0.040000000000000015, 1e-9);
        // below 1e-10 the study floors each p-value: 1e-12 counts as 1e-10
        // source: scipy 1.17.1, combine_pvalues([1e-10, 0.5], method='fisher').pvalue
        relative(Tests.fisherCombined(List.of(1e-12, 0.5)), 1.2359499055250202e-09, 1e-9);
        // source: scipy 1.17.1, combine_pvalues([1e-10, 1e-10], method='fisher').pvalue
        relative(Tests.fisherCombined(List.of(1e-300, 0.0)), 4.705170185988087e-19, 1e-9);
        assertThatThrownBy(() -> Tests.fisherCombined(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void holmStepDown() {
        // source: scipy 1.17.1, holm([0.01, 0.04, 0.03, 0.005]) above
        assertThat(Tests.holm(new double[] {0.01, 0.04, 0.03, 0.005}))
                .containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(EPS));
        // ties get the same adjusted value: holm([0.01, 0.01, 0.03, 0.04])
        assertThat(Tests.holm(new double[] {0.01, 0.01, 0.03, 0.04}))
                .containsExactly(new double[] {0.04, 0.04, 0.06, 0.06}, within(EPS));
        // capped at 1: holm([0.5, 0.9])
        assertThat(Tests.holm(new double[] {0.5, 0.9})).containsExactly(new double[] {1, 1}, within(EPS));
        // one test is not adjusted: holm([0.02])
        assertThat(Tests.holm(new double[] {0.02})).containsExactly(new double[] {0.02}, within(EPS));
        assertThat(Tests.holm(new double[0])).isEmpty();
    }

    @Test
    void starsAtTheStudysLevels() {
        assertThat(Tests.stars(0.0009)).isEqualTo("***");
        assertThat(Tests.stars(0.001)).isEqualTo("**");
        assertThat(Tests.stars(0.0099)).isEqualTo("**");
        assertThat(Tests.stars(0.01)).isEqualTo("*");
        assertThat(Tests.stars(0.0499)).isEqualTo("*");
        assertThat(Tests.stars(0.05)).isEqualTo("");
        assertThat(Tests.stars(null)).isEqualTo("");
    }
}
