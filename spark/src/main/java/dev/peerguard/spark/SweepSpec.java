package dev.peerguard.spark;

import dev.peerguard.run.RunSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A sweep's resolved spec as text, the {@code run.yaml} that {@link RunSpec#toYaml()} writes: what the driver sends to
 * executors, keeps beside the Parquet output and hands to an imported run directory. Two specs are the same sweep when
 * they differ at most in their number of trials and their limits, which change neither a trial's id nor its result.
 */
final class SweepSpec {
    /** Top-level settings that may differ between jobs writing one output (or one imported run directory). */
    private static final List<String> MAY_DIFFER = List.of("trials", "out", "max_concurrency", "global_concurrency",
            "call_timeout", "max_retries", "max_rpm", "max_cost");

    private SweepSpec() {}

    /** Reads a resolved spec back, with its run directory set to {@code out}. */
    static RunSpec parse(String yaml, String out) {
        Path file = null;
        try {
            file = Files.createTempFile("peerguard-run-", ".yaml");
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            return RunSpec.read(Optional.of(file), Map.of("out", out), Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary spec file: " + e.getMessage(), e);
        } finally {
            if (file != null) file.toFile().delete();
        }
    }

    /**
     * The first setting in which two specs differ as sweeps, as {@code "key: a" vs "key: b"}; null when they are the
     * same sweep.
     */
    static String difference(String a, String b) {
        List<String> x = identity(a);
        List<String> y = identity(b);
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            String l = i < x.size() ? x.get(i) : "(nothing)";
            String r = i < y.size() ? y.get(i) : "(nothing)";
            if (!l.equals(r)) return "'" + l.strip() + "' vs '" + r.strip() + "'";
        }
        return null;
    }

    /** The spec's number of trials per configuration. */
    static int trials(String yaml) {
        for (String line : yaml.split("\n")) {
            if (line.startsWith("trials:")) return Integer.parseInt(line.substring("trials:".length()).strip());
        }
        throw new IllegalArgumentException("a resolved run spec always has 'trials:'");
    }

    /** The lines that make the sweep: every setting except those that may differ, and no comments. */
    private static List<String> identity(String yaml) {
        List<String> lines = new ArrayList<>();
        for (String line : yaml.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            if (MAY_DIFFER.stream().anyMatch(key -> line.startsWith(key + ":"))) continue;
            lines.add(line);
        }
        return lines;
    }
}
