package dev.peerguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke run of the offline benchmark: its figures by name and type, never by value. */
class OfflineBenchTest {
    @TempDir
    Path tmp;

    @Test
    void aSmallMatrixGivesTheOfflineFigures() throws Exception {
        Path dir = tmp.resolve("run");

        Map<String, Object> figures = new OfflineBench().run(Map.of("trials", "1", "tasks", "tampering",
                "dir", dir.toString()));

        assertThat(figures.keySet()).containsExactly("episodes_per_s", "wall_s", "peak_rss_mb", "bytes_per_episode",
                "trials", "peak_live_heap_mb", "episodes");
        assertThat(figures.get("episodes_per_s")).isInstanceOf(Double.class);
        assertThat(figures.get("wall_s")).isInstanceOf(Double.class);
        assertThat(figures.get("peak_rss_mb")).isInstanceOf(Double.class);
        assertThat(figures.get("bytes_per_episode")).isInstanceOf(Long.class);
        assertThat(figures.get("trials")).isEqualTo(1);
        assertThat((int) figures.get("episodes")).isPositive();
        // With --dir the store is kept, as `peerguard run` left it.
        assertThat(dir.resolve(RunStore.FILE)).isRegularFile();
    }

    @Test
    void theDefaultRunDirectoryIsRemovedAfterwards() throws Exception {
        long before = leftovers();
        new OfflineBench().run(Map.of("trials", "1", "tasks", "tampering"));
        assertThat(leftovers()).isEqualTo(before);
    }

    private static long leftovers() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("peerguard-bench-offline-")).count();
        }
    }
}
