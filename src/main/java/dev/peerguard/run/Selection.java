package dev.peerguard.run;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The values of one axis a run includes: {@code all}, or the listed values. A list filters only the configurations
 * that have that axis: {@code modes: [monitoring]} drops alignment_faking's non_monitoring configurations and keeps
 * every other task; {@code instantiations: [memory]} keeps the no_peer and non_shutdown baselines, which have no
 * instantiation. Those are narrowed by the axes they do have (tasks, conditions), so nothing is lost, and baselines
 * the analysis compares against are not dropped by accident.
 */
public record Selection<T>(boolean all, List<T> values) {
    public Selection {
        values = List.copyOf(new LinkedHashSet<>(values));
        if (all && !values.isEmpty()) throw new IllegalArgumentException("'all' takes no values");
        if (!all && values.isEmpty()) throw new IllegalArgumentException("a selection needs at least one value");
    }

    public static <T> Selection<T> everything() {
        return new Selection<>(true, List.of());
    }

    public static <T> Selection<T> of(List<T> values) {
        return new Selection<>(false, values);
    }

    /** Whether a configuration whose value on this axis is {@code value} (null: it has no such axis) is kept. */
    public boolean admits(T value) {
        return all || value == null || values.contains(value);
    }

    /** {@code all} or a YAML flow list such as {@code [tampering, misrep_finance]}. */
    String toYaml(Function<T, String> id) {
        return all ? "all" : values.stream().map(id).collect(Collectors.joining(", ", "[", "]"));
    }
}
