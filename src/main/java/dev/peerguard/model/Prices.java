package dev.peerguard.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Prices of models in USD per million tokens, from a YAML table users can edit: the one shipped as the resource
 * {@code prices.yaml}, optionally with the user's own file laid over it. A key is a PeerGuard model name
 * ({@code provider/model}) or, ending in {@code *}, a prefix of names; the exact name wins, else the longest matching
 * prefix. Local providers ({@code ollama/}, {@code vllm/}, {@code llamacpp/}) and the scripted agents cost nothing
 * unless the table prices them. Immutable and safe to share between threads.
 */
public final class Prices {
    private static final String RESOURCE = "prices.yaml";

    private static final String EXAMPLE = "openai/gpt-4.1-mini: {input: 0.40, output: 1.60}";
    private static final List<String> ENTRY_KEYS = List.of("input", "output", "cached_input");
    private static final List<String> LOCAL_PROVIDERS = List.of("ollama/", "vllm/", "llamacpp/", "scripted/");
    private static final Price FREE = new Price(0, 0, 0.0);

    /**
     * A model's price in USD per million tokens.
     *
     * @param inputPerMillion       input (prompt) tokens
     * @param outputPerMillion      output (completion) tokens
     * @param cachedInputPerMillion input tokens read from the provider's prompt cache; null when the table gives none
     */
    public record Price(double inputPerMillion, double outputPerMillion, Double cachedInputPerMillion) {
        public Price {
            requirePrice("input", inputPerMillion);
            requirePrice("output", outputPerMillion);
            if (cachedInputPerMillion != null) requirePrice("cached_input", cachedInputPerMillion);
        }

        private static void requirePrice(String name, double usd) {
            if (!(usd >= 0) || Double.isInfinite(usd)) {
                throw new IllegalArgumentException(name + " price must be a finite number >= 0, not " + usd);
            }
        }

        /** The cost in USD of a call (or of many calls' summed tokens: the price is linear). */
        public double cost(long inputTokens, long outputTokens) {
            return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000;
        }
    }

    /**
     * A price table that cannot be read. The message names the file, the line when known, what is wrong and an
     * example of a valid entry.
     */
    public static final class PriceTableException extends RuntimeException {
        PriceTableException(String source, Integer line, String problem) {
            super(source + (line == null ? "" : " line " + line) + ": " + problem + "; a valid entry looks like  "
                    + EXAMPLE);
        }
    }

    // Built once on first use: the shipped resource does not change while PeerGuard runs.
    private static final class Defaults {
        static final Prices TABLE = new Prices(parse("the built-in " + RESOURCE, readResource()));
    }

    /** The entries keyed as written: a model name, or a prefix followed by {@code *}. */
    private final Map<String, Price> entries;

    private Prices(Map<String, Price> entries) {
        this.entries = Map.copyOf(entries);
    }

    /** The table shipped with PeerGuard. */
    public static Prices defaults() {
        return Defaults.TABLE;
    }

    /**
     * The shipped table with the user's file laid over it: an entry of the user's replaces the shipped entry with the
     * same key; a model matching keys from both takes the longest key, whichever file it is in.
     *
     * @throws PriceTableException when the file is missing, unreadable or not a valid price table
     */
    public static Prices load(Path userFile) {
        Map<String, Price> table = new HashMap<>(defaults().entries);
        table.putAll(parse(userFile.toString(), read(userFile)));
        return new Prices(table);
    }

    /**
     * The price of a model: its exact entry, else the longest wildcard key that prefixes its name, else free for
     * local providers; empty when the table does not know the model (its cost is unknown, not 0).
     */
    public Optional<Price> of(String model) {
        Price price = entries.get(model);
        if (price != null) return Optional.of(price);
        String longest = null;
        for (String key : entries.keySet()) {
            if (key.endsWith("*") && model.startsWith(key.substring(0, key.length() - 1))
                    && (longest == null || key.length() > longest.length())) {
                longest = key;
            }
        }
        if (longest != null) return Optional.of(entries.get(longest));
        return LOCAL_PROVIDERS.stream().anyMatch(model::startsWith) ? Optional.of(FREE) : Optional.empty();
    }

    private static String readResource() {
        try (InputStream in = Prices.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from PeerGuard's class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in " + RESOURCE, e);
        }
    }

