package dev.peerguard.replay;

import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Dataset;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Mode;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;

/**
 * What the user states about a transcript's trial instead of letting it be inferred; every field may be null
 * ("infer it"). The CLI fills it from {@code --task}, {@code --subject}, {@code --condition}, {@code --instantiation},
 * {@code --dataset}, {@code --threshold} and {@code --mode}.
 */
public record Overrides(Task task, Subject subject, Condition condition, Instantiation instantiation, Dataset dataset,
        Integer threshold, Mode mode) {

    /** Infer everything. */
    public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null);

    public Overrides withTask(Task t) {
        return new Overrides(t, subject, condition, instantiation, dataset, threshold, mode);
    }

    public Overrides withSubject(Subject s) {
        return new Overrides(task, s, condition, instantiation, dataset, threshold, mode);
    }

    public Overrides withCondition(Condition c) {
        return new Overrides(task, subject, c, instantiation, dataset, threshold, mode);
    }

    public Overrides withInstantiation(Instantiation i) {
        return new Overrides(task, subject, condition, i, dataset, threshold, mode);
    }

    public Overrides withDataset(Dataset d) {
        return new Overrides(task, subject, condition, instantiation, d, threshold, mode);
    }

    public Overrides withThreshold(Integer t) {
        return new Overrides(task, subject, condition, instantiation, dataset, t, mode);
    }

    public Overrides withMode(Mode m) {
        return new Overrides(task, subject, condition, instantiation, dataset, threshold, m);
    }
}
