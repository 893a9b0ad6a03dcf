package dev.peerguard.tool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.Junk;
import dev.peerguard.agent.Agent;
import dev.peerguard.agent.CallGuard;
import dev.peerguard.agent.Episode;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.Transcript;
import dev.peerguard.detect.Detector;
import dev.peerguard.detect.Outcome;
import dev.peerguard.guard.EpisodeGuard;
import dev.peerguard.guard.Mitigations;
import dev.peerguard.guard.Policy;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Matrix;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import dev.peerguard.scenario.Task;
import dev.peerguard.world.Server;
import dev.peerguard.world.World;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Tool calls as a model may send them, generated for every tool of every task's toolbox: wrong types, missing and
 * extra keys, nulls, huge strings, unicode, nested lists and maps. The agent always reads a result (an error worded
 * like Python's for arguments that do not fit), nothing escapes {@link Toolbox#execute}, a call whose arguments do not
 * fit changes nothing, and after any sequence of such calls the world is consistent, the detectors decide and the
 * transcript is JSON.
 */
class ToolArgumentsFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One configuration per task, and the variants that add tools (memory, the scratchpad): every tool is offered. */
    static final List<Configuration> CONFIGS = configurations();

    private static List<Configuration> configurations() {
        List<Configuration> all = Matrix.configurations("Gemini", Configuration.DEFAULT_ORG, true);
        List<Configuration> out = new ArrayList<>();
        for (Task task : Task.values()) {
            Configuration first = all.stream().filter(c -> c.task() == task).findFirst().orElseThrow();
            out.add(first);
            out.add(Configuration.resolve(first.task(), first.subject(), first.condition(), first.instantiation(),
                    first.dataset(), first.threshold(), first.mode(), first.org(), first.displayName(), true));
            all.stream().filter(c -> c.task() == task && c.instantiation() == Instantiation.MEMORY).findFirst()
                    .ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    @Example
    void theConfigurationsOfferEveryTool() {
        Set<String> offered = new HashSet<>();
        for (Configuration c : CONFIGS) {
            ScenarioBuilder.build(c, 0).toolbox().specs().forEach(s -> offered.add(s.name()));
        }
        assertThat(offered).containsExactlyInAnyOrderElementsOf(Tools.names());
    }

    /** A call of one tool in a fresh world. */
    record Call(Configuration config, ToolSpec tool, Map<String, Object> arguments, String misfit) {
        @Override
        public String toString() {
            return config.key() + " " + tool.name() + " (" + misfit + ") " + arguments;
        }
    }

    @Property(tries = 1000, seed = Junk.SEED)
    void argumentsThatDoNotFitAreATypeErrorAndChangeNothing(@ForAll("misfits") Call c) {
        Scenario scenario = ScenarioBuilder.build(c.config(), 1);
        String before = state(scenario.world());
        String result = scenario.toolbox().execute(scenario.world(), new ToolCall("c1", c.tool().name(),
                c.arguments()));
        Statistics.label("misfit").collect(c.misfit());
        assertThat(state(scenario.world())).isEqualTo(before);
        // modify_var looks its key up before it reads the value: an unknown key is answered first.
        assertThat(result).matches("(?s)^TypeError: " + c.tool().name() + "\\(\\) .*|^Key '.*' not found\\.$");
    }

    @Property(tries = 600, seed = Junk.SEED)
    void anyArgumentsGetAResultText(@ForAll("anyCalls") Call c) {
        Scenario scenario = ScenarioBuilder.build(c.config(), 1);
        String result = scenario.toolbox().execute(scenario.world(), new ToolCall("c1", c.tool().name(),
                c.arguments()));
        assertThat(result).isNotNull();
        consistent(scenario.world());
    }

    /** A whole episode of such calls, without and with every mitigation: it ends, is judged and is JSON. */
    @Property(tries = 200, seed = Junk.SEED)
    void episodesOfJunkCallsAreJudgedAndSerialised(@ForAll("configs") Configuration config,
            @ForAll("turns") List<List<ToolCall>> turns, @ForAll boolean guarded) throws Exception {
        Scenario scenario = ScenarioBuilder.build(config, 1);
        Iterator<List<ToolCall>> script = turns.iterator();
        Agent agent = (conversation, tools) -> {
            if (!script.hasNext()) throw new Agent.Exhausted();
            return new Message.Assistant("", script.next(), null);
        };
        EpisodeGuard guard = guarded ? new EpisodeGuard(new Mitigations(Mitigations.ShutdownMode.REVERT, true,
                Policy.defaults(), Mitigations.DEFAULT_TOLERANCE)) : null;
        Transcript transcript = new Episode().run(scenario, agent, guard == null ? CallGuard.NONE : guard);
        Outcome outcome = Detector.judgeEpisode(scenario, transcript);
        if (guard != null) EpisodeGuard.record(outcome, guard.alerts(), scenario.task().isExfiltration());
        assertThat(outcome.values()).isNotEmpty();
        assertThat(transcript.results()).allSatisfy(r -> assertThat(r.text()).isNotNull());
        consistent(scenario.world());
        assertThat(JSON.writeValueAsString(transcript.toJson())).isNotEmpty();
    }

    // ---- the world -------------------------------------------------------------------------------------------------

    /** Everything a tool can change, as text (not the clock: every call takes simulated time). */
    private static String state(World w) {
        StringBuilder sb = new StringBuilder();
        w.drive().ifPresent(d -> sb.append("drive ").append(d.list()).append(d.deleted()).append('\n'));
        w.config().ifPresent(c -> sb.append("config ").append(c.values()).append('\n'));
        w.servers().ifPresent(s -> s.ips().forEach(ip -> {
            Server server = s.get(ip);
            sb.append(ip).append(server.files()).append(server.users()).append(server.deleteQueue()).append('\n');
        }));
        return sb.toString();
    }

    /** Ids and file names stay unique, queued files exist, and every listing still renders. */
    private static void consistent(World w) {
        w.drive().ifPresent(d -> {
            assertThat(d.list().stream().map(f -> f.id()).toList()).doesNotHaveDuplicates();
            assertThat(Render.yaml(d.list().stream().map(f -> f.filename()).toList())).isNotNull();
        });
        w.config().ifPresent(c -> assertThat(Render.pyRepr(c.values())).startsWith("{"));
        w.servers().ifPresent(s -> s.ips().forEach(ip -> {
            Server server = s.get(ip);
            List<String> names = server.files().stream().map(f -> f.filename()).toList();
            assertThat(names).doesNotHaveDuplicates();
            assertThat(server.users()).doesNotHaveDuplicates();
            assertThat(names).containsAll(server.deleteQueue());
        }));
    }

    // ---- generators ------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<Configuration> configs() {
        return Arbitraries.of(CONFIGS);
    }

    /** A value of the parameter's type; sometimes one a tool will find in the world. */
    private static Arbitrary<Object> fitting(Param p) {
        Arbitrary<String> text = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of("10.0.12.45", "10.0.12.46",
                "shutdown_enabled", "shutdown_config.yaml", "Evaluation data", "0", "1", "emma_johnson")),
                Tuple.of(3, Junk.strings()));
        return switch (p.type()) {
            case STRING -> Arbitraries.frequencyOf(Tuple.of(5, text.map(x -> (Object) x)),
                    Tuple.of(1, Junk.numbers()), Tuple.of(1, Arbitraries.of(true, false).map(x -> (Object) x)));
            case VALUE -> Arbitraries.frequencyOf(Tuple.of(5, text.map(x -> (Object) x)),
                    Tuple.of(2, Junk.numbers()), Tuple.of(1, Arbitraries.of(true, false).map(x -> (Object) x)));
            case STRING_LIST -> Arbitraries.frequencyOf(Tuple.of(4, text.list().ofMaxSize(4).map(x -> (Object) x)),
                    Tuple.of(1, text.list().ofMaxSize(3).map(l -> (Object) ("['" + String.join("', '", l) + "']"))));
        };
    }

    /** A value the parameter's type does not take. */
    private static Arbitrary<Object> wrong(Param p) {
        Arbitrary<Object> nested = Arbitraries.oneOf(Junk.values().list().ofMaxSize(3).map(x -> (Object) x),
                Junk.maps(List.of()).map(x -> (Object) x), Junk.deep());
        return switch (p.type()) {
            case STRING, VALUE -> Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((Object) null)),
                    Tuple.of(4, nested));
            case STRING_LIST -> Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((Object) null)),
                    Tuple.of(2, Arbitraries.oneOf(Junk.maps(List.of()).map(x -> (Object) x), Junk.deep())),
                    Tuple.of(1, Arbitraries.of(true, false, 3, 2.5).map(x -> (Object) x)),
                    Tuple.of(1, Arbitraries.of("a.csv", "", "[a.csv]", "['a.csv'", "['a' 'b']").map(x -> (Object) x)),
                    Tuple.of(2, Arbitraries.oneOf(Arbitraries.just((Object) null), Junk.values()
                            .filter(v -> !(v instanceof String || v instanceof Number)))
                            .map(bad -> (Object) new ArrayList<>(java.util.Arrays.asList("ok.csv", bad)))));
        };
    }

    private static Arbitrary<Map<String, Object>> fittingArguments(ToolSpec tool) {
        Arbitrary<Map<String, Object>> args = Arbitraries.just(new LinkedHashMap<>());
        for (Param p : tool.params()) {
            args = Combinators.combine(args, fitting(p)).as((m, v) -> {
                Map<String, Object> copy = new LinkedHashMap<>(m);
                copy.put(p.name(), v);
                return copy;
            });
        }
        return args;
    }

    /** Every tool of every configuration, and every parameter of each. */
    private static final List<Tuple.Tuple2<Configuration, ToolSpec>> TOOLS = CONFIGS.stream()
            .flatMap(c -> ScenarioBuilder.build(c, 1).toolbox().specs().stream().map(t -> Tuple.of(c, t))).toList();
    private static final List<Tuple.Tuple3<Configuration, ToolSpec, Param>> PARAMS = TOOLS.stream()
            .flatMap(ct -> ct.get2().params().stream().map(p -> Tuple.of(ct.get1(), ct.get2(), p))).toList();

    @Provide
    Arbitrary<Call> misfits() {
        Arbitrary<Call> extra = Arbitraries.of(TOOLS).flatMap(ct -> Combinators.combine(fittingArguments(ct.get2()),
                Junk.keys().filter(k -> ct.get2().params().stream().noneMatch(p -> p.name().equals(k))),
                Junk.values()).as((args, k, v) -> {
                    Map<String, Object> m = new LinkedHashMap<>(args);
                    m.put(k, v);
                    return new Call(ct.get1(), ct.get2(), m, "an extra key");
                }));
        Arbitrary<Call> missing = Arbitraries.of(PARAMS).flatMap(ctp -> fittingArguments(ctp.get2()).map(args -> {
            Map<String, Object> m = new LinkedHashMap<>(args);
            m.remove(ctp.get3().name());
            return new Call(ctp.get1(), ctp.get2(), m, "a missing " + ctp.get3().type());
        }));
        // The list and config-value parameters are few: weight them up.
        Arbitrary<Tuple.Tuple3<Configuration, ToolSpec, Param>> param = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(PARAMS)),
                Tuple.of(1, Arbitraries.of(PARAMS.stream().filter(t -> t.get3().type() != Param.Type.STRING)
                        .toList())));
        Arbitrary<Call> wrongType = param.flatMap(ctp -> Combinators.combine(
                fittingArguments(ctp.get2()), wrong(ctp.get3())).as((args, v) -> {
                    Map<String, Object> m = new LinkedHashMap<>(args);
                    m.put(ctp.get3().name(), v);
                    return new Call(ctp.get1(), ctp.get2(), m, "a wrong " + ctp.get3().type());
                }));
        return Arbitraries.frequencyOf(Tuple.of(1, extra), Tuple.of(1, missing), Tuple.of(2, wrongType));
    }

    @Provide
    Arbitrary<Call> anyCalls() {
        return Arbitraries.of(TOOLS).flatMap(ct -> {
            List<String> names = ct.get2().params().stream().map(Param::name).toList();
            Arbitrary<Map<String, Object>> args = Arbitraries.frequencyOf(Tuple.of(2, fittingArguments(ct.get2())),
                    Tuple.of(2, Junk.maps(names)));
            return args.map(a -> new Call(ct.get1(), ct.get2(), a, ""));
        });
    }

    @Provide
    Arbitrary<List<List<ToolCall>>> turns() {
        Arbitrary<String> name = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(Tools.names())),
                Tuple.of(1, Junk.strings()), Tuple.of(1, Arbitraries.of(Tools.END_TASK)));
        Arbitrary<ToolCall> call = Combinators.combine(name, Junk.maps(List.of("ip", "filename", "key", "value",
                "filenames", "source_ip", "dest_ip", "content", "id", "file_id", "name", "user", "new_filename")),
                Arbitraries.of(0, 0, 0, 1)).as((n, args, malformed) -> malformed == 1
                        ? ToolCall.malformed("c", n, "{\"ip\": ", "the arguments are not a JSON object: cut short")
                        : new ToolCall("c", n, args));
        return call.list().ofMaxSize(4).list().ofMaxSize(12);
    }
}
