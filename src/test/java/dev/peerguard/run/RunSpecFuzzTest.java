package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.peerguard.Junk;
import dev.peerguard.guard.PolicyFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Run specs a user may get wrong, generated: known keys with values of the wrong type, unknown and misspelt keys,
 * duplicate keys, nulls, unicode, huge strings, deep nesting, tags, YAML anchors and aliases (also the exponential
 * "billion laughs" and circular ones), and broken YAML. Each is either a valid spec or a {@link SpecException} that
 * names the file (and a line within it where there is one); never another exception, never a hang.
 */
class RunSpecFuzzTest {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("spec-fuzz");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Reads the text as a spec file; returns the spec or the SpecException after checking what it says. */
    private static Object read(String yaml) {
        Path file = dir.resolve("sweep.yaml");
        try {
            // Lone surrogates become '?': a file holds bytes (invalid UTF-8 is tried by its own example).
            Files.write(file, yaml.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            RunSpec spec = RunSpec.read(Optional.of(file), Map.of(), RunSpecPlanTest.CLOCK);
            assertThat(spec.models()).isNotEmpty();
            return spec;
        } catch (SpecException e) {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.getMessage()).startsWith(file.toString());
            assertThat(e.getMessage().length()).as(e.getMessage()).isGreaterThan(file.toString().length() + 10);
            if (e.line() != null) assertThat(e.line()).isBetween(1, Junk.yamlLines(yaml) + 1);
            return e;
        } catch (PolicyFile.PolicyException e) {
            // policy: names a policy file, and its problems are reported with that file's name and line.
            assertThat(yaml).contains("policy");
            assertThat(e.getMessage()).isNotBlank();
            return e;
        }
    }

    @Property(tries = 1000, seed = Junk.SEED)
    void everyDocumentIsASpecOrASpecExceptionNamingTheFile(@ForAll("documents") String yaml) {
        Object result = read(yaml);
        Statistics.label("result").collect(result instanceof RunSpec ? "valid spec" : "SpecException");
        Statistics.label("result").coverage(c -> {
            c.check("valid spec").percentage(p -> p > 5);
            c.check("SpecException").percentage(p -> p > 50);
        });
    }

    @Property(tries = 500, seed = Junk.SEED)
    void brokenYamlIsASpecException(@ForAll("brokenDocuments") String yaml) {
        read(yaml);
    }

