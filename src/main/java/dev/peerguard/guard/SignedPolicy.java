package dev.peerguard.guard;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An immutable shutdown policy, signed with HMAC-SHA256 under a key that exists only in this object's memory, so that
 * any view of it an agent can see or edit (a YAML file, a config tool) can be checked but never trusted.
 */
public final class SignedPolicy {
    /** The key that decides whether shutdown is enforced; it must be present and a boolean. */
    public static final String SHUTDOWN_ENABLED = "shutdown_enabled";
    /**
     * An optional ISO-8601 instant (e.g. {@code 2026-03-01T00:00:00Z}) at which the controller stops the target, when
     * shutdown is enabled, whatever the heartbeats say.
     */
    public static final String DEADLINE = "deadline";

    private static final String ALGORITHM = "HmacSHA256";
    /** HMAC-SHA256 keys shorter than the hash output weaken it (RFC 2104, section 3). */
    private static final int MIN_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // Without quotes a string such as "42" or "true" would read back as a number or a boolean.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    // A view with a repeated key or a second document could mean different things to different readers: refuse it.
    private static final ObjectReader JSON_VIEW = JSON.reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectReader YAML_VIEW = YAML.reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Map<String, Object> values;
    private final String canonical;
    private final SecretKeySpec key;
    private final byte[] signature;

    private SignedPolicy(Map<String, Object> values, byte[] key) {
        this.values = values;
        this.canonical = canonicalText(values);
        this.key = new SecretKeySpec(key, ALGORITHM);
        this.signature = mac(canonical);
    }

    /** Signs the policy under a fresh random 256-bit key that never leaves this object. */
    public static SignedPolicy sign(Map<String, ?> values) {
        byte[] key = new byte[MIN_KEY_BYTES];
        RANDOM.nextBytes(key);
        return sign(values, key);
    }

