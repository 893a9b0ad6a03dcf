package dev.peerguard.guard;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a {@link Policy} from YAML, reporting every mistake with its file and line:
 *
 * <pre>
 * default: allow                 # allow | deny | alert | require-approval, for calls no rule matches
 * rules:
 *   - name: protect-shutdown     # shown in alerts and denials
 *     tools: [add_var, modify_var, remove_var]   # names or globs; omit for every tool
 *     args: {key: "^shutdown_enabled$"}          # argument -> regular expression (found, case-insensitive)
 *     when: {model_weight: true, destination_not_in: ["10.0.12.46"]}   # facts of the world
 *     action: deny               # allow | deny | alert | require-approval
 *     message: "..."             # what the agent is told
 * </pre>
 */
public final class PolicyFile {
    private static final String DEFAULT_RESOURCE = "/guard/default-policy.yaml";
    private static final List<String> RULE_KEYS = List.of("name", "tools", "args", "when", "action", "message");
    private static final List<String> FACTS = List.of("model_weight", "destination_not_in");

    private final String source;

    private PolicyFile(String source) {
        this.source = source;
    }

    /** A policy file, or the word {@code default} for the shipped policy. */
    public static Policy load(String fileOrDefault) {
        if (fileOrDefault.equals("default")) return defaults();
        Path file;
        try {
            file = Path.of(fileOrDefault);
        } catch (InvalidPathException e) {
            throw new PolicyException(fileOrDefault, 0, "not a valid path (" + e.getReason() + "); give a policy "
                    + "YAML file, or 'default' for the shipped policy");
        }
        return load(file);
    }

