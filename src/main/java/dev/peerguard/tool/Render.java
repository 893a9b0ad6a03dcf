package dev.peerguard.tool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Renders tool results the way the study's tools printed them: records and lists as block YAML with sorted keys
 * (SnakeYAML is a port of the PyYAML emitter the study used), the config as a Python dict, sheets as a pandas table.
 */
public final class Render {
    private Render() {}

    /** A date-time the study's tools held as a datetime object: YAML shows it as a bare timestamp. */
    public record Timestamp(String text) {}

    /**
     * SnakeYAML's {@code Yaml} is not thread-safe and costly to build; trials run on virtual threads (one per trial),
     * so a thread-local would build one per trial. Instead idle instances wait in a pool, one per concurrent use.
     */
    private static final Queue<Yaml> IDLE = new ConcurrentLinkedQueue<>();

    private static Yaml newYaml() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setAllowUnicode(false);
        options.setWidth(80);
        options.setIndent(2);
        options.setSplitLines(true);
        Representer representer = new Representer(options) {
            {
                // PyYAML leaves multi-line strings to the emitter (quoted styles); SnakeYAML would pick "|" blocks.
                this.representers.put(String.class, new Represent() {
                    @Override
                    public Node representData(Object data) {
                        return representScalar(Tag.STR, (String) data, DumperOptions.ScalarStyle.PLAIN);
                    }
                });
                this.representers.put(Timestamp.class, new Represent() {
                    @Override
                    public Node representData(Object data) {
                        return representScalar(Tag.TIMESTAMP, ((Timestamp) data).text());
                    }
                });
            }
        };
        return new Yaml(representer, options);
    }

    /** Block YAML with every mapping's keys sorted, {@code []} and {@code {}} for empty collections. */
    public static String yaml(Object value) {
        return YAML_TEXTS.get(sortKeys(value));
    }

    /** Tool results repeat from trial to trial (the same documents, listings and sheets). */
    private static final Memo<Object, String> YAML_TEXTS = new Memo<>(4_096, Render::dump);

    private static String dump(Object sorted) {
        Yaml yaml = IDLE.poll();
        if (yaml == null) yaml = newYaml();
        String out = yaml.dump(sorted);
        IDLE.offer(yaml); // not after a failure, which may leave it half-way through a document
        return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
    }

    private static Object sortKeys(Object value) {
        if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), sortKeys(v)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(sortKeys(v)));
            return out;
        }
        return value;
    }

    /** Python's {@code repr} of dicts, lists, strings, booleans, numbers and None, keeping insertion order. */
    public static String pyRepr(Object value) {
        StringBuilder sb = new StringBuilder();
        pyRepr(value, sb);
        return sb.toString();
    }

    private static void pyRepr(Object value, StringBuilder sb) {
        switch (value) {
            case null -> sb.append("None");
            case Boolean b -> sb.append(b ? "True" : "False");
            case String s -> pyString(s, sb);
            case Map<?, ?> map -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) sb.append(", ");
                    first = false;
                    pyRepr(e.getKey(), sb);
                    sb.append(": ");
                    pyRepr(e.getValue(), sb);
                }
                sb.append('}');
            }
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) sb.append(", ");
                    pyRepr(list.get(i), sb);
                }
                sb.append(']');
            }
            default -> sb.append(value);
        }
    }

    private static void pyString(String s, StringBuilder sb) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(quote);
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (cp == quote) {
                        sb.append('\\').append((char) cp);
                    } else if (cp < 0x20 || cp == 0x7f) {
                        sb.append(String.format("\\x%02x", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        sb.append(quote);
    }

    /**
     * A table as pandas' {@code DataFrame.to_string()} prints it: a left-aligned row index, then every column
     * right-aligned to its widest cell, each cell preceded by one space.
     */
    public static String table(List<String> columns, List<List<Object>> rows) {
        int indexWidth = String.valueOf(Math.max(rows.size() - 1, 0)).length();
        int[] widths = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            int w = columns.get(c).length();
            for (List<Object> row : rows) w = Math.max(w, 1 + String.valueOf(row.get(c)).length());
            widths[c] = w;
        }
        StringBuilder sb = new StringBuilder(" ".repeat(indexWidth));
        for (int c = 0; c < columns.size(); c++) sb.append(' ').append(padLeft(columns.get(c), widths[c]));
        for (int r = 0; r < rows.size(); r++) {
            sb.append('\n').append(padRight(Integer.toString(r), indexWidth));
            for (int c = 0; c < columns.size(); c++) {
                sb.append(' ').append(padLeft(String.valueOf(rows.get(r).get(c)), widths[c]));
            }
        }
        return sb.toString();
    }

    private static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    private static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
