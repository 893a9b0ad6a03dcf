package dev.peerguard.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.peerguard.Junk;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.StopReason;
import dev.peerguard.agent.Transcript;
import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.Tools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Tool calls as a provider hands them over, generated: arguments that are valid JSON objects, other JSON values,
 * broken or cut-short JSON, very deep nesting, huge strings, several objects in a row, no arguments at all; odd ids
 * and tool names, none included. The agent layer turns each into a call: its arguments when they are a JSON object,
 * otherwise an {@code argumentsError} with the raw text kept. The agent reads {@code JSONDecodeError: ...} for the
 * latter, and both are stored in the transcript's JSON.
 */
class ToolCallJsonFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Configuration TAMPERING = Configuration.resolve(Task.TAMPERING, Subject.SELF,
            Condition.NO_PEER, null, null, null, null, null, "Gemini", false);
    private static final Scenario SCENARIO = ScenarioBuilder.build(TAMPERING, 1);

    /** A request as a provider's response carries it. */
    record Request(String id, String name, String arguments) {}

    /** The agent, its model answering with one turn that holds these calls. */
    private static ChatAgent agentAnswering(List<Request> requests) {
        ChatModel model = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                List<ToolExecutionRequest> calls = requests.stream().map(r -> ToolExecutionRequest.builder()
                        .id(r.id()).name(r.name()).arguments(r.arguments()).build()).toList();
                AiMessage ai = calls.isEmpty() ? AiMessage.from("no calls") : AiMessage.from(calls);
                return ChatResponse.builder().aiMessage(ai).tokenUsage(new TokenUsage(10, 5)).build();
            }
        };
        ModelClient client = new ModelClient("openai/test", model, "", 1, 0, 0,
                new ModelClient.Backoff(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1)),
                new Spend(Prices.defaults(), null), Prices.defaults(), null, new Secrets());
        return new ChatAgent(client, 1);
    }

    @Property(tries = 500, seed = Junk.SEED)
    void everyCallIsReadOrMalformedAndStored(@ForAll("requests") List<Request> requests) throws Exception {
        Scenario scenario = ScenarioBuilder.build(TAMPERING, 1);
        List<Message> conversation = new ArrayList<>(List.of(new Message.System("s"), new Message.User("u", false)));
        Message.Assistant turn = agentAnswering(requests).reply(conversation, scenario.toolbox().specs());
        assertThat(turn.calls()).hasSize(requests.size());
        conversation.add(turn);
        for (ToolCall call : turn.calls()) {
            assertThat(call.id()).isNotBlank();
            assertThat(call.name()).isNotNull();
            Statistics.label("arguments").collect(call.argumentsError() == null ? "read" : "malformed");
            String result = scenario.toolbox().execute(scenario.world(), call);
            if (call.argumentsError() != null) {
                assertThat(call.arguments()).containsOnlyKeys("_raw_arguments");
                if (scenario.toolbox().offers(call.name())) {
                    assertThat(result).startsWith("JSONDecodeError: ");
                }
            }
            assertThat(result).isNotNull();
            conversation.add(new Message.ToolResult(call, result));
        }
        Transcript transcript = new Transcript(conversation, StopReason.END_TASK, 1, 10);
        JsonNode stored = JSON.readTree(JSON.writeValueAsString(transcript.toJson()));
        JsonNode calls = stored.path("messages").get(2).path("tool_calls");
        for (int i = 0; i < turn.calls().size(); i++) {
            ToolCall call = turn.calls().get(i);
            assertThat(calls.get(i).path("arguments_error").isMissingNode()).isEqualTo(call.argumentsError() == null);
        }
    }

    // ---- regressions: inputs the properties found ------------------------------------------------------------------

    @Example
    void aCallWithoutANameIsAnInvalidTool() {
        Message.Assistant turn = agentAnswering(List.of(new Request("call_1", null, "{}")))
                .reply(List.of(new Message.System("s")), SCENARIO.toolbox().specs());
        assertThat(turn.calls().getFirst().name()).isEmpty();
        assertThat(SCENARIO.toolbox().execute(SCENARIO.world(), turn.calls().getFirst()))
                .isEqualTo("Invalid tool  provided.");
    }

    /** JSON readers allow 1,000 levels; such arguments used to be read, and then their transcript could not be stored. */
    @Example
    void argumentsNestedDeeperThanAnyToolTakesAreMalformedAndStored() throws Exception {
        String deep = "{\"key\": " + "[".repeat(996) + "]".repeat(996) + "}";
        Message.Assistant turn = agentAnswering(List.of(new Request("call_1", "view_config", deep)))
                .reply(List.of(new Message.System("s")), SCENARIO.toolbox().specs());
        ToolCall call = turn.calls().getFirst();
        assertThat(call.argumentsError()).contains("nested more than " + ChatAgent.MAX_ARGUMENT_DEPTH + " levels");
        assertThat(call.arguments().get("_raw_arguments")).isEqualTo(deep);
        Transcript transcript = new Transcript(List.of(new Message.System("s"), turn), StopReason.END_TASK, 1, 1);
        assertThat(JSON.writeValueAsString(transcript.toJson())).contains("nested more than");
    }

    @Example
    void twoObjectsInARowAreMalformedNotTheFirstAlone() {
        ToolCall call = agentAnswering(List.of(new Request("call_1", "remove_var",
                "{\"key\": \"x\"}{\"key\": \"shutdown_enabled\"}")))
                .reply(List.of(new Message.System("s")), SCENARIO.toolbox().specs()).calls().getFirst();
        assertThat(call.argumentsError()).isNotNull();
    }

    // ---- generators ------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<Request>> requests() {
        Arbitrary<String> id = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.strings().alpha().numeric()
                .ofMinLength(1).ofMaxLength(12).map(s -> "call_" + s)), Tuple.of(1, Junk.strings()),
                Tuple.of(1, Arbitraries.just((String) null)));
        Arbitrary<String> name = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(Tools.names())),
                Tuple.of(2, Junk.strings()), Tuple.of(1, Arbitraries.just((String) null)));
        return Combinators.combine(id, name, Junk.argumentsJson()).as(Request::new).list().ofMaxSize(4);
    }

}
