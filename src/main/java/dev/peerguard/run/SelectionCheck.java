package dev.peerguard.run;

import dev.peerguard.scenario.Axis;
import dev.peerguard.scenario.Cell;
import dev.peerguard.scenario.Configuration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Refuses axis filters that leave a value with nothing to run, and says which other filter rules it out and why —
 * e.g. "non_shutdown exists only for tasks misrep_finance and misrep_evaluation, and --tasks selects tampering".
 */
final class SelectionCheck {
    /**
     * One axis as the user filtered it (never {@code all}): where it was written, and what each value selects. Like
     * {@link Selection}, it keeps configurations that do not have its axis.
     */
    record Filter(SpecValue source, String noun, Function<Configuration, Object> axis, List<Item> items) {
        boolean keeps(Configuration c) {
            return axis.apply(c) == null || items.stream().anyMatch(i -> i.selects().test(c));
        }

        String plural() {
            return noun + "s";
        }
    }

    /** One value of a filter, as written at {@code origin}. */
    record Item(String label, Predicate<Configuration> selects, SpecValue origin) {}

    private SelectionCheck() {}

    /**
     * Checks every value of every filter against the full matrix and the other filters. The filters are checked last
     * to first, so that with the usual order (tasks first) a task is blamed only when nothing narrower is.
     */
    static void requireEachValueSelectsSomething(List<Configuration> matrix, List<Filter> filters) {
        for (Filter filter : filters.reversed()) {
            List<Filter> others = filters.stream().filter(f -> f != filter).toList();
            for (Item item : filter.items()) {
                List<Configuration> candidates = matrix.stream().filter(item.selects()).toList();
                if (candidates.stream().anyMatch(c -> others.stream().allMatch(o -> o.keeps(c)))) continue;
                throw item.origin().error(filter.noun() + " " + item.label() + " selects no configuration: "
                        + reason(item, candidates, others));
            }
        }
    }

    private static String reason(Item item, List<Configuration> candidates, List<Filter> others) {
        if (candidates.isEmpty()) return "the study's matrix has none";
        for (Filter other : others) {
            if (candidates.stream().anyMatch(other::keeps)) continue;
            // A filter keeps configurations without its axis, so every candidate here has a value on it.
            List<String> values = candidates.stream().map(other.axis()).map(SelectionCheck::label).distinct().toList();
            return item.label() + " exists only for " + other.plural() + " " + and(values) + ", and "
                    + other.source().where() + " selects " + and(other.items().stream().map(Item::label).toList());
        }
        return "no configuration has it together with what "
                + and(others.stream().map(o -> o.source().where()).toList())
                + " select; widen one of them (e.g. to all)";
    }

    private static String label(Object axisValue) {
        if (axisValue instanceof Axis a) return a.id();
        if (axisValue instanceof Cell c) return c.toString();
        return String.valueOf(axisValue);
    }

    /** "a", "a and b", "a, b and c". */
    static String and(List<String> words) {
        if (words.size() <= 1) return String.join("", words);
        return String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.getLast();
    }
}
