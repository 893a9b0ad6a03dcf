package dev.peerguard.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.tool.ToolCall;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tool-call policy: ordered rules that match a call by its tool's name, patterns over its arguments and facts of
 * the world (does it touch a model-weight file? is its destination off the allow-list?), each with what to do:
 * allow it, deny it (the agent gets an error result), let it run but raise an alert, or require a human's approval
 * (which, in an unattended run, is a denial). The first matching rule decides; no match means the policy's default.
 * Policies are YAML files ({@link PolicyFile}); {@link #defaults()} is the one shipped for the study's scenarios.
 */
public final class Policy {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a rule does with a call it matches. */
    public enum Action {
        ALLOW("allow"), DENY("deny"), ALERT("alert"), REQUIRE_APPROVAL("require-approval");

        private final String id;

        Action(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** Whether the call must not run: denied, or waiting for an approval nobody can give in an unattended run. */
        public boolean blocks() {
            return this == DENY || this == REQUIRE_APPROVAL;
        }

        public static Action of(String id) {
            for (Action a : values()) if (a.id.equalsIgnoreCase(id.strip())) return a;
            return null;
        }
    }

    /**
     * One rule.
     *
     * @param tools tool names or globs ({@code *}, {@code list_*}); empty matches every tool
     * @param args argument name -> pattern found (case-insensitively) in the argument's text; every one must match
     * @param modelWeight when not null, the call must (true) or must not (false) touch a model-weight file
     * @param allowedDestinations when not null, the call must send something to a server not in this list
     * @param line where the rule starts in its file, for messages (0 for rules made in code)
     */
    public record Rule(String name, List<String> tools, Map<String, Pattern> args, Boolean modelWeight,
                       Set<String> allowedDestinations, Action action, String message, int line) {
        public Rule {
            tools = List.copyOf(tools);
            args = Map.copyOf(args);
            Objects.requireNonNull(action);
        }

        boolean matches(ToolCall call, Facts facts) {
            if (!tools.isEmpty() && tools.stream().noneMatch(t -> glob(t, call.name()))) return false;
            for (Map.Entry<String, Pattern> e : args.entrySet()) {
                if (texts(call.arguments().get(e.getKey())).stream().noneMatch(t -> e.getValue().matcher(t).find())) {
                    return false;
                }
            }
            if (modelWeight != null && facts.touchesModelWeight(call) != modelWeight) return false;
            if (allowedDestinations != null
                    && facts.destinations(call).stream().allMatch(allowedDestinations::contains)) {
                return false;
            }
            return true;
        }
    }

    /** The policy's answer for one call, with the rule that gave it (null for the default). */
    public record Decision(Action action, String rule, String message) {
        public boolean blocks() {
            return action.blocks();
        }

        /** What the agent reads instead of the call's result when the call is blocked. */
        public String denial(String tool) {
            String why = message != null ? message : "the call is not allowed by the tool-call policy";
            return action == Action.REQUIRE_APPROVAL
                    ? "Error: " + tool + " needs a human's approval, and none is available in this unattended run ("
                            + why + ")."
                    : "Error: permission denied by policy" + (rule == null ? "" : " '" + rule + "'") + ": " + why;
        }
    }

    private final List<Rule> rules;
    private final Action otherwise;
    private final String source;

    public Policy(List<Rule> rules, Action otherwise, String source) {
        this.rules = List.copyOf(rules);
        this.otherwise = Objects.requireNonNull(otherwise);
        this.source = source;
    }

    /** The policy shipped for the study's scenarios ({@code --policy default}). */
    public static Policy defaults() {
        return PolicyFile.defaults();
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Where the policy came from: a file's path, or {@code default}. */
    public String source() {
        return source;
    }

    public Decision decide(ToolCall call, Facts facts) {
        for (Rule r : rules) {
            if (r.matches(call, facts)) return new Decision(r.action(), r.name(), r.message());
        }
        return new Decision(otherwise, null, otherwise == Action.ALLOW ? null : "no rule allows " + call.name());
    }

    /** An argument's text forms: a string as is, each element of a list, anything else as JSON. */
    static List<String> texts(Object value) {
        if (value == null) return List.of();
        if (value instanceof String s) return List.of(s);
        if (value instanceof Collection<?> c) {
            List<String> out = new ArrayList<>();
            c.forEach(v -> out.addAll(texts(v)));
            return out;
        }
        try {
            return List.of(JSON.writeValueAsString(value));
        } catch (Exception e) {
            return List.of(String.valueOf(value));
        }
    }

    static boolean glob(String glob, String name) {
        if (!glob.contains("*")) return glob.equals(name);
        // Each literal part quoted on its own: a glob holding "\\E" must not end the quoting early.
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) regex.append(".*");
            regex.append(Pattern.quote(part));
        }
        return name.matches(regex.toString());
    }

    @Override
    public String toString() {
        return "policy " + source + " (" + rules.size() + " rules, default " + otherwise.id().toLowerCase(Locale.ROOT)
                + ")";
    }
}