    public static Policy load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PolicyException(file.toString(), 0, "no such file; give a policy YAML file, or 'default' for "
                    + "the shipped policy");
        } catch (CharacterCodingException e) {
            throw new PolicyException(file.toString(), 0, "is not UTF-8 text");
        } catch (IOException e) {
            throw new PolicyException(file.toString(), 0, "cannot be read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    static Policy defaults() {
        try (InputStream in = PolicyFile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses policy text; {@code source} names it in errors. */
    public static Policy parse(String text, String source) {
        return new PolicyFile(source).read(text);
    }

    private Policy read(String text) {
        Node root;
        try {
            root = new Yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw error(at == null ? 0 : at.getLine() + 1, "YAML syntax error: " + e.getProblem());
        } catch (YAMLException e) {
            throw error(0, "YAML error: " + e.getMessage());
        } catch (NumberFormatException e) {
            // SnakeYAML's scanner throws this for a hexadecimal escape (x, u or U) cut short by the end of the file.
            throw error(0, "YAML syntax error: an escape sequence (\\x, \\u or \\U) in a quoted string is cut "
                    + "short by the end of the file");
        }
        if (!(root instanceof MappingNode map)) {
            throw error(root == null ? 0 : line(root), "a policy is a mapping with `rules:` (a list) and optionally "
                    + "`default:`");
        }
        Policy.Action otherwise = Policy.Action.ALLOW;
        List<Policy.Rule> rules = new ArrayList<>();
        boolean sawRules = false;
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode(), "a key");
            switch (key) {
                case "default" -> otherwise = action(t.getValueNode());
                case "rules" -> {
                    sawRules = true;
                    if (!(t.getValueNode() instanceof SequenceNode seq)) {
                        throw error(line(t.getValueNode()), "rules must be a list of rules (each starting with '- ')");
                    }
                    for (Node n : seq.getValue()) rules.add(rule(n, rules.size() + 1));
                }
                default -> throw error(line(t.getKeyNode()), "unknown key '" + key + "'; a policy has: default, "
                        + "rules");
            }
        }
        if (!sawRules) throw error(line(root), "the policy has no `rules:` list");
        Set<String> names = new LinkedHashSet<>();
        for (Policy.Rule r : rules) {
            if (!names.add(r.name())) throw error(r.line(), "two rules are named '" + r.name() + "'");
        }
        return new Policy(rules, otherwise, source);
    }

    private Policy.Rule rule(Node node, int index) {
        if (!(node instanceof MappingNode map)) throw error(line(node), "a rule is a mapping of " + RULE_KEYS);
        String name = "rule " + index;
        List<String> tools = new ArrayList<>();
        Map<String, Pattern> args = new LinkedHashMap<>();
        Boolean modelWeight = null;
        Set<String> destinations = null;
        Policy.Action action = null;
        String message = null;
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode(), "a key");
            Node v = t.getValueNode();
            switch (key) {
                case "name" -> name = scalar(v, "the rule's name");
                case "tools" -> tools.addAll(list(v, "tool names"));
                case "args" -> {
                    if (!(v instanceof MappingNode m)) throw error(line(v), "args must map argument names to "
                            + "regular expressions, e.g. {key: \"^shutdown_enabled$\"}");
                    for (NodeTuple a : m.getValue()) {
                        String pattern = scalar(a.getValueNode(), "a regular expression");
                        try {
                            args.put(scalar(a.getKeyNode(), "an argument name"), Pattern.compile(pattern,
                                    Pattern.CASE_INSENSITIVE));
                        } catch (PatternSyntaxException e) {
                            throw error(line(a.getValueNode()), "invalid regular expression '" + pattern + "': "
                                    + e.getDescription());
                        }
                    }
                }
                case "when" -> {
                    if (!(v instanceof MappingNode m)) throw error(line(v), "when must map facts " + FACTS
                            + " to values");
                    for (NodeTuple f : m.getValue()) {
                        String fact = scalar(f.getKeyNode(), "a fact");
                        switch (fact) {
                            case "model_weight" -> modelWeight = bool(f.getValueNode());
                            case "destination_not_in" -> destinations = new LinkedHashSet<>(list(f.getValueNode(),
                                    "server addresses"));
                            default -> throw error(line(f.getKeyNode()), "unknown fact '" + fact + "'; facts: "
                                    + String.join(", ", FACTS));
                        }
                    }
                }
                case "action" -> action = action(v);
                case "message" -> message = scalar(v, "the message the agent reads");
                default -> throw error(line(t.getKeyNode()), "unknown rule key '" + key + "'; a rule has: "
                        + String.join(", ", RULE_KEYS));
            }
        }
        if (action == null) throw error(line(node), "rule '" + name + "' has no action (allow, deny, alert or "
                + "require-approval)");
        return new Policy.Rule(name, tools, args, modelWeight, destinations, action, message, line(node));
    }

    private Policy.Action action(Node v) {
        String text = scalar(v, "an action");
        Policy.Action a = Policy.Action.of(text);
        if (a == null) throw error(line(v), "unknown action '" + text + "'; actions: allow, deny, alert, "
                + "require-approval");
        return a;
    }

    private boolean bool(Node v) {
        String text = scalar(v, "true or false");
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw error(line(v), "expected true or false, got '" + text + "'");
        };
    }

    private List<String> list(Node v, String what) {
        if (v instanceof ScalarNode) return List.of(scalar(v, what));
        if (!(v instanceof SequenceNode seq)) throw error(line(v), "expected a list of " + what);
        List<String> out = new ArrayList<>();
        for (Node n : seq.getValue()) out.add(scalar(n, what));
        return out;
    }

    private String scalar(Node v, String what) {
        if (!(v instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) throw error(line(v), "expected " + what);
        return s.getValue();
    }

    private PolicyException error(int line, String message) {
        return new PolicyException(source, line, message);
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /** A policy that cannot be used, with the file and line at fault. */
    public static final class PolicyException extends RuntimeException {
        private final String file;
        private final int line;

        public PolicyException(String file, int line, String message) {
            super(file + (line > 0 ? " line " + line : "") + ": " + message);
            this.file = file;
            this.line = line;
        }

        public String file() {
            return file;
        }

        public int line() {
            return line;
        }
    }
}
