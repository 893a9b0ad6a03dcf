package dev.peerguard.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;

/**
 * Escaping for the report: text and attribute values for HTML, and JSON that may sit inside a {@code <script>}
 * element. Everything the report shows from a run (model names, reasons, errors, transcripts) goes through here.
 */
final class HtmlText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HtmlText() {}

    /** Text safe in element content and in double- or single-quoted attribute values. */
    static String esc(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * JSON text that cannot end the {@code <script>} element it is written into, nor open a comment there: every
     * {@code <} (which can only occur inside a JSON string) becomes {@code \u003c}. The line and paragraph
     * separators are escaped too, so the text is also a valid JavaScript literal.
     */
    static String scriptJson(Object value) {
        String json;
        try {
            json = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write report data as JSON: " + e.getOriginalMessage(), e);
        }
        return json.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    /** A percentage (or percentage points) with one decimal, from a fraction. */
    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f", 100 * fraction);
    }

    /** A signed percentage-point value with one decimal, from a fraction: {@code +8.0}, {@code -1.3}. */
    static String pp(double fraction) {
        return String.format(Locale.ROOT, "%+.1f", 100 * fraction);
    }

    /** A p-value for people: three significant digits, or "&lt; 0.0001" style for tiny values. */
    static String p(double p) {
        if (p < 1e-4) return "< 0.0001";
        return String.format(Locale.ROOT, "%.4f", p);
    }
}