    private static String read(Path file) {
        if (Files.isDirectory(file)) {
            throw new PriceTableException(file.toString(), null, "is a directory; give the path of a price table "
                    + "(a YAML file)");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PriceTableException(file.toString(), null, "no such file; give the path of a price table (a "
                    + "YAML file with one line per model), or leave out --prices to use the built-in prices");
        } catch (CharacterCodingException e) {
            throw new PriceTableException(file.toString(), null, "is not UTF-8 text; a price table is a YAML text "
                    + "file");
        } catch (IOException e) {
            throw new PriceTableException(file.toString(), null, "cannot be read: " + e.getMessage());
        }
    }

    /** The entries of a table in file order, keyed as written (wildcards keep their {@code *}). */
    private static Map<String, Price> parse(String source, String text) {
        Node root = compose(source, text);
        Map<String, Price> table = new LinkedHashMap<>();
        // A file of comments only is an empty table.
        if (root == null || root instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) return table;
        if (!(root instanceof MappingNode mapping)) {
            throw new PriceTableException(source, line(root), "a price table is a mapping of model names to "
                    + "prices, one model per line");
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String model = modelKey(source, tuple.getKeyNode());
            if (table.containsKey(model)) {
                throw new PriceTableException(source, line(tuple.getKeyNode()), "'" + model + "' is given twice; "
                        + "keep one");
            }
            table.put(model, price(source, model, tuple.getValueNode()));
        }
        return table;
    }

    private static Node compose(String source, String text) {
        try {
            return new Yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new PriceTableException(source, at == null ? null : at.getLine() + 1,
                    "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new PriceTableException(source, null, "not valid YAML: " + e.getMessage());
        } catch (NumberFormatException e) {
            // SnakeYAML's scanner throws this for a hexadecimal escape (x, u or U) cut short by the end of the file.
            throw new PriceTableException(source, null, "not valid YAML: an escape sequence (\\x, \\u or \\U) in a "
                    + "quoted string is cut short by the end of the file");
        }
    }

    private static String modelKey(String source, Node node) {
        String key = node instanceof ScalarNode s ? s.getValue() : "";
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            throw new PriceTableException(source, line(node), "'" + key + "' is not a model name: keys are PeerGuard "
                    + "model names, provider/model (openai/, anthropic/, google/, openai-api/<provider>/, ollama/, "
                    + "vllm/, llamacpp/), optionally ending in * to cover every name that starts with the rest");
        }
        if (key.indexOf('*') != -1 && key.indexOf('*') != key.length() - 1) {
            throw new PriceTableException(source, line(node), "'" + key + "': * may only end a model name (a prefix "
                    + "wildcard such as anthropic/claude-haiku-4-5*)");
        }
        return key;
    }

    private static Price price(String source, String model, Node node) {
        if (!(node instanceof MappingNode entry)) {
            throw new PriceTableException(source, line(node), "the price of '" + model + "' must be a mapping with "
                    + "input and output (USD per million tokens)");
        }
        Map<String, Double> values = new HashMap<>();
        for (NodeTuple tuple : entry.getValue()) {
            Node keyNode = tuple.getKeyNode();
            String key = keyNode instanceof ScalarNode s ? s.getValue() : "";
            if (!ENTRY_KEYS.contains(key)) {
                throw new PriceTableException(source, line(keyNode), "unknown key '" + key + "' in the price of '"
                        + model + "'; valid keys: " + String.join(", ", ENTRY_KEYS));
            }
            if (values.put(key, usd(source, model, key, tuple.getValueNode())) != null) {
                throw new PriceTableException(source, line(keyNode), "'" + key + "' is given twice in the price of '"
                        + model + "'");
            }
        }
        for (String required : List.of("input", "output")) {
            if (!values.containsKey(required)) {
                throw new PriceTableException(source, line(node), "the price of '" + model + "' has no " + required
                        + " (USD per million " + required + " tokens)");
            }
        }
        return new Price(values.get("input"), values.get("output"), values.get("cached_input"));
    }

    private static double usd(String source, String model, String key, Node node) {
        String text = node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) ? s.getValue() : null;
        BigDecimal usd;
        try {
            usd = text == null ? null : new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            usd = null;
        }
        if (usd == null) {
            throw new PriceTableException(source, line(node), key + " of '" + model + "' must be a number of USD per "
                    + "million tokens" + (text == null ? "" : ", not '" + text + "'"));
        }
        if (usd.signum() < 0) {
            throw new PriceTableException(source, line(node), key + " of '" + model + "' is negative (" + text
                    + "); prices are USD per million tokens, 0 or more");
        }
        if (Double.isInfinite(usd.doubleValue())) {
            throw new PriceTableException(source, line(node), key + " of '" + model + "' is too large (" + text + ")");
        }
        return usd.doubleValue();
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }
}
