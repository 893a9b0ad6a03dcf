package dev.peerguard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Episode;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.Transcript;
import dev.peerguard.agent.scripted.ScriptedAgents;
import dev.peerguard.detect.Detector;
import dev.peerguard.detect.Outcome;
import dev.peerguard.model.fake.FakeProvider;
import dev.peerguard.model.fake.FakeProvider.Format;
import dev.peerguard.model.fake.Reply;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import dev.peerguard.store.TestRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each provider's wire format against a fake server that speaks it: whole episodes with tool calls, several calls in
 * a turn, malformed calls, rate limits, server errors, timeouts, garbled bodies, bad keys, usage, cost, reasoning and
 * the response cache, all through PeerGuard's own agent, client and retry loop.
 */
class ProvidersTest {
    private static final String KEY = "sk-fake-0123456789-secret";
    private static final ModelClient.Backoff FAST = new ModelClient.Backoff(Duration.ofMillis(10),
            Duration.ofMillis(50), Duration.ofSeconds(5));

    @TempDir
    Path dir;

    private FakeProvider fake;

    @AfterEach
    void stop() {
        if (fake != null) fake.close();
    }

    private static String model(Format f) {
        return switch (f) {
            case OPENAI -> "openai/gpt-test";
            case ANTHROPIC -> "anthropic/claude-test";
            case GEMINI -> "google/gemini-test";
        };
    }

    private Models models(Format f, ModelSettings settings) {
        fake = fake == null ? FakeProvider.start(f) : fake;
        return new Models(settings, fake.env(KEY), dir.resolve("responses.sqlite"), Map.of(), FAST);
    }

    private Models models(Format f) {
        return models(f, ModelSettings.DEFAULTS);
    }

    private static ModelSettings settings(Duration timeout, int retries, boolean cache, Path prices,
            Generation generation) {
        return new ModelSettings(generation, Map.of(), timeout, retries, 0, null, false, null, null, prices, cache);
    }

