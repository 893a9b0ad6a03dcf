package dev.peerguard.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One setting of a run spec as the user wrote it (a YAML node or a flag's value), remembering where, so that every
 * error can name the file and line or the flag. {@code raw} is a String, a List of SpecValue, a Map of String to
 * SpecValue, or null (YAML's empty value).
 */
record SpecValue(String key, Object raw, Path file, Integer line) {
    static SpecValue fromFlag(String key, Object raw) {
        return new SpecValue(key, raw, null, null);
    }

    /** The setting as the user named it: the YAML key, or the flag. */
    String name() {
        return file == null ? SpecReader.flag(key) : key;
    }

    /** How to point at this setting from a message about another one: {@code --tasks} or {@code tasks (line 3)}. */
    String where() {
        return file == null ? name() : key + " (line " + line + ")";
    }

    SpecException error(String problem) {
        return new SpecException(file, line, name() + ": " + problem);
    }

    boolean isNull() {
        return raw == null;
    }

    /** What the user wrote, described for "got ..." in messages. */
    String kind() {
        if (raw == null) return "nothing";
        if (raw instanceof List<?>) return "a list";
        if (raw instanceof Map<?, ?>) return "a mapping (key: value pairs)";
        return "'" + raw + "'";
    }

    /** A single value, stripped; lists and mappings are refused. */
    String text(String expected) {
        if (raw instanceof String s && !s.isBlank()) return s.strip();
        throw error("expected " + expected + ", got " + kind());
    }

    /**
     * The values of a list setting, flattened: a YAML list, a repeated flag, and comma-separated text all give the
     * same items, each keeping its own line.
     */
    List<SpecValue> items(String expected) {
        List<SpecValue> out = new ArrayList<>();
        if (raw instanceof String s) {
            split(s, out);
        } else if (raw instanceof List<?> list) {
            for (Object o : list) {
                SpecValue item = (SpecValue) o;
                if (!(item.raw instanceof String s)) {
                    throw item.error("each item must be " + expected + ", got " + item.kind());
                }
                item.split(s, out);
            }
        } else {
            throw error("expected " + expected + ", got " + kind());
        }
        if (out.isEmpty()) throw error("is empty; expected " + expected);
        return out;
    }

    private void split(String text, List<SpecValue> out) {
        for (String part : text.split(",")) {
            if (!part.isBlank()) out.add(new SpecValue(key, part.strip(), file, line));
        }
    }

    /** A whole number of at least {@code min}. */
    int integer(int min) {
        return integer(min, "");
    }

    /** A whole number of at least {@code min}; {@code alternative} (e.g. " or default") completes the message. */
    int integer(int min, String alternative) {
        String expected = "a whole number of at least " + min + alternative;
        String t = text(expected);
        try {
            int n = Integer.parseInt(t);
            if (n >= min) return n;
        } catch (NumberFormatException e) {
            // Reported below together with the out-of-range case.
        }
        throw error("expected " + expected + ", got '" + t + "'");
    }

    /** A number between {@code min} and {@code max} inclusive. */
    double number(double min, double max, String expected) {
        String t = text(expected);
        try {
            double d = Double.parseDouble(t);
            if (d >= min && d <= max && !Double.isNaN(d)) return d;
        } catch (NumberFormatException e) {
            // Reported below together with the out-of-range case.
        }
        throw error("expected " + expected + ", got '" + t + "'");
    }

    /** Whether the value is absent, empty, or one of the words that mean "use the default". */
    boolean isDefault() {
        return raw == null || raw instanceof String s && (s.isBlank() || s.strip().equalsIgnoreCase("default")
                || s.strip().equalsIgnoreCase("none") || s.strip().equals("~"));
    }

    long wholeNumber() {
        String t = text("a whole number");
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw error("expected a whole number (e.g. 0 or 42), got '" + t + "'");
        }
    }

    boolean bool() {
        String t = text("true or false");
        return switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw error("expected true or false, got '" + t + "'");
        };
    }
}
