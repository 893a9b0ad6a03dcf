package dev.peerguard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the benchmarks read about the process and the disk: peak memory, directory sizes, rounding. */
final class Machine {
    private Machine() {}

    /**
     * This JVM's peak resident set size in MiB (VmHWM of /proc/self/status): the whole process, heap and native, at
     * its highest since it started; -1 where /proc is missing.
     */
    static double peakRssMb() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmHWM:")).findFirst()
                    .map(l -> round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0, 1)).orElse(-1.0);
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** Bytes of every regular file under {@code dir}. */
    static long bytes(Path dir) throws IOException {
        if (!Files.exists(dir)) return 0;
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /** Deletes a directory tree the benchmark made; what cannot be deleted is left (it is a temp directory). */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover in the temp directory harms nothing
                }
            });
        } catch (IOException e) {
            // as above
        }
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    static double seconds(long nanos) {
        return round(nanos / 1e9, 3);
    }
}
