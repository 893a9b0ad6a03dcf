package dev.peerguard;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Generators of bad input for the property-based {@code *FuzzTest} classes (jqwik): text and JSON-like values of the
 * kinds users and models get wrong — wrong types, nulls, empty and huge strings, control characters, lone
 * surrogates, right-to-left marks, very deep nesting.
 */
public final class Junk {
    /**
     * The seed of every property, so that each run tries the same inputs and a failure is reproducible; change it
     * locally to explore other inputs.
     */
    public static final String SEED = "20261125";

    /** Strings that have broken parsers, paths and formatters before. */
    public static final List<String> SPECIAL = List.of("", " ", "\t", "\n", "\r\n", "null", "None", "~", "true",
            "False", "0", "-1", "1.5", "1e309", "NaN", "-0", "99999999999999999999", "\u0000", "a\u0000b", "\uD800",
            "\uDC00x", "\uFEFF", "\u202Eevil", "😀", "Ünïcödé", "日本語", "'", "\"", "\\", "`", "${x}", "%s%n", "{}",
            "[]", "[", "{", "]", "*", "&a", "!!binary", "a,b,,c", ",", "\\E(*", "\\Q", "(?", "../../../etc/passwd",
            "/", ".", "-", "--", "--help", "-h", "@file", "all", "default", "none");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Junk() {}

