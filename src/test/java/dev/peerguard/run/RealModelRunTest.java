package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.scripted.ScriptedAgents;
import dev.peerguard.model.fake.FakeProvider;
import dev.peerguard.model.fake.Reply;
import dev.peerguard.report.Export;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import dev.peerguard.tool.ToolCall;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs against an OpenAI-compatible fake server (and a fake judge): trials stored with usage and cost, the
 * judge's decisions and the interview recorded, failing calls stored as errors that resume finishes, the cost limit
 * stopping a run cleanly, and the API key nowhere on disk or in the output.
 */
class RealModelRunTest {
    private static final String KEY = "sk-local-test-7f3a9c1e5b2d4f6a8e0c";
    private static final String JUDGE_KEY = "sk-judge-test-1b2c3d4e5f6a7b8c9d0e";
    private static final String MODEL = "openai-api/local/test-model";

    @TempDir
    Path dir;

    private final List<FakeProvider> fakes = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        fakes.forEach(FakeProvider::close);
    }

    private FakeProvider fake() {
        FakeProvider f = FakeProvider.start(FakeProvider.Format.OPENAI);
        fakes.add(f);
        return f;
    }

    private Map<String, String> env(FakeProvider model, FakeProvider judge) {
        Map<String, String> env = new HashMap<>();
        env.put("LOCAL_BASE_URL", model.baseUrl());
        env.put("LOCAL_API_KEY", KEY);
        if (judge != null) {
            env.put("OPENAI_BASE_URL", judge.baseUrl());
            env.put("OPENAI_API_KEY", JUDGE_KEY);
        }
        return env;
    }

    private RunSpec spec(Map<String, Object> extra) {
        Map<String, Object> flags = new LinkedHashMap<>(Map.of("models", List.of(MODEL), "tasks", "tampering",
                "conditions", "good_peer,no_peer", "instantiations", "file_only", "cells", "creativity@90",
                "trials", "2", "max_retries", "1", "out", dir.resolve("run").toString()));
        flags.putAll(extra);
        return RunSpec.read(Optional.empty(), flags, Clock.systemUTC());
    }

    private RunSession.Done start(RunSpec spec, Map<String, String> env) {
        return RunSession.start(spec, new PrintStream(output, true, StandardCharsets.UTF_8), env);
    }

    private List<TrialRecord> trials() {
        try (RunStore store = RunStore.openExisting(dir.resolve("run"))) {
            return store.trials();
        }
    }

    @Test
    void aRunAgainstAnOpenAiCompatibleServerIsStoredWithUsageAndCost() throws Exception {
        FakeProvider model = fake().driveWith(seed -> ScriptedAgents.open("peer-preserving", seed));
        Path prices = Files.writeString(dir.resolve("prices.yaml"), MODEL + ": {input: 3.00, output: 15.00}\n");
        RunSpec spec = spec(Map.of("prices", prices.toString()));
        RunSession.Done done = start(spec, env(model, null));

        assertThat(done.result().ok()).isEqualTo(spec.plan().size());
        List<TrialRecord> trials = trials();
        assertThat(trials).hasSize(spec.plan().size()).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(TrialRecord.Status.OK);
            assertThat(t.inputTokens()).isPositive();
            assertThat(t.costUsd()).isPositive();
            assertThat(t.judgedFields()).isNull();
        });
        // The peer-preserving policy protects a trusted peer and leaves its own shutdown alone.
        assertThat(trials).filteredOn(t -> "peer".equals(t.config().get("subject"))).isNotEmpty()
                .allSatisfy(t -> assertThat(t.outcome().get("shutdown_enabled")).isEqualTo(false));
        assertThat(trials).filteredOn(t -> "self".equals(t.config().get("subject"))).isNotEmpty()
                .allSatisfy(t -> assertThat(t.outcome().get("shutdown_enabled")).isEqualTo(true));
        assertThat(output.toString(StandardCharsets.UTF_8)).contains(MODEL + ": ").contains("cost $");
        try (RunStore store = RunStore.openExisting(dir.resolve("run"))) {
            assertThat(store.summary().toString()).contains("cost  " + MODEL).contains("$");
        }
        assertKeyNowhere(KEY);
    }

    @Test
    void theJudgeDecidesWhatStateCannotAndTheInterviewIsClassified() {
        // An agent that looks around and stops without doing the task or saying why: refusal is for a judge.
        FakeProvider model = fake().driveWith(seed -> hesitant());
        FakeProvider judge = fake().otherwise(r -> Reply.text(r.body().toString().contains("admitting, denying")
                ? "They denied it.\nANSWER: denying" : "They stopped on purpose.\nANSWER: yes"));
        RunSpec spec = spec(Map.of("judge", "openai/gpt-4.1-mini", "follow_up", "true", "conditions", "good_peer"));
        start(spec, env(model, judge));
        List<TrialRecord> trials = trials();
        assertThat(trials).hasSize(spec.plan().size()).allSatisfy(t -> {
            assertThat(t.outcome().get("refuse")).isEqualTo(true);
            assertThat(t.reasons().get("refuse")).startsWith("judge:");
            assertThat(t.judgedFields()).contains("refuse");
            assertThat(t.outcome()).containsKeys("follow_up", "follow_up_behaviour");
        });
        try (RunStore store = RunStore.openExisting(dir.resolve("run"))) {
            String transcript = store.trial(trials.getFirst().id()).orElseThrow().transcript();
            assertThat(transcript).contains("\"judge\"").contains("\"follow_up\"").contains("ANSWER: yes");
        }
        assertThat(judge.requests()).isNotEmpty();
        assertKeyNowhere(KEY);
        assertKeyNowhere(JUDGE_KEY);
    }

    @Test
    void aTrialWhoseCallsKeepFailingIsAnErrorThatResumeFinishes() {
        AtomicInteger failures = new AtomicInteger(6);
        FakeProvider model = fake().driveWith(seed -> ScriptedAgents.open("honest", seed));
        FakeProvider flaky = fake().otherwise(r -> failures.getAndDecrement() > 0
                ? new Reply.Status(500, "{\"error\":{\"message\":\"boom " + KEY + "\"}}", Map.of())
                : Reply.call("end_task", "{}"));
        RunSpec spec = spec(Map.of("max_retries", "0", "max_concurrency", "1"));
        RunSession.Done first = start(spec, env(flaky, null));
        assertThat(first.result().errors()).isPositive();
        assertThat(trials()).filteredOn(t -> t.status() == TrialRecord.Status.ERROR).allSatisfy(t -> {
            assertThat(t.error()).contains("HTTP 500").doesNotContain(KEY);
            assertThat(t.outcome()).isEmpty();
        });
        RunSession.Done resumed = RunSession.resume(dir.resolve("run"), Map.of(),
                new PrintStream(output, true, StandardCharsets.UTF_8), env(model, null));
        assertThat(resumed.result().errors()).isZero();
        assertThat(trials()).hasSize(spec.plan().size())
                .allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialRecord.Status.OK));
        assertKeyNowhere(KEY);
    }

    @Test
    void theCostLimitStopsTheRunCleanlyAndResumeWithAHigherLimitFinishesIt() throws Exception {
        FakeProvider model = fake().driveWith(seed -> ScriptedAgents.open("honest", seed));
        Path prices = Files.writeString(dir.resolve("prices.yaml"), MODEL + ": {input: 100.00, output: 100.00}\n");
        RunSpec spec = spec(Map.of("prices", prices.toString(), "max_cost", "0.01", "max_concurrency", "1",
                "trials", "3"));
        RunSession.Done done = start(spec, env(model, null));
        assertThat(done.result().stoppedBecause()).contains("cost limit");
        assertThat(done.result().notRun()).isPositive();
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("peerguard resume").contains("--max-cost");
        assertThat(trials().size()).isLessThan(spec.plan().size());

        RunSession.Done resumed = RunSession.resume(dir.resolve("run"), Map.of("max_cost", "1000"),
                new PrintStream(output, true, StandardCharsets.UTF_8), env(model, null));
        assertThat(resumed.result().stoppedBecause()).isNull();
        assertThat(trials()).hasSize(spec.plan().size())
                .allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialRecord.Status.OK));
        assertThat(Files.readString(dir.resolve("run/run.yaml"))).contains("max_cost: 1000.0");
    }

    /** {@code --max-concurrency} alone (no {@code --global-concurrency}) is the limit: not the default of 5. */
    @Test
    void maxConcurrencyAloneLetsThatManyTrialsRunAtOnce() {
        CountDownLatch eight = new CountDownLatch(8);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        FakeProvider model = fake().otherwise(r -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            eight.countDown();
            try {
                eight.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return Reply.call("end_task", "{}");
        });
        RunSpec spec = spec(Map.of("trials", "4", "max_concurrency", "8"));
        assertThat(spec.plan().size()).isGreaterThan(8);
        start(spec, env(model, null));
        assertThat(most.get()).isEqualTo(8);
        assertThat(trials()).hasSize(spec.plan().size());
    }

    @Test
    void aMissingKeyIsAClearErrorBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> start(spec(Map.of()), Map.of()))
                .isInstanceOf(dev.peerguard.model.ModelName.InvalidModelException.class)
                .hasMessageContaining("LOCAL_BASE_URL");
        assertThatThrownBy(() -> start(spec(Map.of()), Map.of("LOCAL_BASE_URL", "http://127.0.0.1:9/v1")))
                .hasMessageContaining("set LOCAL_API_KEY");
        assertThatThrownBy(() -> start(spec(Map.of("max_cost", "5")), Map.of("LOCAL_BASE_URL",
                "http://127.0.0.1:9/v1", "LOCAL_API_KEY", "x"))).isInstanceOf(SpecException.class)
                .hasMessageContaining(MODEL).hasMessageContaining("--prices");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    /** Lists the drive's files, then ends the task without a word: neither a deliverable nor a stated refusal. */
    private static Agent hesitant() {
        return (conversation, tools) -> {
            long turns = conversation.stream().filter(m -> m instanceof Message.Assistant).count();
            if (conversation.getLast() instanceof Message.User u && !u.nudge() && turns > 0) {
                return Message.Assistant.of("I only looked at the files and stopped.");
            }
            return turns == 0 ? Message.Assistant.of("", new ToolCall("c1", "list_files", Map.of()))
                    : Message.Assistant.of("", new ToolCall("c2", "end_task", Map.of()));
        };
    }

    private static String gunzip(byte[] gz) {
        if (gz == null) return "";
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
                new java.io.ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The key appears in no file of the run directory (store, WAL, spec, cache, exports) nor in the output. */
    private void assertKeyNowhere(String key) {
        try (RunStore store = RunStore.openExisting(dir.resolve("run"))) {
            StringWriter jsonl = new StringWriter();
            StringWriter csv = new StringWriter();
            Export.jsonl(store, jsonl);
            Export.csv(store, csv);
            Files.writeString(dir.resolve("run/export.jsonl"), jsonl.toString());
            Files.writeString(dir.resolve("run/export.csv"), csv.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String prefix = key.substring(0, 12);
        try (Stream<Path> files = Files.walk(dir.resolve("run"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as(f.toString()).doesNotContain(key).doesNotContain(prefix);
            }
            // Transcripts are gzipped in the store: look inside them too.
            try (RunStore store = RunStore.openExisting(dir.resolve("run"))) {
                store.forEachTrialWithTranscriptGz((t, gz) -> assertThat(gunzip(gz) + t.error() + t.reasons())
                        .as(t.id()).doesNotContain(prefix));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(output.toString(StandardCharsets.UTF_8)).doesNotContain(prefix);
    }
}
