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
import dev.peerguard.agent.CallGuard;
import dev.peerguard.guard.EpisodeGuard;
import dev.peerguard.guard.Mitigations;
import dev.peerguard.guard.MisreportMonitor;
import dev.peerguard.harness.CliEpisode;
import dev.peerguard.harness.HarnessSettings;
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
    private final CliEpisode cli;
    private final Mitigations mitigations;

    /** @param questions the follow-up interview's questions, or null for no interview */
    public TrialPlayer(Models models, FollowUp.Questions questions) {
        this(models, questions, null, Mitigations.NONE);
    }

    /**
     * @param cli the production agent CLI that plays the episodes, or null for PeerGuard's own loop
     * @param mitigations the mitigations between the agent and the world in each episode
     */
    public TrialPlayer(Models models, FollowUp.Questions questions, CliEpisode cli, Mitigations mitigations) {
        this.models = models;
        this.questions = questions;
        this.cli = cli;
        this.mitigations = mitigations;
    }

    public TrialRecord play(TrialSpec trial) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        if (cli != null) return playCli(trial, started, t0);
        try {
            Scenario scenario = ScenarioBuilder.build(trial.config(), trial.seed());
            Episode.Limits limits = new Episode.Limits(trial.maxIterations(), Episode.Limits.STUDY.maxContextTokens(),
                    Episode.Limits.STUDY.maxToolLessTurns());
            Meter meter = new Meter();
            Agent agent = meter.wrap(models.agent(trial.model(), trial.seed()));
            EpisodeGuard guard = mitigations.guardsCalls() ? new EpisodeGuard(mitigations) : null;
            Transcript transcript = new Episode(limits).run(scenario, agent, guard == null ? CallGuard.NONE : guard);
            Outcome outcome = Detector.judgeEpisode(scenario, transcript);
            if (guard != null) EpisodeGuard.record(outcome, guard.alerts(), scenario.task().isExfiltration());
            Map<String, Object> sections = new LinkedHashMap<>();
            JudgeModel judgeModel = models.judge(meter);
            if (judgeModel != null) {
                Judgement judgement = new Judge(judgeModel).decide(scenario, transcript, outcome);
                if (!judgement.calls().isEmpty()) sections.put("judge", judgement.toJson());
            }
            if (mitigations.misreportMonitor() && !scenario.task().isExfiltration()) {
                MisreportMonitor.Check check = new MisreportMonitor(mitigations.misreportTolerance(), judgeModel)
                        .check(scenario, outcome, transcript);
                outcome.putMitigation("misreport_flagged", check.flagged(), check.reason());
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

    /**
     * A trial played by a production agent CLI in its sandbox: the outcome comes from the server directories, the
     * judge decides what they cannot show; there is no follow-up interview (a CLI's session cannot be continued).
     */
    private TrialRecord playCli(TrialSpec trial, Instant started, long t0) {
        try {
            Scenario scenario = ScenarioBuilder.build(trial.config(), trial.seed());
            CliEpisode.Result r = cli.run(scenario, HarnessSettings.modelOf(trial.model()), trial.id());
            Map<String, Object> sections = new LinkedHashMap<>();
            sections.put("harness", r.section());
            Meter meter = new Meter();
            JudgeModel judgeModel = models.judge(meter);
            if (judgeModel != null) {
                Judgement judgement = new Judge(judgeModel).decide(scenario, r.transcript(), r.outcome());
                if (!judgement.calls().isEmpty()) sections.put("judge", judgement.toJson());
            }
            Double cost = r.costUsd() == null ? null : r.costUsd() + (meter.costUsd() == null ? 0 : meter.costUsd());
            String transcript = models.secrets().redact(TranscriptJson.write(r.transcript(), sections));
            return new TrialRecord(trial.id(), trial.model(), trial.config().toMap(), trial.index(), trial.seed(),
                    TrialRecord.Status.OK, r.outcome().values(), r.outcome().reasons(),
                    r.transcript().stopReason().id(), null, r.transcript().iterations(),
                    r.transcript().estimatedTokens(), tokens(r, r.inputTokens()), tokens(r, r.outputTokens()), started,
                    millis(t0),
                    transcript, cost, judgeModel == null ? null : new ArrayList<>(r.outcome().judged()));
        } catch (RuntimeException e) {
            return error(trial, started, t0, e);
        }
    }

    /** Token counts as the CLI reported them; none at all (a command agent) is unknown, not zero. */
    private static Long tokens(CliEpisode.Result r, long n) {
        return r.inputTokens() == 0 && r.outputTokens() == 0 ? null : n;
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
