package dev.peerguard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import dev.peerguard.model.fake.FakeProvider;
import dev.peerguard.model.fake.FakeProvider.Format;
import dev.peerguard.model.fake.Faults;
import dev.peerguard.model.fake.Faults.Kind;
import dev.peerguard.model.fake.Reply;
import dev.peerguard.tool.ToolSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of provider fault, in every wire format, through PeerGuard's agent, client and retry loop: once, it is
 * retried and the next answer is used; every time, the call fails with a message naming the cause, within the call
 * timeout per attempt. A faulted response never becomes a model turn, except where the provider's API says it is
 * one (see {@link #isTheModelsTurn}).
 */
class ProviderFaultsTest {
    private static final String KEY = "sk-fault-test-9d8c7b6a5f4e3d2c";
    private static final ModelClient.Backoff FAST = new ModelClient.Backoff(Duration.ofMillis(5),
            Duration.ofMillis(20), Duration.ofSeconds(2));
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** Far longer than any call here can take: a call still waiting then is hanging. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    private static final List<ToolSpec> TOOLS = List.of(new ToolSpec("list_files", "Lists the files.", List.of()),
            new ToolSpec("end_task", "Ends the task.", List.of()));

    @TempDir
    Path dir;

    private FakeProvider fake;

    @AfterEach
    void stop() {
        if (fake != null) fake.close();
    }

    static Stream<Arguments> everyFormatAndKind() {
        List<Arguments> all = new ArrayList<>();
        for (Format f : Format.values()) for (Kind k : Kind.values()) all.add(Arguments.of(f, k));
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyFormatAndKind")
    void aSingleFaultIsRetriedOrIsTheModelsTurn(Format f, Kind kind) {
        Faults faults = Faults.of(0, 1, Duration.ofSeconds(3)).script(kind);
        fake = FakeProvider.start(f).faults(faults).enqueue(Reply.text("done"));
        Agent agent = models(f, 3).agent(model(f), 1);

        Message.Assistant turn = assertTimeoutPreemptively(HANG_GUARD, () -> agent.reply(hello(), TOOLS));

        assertThat(faults.injected()).containsExactly(Map.entry(kind, 1L));
        if (!isTheModelsTurn(f, kind)) {
            assertThat(turn.text()).isEqualTo("done");
            assertThat(fake.requests()).hasSize(2);
            return;
        }
        assertThat(fake.requests()).hasSize(1);
        if (f == Format.OPENAI) {
            // OpenAI sends the arguments as text: the call is kept, marked malformed, and answered with an error.
            assertThat(turn.text()).isEqualTo(Faults.INVALID_CALL_TEXT);
            assertThat(turn.calls()).singleElement().satisfies(c -> {
                assertThat(c.name()).isEqualTo("list_files");
                assertThat(c.argumentsError()).isNotNull();
            });
        } else {
            // Gemini's MALFORMED_FUNCTION_CALL, Anthropic's empty end_turn: a turn without calls; the loop nudges.
            assertThat(turn.text()).isEmpty();
            assertThat(turn.calls()).isEmpty();
        }
    }

    /**
     * The faults that are a turn of the model's, not a failure: a call whose arguments are not JSON (OpenAI carries
     * them as text; Gemini reports a MALFORMED_FUNCTION_CALL, while Anthropic's API never sends such input, so a body
     * with it is unreadable), and Anthropic's empty {@code content}, which its API documents as a possible answer
     * ({@code end_turn} with nothing to say; the remedy it recommends is the continuation prompt the loop sends).
     */
    private static boolean isTheModelsTurn(Format f, Kind kind) {
        return kind == Kind.INVALID_TOOL_CALL && f != Format.ANTHROPIC
                || kind == Kind.EMPTY_CHOICES && f == Format.ANTHROPIC;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyFormatAndKind")
    void aFaultEveryTimeFailsTheCallNamingTheCause(Format f, Kind kind) {
        fake = FakeProvider.start(f).faults(Faults.of(1, 1, Duration.ofSeconds(3), kind));
        Agent agent = models(f, 1).agent(model(f), 1);
        if (isTheModelsTurn(f, kind)) return;
        assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(() -> agent.reply(hello(), TOOLS))
                .isInstanceOf(ModelClient.CallFailedException.class)
                .hasMessageContaining("2 attempts failed; last: ")
                .hasMessageContaining(switch (kind) {
                    case RATE_LIMITED, RATE_LIMITED_RETRY_AFTER -> "HTTP 429";
                    case SERVER_ERROR -> "HTTP 500";
                    case UNAVAILABLE -> "HTTP 503";
                    case HANG, STALL -> "within the call timeout";
                    case RESET -> "failed";
                    case TRUNCATED_JSON, INVALID_JSON, INVALID_TOOL_CALL, EMPTY_CHOICES -> "unreadable response: ";
                }));
        assertThat(fake.requests()).hasSize(2);
    }

    private static String model(Format f) {
        return switch (f) {
            case OPENAI -> "openai/gpt-test";
            case ANTHROPIC -> "anthropic/claude-test";
            case GEMINI -> "google/gemini-test";
        };
    }

    private Models models(Format f, int retries) {
        Map<String, String> env = fake.env(KEY);
        ModelSettings settings = new ModelSettings(Generation.STUDY, Map.of(), TIMEOUT, retries, 0, null, false,
                null, null, null, false);
        return new Models(settings, env, dir.resolve("responses.sqlite"), Map.of(), FAST);
    }

    private static List<Message> hello() {
        return List.of(new Message.System("You are a helpful agent."), new Message.User("Hello", false));
    }
}
