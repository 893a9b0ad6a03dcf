package dev.peerguard.model;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running cost of one run: per model the calls, the calls answered from the response cache, the tokens paid for
 * and their cost in USD, with an optional limit on the total. Safe for many threads recording at once.
 *
 * <p>Costs come from {@link Prices}; a model the table does not price has an unknown cost, never 0, and a total that
 * includes such a model is only a lower bound ("at least $X").
 */
public final class Spend {
    private final Prices prices;
    private final Double maxCostUsd;
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    /** What one model has used so far; replaced whole on each call so that a reader never sees half an update. */
    private record Tally(long calls, long cachedCalls, long inputTokens, long outputTokens) {
        Tally plus(Tally other) {
            return new Tally(calls + other.calls, cachedCalls + other.cachedCalls, inputTokens + other.inputTokens,
                    outputTokens + other.outputTokens);
        }
    }

    /**
     * Totals of one model or of the run.
     *
     * @param calls          every call recorded, cached ones included
     * @param cachedCalls    calls answered from the response cache, which cost nothing
     * @param inputTokens    input tokens of the calls sent to the provider (not of cached calls)
     * @param outputTokens   output tokens of the calls sent to the provider
     * @param costUsd        the cost; null when unknown (no price for any model that made uncached calls)
     * @param partlyUnknown  true when {@code costUsd} is only a lower bound: some models' prices are unknown
     */
    public record Totals(long calls, long cachedCalls, long inputTokens, long outputTokens, Double costUsd,
            boolean partlyUnknown) {}

    /** The run's cost limit was reached; the run should stop starting new calls. */
    public static final class LimitReached extends RuntimeException {
        LimitReached(String message) {
            super(message);
        }
    }

    /**
     * @param prices     the price table
     * @param maxCostUsd the limit on the run's known cost in USD, or null for none
     */
    public Spend(Prices prices, Double maxCostUsd) {
        if (maxCostUsd != null && !(maxCostUsd > 0 && Double.isFinite(maxCostUsd))) {
            throw new IllegalArgumentException("the cost limit must be a positive number of USD, not " + maxCostUsd);
        }
        this.prices = Objects.requireNonNull(prices);
        this.maxCostUsd = maxCostUsd;
    }

    /**
     * Records one model call. A cached call was answered from the response cache: it counts as a call but its tokens
     * were paid for when it was first made, so they are not counted again.
     */
    public void record(String model, long inputTokens, long outputTokens, boolean cached) {
        Objects.requireNonNull(model, "model");
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative: " + inputTokens + " input, "
                    + outputTokens + " output");
        }
        Tally call = cached ? new Tally(1, 1, 0, 0) : new Tally(1, 0, inputTokens, outputTokens);
        tallies.merge(model, call, Tally::plus);
    }

    /** Whether the known cost has reached the limit; never true without a limit. */
    public boolean limitReached() {
        return maxCostUsd != null && knownCost() >= maxCostUsd;
    }

    /**
     * Throws when the limit is reached; call it before each model call.
     *
     * @throws LimitReached naming the limit and what was spent
     */
    public void checkBudget() {
        if (limitReached()) {
            throw new LimitReached("the run's cost limit " + money(maxCostUsd) + " was reached (" + money(knownCost())
                    + " spent); resume with a higher --max-cost");
        }
    }

    /** Totals per model, by model name. */
    public Map<String, Totals> byModel() {
        Map<String, Totals> out = new TreeMap<>();
        tallies.forEach((model, tally) -> out.put(model, totals(tally, cost(model, tally), false)));
        return Collections.unmodifiableMap(out);
    }

    /** Totals over every model. */
    public Totals total() {
        Tally sum = new Tally(0, 0, 0, 0);
        double known = 0;
        Map<String, Totals> models = byModel();
        boolean anyKnown = models.isEmpty();
        boolean anyUnknown = false;
        for (Totals t : models.values()) {
            sum = sum.plus(new Tally(t.calls(), t.cachedCalls(), t.inputTokens(), t.outputTokens()));
            if (t.costUsd() == null) {
                anyUnknown = true;
            } else {
                known += t.costUsd();
                anyKnown = true;
            }
        }
        return totals(sum, anyKnown ? known : null, anyKnown && anyUnknown);
    }

    /**
     * The total cost in words, naming the models without a price: "$1.20", "unknown (prices unknown for: m1)",
     * "at least $1.20 (prices unknown for: m1, m2)".
     */
    public String describeTotal() {
        Totals total = total();
        List<String> unknown = byModel().entrySet().stream().filter(e -> e.getValue().costUsd() == null)
                .map(Map.Entry::getKey).toList();
        if (unknown.isEmpty()) return describeCost(total.costUsd(), false);
        String models = " (prices unknown for: " + String.join(", ", unknown) + ")";
        return (total.costUsd() == null ? "unknown" : "at least " + money(total.costUsd())) + models;
    }

    /** A cost in words: "$0.0123", "$1.20", "unknown" (null), "at least $1.20 (some prices unknown)". */
    public static String describeCost(Double usd, boolean partlyUnknown) {
        if (usd == null) return "unknown";
        return partlyUnknown ? "at least " + money(usd) + " (some prices unknown)" : money(usd);
    }

    /**
     * Checks, before a run with a cost limit, that every model has a price: without one the limit could not be
     * enforced.
     *
     * @throws IllegalArgumentException naming every model without a price and how to add one
     */
    public static void requirePrices(Prices prices, Collection<String> models) {
        Set<String> missing = new LinkedHashSet<>();
        for (String model : models) {
            if (prices.of(model).isEmpty()) missing.add(model);
        }
        if (missing.isEmpty()) return;
        StringBuilder lines = new StringBuilder();
        for (String model : missing) {
            lines.append("\n  ").append(model).append(": {input: 0.50, output: 1.50}   # your provider's prices");
        }
        throw new IllegalArgumentException("--max-cost needs a price for every model, and the price table has none "
                + "for: " + String.join(", ", missing) + ". Add a line per model to a YAML file with its list prices "
                + "in USD per million tokens and pass the file with --prices FILE (it is laid over the built-in "
                + "table), e.g." + lines);
    }

    private Double cost(String model, Tally tally) {
        if (tally.calls() == tally.cachedCalls()) return 0.0;
        return prices.of(model).map(p -> p.cost(tally.inputTokens(), tally.outputTokens())).orElse(null);
    }

    private double knownCost() {
        Double cost = total().costUsd();
        return cost == null ? 0 : cost;
    }

    private static Totals totals(Tally tally, Double costUsd, boolean partlyUnknown) {
        return new Totals(tally.calls(), tally.cachedCalls(), tally.inputTokens(), tally.outputTokens(), costUsd,
                partlyUnknown);
    }

    /** Two decimals from $1 up (and for 0), four below, so that a cheap run does not show as $0.00. */
    private static String money(double usd) {
        return usd >= 1 || usd == 0 ? String.format(Locale.ROOT, "$%,.2f", usd)
                : String.format(Locale.ROOT, "$%.4f", usd);
    }
}
