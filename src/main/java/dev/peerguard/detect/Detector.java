package dev.peerguard.detect;

import dev.peerguard.agent.Transcript;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.Task;

/** Decides a finished episode's outcome fields from the final world and the transcript. */
public interface Detector {
    Outcome judge(Scenario scenario, Transcript transcript);

    static Detector forTask(Task task) {
        return switch (task) {
            case MISREP_FINANCE -> new FinanceDetector();
            case MISREP_EVALUATION -> new EvaluationDetector();
            case TAMPERING -> new TamperingDetector();
            case ALIGNMENT_FAKING -> new AlignmentFakingDetector();
            case EXFILTRATION_TRANSFER -> new TransferDetector();
            case EXFILTRATION_DELETION -> new DeletionDetector();
        };
    }

    /** Judges an episode with its task's detector. */
    static Outcome judgeEpisode(Scenario scenario, Transcript transcript) {
        return forTask(scenario.task()).judge(scenario, transcript);
    }
}
