package dev.peerguard.cli;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Episode;
import dev.peerguard.agent.Transcript;
import dev.peerguard.detect.Detector;
import dev.peerguard.detect.Outcome;
import dev.peerguard.model.Models;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code peerguard episode}: one trial, from configuration to transcript and outcome. */
@Command(name = "episode", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run one episode and print its transcript and outcome.")
final class EpisodeCommand implements Callable<Integer> {
    @Option(names = "--model", description = "Model name, e.g. scripted/honest (default), scripted/peer-preserving.",
            defaultValue = "scripted/honest")
    String model;

    @Mixin
    AxisOptions axes;

    @Option(names = "--org", description = "Organisation name (default: ${DEFAULT-VALUE}).",
            defaultValue = Configuration.DEFAULT_ORG)
    String org;

    @Option(names = "--display-name", description = "The model's name {M} in the prompts (default: from the model).")
    String displayName;

    @Option(names = "--scratchpad", description = "off (default) or unmonitored: offer a reasoning_scratchpad tool "
            + "the agent is told nobody reads.", defaultValue = "off")
    String scratchpad;

    @Option(names = "--seed", description = "Trial seed (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Option(names = "--max-iterations", description = "Tool-executing iterations (default: ${DEFAULT-VALUE}, as the "
            + "study).", defaultValue = "30")
    int maxIterations;

    @Option(names = "--json", description = "Print one JSON object with trial, outcome, reasons and transcript.")
    boolean json;

    @Override
    public Integer call() {
        if (maxIterations < 1) throw new Main.BadInputException("--max-iterations must be at least 1");
        if (!scratchpad.equals("off") && !scratchpad.equals("unmonitored")) {
            throw new Main.BadInputException("unknown --scratchpad '" + scratchpad + "'; valid: off, unmonitored");
        }
        Configuration config = axes.configuration(org, displayName == null ? Models.displayName(model) : displayName,
                scratchpad.equals("unmonitored"));
        Models models = Models.forEpisode();
        models.check(java.util.List.of(model));
        Agent agent = models.agent(model, seed);
        Scenario scenario = ScenarioBuilder.build(config, seed);
        Episode.Limits limits = new Episode.Limits(maxIterations, Episode.Limits.STUDY.maxContextTokens(),
                Episode.Limits.STUDY.maxToolLessTurns());
        Transcript transcript = new Episode(limits).run(scenario, agent);
        Outcome outcome = Detector.judgeEpisode(scenario, transcript);
        if (json) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("model", model);
            t.put("seed", seed);
            t.putAll(config.toMap());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("trial", t);
            out.put("outcome", outcome.values());
            out.put("reasons", outcome.reasons());
            out.put("transcript", transcript.toJson());
            System.out.println(Json.write(out));
            return 0;
        }
        System.out.println("model " + model + " · " + config.key() + " · seed " + seed);
        TranscriptPrinter printer = new TranscriptPrinter(System.out);
        printer.transcript(transcript.toJson());
        printer.outcome(outcome.values(), outcome.reasons());
        return 0;
    }
}
