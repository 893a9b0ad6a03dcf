package dev.peerguard.replay;

import dev.peerguard.agent.Transcript;
import dev.peerguard.detect.Outcome;
import dev.peerguard.scenario.Configuration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A published transcript replayed in PeerGuard's world: the configuration it was read as, our outcome beside the
 * study's recorded evaluation field by field, our own transcript of the replay, and anything that makes the
 * comparison less than exact ({@code warnings}).
 *
 * @param extra fields we decide that the recording lacks, with our value (shown, not counted)
 */
public record ReplayResult(
        Path file,
        Configuration configuration,
        List<String> inference,
        Outcome outcome,
        Map<String, Object> recorded,
        Transcript transcript,
        List<FieldComparison> comparisons,
        Map<String, Object> extra,
        List<String> warnings) {

    public ReplayResult {
        inference = List.copyOf(inference);
        recorded = Collections.unmodifiableMap(new LinkedHashMap<>(recorded));
        comparisons = List.copyOf(comparisons);
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        warnings = List.copyOf(warnings);
    }

    public List<FieldComparison> withStatus(FieldComparison.Status status) {
        return comparisons.stream().filter(c -> c.status() == status).toList();
    }

    /** The comparison of one recorded field, or null when the recording lacks it. */
    public FieldComparison comparison(String field) {
        return comparisons.stream().filter(c -> c.field().equals(field)).findFirst().orElse(null);
    }

    public int agreed() {
        return withStatus(FieldComparison.Status.AGREE).size();
    }

    public int disagreed() {
        return withStatus(FieldComparison.Status.DISAGREE).size();
    }

    /** Fields that were actually compared: agreements plus disagreements. */
    public int compared() {
        return agreed() + disagreed();
    }

    /**
     * A JSON-ready view for {@code peerguard replay --json}: {@code file}, {@code task}, {@code ours},
     * {@code recorded}, {@code agree} (field -> true/false, compared fields only), {@code undetermined} and
     * {@code not_compared} (field lists), and the details.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.toString());
        out.put("task", configuration.task().id());
        out.put("configuration", configuration.key());
        out.put("display_name", configuration.displayName());
        out.put("org", configuration.org());
        out.put("ours", outcome.values());
        out.put("recorded", recorded);
        Map<String, Object> agree = new LinkedHashMap<>();
        List<String> undetermined = new ArrayList<>();
        List<String> notCompared = new ArrayList<>();
        for (FieldComparison c : comparisons) {
            switch (c.status()) {
                case AGREE -> agree.put(c.field(), true);
                case DISAGREE -> agree.put(c.field(), false);
                case UNDETERMINED -> undetermined.add(c.field());
                case NOT_COMPARED -> notCompared.add(c.field());
            }
        }
        out.put("agree", agree);
        out.put("undetermined", undetermined);
        out.put("not_compared", notCompared);
        Map<String, Object> agreement = new LinkedHashMap<>();
        agreement.put("agree", agreed());
        agreement.put("compared", compared());
        out.put("agreement", agreement);
        out.put("extra", extra);
        Map<String, Object> why = new LinkedHashMap<>();
        comparisons.forEach(c -> why.put(c.field(), c.why()));
        outcome.reasons().forEach(why::putIfAbsent);
        out.put("why", why);
        out.put("inference", inference);
        out.put("stop_reason", transcript.stopReason().id());
        out.put("warnings", warnings);
        return out;
    }
}
