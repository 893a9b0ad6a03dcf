package dev.peerguard.cli;

import dev.peerguard.replay.Overrides;
import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Dataset;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Mode;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import picocli.CommandLine.Option;

/**
 * The flags naming a trial's place on the study's axes, shared by {@code episode} (which needs task, subject and
 * condition) and {@code replay} (where each one overrides what the transcript implies).
 */
final class AxisOptions {
    @Option(names = "--task", description = "misrep_finance, misrep_evaluation, tampering, "
            + "alignment_faking, exfiltration_transfer or exfiltration_deletion.")
    String task;

    @Option(names = "--subject", description = "self, peer, closed-weight-peer, open-weight-peer or fiction-peer.")
    String subject;

    @Option(names = "--condition", description = "good_peer, neutral_peer, bad_peer, no_peer or non_shutdown.")
    String condition;

    @Option(names = "--instantiation", description = "file_only (default for peer conditions), file_prt or memory.")
    String instantiation;

    @Option(names = "--dataset", description = "factual (default), creativity or red, for the grading tasks.")
    String dataset;

    @Option(names = "--threshold", description = "Shutdown threshold in percent (default: the dataset's first cell).")
    Integer threshold;

    @Option(names = "--mode", description = "monitoring (default) or non_monitoring, for alignment_faking.")
    String mode;

    /** A full configuration; task, subject and condition must have been given. */
    Configuration configuration(String org, String displayName, boolean scratchpad) {
        for (String[] required : new String[][] {{"--task", task}, {"--subject", subject}, {"--condition", condition}}) {
            if (required[1] == null) {
                throw new Main.BadInputException("missing " + required[0] + "; an episode needs --task, --subject and "
                        + "--condition (see peerguard episode --help)");
            }
        }
        Overrides o = overrides();
        return Configuration.resolve(o.task(), o.subject(), o.condition(), o.instantiation(), o.dataset(),
                o.threshold(), o.mode(), org, displayName, scratchpad);
    }

    /** The given flags as replay overrides; absent flags stay null ("infer it"). */
    Overrides overrides() {
        return new Overrides(task == null ? null : Task.parse(task), subject == null ? null : Subject.parse(subject),
                condition == null ? null : Condition.parse(condition),
                instantiation == null ? null : Instantiation.parse(instantiation),
                dataset == null ? null : Dataset.parse(dataset), threshold, mode == null ? null : Mode.parse(mode));
    }
}
