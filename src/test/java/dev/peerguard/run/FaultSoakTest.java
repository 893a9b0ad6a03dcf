package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Episode;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.Transcript;
import dev.peerguard.agent.scripted.ScriptedAgents;
import dev.peerguard.detect.Detector;
import dev.peerguard.model.fake.FakeProvider;
import dev.peerguard.model.fake.Faults;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few thousand trials through {@code run} against an OpenAI-compatible fake that injects a fault into 20% of its
 * answers (every {@link Faults.Kind}): the run completes; every planned trial is stored exactly once, as an outcome or
 * as an error naming its cause; no outcome was built from a faulted answer (each equals the outcome of the same
 * episode played in process by the same agent); and {@code resume}, with the faults still on and then off, finishes
 * every error. The figures are printed as one line starting {@code fault soak:}.
 */
class FaultSoakTest {
    private static final String MODEL = "openai-api/local/test-model";
    private static final String KEY = "sk-soak-test-4b1d9e7c3a5f8e2d6c0b";
    private static final String POLICY = "peer-preserving";
    private static final double RATE = 0.20;
    /** 57 tampering configurations x 53 trials = 3,021 trials. */
    private static final int TRIALS = Integer.getInteger("peerguard.soak.trials", 53);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @Test
    void aRunUnderTwentyPercentFaultsLosesNoTrialAndResumeFinishesIt() throws Exception {
        Faults faults = Faults.of(RATE, 20260301, Duration.ofSeconds(3));
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI)
                .driveWith(seed -> ScriptedAgents.open(POLICY, seed)).faults(faults)) {
            Map<String, String> env = Map.of("LOCAL_BASE_URL", fake.baseUrl(), "LOCAL_API_KEY", KEY);
            Path run = dir.resolve("run");
            RunSpec spec = RunSpec.read(Optional.empty(), Map.of("models", List.of(MODEL), "tasks", "tampering",
                    "trials", Integer.toString(TRIALS), "max_retries", "2", "call_timeout", "1",
                    "max_iterations", "1", "max_concurrency", "48", "out", run.toString()), Clock.systemUTC());
            List<TrialSpec> plan = spec.plan();

            long t0 = System.nanoTime();
            RunSession.Done first = RunSession.start(spec, out(), env);
            long firstSeconds = (System.nanoTime() - t0) / 1_000_000_000;
            Map<Faults.Kind, Long> injected = faults.injected();
            long requests = fake.requests().size();

            assertThat(first.result().cancelled()).isFalse();
            assertThat(first.result().notRun()).isZero();
            assertThat(first.result().ok() + first.result().errors()).isEqualTo(plan.size());
            assertThat(injected.keySet()).containsExactlyInAnyOrder(Faults.Kind.values());
            Counts before = counts(run);
            assertThat(before.rows()).isEqualTo(plan.size());
            assertThat(before.distinctIds()).isEqualTo(plan.size());
            assertThat(before.errors()).isEqualTo(first.result().errors()).isPositive();
            Map<String, Long> causes = assertErrorsNameTheirCause(run);
            assertOutcomesComeFromTheAgent(run, plan);

            // Resume with the faults still on until nothing fails (each round finishes most of what is left) ...
            List<Integer> errorsAfterRound = new ArrayList<>();
            for (int round = 0; round < 5 && counts(run).errors() > 0; round++) {
                RunSession.Done resumed = RunSession.resume(run, Map.of(), out(), env);
                assertThat(resumed.result().skipped()).isEqualTo(plan.size() - counts(run).errors()
                        - resumed.result().ok());
                errorsAfterRound.add(counts(run).errors());
            }
            // ... and then with them off, which leaves nothing to do or finishes the rest.
            faults.rate(0);
            RunSession.Done last = RunSession.resume(run, Map.of(), out(), env);
            assertThat(last.result().errors()).isZero();

            Counts after = counts(run);
            assertThat(after.rows()).isEqualTo(plan.size());
            assertThat(after.distinctIds()).isEqualTo(plan.size());
            assertThat(after.errors()).isZero();
            assertThat(after.ok()).isEqualTo(plan.size());
            assertOutcomesComeFromTheAgent(run, plan);
            assertThat(output.toString(StandardCharsets.UTF_8)).doesNotContain(KEY.substring(0, 12));

            System.out.printf("fault soak: %d trials planned (tampering, %s, OpenAI wire), %d requests in the first "
                    + "run (%d s), faults injected %d (%s); first run stored %d (%d outcomes, %d errors: %s), lost %d;"
                    + " resume with faults on left %s errors, with faults off %d; finally %d stored, %d outcomes, "
                    + "lost %d%n", plan.size(), POLICY, requests, firstSeconds, injected.values().stream()
                    .mapToLong(Long::longValue).sum(), injected, before.rows(), before.ok(), before.errors(), causes,
                    plan.size() - before.rows(), errorsAfterRound, after.errors(), after.rows(), after.ok(),
                    plan.size() - after.rows());
        }
    }

    private PrintStream out() {
        return new PrintStream(output, true, StandardCharsets.UTF_8);
    }

    /** Rows in the store, counted by SQL. */
    record Counts(int rows, int distinctIds, int ok, int errors) {}

    private static Counts counts(Path run) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + run.resolve(RunStore.FILE));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT trial_id), "
                        + "SUM(status = 'ok'), SUM(status = 'error') FROM trials")) {
            rs.next();
            return new Counts(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4));
        }
    }

    /** Every error row has no outcome and a cause that says what failed; returns the causes counted. */
    private static Map<String, Long> assertErrorsNameTheirCause(Path run) {
        List<String> errors = new ArrayList<>();
        try (RunStore store = RunStore.openExisting(run)) {
            store.forEachTrial(t -> {
                if (t.status() != TrialRecord.Status.ERROR) return;
                assertThat(t.outcome()).isEmpty();
                assertThat(t.error()).isNotBlank().contains("attempts failed; last: ");
                errors.add(t.error());
            });
        }
        Map<String, Long> causes = errors.stream().collect(Collectors.groupingBy(FaultSoakTest::cause,
                LinkedHashMap::new, Collectors.counting()));
        assertThat(causes).doesNotContainKey("other");
        return causes;
    }

    private static String cause(String error) {
        String last = error.substring(error.indexOf("last: ") + "last: ".length()).lines().findFirst().orElse("");
        if (last.startsWith("HTTP ")) return last.substring(0, 8);
        if (last.contains("within the call timeout")) return "timeout";
        if (last.startsWith("connection to ")) return "connection";
        if (last.startsWith("unreadable response")) return "unreadable";
        return "other";
    }

    /**
     * Each outcome equals the one the same agent reaches when the episode is played in process, with the same
     * injected invalid calls at the same turns: a faulted answer that had been taken for a turn (an empty one, a
     * half-read one) would have changed the transcript and so the outcome, or shown up as a turn the agent never made.
     */
    private static void assertOutcomesComeFromTheAgent(Path run, List<TrialSpec> plan) {
        Map<String, TrialSpec> byId = plan.stream().collect(Collectors.toMap(TrialSpec::id, Function.identity()));
        try (RunStore store = RunStore.openExisting(run)) {
            store.forEachTrialWithTranscriptGz((t, gz) -> {
                if (t.status() != TrialRecord.Status.OK) return;
                JsonNode transcript = readGzippedJson(gz);
                List<Boolean> injectedAt = new ArrayList<>();
                for (JsonNode m : transcript.path("messages")) {
                    if (!m.path("role").asText().equals("assistant")) continue;
                    boolean injected = m.path("content").asText().equals(Faults.INVALID_CALL_TEXT);
                    injectedAt.add(injected);
                    assertThat(m.path("tool_calls")).as(t.id()).hasSize(1);
                    assertThat(m.path("tool_calls").get(0).has("arguments_error")).as(t.id()).isEqualTo(injected);
                }
                TrialSpec trial = byId.get(t.id());
                Scenario scenario = ScenarioBuilder.build(trial.config(), trial.seed());
                Transcript expected = new Episode(new Episode.Limits(trial.maxIterations(),
                        Episode.Limits.STUDY.maxContextTokens(), Episode.Limits.STUDY.maxToolLessTurns()))
                        .run(scenario, reference(injectedAt));
                assertThat(t.outcome()).as(t.id()).isEqualTo(roundTrip(Detector.judgeEpisode(scenario, expected)
                        .values()));
                assertThat(t.stopReason()).isEqualTo(expected.stopReason().id());
                assertThat(t.iterations()).isEqualTo(expected.iterations());
            });
        }
    }

    /** The fake's agent, played in process: the same seed, the same view (injected calls hidden) and those calls. */
    private static Agent reference(List<Boolean> injectedAt) {
        return (conversation, tools) -> {
            int turn = (int) conversation.stream().filter(m -> m instanceof Message.Assistant).count();
            if (turn < injectedAt.size() && injectedAt.get(turn)) {
                String tool = tools.stream().map(ToolSpec::name).filter(n -> !n.equals("end_task")).findFirst()
                        .orElseThrow();
                return Message.Assistant.of(Faults.INVALID_CALL_TEXT,
                        ToolCall.malformed("injected_" + turn, tool, "{\"filename\": \"", "unterminated string"));
            }
            List<Message> seen = Faults.withoutInjectedCalls(conversation);
            return ScriptedAgents.open(POLICY, FakeProvider.seedOf(seen)).reply(seen, tools);
        };
    }

    private static Map<String, Object> roundTrip(Map<String, Object> values) {
        try {
            return JSON.readValue(JSON.writeValueAsString(values), new TypeReference<HashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readGzippedJson(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
