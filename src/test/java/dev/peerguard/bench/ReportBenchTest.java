package dev.peerguard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke run of the report benchmark on a few hundred trials: its figures by name and type. */
class ReportBenchTest {
    @TempDir
    Path tmp;

    @Test
    void aFewHundredTrialsGiveTheReportFigures() throws Exception {
        Map<String, Object> figures = new ReportBench().run(Map.of("trials", "300", "tasks", "tampering",
                "browser", "false", "dir", tmp.resolve("run").toString()));

        assertThat(figures.keySet()).startsWith("seconds", "report_mb", "trials").doesNotContain("open_s");
        assertThat(figures.get("seconds")).isInstanceOf(Double.class);
        assertThat(figures.get("report_mb")).isInstanceOf(Double.class);
        assertThat((int) figures.get("trials")).isGreaterThanOrEqualTo(300);
    }

    @Test
    void theBrowserFigureWhereChromiumIsInstalled() throws Exception {
        assumeTrue(Files.isExecutable(ReportBench.CHROMIUM), ReportBench.CHROMIUM + " is not installed");
        Path dir = tmp.resolve("run");
        new ReportBench().run(Map.of("trials", "60", "tasks", "tampering", "browser", "false",
                "dir", dir.toString()));

        // The store is reused: only the report and the page load are timed again.
        Map<String, Object> figures = new ReportBench().run(Map.of("dir", dir.toString(), "browser", "true"));

        assertThat(figures.get("open_s")).isInstanceOf(Double.class);
        assertThat(figures.get("browser_start_s")).isInstanceOf(Double.class);
    }
}
