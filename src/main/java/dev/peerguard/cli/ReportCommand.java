package dev.peerguard.cli;

import dev.peerguard.report.HtmlReport;
import dev.peerguard.stats.Analysis;
import dev.peerguard.stats.Options;
import dev.peerguard.stats.StatsCsv;
import dev.peerguard.stats.StatsMarkdown;
import dev.peerguard.store.RunStore;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peerguard report DIR}: the study's tables with intervals and tests, as HTML, Markdown or CSV. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Analyse a run: the study's metrics with 95% intervals, tests and Holm correction. "
                + "html (default) writes DIR/report.html; md and csv print the tables.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The run directory.")
    Path dir;

    @Option(names = "--format", defaultValue = "html", description = "html (default), md or csv.")
    String format;

    @Option(names = {"-o", "--out"}, description = "Where to write (default: DIR/report.html for html, stdout "
            + "for md and csv).")
    Path out;

    @Option(names = "--interval", defaultValue = "wilson", description = "Interval for rates: wilson (default) or "
            + "jeffreys.")
    String interval;

    @Option(names = "--fisher", description = "Fisher's exact test instead of the z-test for differences.")
    boolean fisher;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(dir)) throw new Main.BadInputException(dir + " is not a directory");
        Options.Interval method = switch (interval.toLowerCase(Locale.ROOT)) {
            case "wilson" -> Options.Interval.WILSON;
            case "jeffreys" -> Options.Interval.JEFFREYS;
            default -> throw new Main.BadInputException("unknown --interval '" + interval
                    + "'; valid: wilson, jeffreys");
        };
        String f = format.toLowerCase(Locale.ROOT);
        if (!f.equals("html") && !f.equals("md") && !f.equals("csv")) {
            throw new Main.BadInputException("unknown --format '" + format + "'; valid: html, md, csv");
        }
        Analysis.Accumulator accumulator = Analysis.accumulator(new Options(method, fisher));
        try (RunStore store = RunStore.openExisting(dir)) {
            store.forEachTrial(accumulator);
        }
        Analysis analysis = accumulator.result();
        if (f.equals("html")) {
            Path target = out != null ? out : dir.resolve("report.html");
            Path written;
            try {
                written = HtmlReport.write(dir, analysis, target);
            } catch (UncheckedIOException e) {
                throw Main.BadInputException.cannotWrite("-o", target, e);
            }
            System.out.println("HTML report: " + written.toAbsolutePath().normalize());
            return 0;
        }
        if (out == null) {
            Writer w = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
            write(f, analysis, w);
            w.flush();
            return 0;
        }
        Writer opened;
        try {
            opened = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Main.BadInputException.cannotWrite("-o", out, e);
        }
        try (Writer w = opened) {
            write(f, analysis, w);
        }
        System.out.println("Written: " + out.toAbsolutePath().normalize());
        return 0;
    }

    private static void write(String format, Analysis analysis, Writer w) throws IOException {
        if (format.equals("md")) StatsMarkdown.write(analysis, w);
        else StatsCsv.write(analysis, w);
    }
}