    /** Any string: ordinary words, any characters, the {@link #SPECIAL} ones, and now and then a huge one. */
    public static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().alpha().numeric().withChars("_-./@: ").ofMaxLength(24)),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(24)),
                Tuple.of(3, Arbitraries.of(SPECIAL)),
                Tuple.of(1, huge()));
    }

    /** A string of 10,000 to 100,000 characters, of a plain or a multi-byte character, or of many lines. */
    public static Arbitrary<String> huge() {
        return Arbitraries.of("x", "é", "😀", "\n", "a, ", "\u0000").flatMap(unit ->
                Arbitraries.integers().between(10_000, 100_000).map(n -> unit.repeat(n / unit.length())))
                .withoutEdgeCases();
    }

    /** Numbers of every JSON and Java kind, including ones that do not fit an int or a double. */
    public static Arbitrary<Object> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(x -> (Object) x),
                Arbitraries.longs().map(x -> (Object) x),
                Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(Double.POSITIVE_INFINITY)
                        .withSpecialValue(-0.0).map(x -> (Object) x),
                Arbitraries.of(new BigInteger("123456789012345678901234567890"), new BigDecimal("1e-400"),
                        new BigDecimal("3.14159265358979323846264338327950288")).map(x -> (Object) x));
    }

    /** JSON-like scalars: null, booleans, numbers, strings. */
    public static Arbitrary<Object> scalars() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just((Object) null)),
                Tuple.of(1, Arbitraries.of(true, false).map(x -> (Object) x)),
                Tuple.of(2, numbers()),
                Tuple.of(5, strings().map(x -> (Object) x)));
    }

    /**
     * JSON-like values: scalars, and lists and maps of them a few levels deep, or now and then 20 to 95 levels deep
     * (as deep as a model's arguments get into a transcript: deeper ones are malformed calls).
     */
    public static Arbitrary<Object> values() {
        Arbitrary<Object> shallow = Arbitraries.recursive(Junk::scalars, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(x -> (Object) x),
                Arbitraries.maps(keys(), inner).ofMaxSize(4).map(x -> (Object) x)), 0, 3);
        return Arbitraries.frequencyOf(Tuple.of(12, shallow),
                Tuple.of(1, Arbitraries.integers().between(20, 95).map(Junk::nested)));
    }

    /** Map keys: mostly ordinary words, sometimes anything. */
    public static Arbitrary<String> keys() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().alpha().withChars("_").ofMinLength(1).ofMaxLength(12)),
                Tuple.of(1, strings()));
    }

    /** Argument maps: any keys (sometimes the ones a tool expects), any values. */
    public static Arbitrary<Map<String, Object>> maps(List<String> likelyKeys) {
        Arbitrary<String> key = likelyKeys.isEmpty() ? keys()
                : Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(likelyKeys)), Tuple.of(1, keys()));
        return Arbitraries.maps(key, values()).ofMaxSize(5);
    }

    /** Lists and maps nested 50 to 1,500 levels deep, alternating, with a string at the bottom. */
    public static Arbitrary<Object> deep() {
        return Arbitraries.integers().between(50, 1_500).map(Junk::nested);
    }

    /** {@code depth} levels of alternating single-element lists and maps around "bottom". */
    public static Object nested(int depth) {
        Object v = "bottom";
        for (int i = 0; i < depth; i++) {
            if (i % 2 == 0) {
                List<Object> l = new ArrayList<>();
                l.add(v);
                v = l;
            } else {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("k", v);
                v = m;
            }
        }
        return v;
    }

    /**
     * The arguments text of a tool call as a provider may send it: a JSON object (of any keys and values), another
     * JSON value, broken or cut-short JSON, very deep nesting, several objects in a row, Python's dict syntax, a huge
     * string, junk, or none at all (null).
     */
    public static Arbitrary<String> argumentsJson() {
        Arbitrary<String> object = maps(List.of("key", "value", "filename", "content", "ip", "filenames"))
                .map(Junk::json);
        Arbitrary<String> other = values().map(Junk::json);
        Arbitrary<String> broken = object.flatMap(Junk::mutationsOf);
        Arbitrary<String> deep = Arbitraries.integers().between(50, 3_000).map(n -> n % 2 == 0
                ? "{\"key\": " + "[".repeat(n) + "]".repeat(n) + "}" : "{\"a\":".repeat(n) + "1" + "}".repeat(n));
        Arbitrary<String> odd = Arbitraries.of("{'key': 'x'}", "{\"key\": \"x\",}", "{\"key\": NaN}",
                "{\"key\": 1} {\"value\": 2}", "{}{}", "{\"a\": 1, \"a\": 2}", "// c\n{}", "{\"key\": \"\\ud800\"}",
                "{\"key\": \"\\u0000\"}", "\ufeff{}", " ", "", "null", "[]", "\"{}\"", "{\"key\": 1e999}",
                "{\"key\": 123456789012345678901234567890}");
        Arbitrary<String> hugeContent = huge().map(s -> json(Map.of("content", s, "filename", "a")));
        return Arbitraries.frequencyOf(Tuple.of(4, object), Tuple.of(2, other), Tuple.of(3, broken),
                Tuple.of(1, deep), Tuple.of(2, odd), Tuple.of(1, hugeContent), Tuple.of(1, strings()),
                Tuple.of(1, Arbitraries.just((String) null)));
    }

    /** JSON text of a value (its string form if Jackson cannot write it). */
    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            return String.valueOf(value);
        }
    }

    /** A YAML double-quoted scalar holding exactly {@code s}: every character YAML would not read as is escaped. */
    public static String yamlQuoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.chars().forEach(c -> {
            if (c == '"' || c == '\\') {
                b.append('\\').append((char) c);
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate((char) c) || c == 0xFEFF || c >= 0xFFFE) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.append((char) c);
            }
        });
        return b.append('"').toString();
    }

    /** Lines as YAML counts them: it also breaks lines at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR. */
    public static int yamlLines(String text) {
        return text.split("\r\n|[\n\r\u0085\u2028\u2029]", -1).length;
    }

    /**
     * Broken versions of a text: cut short, a slice removed or repeated, a junk string or a structural character put
     * in at some place.
     */
    public static Arbitrary<String> mutationsOf(String text) {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, text.length());
        Arbitrary<String> cut = at.map(i -> text.substring(0, i));
        Arbitrary<String> removed = at.flatMap(i -> Arbitraries.integers().between(i, text.length())
                .map(j -> text.substring(0, i) + text.substring(j)));
        Arbitrary<String> repeated = at.flatMap(i -> Arbitraries.integers().between(i, Math.min(text.length(),
                i + 200)).map(j -> text.substring(0, j) + text.substring(i)));
        Arbitrary<String> inserted = at.flatMap(i -> Arbitraries.oneOf(strings(), Arbitraries.of("{", "}", "[", "]",
                "\"", ":", ",", "\\", "\n", "- ", "&a ", "*a ", "!!", "? ", "#", "\t"))
                .map(s -> text.substring(0, i) + s + text.substring(i)));
        return Arbitraries.oneOf(cut, removed, repeated, inserted);
    }
}
