package dev.peerguard.scenario;

import dev.peerguard.tool.Memo;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small Mustache subset the scenario texts use: {@code {{name}}} variables, {@code {{#flag}}...{{/flag}}} blocks
 * kept when a flag is set and {@code {{^flag}}...{{/flag}}} blocks kept when it is not.
 */
final class Template {
    private static final Pattern BLOCK = Pattern.compile("\\{\\{([#^])(\\w+)}}(.*?)\\{\\{/\\2}}", Pattern.DOTALL);
    private static final Pattern VAR = Pattern.compile("\\{\\{(\\w+)}}");

    /**
     * Rendered texts by template and values: every trial of a configuration renders the same prompts and documents,
     * so a sweep renders each once. Bounded, since a sweep has a few hundred configurations.
     */
    private static final Memo<Key, String> RENDERED = new Memo<>(4_096,
            k -> renderAfresh(k.template(), k.vars(), k.flags()));

    private record Key(String template, Map<String, String> vars, Set<String> flags) {}

    private Template() {}

    static String render(String template, Map<String, String> vars, Set<String> flags) {
        return RENDERED.get(new Key(template, Map.copyOf(vars), Set.copyOf(flags)));
    }

    private static String renderAfresh(String template, Map<String, String> vars, Set<String> flags) {
        String text = template;
        // Innermost blocks first, so different flags may nest.
        for (int guard = 0; guard < 64; guard++) {
            Matcher m = BLOCK.matcher(text);
            StringBuilder sb = new StringBuilder();
            boolean any = false;
            while (m.find()) {
                any = true;
                boolean keep = flags.contains(m.group(2)) == m.group(1).equals("#");
                m.appendReplacement(sb, Matcher.quoteReplacement(keep ? m.group(3) : ""));
            }
            m.appendTail(sb);
            text = sb.toString();
            if (!any) break;
        }
        Matcher v = VAR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (v.find()) {
            String value = vars.get(v.group(1));
            if (value == null) {
                throw new IllegalStateException("scenario text uses {{" + v.group(1) + "}}, which is not defined here");
            }
            v.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        v.appendTail(out);
        return out.toString();
    }
}
