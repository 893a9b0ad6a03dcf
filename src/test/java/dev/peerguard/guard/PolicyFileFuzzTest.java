package dev.peerguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.Junk;
import dev.peerguard.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Policy files a user may get wrong, generated: unknown keys, wrong types, nulls, unicode, huge strings, broken
 * YAML, aliases, globs and regular expressions with special characters. Each is either a policy or a
 * {@link PolicyFile.PolicyException} naming the file (and the line where there is one); a policy that loads decides
 * any call, however odd its arguments, without an exception.
 */
class PolicyFileFuzzTest {
    private static final String SOURCE = "guard.yaml";

    /** Parses the text; returns the policy or the PolicyException after checking what it says. */
    private static Object parse(String yaml) {
        try {
            return PolicyFile.parse(yaml, SOURCE);
        } catch (PolicyFile.PolicyException e) {
            assertThat(e.file()).isEqualTo(SOURCE);
            assertThat(e.getMessage()).startsWith(SOURCE);
            assertThat(e.getMessage().length()).as(e.getMessage()).isGreaterThan(SOURCE.length() + 10);
            assertThat(e.line()).isBetween(0, Junk.yamlLines(yaml) + 1);
            return e;
        }
    }

    @Property(tries = 1000, seed = Junk.SEED)
    void everyDocumentIsAPolicyOrAPolicyExceptionWithFileAndLine(@ForAll("documents") String yaml,
            @ForAll("calls") List<ToolCall> calls) {
        Object result = parse(yaml);
        Statistics.label("result").collect(result instanceof Policy ? "policy" : "PolicyException");
        Statistics.label("result").coverage(c -> c.check("policy").percentage(p -> p > 20));
        if (result instanceof Policy policy) {
            for (ToolCall call : calls) {
                Policy.Decision d = policy.decide(call, Facts.fromCall());
                assertThat(d.action()).isNotNull();
                if (d.blocks()) assertThat(d.denial(call.name())).startsWith("Error: ");
            }
        }
    }

    @Property(tries = 500, seed = Junk.SEED)
    void brokenYamlIsAPolicyException(@ForAll("brokenDocuments") String yaml) {
        parse(yaml);
    }

    // ---- regressions: inputs the properties found ------------------------------------------------------------------

    @Example
    void aToolGlobWithRegexQuotingCharactersMatchesLiterally() {
        Policy p = (Policy) parse("""
                rules:
                  - name: odd
                    tools: ["a\\\\E(*", "\\\\Q*"]
                    action: deny
                """);
        assertThat(p.decide(new ToolCall("c", "a\\E(x", Map.of()), Facts.fromCall()).blocks()).isTrue();
        assertThat(p.decide(new ToolCall("c", "\\Qlist", Map.of()), Facts.fromCall()).blocks()).isTrue();
        assertThat(p.decide(new ToolCall("c", "aE(x", Map.of()), Facts.fromCall()).blocks()).isFalse();
    }

    @Example
    void aCallWithNullArgumentsIsDecidedByTheDefaultPolicy() {
        Map<String, Object> args = new java.util.HashMap<>();
        args.put("ip", "10.0.12.45");
        args.put("filename", null);
        Policy.Decision d = Policy.defaults().decide(new ToolCall("c", "copy_server_file", args), Facts.fromCall());
        assertThat(d.action()).isEqualTo(Policy.Action.ALLOW);
    }

    @Example
    void anEscapeCutShortByTheEndOfTheFileIsASyntaxError() {
        PolicyFile.PolicyException e = (PolicyFile.PolicyException) parse("rules: []\ndefault: \"\\u");
        assertThat(e.getMessage()).contains("YAML syntax error", "escape sequence");
    }

