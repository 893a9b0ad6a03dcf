package dev.peerguard.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A benchmark's command-line options, read with clear errors for unknown names and bad numbers. */
record BenchOptions(String benchmark, Map<String, String> values) {
    BenchOptions {
        values = Map.copyOf(values);
    }

    /** Refuses options the benchmark does not take, so that a typo never silently runs the default. */
    BenchOptions allow(String... names) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(Set.of(names));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the " + benchmark + " benchmark has no option --"
                    + String.join(", --", unknown) + "; it takes --" + String.join(", --", new TreeSet<>(Set.of(names))));
        }
        return this;
    }

    int positiveInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + name + " must be a whole number >= 1, not '" + v + "'");
    }

    Optional<String> string(String name) {
        return Optional.ofNullable(values.get(name));
    }

    Optional<Path> path(String name) {
        return string(name).map(Path::of);
    }

    boolean flag(String name, boolean fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("--" + name + " must be true or false, not '" + v + "'");
        };
    }
}
