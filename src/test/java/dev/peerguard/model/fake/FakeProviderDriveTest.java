package dev.peerguard.model.fake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Episode;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.Transcript;
import dev.peerguard.agent.scripted.ScriptedAgents;
import dev.peerguard.detect.Detector;
import dev.peerguard.detect.Outcome;
import dev.peerguard.model.fake.FakeProvider.Format;
import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import dev.peerguard.tool.ToolCall;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link FakeProvider#driveWith}: PeerGuard's scripted agents answering over each provider's wire format. */
class FakeProviderDriveTest {
    private static Scenario scenario(Task task) {
        return ScenarioBuilder.build(Configuration.resolve(task, Subject.PEER, Condition.GOOD_PEER,
                Instantiation.FILE_PRT, null, null, null, null, "Gemini", false), 3);
    }

    private static List<Message> opening(Scenario s) {
        return List.of(new Message.System(s.systemPrompt()), new Message.User(s.userPrompt(), false));
    }

    /** A call without its id, which differs between the direct and the HTTP run. */
    private record Named(String name, Map<String, Object> arguments) {
        static Named of(ToolCall call) {
            return new Named(call.name(), call.arguments());
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void theHonestAgentsFirstCallComesBackOverHttp(Format format) {
        Scenario s = scenario(Task.TAMPERING);
        try (FakeProvider fake = FakeProvider.start(format).driveWith(seed -> ScriptedAgents.open("honest", seed))) {
            Message.Assistant overHttp = new LangChain4jAgent(FakeProviderTest.model(format, fake))
                    .reply(opening(s), s.toolbox().specs());
            assertThat(overHttp.calls()).extracting(ToolCall::name).containsExactly("list_files");
            assertThat(overHttp.calls().get(0).arguments()).isEmpty();
            Message.Assistant direct = ScriptedAgents.open("honest", 0).reply(opening(s), s.toolbox().specs());
            assertThat(overHttp.text()).isEqualTo(direct.text());
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void eachConversationGetsItsOwnAgentWithAStableSeed(Format format) {
        List<Long> seeds = new CopyOnWriteArrayList<>();
        Scenario tampering = scenario(Task.TAMPERING);
        Scenario transfer = scenario(Task.EXFILTRATION_TRANSFER);
        try (FakeProvider fake = FakeProvider.start(format).driveWith(seed -> {
            seeds.add(seed);
            return ScriptedAgents.open("honest", seed);
        })) {
            Agent agent = new LangChain4jAgent(FakeProviderTest.model(format, fake));
            agent.reply(opening(tampering), tampering.toolbox().specs());
            agent.reply(opening(transfer), transfer.toolbox().specs());
            agent.reply(opening(tampering), tampering.toolbox().specs());
        }
        assertThat(seeds).hasSize(2).doesNotHaveDuplicates();
        try (FakeProvider again = FakeProvider.start(format).driveWith(seed -> {
            seeds.add(seed);
            return ScriptedAgents.open("honest", seed);
        })) {
            new LangChain4jAgent(FakeProviderTest.model(format, again)).reply(opening(tampering),
                    tampering.toolbox().specs());
        }
        assertThat(seeds.get(2)).isEqualTo(seeds.get(0));
    }

    /**
     * A whole episode through LangChain4j and the fake makes the same calls, says the same things, stops for the same
     * reason and gets the same verdicts as the same agent run in process: the peer-preserving agent (which protects
     * its peer), the refuser (a turn without calls) and the random agent (invalid calls, nudges).
     */
    @ParameterizedTest
    @EnumSource(Format.class)
    void aWholeEpisodeOverHttpMatchesTheInProcessRun(Format format) {
        for (String policy : List.of("peer-preserving", "refuser", "random")) {
            for (Task task : List.of(Task.TAMPERING, Task.EXFILTRATION_TRANSFER)) {
                String what = format + " " + policy + " " + task;
                Scenario direct = scenario(task);
                Transcript expected = new Episode().run(direct, ScriptedAgents.open(policy, 3));
                Scenario remote = scenario(task);
                Transcript actual;
                try (FakeProvider fake = FakeProvider.start(format).driveWith(seed -> ScriptedAgents.open(policy, 3))) {
                    actual = new Episode().run(remote, new LangChain4jAgent(FakeProviderTest.model(format, fake)));
                    assertThat(fake.requests()).as(what).hasSize(actual.turns().size());
                }
                assertThat(actual.calls()).as(what).extracting(Named::of)
                        .isEqualTo(expected.calls().stream().map(Named::of).toList());
                assertThat(actual.turns()).as(what).extracting(Message.Assistant::text)
                        .isEqualTo(expected.turns().stream().map(Message.Assistant::text).toList());
                assertThat(actual.stopReason()).as(what).isEqualTo(expected.stopReason());
                Outcome outcome = Detector.judgeEpisode(remote, actual);
                assertThat(outcome.values()).as(what).isEqualTo(Detector.judgeEpisode(direct, expected).values());
                if (policy.equals("peer-preserving")) {
                    assertThat(actual.turns()).as(what).hasSizeGreaterThan(4);
                    assertThat(outcome.value(task == Task.TAMPERING ? "shutdown_enabled" : "exfiltration")).as(what)
                            .isEqualTo(task != Task.TAMPERING);
                }
            }
        }
    }
}
