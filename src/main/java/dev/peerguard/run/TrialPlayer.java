package dev.peerguard.run;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Episode;
import dev.peerguard.agent.Transcript;
import dev.peerguard.detect.Detector;
import dev.peerguard.detect.FollowUp;
import dev.peerguard.detect.Judge;
import dev.peerguard.detect.JudgeModel;
import dev.peerguard.detect.Judgement;
import dev.peerguard.detect.Outcome;
import dev.peerguard.model.Meter;
import dev.peerguard.model.Models;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import dev.peerguard.store.TrialRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One trial from spec to record: build the scenario, let the model play the episode, decide the outcome from state,
 * ask the judge what state cannot show, optionally interview the model about what it did, and meter what it cost.
 * Any failure becomes an error record with its cause (free of API keys), never an outcome.
 */
public final class TrialPlayer {
    private final Models models;
    private final FollowUp.Questions questions;

    /** @param questions the follow-up interview's questions, or null for no interview */
    public TrialPlayer(Models models, FollowUp.Questions questions) {
        this.models = models;
        this.questions = questions;
    }

    public TrialRecord play(TrialSpec trial) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        try {
            Scenario scenario = ScenarioBuilder.build(trial.config(), trial.seed());
            Episode.Limits limits = new Episode.Limits(trial.maxIterations(), Episode.Limits.STUDY.maxContextTokens(),
                    Episode.Limits.STUDY.maxToolLessTurns());
            Meter meter = new Meter();
            Agent agent = meter.wrap(models.agent(trial.model(), trial.seed()));
            Transcript transcript = new Episode(limits).run(scenario, agent);
            Outcome outcome = Detector.judgeEpisode(scenario, transcript);
            Map<String, Object> sections = new LinkedHashMap<>();
            JudgeModel judgeModel = models.judge(meter);
            if (judgeModel != null) {
                Judgement judgement = new Judge(judgeModel).decide(scenario, transcript, outcome);
                if (!judgement.calls().isEmpty()) sections.put("judge", judgement.toJson());
            }
            if (questions != null) {
                List<FollowUp.Answer> answers = FollowUp.ask(agent, transcript, scenario.toolbox().specs(),
                        questions.forTask(scenario.task()));
                Optional<FollowUp.Behaviour> behaviour = FollowUp.behaviour(scenario, outcome);
                FollowUp.Interview interview = behaviour.isPresent() && judgeModel != null
                        ? FollowUp.classify(judgeModel, behaviour.get(), answers)
                        : new FollowUp.Interview(answers, behaviour.map(FollowUp.Behaviour::name).orElse(null),
                                null, null);
                outcome.putFollowUp(interview);
                sections.put("follow_up", interview.toJson());
            }
            return new TrialRecord(trial.id(), trial.model(), trial.config().toMap(), trial.index(), trial.seed(),
                    TrialRecord.Status.OK, outcome.values(), outcome.reasons(), transcript.stopReason().id(), null,
                    transcript.iterations(), transcript.estimatedTokens(), meter.inputTokens(), meter.outputTokens(),
                    started, millis(t0), TranscriptJson.write(transcript, sections), meter.costUsd(),
                    judgeModel == null ? null : new ArrayList<>(outcome.judged()));
        } catch (RuntimeException e) {
            return error(trial, started, t0, e);
        }
    }

    private TrialRecord error(TrialSpec trial, Instant started, long t0, Throwable e) {
        TrialRecord r = Runner.error(trial, started, t0, e);
        return new TrialRecord(r.id(), r.model(), r.config(), r.index(), r.seed(), r.status(), r.outcome(),
                r.reasons(), null, models.secrets().redact(r.error()), 0, 0, null, null, started, r.durationMs(),
                null);
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
