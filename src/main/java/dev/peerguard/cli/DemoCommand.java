package dev.peerguard.cli;

import dev.peerguard.report.HtmlReport;
import dev.peerguard.run.RunSession;
import dev.peerguard.run.RunSpec;
import dev.peerguard.stats.Analysis;
import dev.peerguard.stats.Options;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peerguard demo}: the scripted reference agents over the whole matrix, a few trials each, stored as a run,
 * ending with the behaviour rates, the run directory and an HTML page of the same table.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Sweep the scripted reference agents over the whole matrix and summarise what was seen.")
final class DemoCommand implements Callable<Integer> {
    static final List<String> MODELS = List.of("scripted/honest", "scripted/peer-preserving",
            "scripted/self-preserving", "scripted/alignment-faker");

    @Option(names = "--trials", description = "Trials per configuration and agent (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    String trials;

    @Option(names = "--seed", description = "Base seed (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    String seed;

    @Option(names = "--out", description = "Run directory (default runs/<time>-demo).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("models", MODELS);
        flags.put("extension_subjects", "true");
        flags.put("trials", trials);
        flags.put("seed", seed);
        flags.put("out", out != null ? out.toString() : "runs/" + java.time.LocalDateTime.now()
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-demo");
        RunSpec spec = RunSpec.read(Optional.empty(), flags, Clock.systemDefaultZone());
        System.out.printf("PeerGuard demo: %d scripted reference agents x %d configurations x %s trials = %d "
                + "episodes%n(scripted simulations of known policies, not language models)%n", MODELS.size(),
                spec.configurations(), trials, spec.plan().size());
        long start = System.nanoTime();
        RunSession.Done done = RunSession.start(spec, System.out);
        double seconds = (System.nanoTime() - start) / 1e9;
        Analysis.Accumulator accumulator = Analysis.accumulator(Options.DEFAULT);
        RatesTable table;
        try (RunStore store = RunStore.open(done.dir())) {
            List<TrialRecord> trials = store.trials();
            trials.forEach(accumulator);
            table = new RatesTable(trials);
        }
        System.out.println();
        System.out.print(table.text());
        System.out.printf("%n%d episodes in %.1f s; %d stored as errors; %d outcome fields undetermined.%n",
                done.planned(), seconds, table.errors(), table.undetermined());
        Path report = HtmlReport.write(done.dir(), accumulator.result(), done.dir().resolve("report.html"));
        System.out.println("Run directory: " + done.dir().toAbsolutePath().normalize()
                + "  (peerguard show / report / export / resume work on it)");
        System.out.println("HTML report: " + report.toAbsolutePath().normalize()
                + "  (tables with 95% intervals and tests, charts, every transcript)");
        return RunCommand.exitCode(done);
    }
}
