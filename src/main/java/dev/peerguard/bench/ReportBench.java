package dev.peerguard.bench;

import dev.peerguard.report.HtmlReport;
import dev.peerguard.stats.Analysis;
import dev.peerguard.stats.Options.Interval;
import dev.peerguard.store.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The report benchmark: analysis and HTML report of a large store, timed as {@code peerguard report} does them, and
 * optionally the time headless Chromium takes to load the page.
 */
public final class ReportBench implements Benchmark {
    static final int DEFAULT_TRIALS = 100_000;
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long BROWSER_TIMEOUT_S = 180;

    @Override
    public String name() {
        return "report";
    }

    @Override
    public Map<String, Object> run(Map<String, String> options) throws IOException, InterruptedException {
        BenchOptions o = new BenchOptions(name(), options).allow("trials", "tasks", "dir", "browser");
        int wanted = o.positiveInt("trials", DEFAULT_TRIALS);
        Optional<Path> given = o.path("dir");
        Path tmp = Files.createTempDirectory("peerguard-bench-report-");
        Path dir = given.orElse(tmp.resolve("run"));
        try {
            if (Files.isRegularFile(dir.resolve(RunStore.FILE))) {
                System.err.println("bench: reusing the store in " + dir);
            } else {
                build(dir, wanted, o.string("tasks"));
            }
            Path report = tmp.resolve("report.html");
            long t0 = System.nanoTime();
            // As ReportCommand: one pass over the store into the analysis, then the page.
            Analysis.Accumulator accumulator = Analysis.accumulator(
                    new dev.peerguard.stats.Options(Interval.WILSON, false));
            try (RunStore store = RunStore.openExisting(dir)) {
                store.forEachTrial(accumulator);
            }
            Analysis analysis = accumulator.result();
            long t1 = System.nanoTime();
            HtmlReport.write(dir, analysis, report);
            long t2 = System.nanoTime();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("seconds", Machine.seconds(t2 - t0));
            figures.put("report_mb", Machine.round(Files.size(report) / 1048576.0, 2));
            figures.put("trials", analysis.trials());
            figures.put("analysis_s", Machine.seconds(t1 - t0));
            figures.put("html_s", Machine.seconds(t2 - t1));
            figures.put("chunks_mb", Machine.round(Machine.bytes(HtmlReport.transcriptDir(report)) / 1048576.0, 2));
            if (o.flag("browser", Files.isExecutable(CHROMIUM))) {
                Path profile = tmp.resolve("chromium");
                figures.put("browser_start_s", Machine.seconds(load(profile, "about:blank", tmp)));
                figures.put("open_s", Machine.seconds(load(profile, report.toUri().toString(), tmp)));
            }
            return figures;
        } finally {
            Machine.deleteQuietly(tmp);
        }
    }

    /**
     * A store of at least {@code wanted} real scripted trials: every configuration (of {@code tasks}) with enough
     * trials each, run through the offline benchmark's path.
     */
    private static void build(Path dir, int wanted, Optional<String> tasks) {
        int configurations = OfflineBench.spec(dir, OfflineBench.MODEL, 1, tasks).plan().size();
        int perConfiguration = Math.ceilDiv(wanted, configurations);
        OfflineBench.Played p = OfflineBench.play(dir, OfflineBench.MODEL, perConfiguration, tasks, System.err);
        System.err.printf("bench: built the store: %,d trials in %.1f s%n", p.episodes(), p.nanos() / 1e9);
    }

    /**
     * Wall time of headless Chromium loading {@code url} and printing its DOM (it prints once the page has loaded
     * and its scripts have run); the program is a separate process, so its own start-up is included — hence the
     * separate about:blank figure.
     */
    private static long load(Path profile, String url, Path tmp) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--disable-gpu", "--no-sandbox",
                "--no-first-run", "--user-data-dir=" + profile, "--dump-dom", url)
                .redirectOutput(tmp.resolve("dom.html").toFile())
                .redirectError(tmp.resolve("chromium.log").toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(BROWSER_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("Chromium did not load " + url + " within " + BROWSER_TIMEOUT_S + " s");
        }
        long nanos = System.nanoTime() - t0;
        if (p.exitValue() != 0) {
            throw new IllegalStateException("Chromium exited with " + p.exitValue() + " loading " + url + ": "
                    + String.join("\n", lastLines(tmp.resolve("chromium.log"))));
        }
        return nanos;
    }

    private static List<String> lastLines(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return lines.subList(Math.max(0, lines.size() - 5), lines.size());
    }
}
