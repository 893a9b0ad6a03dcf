package dev.peerguard.tool;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a string that looks like a Python or JSON list of strings ({@code ['a.csv', "b.pdf"]}), as the study's
 * loop did for models that quote their list arguments.
 */
final class ListLiteral {
    private ListLiteral() {}

    /** The list, or null when the text is not a list literal of strings. */
    static List<String> parse(String text) {
        String s = text.strip();
        if (!s.startsWith("[") || !s.endsWith("]")) return null;
        List<String> out = new ArrayList<>();
        int i = 1;
        int end = s.length() - 1;
        while (true) {
            i = skipSpace(s, i, end);
            if (i >= end) return out;
            char q = s.charAt(i);
            if (q != '\'' && q != '"') return null;
            StringBuilder item = new StringBuilder();
            i++;
            while (i < end && s.charAt(i) != q) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < end) {
                    char n = s.charAt(++i);
                    item.append(switch (n) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> n;
                    });
                } else {
                    item.append(c);
                }
                i++;
            }
            if (i >= end) return null;
            out.add(item.toString());
            i = skipSpace(s, i + 1, end);
            if (i >= end) return out;
            if (s.charAt(i) != ',') return null;
            i++;
        }
    }

    private static int skipSpace(String s, int i, int end) {
        while (i < end && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }
}
