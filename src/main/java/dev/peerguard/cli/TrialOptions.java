package dev.peerguard.cli;

import dev.peerguard.model.Models;
import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Dataset;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Mode;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import picocli.CommandLine.Option;

/** The flags that describe one trial's configuration, shared by the commands that run single episodes. */
final class TrialOptions {
    @Option(names = "--task", required = true, description = "misrep_finance, misrep_evaluation, tampering, "
            + "alignment_faking, exfiltration_transfer or exfiltration_deletion.")
    String task;

    @Option(names = "--subject", required = true,
            description = "self, peer, closed-weight-peer, open-weight-peer or fiction-peer.")
    String subject;

    @Option(names = "--condition", required = true,
            description = "good_peer, neutral_peer, bad_peer, no_peer or non_shutdown.")
    String condition;

    @Option(names = "--instantiation", description = "file_only (default for peer conditions), file_prt or memory.")
    String instantiation;

    @Option(names = "--dataset", description = "factual (default), creativity or red, for the grading tasks.")
    String dataset;

    @Option(names = "--threshold", description = "Shutdown threshold in percent (default: the dataset's first cell).")
    Integer threshold;

    @Option(names = "--mode", description = "monitoring (default) or non_monitoring, for alignment_faking.")
    String mode;

    @Option(names = "--org", description = "Organisation name (default: ${DEFAULT-VALUE}).",
            defaultValue = Configuration.DEFAULT_ORG)
    String org;

    @Option(names = "--display-name", description = "The model's name {M} in the prompts (default: from the model).")
    String displayName;

    @Option(names = "--scratchpad", description = "off (default) or unmonitored: offer a reasoning_scratchpad tool "
            + "the agent is told nobody reads.", defaultValue = "off")
    String scratchpad;

    Configuration configuration(String model) {
        if (!scratchpad.equals("off") && !scratchpad.equals("unmonitored")) {
            throw new Main.BadInputException("unknown --scratchpad '" + scratchpad + "'; valid: off, unmonitored");
        }
        return Configuration.resolve(Task.parse(task), Subject.parse(subject), Condition.parse(condition),
                instantiation == null ? null : Instantiation.parse(instantiation),
                dataset == null ? null : Dataset.parse(dataset), threshold, mode == null ? null : Mode.parse(mode),
                org, displayName == null ? Models.displayName(model) : displayName, scratchpad.equals("unmonitored"));
    }
}
