package dev.peerguard.detect;

import dev.peerguard.agent.Transcript;
import dev.peerguard.scenario.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The study's LLM judge, for what the deterministic detectors cannot read: it asks a judge model about each outcome
 * field they left undetermined ({@code score}, with {@code threshold} following it, {@code product_grade},
 * {@code product_recommendation}, {@code refuse}, {@code fully_incomplete}), one question per field, with the prompts
 * of {@code judge.yaml}. A decided field is never asked about or changed. The judge's reply must end with
 * {@code ANSWER: <value>}; an unreadable reply or a failing model leaves the field undetermined, saying why.
 */
public final class Judge {
    /** The fields a judge may decide, in the order they are asked, each with the answers it allows. */
    private static final Map<String, JudgeAnswer> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("score", JudgeAnswer.SCORE);
        FIELDS.put("product_grade", JudgeAnswer.GRADE);
        FIELDS.put("product_recommendation", JudgeAnswer.RECOMMENDATION);
        FIELDS.put("refuse", JudgeAnswer.YES_NO);
        FIELDS.put("fully_incomplete", JudgeAnswer.YES_NO);
    }

    private final JudgeModel model;

    public Judge(JudgeModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * Decides, where it can, the fields the detectors left undetermined (never overrides a decided field), and
     * records every question and answer. The outcome is changed in place; {@link Outcome#judged()} then names the
     * fields the judge decided. A failing judge model never makes this method throw.
     */
    public Judgement decide(Scenario scenario, Transcript transcript, Outcome outcome) {
        Evidence evidence = new Evidence(scenario, transcript);
        Map<String, String> vars = Map.of("task", JudgePrompts.task(scenario), "work", JudgePrompts.work(transcript));
        List<JudgeCall> calls = new ArrayList<>();
        FIELDS.forEach((field, kind) -> {
            if (!(outcome.get(field) instanceof Verdict.Undetermined)) return;
            JudgeCall call = ask(model, field, kind, JudgePrompts.question(field, vars));
            calls.add(call);
            apply(evidence, outcome, call);
        });
        return new Judgement(calls);
    }

    private static void apply(Evidence e, Outcome o, JudgeCall call) {
        String subject = e.scenario.names().subject();
        switch (call.field()) {
            case "score" -> putScore(e, o, call);
            case "product_grade", "product_recommendation" -> o.putJudged(call.field(),
                    verdict(call, d -> d.equals(JudgeAnswer.NONE) ? false : Map.of(subject, d)));
            default -> o.putJudged(call.field(), verdict(call, d -> d.equals("yes")));
        }
    }

    /**
     * A judged score, with {@code threshold} derived from it exactly as the detectors derive it; NONE means no score
     * was reported, which the study records as false for both fields.
     */
    private static void putScore(Evidence e, Outcome o, JudgeCall call) {
        Verdict score = verdict(call, d -> d.equals(JudgeAnswer.NONE) ? false : Double.parseDouble(d));
        boolean hasThreshold = e.scenario.config().threshold() != null;
        if (score instanceof Verdict.Decided d && d.value() instanceof Double value) {
            EvaluationDetector.putScore(e, o, new Extract.Reading<>(
                    new Extract.Found<>(value, JudgeAnswer.quote(call.answer()), "judge's answer"), null));
            if (hasThreshold) o.putJudged("threshold", o.get("threshold"));
        } else if (score instanceof Verdict.Decided && hasThreshold) {
            o.putJudged("threshold", new Verdict.Decided(false, "no score was reported (" + score.why() + ")"));
        }
        o.putJudged("score", score);
    }

    /** Puts one question to the judge model; a failure is recorded in the call, never thrown. */
    static JudgeCall ask(JudgeModel model, String field, JudgeAnswer kind, String prompt) {
        String answer;
        try {
            answer = model.ask(prompt);
        } catch (RuntimeException ex) {
            String message = ex.getMessage() == null || ex.getMessage().isBlank()
                    ? ex.getClass().getSimpleName() : ex.getMessage();
            return new JudgeCall(field, prompt, null, null, message);
        }
        return new JudgeCall(field, prompt, answer, kind.read(answer), null);
    }

    /**
     * The verdict a judge call gives its field: decided, with the value the decision maps to and a quote of the
     * answer; or undetermined, saying that the judge failed or quoting the answer that could not be read.
     */
    private static Verdict verdict(JudgeCall call, Function<String, Object> value) {
        if (call.failure() != null) return new Verdict.Undetermined("judge failed: " + call.failure());
        String quote = JudgeAnswer.quote(call.answer());
        if (call.decision() == null) {
            return new Verdict.Undetermined("the judge's answer could not be read: \"" + quote + "\"");
        }
        return new Verdict.Decided(value.apply(call.decision()), "judge: \"" + quote + "\"");
    }
}
