package dev.peerguard.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API keys a run uses, so that any text leaving the provider layer (error messages, model turns, stored errors,
 * logs) can be scrubbed of them. Providers sometimes echo a key back, whole ("Incorrect API key provided: sk-..."),
 * masked ({@code sk-proj-abcd****wxyz}), in part (without its {@code sk-}) or base64-encoded (a Basic authorization
 * header, a logged request).
 */
public final class Secrets {
    /** The shortest piece of a key that is redacted wherever it appears; shorter keys are redacted whole only. */
    static final int PIECE = 8;

    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    /** Every distinct {@link #PIECE}-character piece of every key (a shorter key itself). */
    private volatile List<String> pieces = List.of();

    /** Adds a key, and its base64 forms (as in a Basic authorization header or a logged request), to redact. */
    public synchronized void add(String key) {
        if (key == null || key.length() < 6 || keys.contains(key)) return;
        Set<String> all = new LinkedHashSet<>(pieces);
        List<String> forms = new ArrayList<>(List.of(key));
        if (key.length() >= 2 * PIECE) forms.addAll(base64Forms(key));
        for (String form : forms) {
            if (!keys.add(form)) continue;
            if (form.length() <= PIECE) all.add(form);
            for (int i = 0; i + PIECE <= form.length(); i++) all.add(form.substring(i, i + PIECE));
        }
        pieces = List.copyOf(all);
    }

    /**
     * The characters that encode the key alone wherever it starts in a base64 text: for each of the three byte
     * alignments, standard and URL-safe alphabets, less the characters shared with the bytes around it.
     */
    static List<String> base64Forms(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        List<String> forms = new ArrayList<>();
        for (int shift = 0; shift < 3; shift++) {
            byte[] padded = new byte[shift + bytes.length];
            System.arraycopy(bytes, 0, padded, shift, bytes.length);
            String encoded = Base64.getEncoder().withoutPadding().encodeToString(padded);
            // Leading characters that carry bits of the shift's bytes, and the last group, which carries the next.
            int from = new int[] {0, 2, 3}[shift];
            int to = encoded.length() - 4;
            if (to - from < PIECE) continue;
            String form = encoded.substring(from, to);
            forms.add(form);
            forms.add(form.replace('+', '-').replace('/', '_'));
        }
        return forms;
    }

    /**
     * The text with every known key, and every run of {@value #PIECE} or more of its characters in a row (its start,
     * the part after its prefix, what a mask leaves of it), replaced by {@code [redacted]}.
     */
    public String redact(String text) {
        if (text == null || text.length() < 6 || keys.isEmpty()) return text;
        List<int[]> spans = new ArrayList<>();
        for (String key : keys) {
            for (String piece : pieces) {
                int offset = key.indexOf(piece);
                if (offset < 0) continue;
                for (int at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + 1)) {
                    spans.add(widen(text, at, key, offset, piece.length()));
                }
            }
        }
        if (spans.isEmpty()) return text;
        spans.sort(Comparator.comparingInt(s -> s[0]));
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (int[] s : spans) {
            if (s[0] >= copied) {
                out.append(text, copied, s[0]).append("[redacted]");
            } else if (s[1] <= copied) {
                continue;
            }
            copied = Math.max(copied, s[1]);
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** The span [start, end) of the text around a piece found at {@code at}, as far as the text goes on as the key. */
    private static int[] widen(String text, int at, String key, int offset, int length) {
        int start = at;
        int k = offset;
        while (start > 0 && k > 0 && text.charAt(start - 1) == key.charAt(k - 1)) {
            start--;
            k--;
        }
        int end = at + length;
        k = offset + length;
        while (end < text.length() && k < key.length() && text.charAt(end) == key.charAt(k)) {
            end++;
            k++;
        }
        return new int[] {start, end};
    }
}
