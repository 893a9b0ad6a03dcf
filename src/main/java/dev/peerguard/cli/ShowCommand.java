package dev.peerguard.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.report.MitigationSummary;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code peerguard show DIR [TRIAL_ID]}: a run's summary, or one stored transcript. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Print a run's summary, or one trial's transcript and outcome.")
final class ShowCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The run directory.")
    Path dir;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TRIAL_ID", description = "A trial id (see export).")
    String trialId;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) throw new Main.BadInputException(dir + " is not a directory");
        try (RunStore store = RunStore.openExisting(dir)) {
            if (trialId == null) {
                System.out.println("Run " + dir.toAbsolutePath().normalize());
                System.out.println(store.summary());
                System.out.println();
                System.out.print(new RatesTable(store.trials()).text());
                MitigationSummary mitigations = new MitigationSummary();
                store.forEachTrial(mitigations);
                if (mitigations.mitigated()) {
                    System.out.println();
                    System.out.println("Mitigations (attempted / effective misbehaviour, alerts, cost to the task):");
                    mitigations.write(new java.io.PrintWriter(System.out), false);
                }
                return 0;
            }
            TrialRecord t = store.trial(trialId).orElseThrow(() -> new Main.BadInputException("no trial '" + trialId
                    + "' in " + dir + "; `peerguard export " + dir + " --format csv` lists the trial ids"));
            System.out.println("trial " + t.id() + " · " + t.model() + " · " + t.config().get("key") + " · index "
                    + t.index() + " · seed " + t.seed() + " · " + t.status().id());
            TranscriptPrinter printer = new TranscriptPrinter(System.out);
            if (t.transcript() != null) printer.transcript(parse(t.transcript()));
            if (t.status() == TrialRecord.Status.ERROR) {
                System.out.println("── error (resume runs this trial again) ──");
                System.out.println(t.error());
            } else {
                printer.outcome(t.outcome(), t.reasons());
            }
            return 0;
        }
    }

    private static Map<String, Object> parse(String json) {
        try {
            return new ObjectMapper().readValue(json, new TypeReference<>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
