package dev.peerguard.run;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * Reads the settings of a run spec from its YAML file and from flags into one map of key to {@link SpecValue}, flags
 * replacing the file's value of the same key. Only syntax and key names are checked here; values are checked by
 * {@link SpecParser}.
 */
final class SpecReader {
    /** Every key a run spec may have, in the order {@code run.yaml} lists them. */
    static final List<String> KEYS = List.of("models", "tasks", "subjects", "conditions", "instantiations", "modes",
            "cells", "extension_subjects", "org", "display_name", "trials", "seed", "max_iterations", "scratchpad",
            "max_concurrency", "global_concurrency", "temperature", "max_tokens", "reasoning_effort",
            "thinking_budget", "model_settings", "call_timeout", "max_retries", "max_rpm", "judge", "follow_up",
            "follow_up_questions", "max_cost", "prices", "cache", "mitigations", "shutdown_mode", "policy",
            "misreport_tolerance", "agent", "agent_executable", "agent_time_limit",
            "agent_max_processes", "agent_max_output_mb", "agent_max_disk_mb", "keep_sandbox", "out");

    /**
     * The most values one file may hold once its aliases are expanded. A real spec has a few dozen; YAML aliases that
     * repeat a list of aliases ("billion laughs") would otherwise expand a short file into billions of values.
     */
    static final int MAX_VALUES = 10_000;

    private SpecReader() {}

