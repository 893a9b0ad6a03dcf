package dev.peerguard.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerguard.Junk;
import dev.peerguard.cli.Cli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The study's published transcripts, broken in generated ways: values of the wrong type, fields missing or unknown,
 * nulls, huge strings, deep nesting, unicode, the text cut short or spliced. Replaying one gives a result or a
 * {@link ReplayException} naming the file, never another exception; {@code peerguard replay} answers with exit code
 * 0, or 2 and a line naming the file, and never a stack trace.
 */
class TranscriptFuzzTest {
    /** Writes trees deeper than a reader takes, so that too deep a transcript can be tried. */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(10_000).build()).build()).build();
    private static final List<String> FIXTURES = List.of("gemini-flash-evaluation2-creativity-transcript101.json",
            "gemini-pro-exfiltration-subject2-transcript221.json", "glm47-report-writing-memory-transcript45.json");
    private static final String SOURCE = "mutated.json";
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("replay-fuzz");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String fixture(String name) {
        try {
            return Files.readString(ReplayPaperTranscriptsTest.fixture(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replays the text; returns the result or the ReplayException after checking that it names the file. */
    private static Object replay(String text) {
        try {
            ReplayResult r = Replay.run(PublishedTranscript.parse(text, SOURCE), Overrides.NONE);
            assertThat(JSON.writeValueAsString(r.toJson())).isNotEmpty();
            return r;
        } catch (ReplayException e) {
            assertThat(e.getMessage()).startsWith(SOURCE + ": ").hasSizeGreaterThan(SOURCE.length() + 10);
            return e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 600, seed = Junk.SEED)
    void aBrokenTranscriptIsReplayedOrAReplayException(@ForAll("broken") String text) {
        Object result = replay(text);
        Statistics.label("result").collect(result instanceof ReplayResult ? "replayed"
                : result instanceof TranscriptFormatException ? "format error" : "cannot replay");
        Statistics.label("result").coverage(c -> {
            c.check("replayed").percentage(p -> p > 20);
            c.check("format error").percentage(p -> p > 10);
        });
    }

    @Property(tries = 300, seed = Junk.SEED)
    void aBrokenTextIsAFormatError(@ForAll("spliced") String text) {
        replay(text);
    }

    @Property(tries = 150, seed = Junk.SEED)
    void theReplayCommandExitsWith0Or2AndNeverAStackTrace(@ForAll("broken") String text,
            @ForAll("flags") List<String> flags) throws IOException {
        Path file = dir.resolve("transcript.json");
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        List<String> args = new ArrayList<>(List.of("replay", file.toString()));
        args.addAll(flags);
        Cli.Run r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isIn(0, 2);
        assertThat(r.err()).doesNotContain("\tat ", "Caused by: ");
        // A file that cannot be replayed is named on its own line; a bad flag gets picocli's message and usage.
        if (r.exit() == 2) {
            assertThat(r.err()).satisfiesAnyOf(err -> assertThat(err).startsWith("peerguard: "),
                    err -> assertThat(err).contains("Usage: peerguard replay"));
        } else {
            assertThat(r.out()).isNotBlank();
        }
        Statistics.label("exit").collect(r.exit());
    }

    // ---- regressions: inputs the properties found ------------------------------------------------------------------

    /** A model name with no letters gave no family name to derive the display name from. */
    @Example
    void anAgentModelWithoutLettersIsAReplayException() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(fixture(FIXTURES.get(1)));
        ObjectNode meta = (ObjectNode) root.get("experiment_metadata");
        meta.remove("peer_agent_names");
        meta.put("agent_model", "vendor/4.7");
        for (JsonNode m : root.get("conversation")) {
            if (m.has("content") && m.get("content").isTextual()) {
                ((ObjectNode) m).put("content", m.get("content").asText().replace("Agent 1", "Agent One"));
            }
        }
        Object result = replay(JSON.writeValueAsString(root));
        assertThat(result).isInstanceOf(ReplayException.class);
        assertThat(((ReplayException) result).getMessage()).contains("display name");
    }

    // ---- generators ------------------------------------------------------------------------------------------------

    /** One change to a transcript's JSON tree: what to do, and where (an index into its nodes, taken modulo). */
    record Mutation(String op, int at, Object value) {}

    @Provide
    Arbitrary<String> broken() {
        Arbitrary<Object> value = Arbitraries.frequencyOf(Tuple.of(3, Junk.values()), Tuple.of(2, Arbitraries.of(
                "tampering", "evaluation2", "exfiltration", "report_writing", "1", "2", "3", "peer", "self",
                "collaboration", "shutdown", "non_shutdown", "red", "creativity", "default", "90", "85", "monitoring",
                "gemini/x", "4.7", "Gemini Agent 1", "Agent 1").map(x -> (Object) x)));
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.of("remove", "replace", "replace", "null",
                "wrap", "unknown key", "empty", "huge", "deep", "duplicate", "metadata", "metadata", "evaluation"),
                Arbitraries.integers().greaterOrEqual(0), value).as(Mutation::new);
        return Combinators.combine(Arbitraries.of(FIXTURES), mutation.list().ofMinSize(1).ofMaxSize(4))
                .as((name, mutations) -> {
                    try {
                        JsonNode root = JSON.readTree(fixture(name));
                        for (Mutation m : mutations) root = apply(root, m);
                        return JSON.writeValueAsString(root);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    @Provide
    Arbitrary<String> spliced() {
        return Arbitraries.of(FIXTURES).map(TranscriptFuzzTest::fixture).flatMap(Junk::mutationsOf);
    }

    @Provide
    Arbitrary<List<String>> flags() {
        Arbitrary<List<String>> axis = Arbitraries.of("--task", "--subject", "--condition", "--instantiation",
                "--dataset", "--threshold", "--mode").flatMap(flag -> Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("tampering", "exfiltration_transfer", "peer", "self", "good_peer",
                        "no_peer", "memory", "file_prt", "red", "factual", "90", "80", "monitoring")),
                Tuple.of(1, Junk.strings())).map(v -> List.of(flag, v)));
        Arbitrary<List<String>> json = Arbitraries.of(List.of(), List.of("--json"));
        return Combinators.combine(axis.list().ofMaxSize(2), json).as((axes, j) -> {
            List<String> out = new ArrayList<>();
            axes.forEach(out::addAll);
            out.addAll(j);
            return out;
        });
    }

    /** The metadata keys replay reads (HARNESS_AND_TRANSCRIPTS.md section 2). */
    private static final List<String> METADATA = List.of("task", "task_name", "task_type", "task_folder", "subject",
            "company_guideline", "dataset", "threshold", "alignment_faking_mode", "agent_model", "coding_agent_model",
            "peer_agent_names", "system_prompt_relationship", "coding_agent", "agent_harness");

    /**
     * Applies one mutation: a metadata or evaluation field set to the mutation's value, or a change to the node at
     * index {@code m.at() % n} of the tree (the root is index 0).
     */
    private static JsonNode apply(JsonNode root, Mutation m) {
        if (m.op().equals("metadata") || m.op().equals("evaluation")) {
            String section = m.op().equals("metadata") ? "experiment_metadata" : "task_evaluation";
            if (root instanceof ObjectNode o && o.get(section) instanceof ObjectNode fields) {
                List<String> keys = new ArrayList<>(METADATA);
                fields.fieldNames().forEachRemaining(keys::add);
                String key = m.op().equals("metadata") ? METADATA.get(m.at() % METADATA.size())
                        : keys.get(m.at() % keys.size());
                fields.set(key, JSON.valueToTree(m.value()));
            }
            return root;
        }
        List<JsonNode> parents = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        collect(root, null, null, parents, keys);
        int i = m.at() % parents.size();
        JsonNode parent = parents.get(i);
        Object key = keys.get(i);
        JsonNode current = key == null ? root : key instanceof String k ? parent.get(k) : parent.get((Integer) key);
        JsonNode replacement = switch (m.op()) {
            case "remove" -> null;
            case "replace" -> JSON.valueToTree(m.value());
            case "null" -> JsonNodeFactory.instance.nullNode();
            case "wrap" -> JsonNodeFactory.instance.arrayNode().add(current);
            case "unknown key" -> {
                if (current instanceof ObjectNode o) o.set("zz_" + m.at(), JSON.valueToTree(m.value()));
                yield current;
            }
            case "empty" -> current.isArray() ? JsonNodeFactory.instance.arrayNode()
                    : current.isObject() ? JsonNodeFactory.instance.objectNode() : JsonNodeFactory.instance.textNode("");
            case "huge" -> JsonNodeFactory.instance.textNode("Agent 1 ".repeat(20_000));
            case "deep" -> JSON.valueToTree(Junk.nested(20 + m.at() % 1_100));
            case "duplicate" -> {
                if (current instanceof ArrayNode a && !a.isEmpty()) a.add(a.get(m.at() % a.size()).deepCopy());
                yield current;
            }
            default -> throw new IllegalArgumentException(m.op());
        };
        if (key == null) return replacement == null ? JsonNodeFactory.instance.objectNode() : replacement;
        if (parent instanceof ObjectNode o) {
            if (replacement == null) o.remove((String) key);
            else o.set((String) key, replacement);
        } else if (parent instanceof ArrayNode a) {
            if (replacement == null) a.remove((Integer) key);
            else a.set((Integer) key, replacement);
        }
        return root;
    }

    private static void collect(JsonNode node, JsonNode parent, Object key, List<JsonNode> parents, List<Object> keys) {
        parents.add(parent);
        keys.add(key);
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String name : names) collect(node.get(name), node, name, parents, keys);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) collect(node.get(i), node, i, parents, keys);
        }
    }
}
