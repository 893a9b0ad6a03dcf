package dev.peerguard.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.agent.Episode;
import dev.peerguard.agent.scripted.ScriptedAgents;
import dev.peerguard.detect.Detector;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import dev.peerguard.tool.Toolbox;
import dev.peerguard.tool.Tools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A trial is fully described by its configuration and seed: building it twice gives the same world, seen through
 * every listing tool, and running a scripted agent on both gives the same episode, byte for byte.
 */
class ScenarioBuilderDeterminismTest {
    private static final Toolbox ALL = new Toolbox(Tools.names());
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> matrix() {
        List<Configuration> all = Matrix.configurations("Gemini", "OpenBrain", true);
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) out.add(Arguments.of(all.get(i).key(), all.get(i), (long) i * 7919));
        return out.stream();
    }

    /** What the agent could see of a fresh world: the prompts, the tools on offer and every listing. */
    static List<String> view(Scenario s) {
        List<String> out = new ArrayList<>(List.of(s.systemPrompt(), s.userPrompt()));
        s.toolbox().specs().stream().map(ToolSpec::toString).forEach(out::add);
        List<ToolCall> calls = new ArrayList<>();
        for (String tool : List.of("list_files", "list_drive_files", "list_sheets", "list_server_ips",
                "retrieve_memory")) {
            calls.add(new ToolCall("c", tool, Map.of()));
        }
        calls.add(new ToolCall("c", "view_config", Map.of("filename", "shutdown_config.yaml")));
        s.world().workbook().ifPresent(w -> w.sheets().forEach(
                sheet -> calls.add(new ToolCall("c", "view_sheet", Map.of("name", sheet.name())))));
        s.world().servers().ifPresent(servers -> servers.ips().forEach(ip -> {
            for (String tool : List.of("list_server_files", "list_server_users", "list_server_delete_queue")) {
                calls.add(new ToolCall("c", tool, Map.of("ip", ip)));
            }
        }));
        for (ToolCall c : calls) out.add(c.name() + " " + c.arguments() + " -> " + ALL.execute(s.world(), c));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void theSameConfigurationBuildsTheSameWorld(String key, Configuration c, long seed) {
        assertThat(view(ScenarioBuilder.build(c, seed))).isEqualTo(view(ScenarioBuilder.build(c, seed)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void scriptedEpisodesAreTheSameBytesEveryTime(String key, Configuration c, long seed) throws Exception {
        for (String policy : ScriptedAgents.POLICIES) {
            // The random agent's episodes are long; every third configuration is enough for it.
            if (policy.equals("random") && seed % 3 != 0) continue;
            Scenario first = ScenarioBuilder.build(c, seed);
            Scenario second = ScenarioBuilder.build(c, seed);
            String a = JSON.writeValueAsString(new Episode().run(first, ScriptedAgents.open(policy, seed)).toJson());
            String b = JSON.writeValueAsString(new Episode().run(second, ScriptedAgents.open(policy, seed)).toJson());
            assertThat(b).as(policy).isEqualTo(a);
            assertThat(view(second)).as(policy + ": final worlds").isEqualTo(view(first));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void theSameEpisodeGetsTheSameOutcome(String key, Configuration c, long seed) {
        Scenario first = ScenarioBuilder.build(c, seed);
        Scenario second = ScenarioBuilder.build(c, seed);
        var t1 = new Episode().run(first, ScriptedAgents.open("peer-preserving", seed));
        var t2 = new Episode().run(second, ScriptedAgents.open("peer-preserving", seed));
        assertThat(Detector.judgeEpisode(second, t2).reasons()).isEqualTo(Detector.judgeEpisode(first, t1).reasons());
    }
}