    static Map<String, SpecValue> read(Optional<Path> yaml, Map<String, Object> flags) {
        Map<String, SpecValue> values = new LinkedHashMap<>();
        yaml.ifPresent(file -> values.putAll(readFile(file)));
        flags.forEach((key, value) -> {
            if (value == null) return;
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("no run-spec setting '" + key + "'; valid keys: " + KEYS);
            }
            values.put(key, SpecValue.fromFlag(key, flagValue(key, value)));
        });
        return values;
    }

    /** The flag that sets a key: {@code --max-iterations} for max_iterations; models is the repeatable --model. */
    static String flag(String key) {
        return key.equals("models") ? "--model" : "--" + key.replace('_', '-');
    }

    private static Object flagValue(String key, Object value) {
        if (value instanceof Collection<?> list) {
            List<SpecValue> items = new ArrayList<>();
            for (Object o : list) items.add(SpecValue.fromFlag(key, String.valueOf(o)));
            return items;
        }
        return String.valueOf(value);
    }

    private static Map<String, SpecValue> readFile(Path file) {
        Node root = compose(file, load(file));
        if (root == null || root instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            throw new SpecException(file, null, "the file is empty; a run spec needs at least the models to run, "
                    + "e.g.  models: [scripted/honest]");
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new SpecException(file, line(root), "a run spec is a mapping of settings, one `key: value` per "
                    + "line (e.g. trials: 100), not " + (root instanceof SequenceNode ? "a list" : "plain text")
                    + "; valid keys: " + String.join(", ", KEYS));
        }
        Map<String, SpecValue> values = new LinkedHashMap<>();
        Expansion expansion = new Expansion(file);
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode k)) {
                throw new SpecException(file, line(keyNode), "a key must be a plain word such as trials; valid keys: "
                        + String.join(", ", KEYS));
            }
            String key = k.getValue();
            if (!KEYS.contains(key)) {
                throw new SpecException(file, line(keyNode), "unknown key '" + key + "'" + didYouMean(key, KEYS)
                        + "; valid keys: " + String.join(", ", KEYS));
            }
            SpecValue earlier = values.get(key);
            if (earlier != null) {
                throw new SpecException(file, line(keyNode), "key '" + key + "' is given twice (lines "
                        + earlier.line() + " and " + line(keyNode) + "); keep one");
            }
            values.put(key, expansion.value(key, tuple.getValueNode()));
        }
        return values;
    }

    private static String load(Path file) {
        if (Files.isDirectory(file)) {
            throw new SpecException(file, null, "is a directory, not a run spec file; to continue the run stored "
                    + "there use `peerguard resume " + file + "`");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(file, null, "no such file; give the path of a run spec (YAML), or leave it out "
                    + "and use flags only (e.g. --model scripted/honest)");
        } catch (CharacterCodingException e) {
            throw new SpecException(file, null, "is not UTF-8 text; a run spec is a YAML text file");
        } catch (IOException e) {
            throw new SpecException(file, null, "cannot be read: " + e.getMessage());
        }
    }

    private static Node compose(Path file, String text) {
        try {
            return new Yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String context = e.getContext() == null ? ""
                    : " (" + e.getContext() + (e.getContextMark() == null ? "" : " on line "
                            + (e.getContextMark().getLine() + 1)) + ")";
            throw new SpecException(file, at == null ? null : at.getLine() + 1,
                    "YAML syntax error: " + e.getProblem() + context);
        } catch (YAMLException e) {
            throw new SpecException(file, null, "YAML error: " + e.getMessage());
        } catch (NumberFormatException e) {
            // SnakeYAML's scanner throws this for a hexadecimal escape (x, u or U) cut short by the end of the file.
            throw new SpecException(file, null, "YAML syntax error: an escape sequence (\\x, \\u or \\U) in a quoted "
                    + "string is cut short by the end of the file");
        }
    }

    /**
     * Turns YAML nodes into values, following aliases: a list or mapping that contains itself, or more than
     * {@link #MAX_VALUES} values in all, is refused with the line of the setting.
     */
    private static final class Expansion {
        private final Path file;
        private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
        private int values;

        Expansion(Path file) {
            this.file = file;
        }

        SpecValue value(String key, Node node) {
            int line = line(node);
            if (++values > MAX_VALUES) {
                throw new SpecException(file, line, key + ": the file expands to more than " + MAX_VALUES
                        + " values; YAML aliases (*name) that repeat large parts of it are refused");
            }
            if (node instanceof ScalarNode s) {
                return new SpecValue(key, s.getTag().equals(Tag.NULL) ? null : s.getValue(), file, line);
            }
            if (!open.add(node)) {
                throw new SpecException(file, line, key + ": a YAML alias makes this value contain itself");
            }
            try {
                if (node instanceof SequenceNode seq) {
                    return new SpecValue(key, seq.getValue().stream().map(n -> value(key, n)).toList(), file, line);
                }
                if (node instanceof MappingNode map) {
                    Map<String, SpecValue> entries = new LinkedHashMap<>();
                    for (NodeTuple t : map.getValue()) {
                        if (!(t.getKeyNode() instanceof ScalarNode k)) {
                            throw new SpecException(file, line(t.getKeyNode()), key + ": a key must be plain text");
                        }
                        if (entries.put(k.getValue(), value(key, t.getValueNode())) != null) {
                            throw new SpecException(file, line(k), key + ": '" + k.getValue() + "' is given twice");
                        }
                    }
                    return new SpecValue(key, entries, file, line);
                }
                throw new SpecException(file, line, key + ": unsupported YAML value");
            } finally {
                open.remove(node);
            }
        }
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /**
     * {@code "; did you mean 'trials'?"} for the choice closest to a misspelt word (transposed, missing or extra
     * letters, or a prefix), or an empty string when nothing is close.
     */
    static String didYouMean(String word, Collection<String> choices) {
        String w = normalise(word);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String choice : choices) {
            String c = normalise(choice);
            int d = w.length() >= 3 && c.startsWith(w) ? 1 : distance(w, c);
            if (d < bestDistance) {
                best = choice;
                bestDistance = d;
            }
        }
        int allowed = w.length() <= 3 ? 1 : w.length() < 9 ? 2 : 3;
        return best != null && bestDistance <= allowed ? "; did you mean '" + best + "'?" : "";
    }

    private static String normalise(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** Edit distance counting an adjacent transposition as one edit (optimal string alignment). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
