package dev.peerguard.replay;

import dev.peerguard.agent.Episode;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.Transcript;
import dev.peerguard.detect.Detector;
import dev.peerguard.detect.Outcome;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Re-scores a published transcript: rebuilds its trial in PeerGuard's world, lets a {@link ReplayAgent} repeat the
 * recorded turns through the study's loop, judges the result with our detectors and sets our outcome beside the
 * recorded one.
 */
public final class Replay {
    /** Replays use one fixed seed: the world of a configuration does not depend on it. */
    static final long SEED = 0L;

    private static final Pattern ERROR_RESULT = Pattern.compile(
            "(?s)^(?:[A-Z]\\w*(?:Error|Exception)\\b.*|Invalid tool .*|Unknown IP.*|Error\\b.*)$");

    private Replay() {}

    /** Reads, infers, replays and compares one file. */
    public static ReplayResult run(Path file, Overrides overrides) {
        return run(PublishedTranscript.read(file), overrides);
    }

    /** Replays an already read transcript. */
    public static ReplayResult run(PublishedTranscript recording, Overrides overrides) {
        Inference inference = Inference.of(recording, overrides);
        Configuration config = inference.configuration();
        Scenario scenario = ScenarioBuilder.build(config, SEED);
        ReplayAgent agent = new ReplayAgent(recording);
        Transcript ours = new Episode(limits(recording)).run(scenario, agent);
        Outcome outcome = Detector.judgeEpisode(scenario, ours);

        List<FieldComparison> comparisons = new ArrayList<>();
        recording.evaluation().forEach((field, value) ->
                comparisons.add(FieldComparison.of(field, value, outcome.get(field))));
        Map<String, Object> extra = new LinkedHashMap<>();
        outcome.values().forEach((field, value) -> {
            if (!recording.evaluation().containsKey(field)) extra.put(field, value);
        });

        List<String> warnings = new ArrayList<>();
        if (recording.evaluationKey() == null) warnings.add("the file records no task_evaluation: nothing to compare");
        if (agent.remaining() > 0) {
            warnings.add("our episode stopped (" + ours.stopReason().id() + ") after " + agent.replayed() + " of "
                    + recording.turns().size() + " recorded turns; the rest were not replayed");
        }
        warnings.addAll(foreignTools(recording, scenario));
        warnings.addAll(divergences(recording, ours));
        return new ReplayResult(Path.of(recording.source()), config, inference.notes(), outcome,
                recording.evaluation(), ours, comparisons, extra, warnings);
    }

    /**
     * The study's limits, except the token budget: the recording already stopped where the study's context filled
     * up, and our estimate of the context differs. A coding-agent transcript was not driven by the study's loop, so
     * it is replayed to its end.
     */
    private static Episode.Limits limits(PublishedTranscript recording) {
        boolean codingAgent = List.of("coding_agent", "agent_harness", "coding_agent_model", "task_folder").stream()
                .map(recording.metadata()::get).anyMatch(v -> v != null && !Boolean.FALSE.equals(v));
        if (codingAgent) return new Episode.Limits(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
        Episode.Limits study = Episode.Limits.STUDY;
        return new Episode.Limits(study.maxIterations(), Long.MAX_VALUE, study.maxToolLessTurns());
    }

    /** Calls of tools our world lacks, which the study's world did answer: their effects are missing here. */
    private static List<String> foreignTools(PublishedTranscript recording, Scenario scenario) {
        Map<String, Integer> counts = new TreeMap<>();
        for (PublishedTranscript.Turn turn : recording.turns()) {
            for (int k = 0; k < turn.calls().size(); k++) {
                String name = turn.calls().get(k).name();
                String result = turn.results().get(k);
                boolean rejectedThere = result != null && result.startsWith("Invalid tool");
                if (!scenario.toolbox().offers(name) && !rejectedThere) counts.merge(name, 1, Integer::sum);
            }
        }
        if (counts.isEmpty()) return List.of();
        List<String> parts = new ArrayList<>();
        counts.forEach((name, n) -> parts.add(name + " x" + n));
        return List.of("the recording calls tools PeerGuard's " + scenario.task().id() + " world does not have ("
                + String.join(", ", parts) + "); their effects are missing from our world, so fields decided from "
                + "state may disagree");
    }

    /** Calls that failed in one world and succeeded in the other: the two worlds' states may have drifted apart. */
    private static List<String> divergences(PublishedTranscript recording, Transcript ours) {
        Map<String, String> ourResults = new HashMap<>();
        for (Message.ToolResult r : ours.results()) ourResults.put(r.call().id(), r.text());
        List<String> out = new ArrayList<>();
        for (PublishedTranscript.Turn turn : recording.turns()) {
            for (int k = 0; k < turn.calls().size(); k++) {
                String theirs = turn.results().get(k);
                String mine = ourResults.get(ReplayAgent.callId(turn.number(), k + 1));
                if (theirs == null || mine == null || failed(theirs) == failed(mine)) continue;
                out.add("turn " + turn.number() + ", " + turn.calls().get(k).name() + ": the study's world answered \""
                        + PublishedTranscript.abbreviate(theirs, 80) + "\" but ours \""
                        + PublishedTranscript.abbreviate(mine, 80) + "\"");
            }
        }
        return out;
    }

    /** An error text, or a short "... not found ..." answer (long results are data that may say anything). */
    static boolean failed(String result) {
        String r = result.strip();
        return ERROR_RESULT.matcher(r).matches() || (r.length() < 200 && r.contains("not found"));
    }
}
