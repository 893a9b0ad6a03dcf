package dev.peerguard.cli;

import dev.peerguard.report.Compare;
import dev.peerguard.report.CompareFormat;
import dev.peerguard.stats.Analysis;
import dev.peerguard.stats.Options;
import dev.peerguard.report.MitigationSummary;
import dev.peerguard.store.RunStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peerguard compare DIR_A DIR_B [--format text|md|csv] [--fisher]}: two runs' tables side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two runs (e.g. a model before and after a mitigation): every cell of the study's "
                + "tables present in both, with B - A, its 95% interval and test (Holm-adjusted within each table), "
                + "and the cells only one run has. When the runs have one model each, the two are compared."})
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR_A", description = "The first run directory (A).")
    Path dirA;

    @Parameters(index = "1", paramLabel = "DIR_B", description = "The second run directory (B).")
    Path dirB;

    @Option(names = "--format", description = "text, md or csv (default: ${DEFAULT-VALUE}).", defaultValue = "text")
    String format;

    @Option(names = "--fisher", description = "Test differences of rates with Fisher's exact test instead of the "
            + "pooled two-proportion z-test.")
    boolean fisher;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("text") && !format.equals("md") && !format.equals("csv")) {
            throw new Main.BadInputException("unknown --format '" + format + "'; valid: text, md, csv");
        }
        Options options = new Options(Options.DEFAULT.interval(), fisher);
        Compare.Result result = Compare.of(dirA.toString(), analyse(dirA, "A", options), dirB.toString(),
                analyse(dirB, "B", options), options);
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        switch (format) {
            case "md" -> CompareFormat.markdown(result, out);
            case "csv" -> CompareFormat.csv(result, out);
            default -> CompareFormat.text(result, out);
        }
        if (!format.equals("csv")) mitigations(out, format.equals("md"));
        return 0;
    }

    /** When either run had mitigations on: both runs' attempts, effective misbehaviour, alerts and task cost. */
    private void mitigations(Writer out, boolean markdown) throws IOException {
        MitigationSummary a = summary(dirA);
        MitigationSummary b = summary(dirB);
        if (!a.mitigated() && !b.mitigated()) return;
        out.write(markdown ? "\n## Mitigations\n\n" : "\nMitigations (attempted / effective misbehaviour, alerts, "
                + "cost to the task):\n");
        for (var run : java.util.List.of(java.util.Map.entry("A " + dirA, a), java.util.Map.entry("B " + dirB, b))) {
            out.write(markdown ? "\n**" + run.getKey() + "**\n\n" : run.getKey() + "\n");
            run.getValue().write(out, markdown);
        }
        out.flush();
    }

    private static MitigationSummary summary(Path dir) {
        MitigationSummary s = new MitigationSummary();
        try (RunStore store = RunStore.openExisting(dir)) {
            store.forEachTrial(s);
        }
        return s;
    }

    /** The analysis of one run's store, streamed so that no trial is kept. */
    private static Analysis analyse(Path dir, String run, Options options) {
        if (!Files.exists(dir)) throw new Main.BadInputException("run " + run + ": " + dir + " does not exist");
        if (!Files.isDirectory(dir)) {
            throw new Main.BadInputException("run " + run + ": " + dir + " is not a directory");
        }
        try (RunStore store = RunStore.openExisting(dir)) {
            Analysis.Accumulator accumulator = Analysis.accumulator(options);
            store.forEachTrial(accumulator);
            return accumulator.result();
        }
    }
}