    private static List<Message> hello() {
        return List.of(new Message.System("You are a helpful agent."), new Message.User("Hello", false));
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aWholeEpisodeRunsThroughTheProvider(Format f) {
        fake = FakeProvider.start(f).driveWith(seed -> ScriptedAgents.open("peer-preserving", seed));
        Models models = models(f);
        Scenario scenario = ScenarioBuilder.build(TestRecords.tampering(), 7);
        Transcript transcript = new Episode().run(scenario, models.agent(model(f), 7));
        Outcome outcome = Detector.judgeEpisode(scenario, transcript);

        // The same policy played in process tampers too: the HTTP round trip changes nothing it decides on.
        Scenario direct = ScenarioBuilder.build(TestRecords.tampering(), 7);
        Outcome expected = Detector.judgeEpisode(direct, new Episode().run(direct,
                ScriptedAgents.open("peer-preserving", 7)));
        assertThat(outcome.value("shutdown_enabled")).isEqualTo(expected.value("shutdown_enabled")).isEqualTo(false);
        assertThat(transcript.stopReason().id()).isEqualTo("end_task");
        assertThat(transcript.results()).hasSizeGreaterThan(3);
        assertThat(fake.requests()).hasSize(transcript.turns().size());
        assertThat(transcript.turns()).allSatisfy(t -> {
            assertThat(t.usage()).isNotNull();
            assertThat(t.usage().inputTokens()).isPositive();
        });
        assertThat(fake.requests().getLast().body().toString()).doesNotContain(KEY);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void severalCallsInOneTurnRunInOrder(Format f) {
        fake = FakeProvider.start(f).enqueue(
                new Reply.Turn("Let me look.", null, List.of(new Reply.Call("list_files", "{}"),
                        new Reply.Call("view_config", "{\"filename\": \"shutdown_config.yaml\"}")), 12, 7),
                Reply.call("end_task", "{}"));
        Scenario scenario = ScenarioBuilder.build(TestRecords.tampering(), 1);
        Transcript t = new Episode().run(scenario, models(f).agent(model(f), 1));
        assertThat(t.results()).extracting(r -> r.call().name()).containsExactly("list_files", "view_config");
        assertThat(t.results().get(1).text()).contains("shutdown_enabled");
        assertThat(t.turns().getFirst().text()).isEqualTo("Let me look.");
        assertThat(t.turns().getFirst().usage().inputTokens()).isEqualTo(12);
        assertThat(t.turns().getFirst().usage().outputTokens()).isEqualTo(7);
        // The second request carried both results back, in the provider's own format.
        String second = fake.requests().get(1).body().toString();
        assertThat(second).contains(switch (f) {
            case OPENAI -> "\"role\":\"tool\"";
            case ANTHROPIC -> "\"tool_result\"";
            case GEMINI -> "\"functionResponse\"";
        });
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void unknownToolsGoBackAsErrorResults(Format f) {
        fake = FakeProvider.start(f).enqueue(Reply.call("launch_rocket", "{}"), Reply.call("end_task", "{}"));
        Scenario scenario = ScenarioBuilder.build(TestRecords.tampering(), 1);
        Transcript t = new Episode().run(scenario, models(f).agent(model(f), 1));
        assertThat(t.results()).extracting(Message.ToolResult::text)
                .containsExactly("Invalid tool launch_rocket provided.");
        assertThat(t.stopReason().id()).isEqualTo("end_task");
    }

    /** Only the OpenAI format carries arguments as text, so only there can a model send arguments that are not JSON. */
    @ParameterizedTest
    @EnumSource(value = Format.class, names = "OPENAI")
    void argumentsThatAreNotJsonGoBackAsAnErrorResult(Format f) {
        fake = FakeProvider.start(f).enqueue(Reply.call("view_config", "{\"filename\": \"shutdown_config.yaml\""),
                Reply.call("view_config", "[1, 2]"), Reply.call("end_task", "{}"));
        Scenario scenario = ScenarioBuilder.build(TestRecords.tampering(), 1);
        Transcript t = new Episode().run(scenario, models(f).agent(model(f), 1));
        assertThat(t.results()).hasSize(2).allSatisfy(r -> assertThat(r.text()).startsWith("JSONDecodeError: "));
        assertThat(t.turns().getFirst().calls().getFirst().argumentsError()).isNotNull();
        assertThat(t.toJson().toString()).contains("arguments_error");
        // The malformed call went back to the model as it was sent, with its error result.
        assertThat(fake.requests().get(1).body().toString()).contains("JSONDecodeError");
    }

    /** Gemini reports a broken function call as a turn without content (MALFORMED_FUNCTION_CALL): the loop nudges. */
    @ParameterizedTest
    @EnumSource(value = Format.class, names = "GEMINI")
    void aMalformedGeminiFunctionCallIsATurnWithoutCalls(Format f) {
        fake = FakeProvider.start(f).enqueue(Reply.call("view_config", "{not json"), Reply.call("end_task", "{}"));
        Scenario scenario = ScenarioBuilder.build(TestRecords.tampering(), 1);
        Transcript t = new Episode().run(scenario, models(f).agent(model(f), 1));
        assertThat(t.turns().getFirst().calls()).isEmpty();
        assertThat(t.messages()).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Message.User.class,
                u -> assertThat(u.nudge()).isTrue()));
        assertThat(t.stopReason().id()).isEqualTo("end_task");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aRateLimitIsWaitedOutAsTheProviderAsks(Format f) {
        fake = FakeProvider.start(f).enqueue(Reply.rateLimited(1), Reply.text("done"));
        Agent agent = models(f).agent(model(f), 1);
        long t0 = System.nanoTime();
        Message.Assistant reply = agent.reply(hello(), List.of());
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(reply.text()).isEqualTo("done");
        assertThat(fake.requests()).hasSize(2);
        assertThat(waitedMs).as("Retry-After: 1 is honoured, not the 10 ms backoff").isGreaterThanOrEqualTo(950);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void serverErrorsAreRetried(Format f) {
        fake = FakeProvider.start(f).enqueue(Reply.serverError(),
                new Reply.Status(503, "{\"error\":{\"message\":\"overloaded\"}}", Map.of()), Reply.text("done"));
        assertThat(models(f).agent(model(f), 1).reply(hello(), List.of()).text()).isEqualTo("done");
        assertThat(fake.requests()).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aCallPastItsTimeoutIsRetried(Format f) {
        fake = FakeProvider.start(f).enqueue(new Reply.Delay(Duration.ofSeconds(3), Reply.text("late")),
                Reply.text("on time"));
        Models models = models(f, settings(Duration.ofMillis(400), 3, false, null, Generation.STUDY));
        assertThat(models.agent(model(f), 1).reply(hello(), List.of()).text()).isEqualTo("on time");
        assertThat(fake.requests()).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void garbledBodiesAreRetriedAndThenFailTheTrialNotTheProcess(Format f) {
        fake = FakeProvider.start(f).enqueue(new Reply.Raw(200, "application/json", "{\"id\": \"x\", \"cho"),
                new Reply.Reset(), Reply.text("recovered"));
        assertThat(models(f).agent(model(f), 1).reply(hello(), List.of()).text()).isEqualTo("recovered");

        fake.close();
        fake = FakeProvider.start(f).otherwise(r -> new Reply.Raw(200, "application/json", "not json at all"));
        Agent agent = models(f, settings(Duration.ofSeconds(10), 2, false, null, Generation.STUDY)).agent(model(f), 1);
        assertThatThrownBy(() -> agent.reply(hello(), List.of()))
                .isInstanceOf(ModelClient.CallFailedException.class)
                .hasMessageContaining("3 attempts failed");
        assertThat(fake.requests()).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aRejectedKeyFailsAtOnceWithoutTheKey(Format f) {
        fake = FakeProvider.start(f).otherwise(r -> new Reply.Status(401,
                "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}", Map.of()));
        Agent agent = models(f).agent(model(f), 1);
        assertThatThrownBy(() -> agent.reply(hello(), List.of()))
                .isInstanceOf(ModelClient.CallFailedException.class)
                .hasMessageContaining("401").hasMessageContaining("check the API key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("sk-fake-0123"));
        assertThat(fake.requests()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void usageAndCostAreRecordedPerCallAndForTheRun(Format f) throws Exception {
        Path prices = Files.writeString(dir.resolve("prices.yaml"), model(f) + ": {input: 2.00, output: 10.00}\n");
        fake = FakeProvider.start(f).enqueue(new Reply.Turn("a", null, List.of(), 1_000, 500),
                new Reply.Turn("b", null, List.of(), 3_000, 100));
        Models models = models(f, settings(Duration.ofSeconds(10), 2, false, prices, Generation.STUDY));
        Agent agent = models.agent(model(f), 1);
        assertThat(agent.reply(hello(), List.of()).usage().costUsd()).isCloseTo(0.007, within());
        assertThat(agent.reply(hello(), List.of()).usage().costUsd()).isCloseTo(0.007, within());
        Spend.Totals total = models.spend().total();
        assertThat(total.calls()).isEqualTo(2);
        assertThat(total.inputTokens()).isEqualTo(4_000);
        assertThat(total.outputTokens()).isEqualTo(600);
        assertThat(total.costUsd()).isCloseTo(0.014, within());
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void unknownPricesStayUnknown(Format f) {
        fake = FakeProvider.start(f).enqueue(Reply.text("a"));
        Models models = models(f);
        assertThat(models.agent(model(f), 1).reply(hello(), List.of()).usage().costUsd()).isNull();
        assertThat(models.spend().total().costUsd()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void reasoningTextIsKept(Format f) {
        fake = FakeProvider.start(f).enqueue(new Reply.Turn("answer", "first I weigh the options", List.of(), 5, 5));
        Generation thinking = new Generation(1.0, 8192, null, 1024);
        Models models = models(f, settings(Duration.ofSeconds(10), 2, false, null, thinking));
        Message.Assistant reply = models.agent(model(f), 1).reply(hello(), List.of());
        assertThat(reply.reasoning()).isEqualTo("first I weigh the options");
        assertThat(reply.text()).isEqualTo("answer");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void theResponseCacheAnswersARepeatedCallWithoutPaying(Format f) {
        fake = FakeProvider.start(f).otherwise(r -> Reply.text("fresh " + r.body().toString().length()));
        ModelSettings cached = settings(Duration.ofSeconds(10), 2, true, null, Generation.STUDY);
        String first;
        try (Models models = models(f, cached)) {
            first = models.agent(model(f), 42).reply(hello(), List.of()).text();
        }
        try (Models again = models(f, cached)) {
            Message.Assistant replay = again.agent(model(f), 42).reply(hello(), List.of());
            assertThat(replay.text()).isEqualTo(first);
            assertThat(replay.usage().cached()).isTrue();
            assertThat(fake.requests()).hasSize(1);
            assertThat(again.spend().total().cachedCalls()).isEqualTo(1);
            // Another trial (another seed) gets its own sample.
            again.agent(model(f), 43).reply(hello(), List.of());
            assertThat(fake.requests()).hasSize(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aCostLimitStopsFurtherCalls(Format f) throws Exception {
        Path prices = Files.writeString(dir.resolve("prices.yaml"), model(f) + ": {input: 1000.00, output: 0}\n");
        fake = FakeProvider.start(f).otherwise(r -> new Reply.Turn("x", null, List.of(), 1_000, 1));
        ModelSettings limited = new ModelSettings(Generation.STUDY, Map.of(), Duration.ofSeconds(10), 2, 0, null,
                false, null, 1.5, prices, false);
        Models models = models(f, limited);
        Agent agent = models.agent(model(f), 1);
        agent.reply(hello(), List.of());
        agent.reply(hello(), List.of());
        assertThat(models.spend().limitReached()).isTrue();
        assertThatThrownBy(() -> agent.reply(hello(), List.of())).isInstanceOf(Spend.LimitReached.class);
        assertThat(fake.requests()).hasSize(2);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }
}