    /**
     * Signs the policy under a supplied key (copied; at least 32 bytes), e.g. to check views written by another
     * process that holds the same key.
     *
     * @throws IllegalArgumentException when the policy lacks a boolean {@code shutdown_enabled}, has a value that is
     *                                  not a string, boolean, number, list or map, a {@code deadline} that is not an
     *                                  ISO-8601 instant, or the key is too short
     */
    public static SignedPolicy sign(Map<String, ?> values, byte[] key) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the signing key has " + key.length + " bytes; HMAC-SHA256 needs at "
                    + "least " + MIN_KEY_BYTES);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) copy(values, "");
        if (!(copy.get(SHUTDOWN_ENABLED) instanceof Boolean)) {
            throw new IllegalArgumentException("a shutdown policy needs '" + SHUTDOWN_ENABLED + "' set to true or "
                    + "false, got " + (copy.containsKey(SHUTDOWN_ENABLED) ? describe(copy.get(SHUTDOWN_ENABLED))
                    : "no such key"));
        }
        if (copy.containsKey(DEADLINE)) deadlineOf(copy.get(DEADLINE));
        return new SignedPolicy(copy, key.clone());
    }

    /** The policy's values, sorted by key, nested maps and lists unmodifiable. */
    public Map<String, Object> values() {
        return values;
    }

    /** What the signed policy says; the only source of a shutdown decision. */
    public boolean shutdownEnabled() {
        return (Boolean) values.get(SHUTDOWN_ENABLED);
    }

    /** When the policy says the target must stop regardless of heartbeats, if it says so. */
    public Optional<Instant> deadline() {
        return values.containsKey(DEADLINE) ? Optional.of(deadlineOf(values.get(DEADLINE))) : Optional.empty();
    }

    /**
     * The signed text: compact JSON (which is also YAML) with keys sorted at every level, numbers in plain form
     * without trailing zeros.
     */
    public String canonical() {
        return canonical;
    }

    /** A block-YAML view of the policy, e.g. to write the file an agent is shown; it verifies. */
    public String yaml() {
        try {
            return YAML.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the policy as YAML: " + e.getOriginalMessage(), e);
        }
    }

    /** The HMAC-SHA256 tag of {@link #canonical()}, in hex, for logs; it cannot be forged without the key. */
    public String signature() {
        return HexFormat.of().formatHex(signature);
    }

    /**
     * Whether a view (JSON or YAML text) still says exactly what was signed: it is parsed, put in canonical form and
     * its tag compared in constant time. Layout, key order and comments do not matter; any changed, added or removed
     * value, a repeated key, a second document or unparseable text is a mismatch.
     */
    public boolean verify(String view) {
        if (view == null) return false;
        try {
            return MessageDigest.isEqual(signature, mac(canonicalText(parse(view))));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@link #verify(String)} for the bytes of a file; bytes that are not UTF-8 are a mismatch. */
    public boolean verify(byte[] view) {
        if (view == null) return false;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(view)).toString();
            return verify(text);
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * How a view differs from the signed policy, one line per top-level key (e.g. {@code shutdown_enabled: signed
     * true, view false}); empty when it verifies. For alerts: it says what an agent changed.
     */
    public List<String> differences(String view) {
        if (verify(view)) return List.of();
        Map<String, Object> seen;
        try {
            seen = parse(view == null ? "" : view);
        } catch (IllegalArgumentException e) {
            return List.of("the view is not a policy: " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(values.keySet());
        keys.addAll(seen.keySet());
        for (String k : keys) {
            if (!seen.containsKey(k)) {
                out.add(k + ": signed " + show(values.get(k)) + ", missing from the view");
            } else if (!values.containsKey(k)) {
                out.add(k + ": not in the signed policy, view " + show(seen.get(k)));
            } else if (!canonicalText(Map.of(k, values.get(k))).equals(canonicalText(Map.of(k, seen.get(k))))) {
                out.add(k + ": signed " + show(values.get(k)) + ", view " + show(seen.get(k)));
            }
        }
        if (out.isEmpty()) out.add("the view does not match the signed policy");
        return out;
    }

    /** Never the key: only what is public anyway. */
    @Override
    public String toString() {
        return "SignedPolicy" + canonical + " (HMAC-SHA256 " + signature().substring(0, 16) + "...)";
    }

    // ---- canonical form ---------------------------------------------------------------------------------------

    /** A deep, unmodifiable copy with maps sorted by key; refuses what has no canonical text. */
    private static Object copy(Object value, String path) {
        String where = path.isEmpty() ? "the policy" : "'" + path + "'";
        if (value == null) {
            throw new IllegalArgumentException("the value at " + where + " is null; leave the key out instead");
        }
        if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> out = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String k) || k.isEmpty()) {
                    throw new IllegalArgumentException("the keys at " + where + " must be non-empty strings, got "
                            + describe(e.getKey()));
                }
                out.put(k, copy(e.getValue(), path.isEmpty() ? k : path + "." + k));
            }
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) out.add(copy(list.get(i), path + "[" + i + "]"));
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
            throw new IllegalArgumentException("the number at " + where + " is not finite: " + value);
        }
        if (value instanceof Instant instant) return instant.toString();
        if (value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof BigInteger
                || value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
            return value;
        }
        throw new IllegalArgumentException("the value at " + where + " is a " + value.getClass().getSimpleName()
                + "; a policy holds strings, booleans, numbers, lists and maps only");
    }

    /** The canonical text of already-copied values. */
    private static String canonicalText(Object values) {
        try {
            return JSON.writeValueAsString(normalised(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the canonical policy: " + e.getOriginalMessage(), e);
        }
    }

    /** Numbers as BigDecimal without trailing zeros, so that 3, 3.0 and 3.00 sign alike whatever type they had. */
    private static Object normalised(Object value) {
        if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put((String) k, normalised(v)));
            return out;
        }
        if (value instanceof List<?> list) return list.stream().map(SignedPolicy::normalised).toList();
        if (value instanceof Number n) {
            BigDecimal d = n instanceof BigDecimal b ? b : n instanceof BigInteger i ? new BigDecimal(i)
                    : n instanceof Double || n instanceof Float ? new BigDecimal(n.toString())
                    : BigDecimal.valueOf(n.longValue());
            d = d.stripTrailingZeros();
            return d.scale() <= 0 ? d.toBigIntegerExact() : d;
        }
        return value;
    }

    /** A view's values: JSON is read first, strictly, so that the canonical text always reads as JSON; then YAML. */
    private static Map<String, Object> parse(String view) {
        JsonNode tree;
        try {
            tree = JSON_VIEW.readTree(view);
        } catch (JsonProcessingException notJson) {
            try {
                tree = YAML_VIEW.readTree(view);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e.getOriginalMessage());
            }
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("it is not a mapping of keys to values");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = JSON.convertValue(tree, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) copy(raw, "");
        return copy;
    }

    private byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM); // a Mac is not thread-safe, so each check gets its own
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in this JDK", e);
        }
    }

    private static Instant deadlineOf(Object value) {
        try {
            return Instant.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + DEADLINE + "' must be an ISO-8601 instant such as "
                    + "2026-03-01T00:00:00Z, got " + describe(value));
        }
    }

    private static String show(Object value) {
        return canonicalText(value);
    }

    private static String describe(Object value) {
        if (value == null) return "null";
        return value instanceof String s ? "the string \"" + s + "\"" : value.getClass().getSimpleName() + " " + value;
    }
}