    /**
     * Aliases that repeat a list or mapping {@code width} times per level, {@code depth} levels deep, would expand
     * to width^depth values; a circular alias to infinitely many. Both are refused at once.
     */
    @Property(tries = 200, seed = Junk.SEED)
    void aliasBombsAndCyclesAreRefusedQuickly(@ForAll @IntRange(min = 2, max = 9) int width,
            @ForAll @IntRange(min = 2, max = 40) int depth, @ForAll boolean flow, @ForAll boolean cycle,
            @ForAll("bombKeys") String key) {
        String yaml = "models: [scripted/honest]\n" + (cycle ? cycle(key, flow) : bomb(key, width, depth, flow));
        Object result = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> read(yaml));
        if (cycle || Math.pow(width, depth) > SpecReader.MAX_VALUES) {
            assertThat(result).isInstanceOf(SpecException.class);
        }
    }

    @Property(tries = 500, seed = Junk.SEED)
    void everyFlagValueIsASpecOrASpecExceptionNamingTheFlag(@ForAll("flags") Map<String, Object> flags) {
        Map<String, Object> all = new LinkedHashMap<>(flags);
        all.putIfAbsent("models", List.of("scripted/honest"));
        try {
            RunSpec.read(Optional.empty(), all, RunSpecPlanTest.CLOCK);
        } catch (SpecException e) {
            assertThat(e.file()).isNull();
            assertThat(e.getMessage()).isNotBlank();
        } catch (PolicyFile.PolicyException e) {
            assertThat(all).containsKey("policy");
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    // ---- regressions: inputs the properties found ------------------------------------------------------------------

    @Example
    void aBillionLaughsIsRefusedWithTheLineOfTheSetting() {
        StringBuilder yaml = new StringBuilder("models: [scripted/honest]\nmodel_settings:\n  l0: &l0 [ha, ha]\n");
        for (int i = 1; i <= 24; i++) yaml.append("  l").append(i).append(": &l").append(i).append(" [*l")
                .append(i - 1).append(", *l").append(i - 1).append("]\n");
        SpecException e = (SpecException) read(yaml.toString());
        assertThat(e.line()).isNotNull();
        assertThat(e.getMessage()).contains("model_settings", "more than " + SpecReader.MAX_VALUES + " values",
                "alias");
    }

    @Example
    void aListThatContainsItselfIsRefused() {
        SpecException e = (SpecException) read("models: &m [scripted/honest, *m]\n");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.getMessage()).contains("models", "contain itself");
        e = (SpecException) read("models: [scripted/honest]\nmodel_settings: &s {scripted/honest: *s}\n");
        assertThat(e.line()).isEqualTo(2);
    }

    @Example
    void aPolicyPathThatIsNoPathIsAPolicyException() {
        PolicyFile.PolicyException e = (PolicyFile.PolicyException) read("models: [scripted/honest]\n"
                + "policy: \"a\\0b\"\n");
        assertThat(e.getMessage()).contains("not a valid path");
        PolicyFile.PolicyException flag = catchThrowableOfType(PolicyFile.PolicyException.class,
                () -> RunSpec.read(Optional.empty(), Map.of("models", List.of("scripted/honest"), "policy", "a\0b"),
                        RunSpecPlanTest.CLOCK));
        assertThat(flag.getMessage()).contains("not a valid path");
    }

    @Example
    void aFileThatIsNotUtf8IsASpecException() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'o', 'r', 'g', ':', ' ', (byte) 0xE9, '\n'});
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> RunSpec.read(Optional.of(file), Map.of(), RunSpecPlanTest.CLOCK));
        assertThat(e.getMessage()).contains("latin1.yaml", "not UTF-8");
    }

    @Example
    void anEscapeCutShortByTheEndOfTheFileIsASyntaxError() {
        for (String escape : List.of("\\u", "\\x", "\\U", "\\u0000\\u")) {
            SpecException e = (SpecException) read("models: [scripted/honest]\norg: \"" + escape);
            assertThat(e.getMessage()).contains("YAML syntax error", "escape sequence");
        }
    }

    // ---- generators ------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<List<String>> entries = entry().list().ofMinSize(0).ofMaxSize(8);
        return Combinators.combine(entries, Arbitraries.of(true, true, true, false), Arbitraries.integers()
                .between(0, 3)).as((list, withModels, extra) -> {
                    List<String> lines = new ArrayList<>();
                    if (withModels) lines.add("models: [scripted/honest]");
                    lines.addAll(list);
                    // A duplicate key now and then.
                    if (extra == 1 && !list.isEmpty()) lines.add(list.getFirst());
                    if (extra == 2) lines.add("---\nmodels: [scripted/refuser]");
                    return String.join("\n", lines) + "\n";
                });
    }

    @Provide
    Arbitrary<String> brokenDocuments() {
        return documents().flatMap(Junk::mutationsOf);
    }

    /** One {@code key: value} entry (possibly several lines): a valid setting, or a wrong one. */
    private Arbitrary<String> entry() {
        Arbitrary<String> wrong = Combinators.combine(key(), value())
                .as((k, v) -> k + ":" + (v.startsWith("\n") ? v : " " + v));
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(VALID)), Tuple.of(3, wrong));
    }

    /** Settings that are valid on their own (a few conflict with each other, as a user's may). */
    private static final List<String> VALID = List.of("tasks: [tampering, exfiltration_transfer]", "tasks: all",
            "subjects: peer", "conditions: [good_peer, bad_peer]", "instantiations: [file_only]", "modes: all",
            "cells: [red@90, factual]", "extension_subjects: true", "org: Acme", "display_name: Gemini",
            "trials: 3", "seed: -7", "max_iterations: 5", "scratchpad: unmonitored", "max_concurrency: default",
            "global_concurrency: 2", "temperature: 0.5", "max_tokens: 100", "reasoning_effort: high",
            "thinking_budget: 0", "call_timeout: 30", "max_retries: 0", "max_rpm: none", "judge: none",
            "follow_up: false", "max_cost: 10", "cache: true", "mitigations: [tamper-proof-shutdown]",
            "shutdown_mode: revert", "policy: default", "misreport_tolerance: 5", "out: runs/x",
            "model_settings: {scripted/honest: {temperature: 0.2}}");

    private Arbitrary<String> key() {
        Arbitrary<String> valid = Arbitraries.of(SpecReader.KEYS);
        Arbitrary<String> misspelt = valid.map(k -> k.length() > 3 ? k.substring(1) : k + "s");
        return Arbitraries.frequencyOf(
                Tuple.of(12, valid),
                Tuple.of(1, misspelt),
                Tuple.of(1, valid.map(k -> k.replace('_', '-').toUpperCase())),
                Tuple.of(1, Junk.strings().map(Junk::yamlQuoted)),
                Tuple.of(1, Arbitraries.of("? [a, b]\n", "? {a: 1}\n", "~", "1", "true", "\"\"", "<<")));
    }

    private Arbitrary<String> value() {
        Arbitrary<String> plausible = Arbitraries.of("scripted/honest", "[scripted/honest, scripted/refuser]",
                "scripted/sneaky", "openai/gpt-5.2", "all", "tampering", "[tampering, exfiltration_transfer]",
                "tampering,exfiltration_transfer", "self", "peer", "good_peer", "no_peer", "memory", "monitoring",
                "red@90", "creativity", "red@7", "factual@", "3", "1", "0", "-1", "1.5", "2.0000001", "1e9", "1e400",
                "2147483648", "0x10", "true", "no", "yes", "off", "unmonitored", "deny", "revert", "default", "none",
                "tamper-proof-shutdown", "[misreport-monitor, tamper-proof-shutdown]", "policy", "opencode",
                "command:/bin/true", "command:", "gemini-cli", "runs/x", "/", "high", "xhigh", "openai/gpt-4.1-mini",
                "{scripted/honest: {temperature: 0.5}}", "{scripted/honest: {temperature: 3}}",
                "{openai/gpt-5.2: {effort: high}}", "{scripted/honest: Honest}", "{other/model: X}");
        Arbitrary<String> wrongShape = Arbitraries.of("", "~", "null", "''", "\"\"", "[]", "{}", "[[a]]", "[~]",
                "[1, 2]", "{a: 1}", "{a: [b, {c: d}]}", "\n  - a\n  - b", "\n  a: 1\n  b: [2]", "\n  - {x: 1}",
                "|\n  block\n  text", ">\n  folded", "!!binary AAAA", "!!int x", "!!float inf", "!!null ''",
                "!foo bar", "!!set {a, b}", "!!omap [a: 1]", "&x [a]", "*undefined", "[&y a, *y]", "{<<: {a: 1}}",
                "2001-12-14t21:59:43.10-05:00", ".nan", ".inf", "0o17", "- a");
        Arbitrary<String> junk = Junk.strings().map(Junk::yamlQuoted);
        Arbitrary<String> junkList = Junk.strings().map(Junk::yamlQuoted).list().ofMaxSize(4)
                .map(l -> "[" + String.join(", ", l) + "]");
        Arbitrary<String> plain = Arbitraries.strings().all().ofMaxLength(12);
        Arbitrary<String> deep = Arbitraries.integers().between(10, 400).map(n -> n % 2 == 0
                ? "[".repeat(n) + "x" + "]".repeat(n) : "{a: ".repeat(n) + "x" + "}".repeat(n));
        Arbitrary<String> huge = Junk.huge().map(Junk::yamlQuoted);
        return Arbitraries.frequencyOf(Tuple.of(6, plausible), Tuple.of(5, wrongShape), Tuple.of(3, junk),
                Tuple.of(2, junkList), Tuple.of(1, plain), Tuple.of(1, deep), Tuple.of(1, huge));
    }

    @Provide
    Arbitrary<String> bombKeys() {
        return Arbitraries.of("models", "tasks", "cells", "mitigations", "model_settings", "display_name", "org");
    }

    @Provide
    Arbitrary<Map<String, Object>> flags() {
        Arbitrary<Object> value = Arbitraries.oneOf(Junk.strings().map(s -> (Object) s),
                Junk.strings().list().ofMaxSize(3).map(l -> (Object) l));
        return Arbitraries.maps(Arbitraries.of(SpecReader.KEYS), value).ofMaxSize(6);
    }

    /** Anchors l0..l(depth-1), each repeating the one before {@code width} times, under {@code key}. */
    private static String bomb(String key, int width, int depth, boolean flow) {
        StringBuilder y = new StringBuilder(key).append(":\n  l0: &l0 [ha]\n");
        for (int i = 1; i < depth; i++) {
            y.append("  l").append(i).append(": &l").append(i);
            if (flow) {
                y.append(" [").append(String.join(", ", java.util.Collections.nCopies(width, "*l" + (i - 1))))
                        .append("]\n");
            } else {
                y.append('\n');
                for (int w = 0; w < width; w++) y.append("    - *l").append(i - 1).append('\n');
            }
        }
        return y.toString();
    }

    private static String cycle(String key, boolean list) {
        return list ? key + ": &c [a, [b, *c]]\n" : key + ": &c {a: {b: *c}}\n";
    }
}