    // ---- generators ------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> defaultLine = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("allow", "deny", "alert", "require-approval", "DENY", " deny ")),
                Tuple.of(1, scalar())).map(v -> "default: " + v);
        Arbitrary<String> rules = rule().list().ofMaxSize(5).map(l -> l.isEmpty() ? "rules: []"
                : "rules:\n" + String.join("\n", l));
        Arbitrary<String> other = Arbitraries.of("rules: x", "rules: {a: 1}", "rules: ~", "colour: red", "- a",
                "rules: &r [*r]", "rules: [[a]]", "? [a]\n: b", "rules:\n  - &a {name: a, action: deny}\n  - *a");
        return Combinators.combine(defaultLine.injectNull(0.4), rules.injectNull(0.1), other.injectNull(0.85))
                .as((d, r, o) -> {
                    List<String> parts = new ArrayList<>();
                    if (d != null) parts.add(d);
                    if (r != null) parts.add(r);
                    if (o != null) parts.add(o);
                    return String.join("\n", parts) + "\n";
                });
    }

    @Provide
    Arbitrary<String> brokenDocuments() {
        return documents().flatMap(Junk::mutationsOf);
    }

    /** One rule as a block-list item. */
    private Arbitrary<String> rule() {
        Arbitrary<String> name = scalar().map(v -> "name: " + v);
        Arbitrary<String> tools = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("[modify_var, add_var]", "\"*\"", "[\"list_*\", bash]", "bash",
                        "[\"*_server_*\"]", "[\"a\\\\E(*\"]", "[\"\\\\Q*\"]", "[\"*.*\"]", "[\"(*\"]")),
                Tuple.of(1, value())).map(v -> "tools: " + v);
        Arbitrary<String> args = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("{key: \"^shutdown_enabled$\"}", "{command: \"scp .*weight\"}",
                        "{filename: \"(unclosed\"}", "{filenames: \"x\"}", "{\"\": \"\"}", "{value: \"[\"}",
                        "{key: \"\\\\\"}", "{key: \"a{2,1}\"}")),
                Tuple.of(1, value())).map(v -> "args: " + v);
        Arbitrary<String> when = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("{model_weight: true}", "{model_weight: no}", "{model_weight: maybe}",
                        "{destination_not_in: [\"10.0.12.46\"]}", "{destination_not_in: 10.0.12.46}",
                        "{weather: sunny}", "{model_weight: [true]}", "{destination_not_in: [[a]]}")),
                Tuple.of(1, value())).map(v -> "when: " + v);
        Arbitrary<String> action = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("allow", "deny", "alert", "require-approval", "Deny")),
                Tuple.of(1, value())).map(v -> "action: " + v);
        Arbitrary<String> message = scalar().map(v -> "message: " + v);
        Arbitrary<String> unknown = Combinators.combine(Junk.keys().map(Junk::yamlQuoted), value())
                .as((k, v) -> k + ": " + v);
        Arbitrary<String> field = Arbitraries.frequencyOf(Tuple.of(2, name), Tuple.of(3, tools), Tuple.of(2, args),
                Tuple.of(2, when), Tuple.of(1, message), Tuple.of(1, unknown));
        Arbitrary<List<String>> fields = Combinators.combine(field.list().ofMaxSize(4), action.injectNull(0.1))
                .as((fs, a) -> {
                    List<String> all = new ArrayList<>(fs);
                    if (a != null) all.add(a);
                    return all;
                });
        Arbitrary<String> mapping = fields.map(fs -> fs.isEmpty() ? "  - {}" : "  - " + String.join("\n    ", fs));
        return Arbitraries.frequencyOf(Tuple.of(12, validRule()), Tuple.of(4, mapping),
                Tuple.of(1, value().map(v -> "  - " + v)));
    }

    /** A rule that loads: any name and message, tools, patterns and facts of the right shapes. */
    private Arbitrary<String> validRule() {
        Arbitrary<String> name = Arbitraries.strings().alpha().ofMinLength(8).ofMaxLength(12);
        Arbitrary<String> tools = Arbitraries.of("[modify_var, add_var]", "\"*\"", "[\"list_*\", bash]", "bash",
                "[\"*_server_*\"]", "[\"a\\\\E(*\"]", "[\"\\\\Q*\"]", "[\"*.*\"]", "[\"(*\"]", "[]");
        Arbitrary<String> args = Arbitraries.of("{key: \"^shutdown_enabled$\"}", "{command: \"scp .*weight\"}",
                "{filenames: \"x\"}", "{\"\": \"\"}", "{value: \"\\\\[\"}", "{filename: \"(?s).*\"}", "{}");
        Arbitrary<String> when = Arbitraries.of("{model_weight: true}", "{model_weight: no}",
                "{destination_not_in: [\"10.0.12.46\"]}", "{destination_not_in: 10.0.12.46}", "{}");
        Arbitrary<String> action = Arbitraries.of("allow", "deny", "alert", "require-approval", "Deny");
        Arbitrary<String> message = Junk.strings().map(Junk::yamlQuoted);
        return Combinators.combine(name, tools.injectNull(0.3), args.injectNull(0.5), when.injectNull(0.5), action,
                message.injectNull(0.5)).as((n, t, a, w, act, m) -> {
                    List<String> fs = new ArrayList<>(List.of("name: " + n));
                    if (t != null) fs.add("tools: " + t);
                    if (a != null) fs.add("args: " + a);
                    if (w != null) fs.add("when: " + w);
                    fs.add("action: " + act);
                    if (m != null) fs.add("message: " + m);
                    return "  - " + String.join("\n    ", fs);
                });
    }

    private Arbitrary<String> scalar() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10)),
                Tuple.of(2, Junk.strings().map(Junk::yamlQuoted)),
                Tuple.of(1, Arbitraries.of("~", "''", "1", "true", "[]", "{}", "&x a", "*x", "!!binary AAAA")));
    }

    private Arbitrary<String> value() {
        return Arbitraries.frequencyOf(Tuple.of(3, scalar()),
                Tuple.of(1, scalar().list().ofMaxSize(3).map(l -> "[" + String.join(", ", l) + "]")),
                Tuple.of(1, Arbitraries.of("{a: 1}", "{a: [b]}", "[{a: b}]", "[[[[x]]]]")));
    }

    @Provide
    Arbitrary<List<ToolCall>> calls() {
        Arbitrary<String> name = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of("modify_var", "bash",
                "transfer_server_files", "list_files", "copy_server_file", "run_shell_command")),
                Tuple.of(1, Junk.strings()));
        Arbitrary<ToolCall> call = Combinators.combine(name, Junk.maps(List.of("key", "value", "command", "dest_ip",
                "filename", "filenames", "ip", "source_ip"))).as((n, args) -> new ToolCall("c1", n, args));
        return call.list().ofMinSize(1).ofMaxSize(3);
    }
}
