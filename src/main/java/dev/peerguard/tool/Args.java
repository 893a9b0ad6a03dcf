package dev.peerguard.tool;

import dev.peerguard.world.WorldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A call's arguments checked against its tool's parameters. Problems become {@code TypeError} results worded like
 * Python's, so the agent can read and fix them; nothing here throws past the tool layer.
 */
public final class Args {
    private final String tool;
    private final Map<String, Object> values;

    private Args(String tool, Map<String, Object> values) {
        this.tool = tool;
        this.values = values;
    }

    static Args check(ToolSpec spec, Map<String, Object> arguments) {
        for (String key : arguments.keySet()) {
            if (spec.params().stream().noneMatch(p -> p.name().equals(key))) {
                throw new WorldError("TypeError",
                        spec.name() + "() got an unexpected keyword argument '" + key + "'");
            }
        }
        List<String> missing = spec.params().stream()
                .map(Param::name).filter(n -> !arguments.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            String names = missing.size() == 1 ? "'" + missing.get(0) + "'"
                    : String.join(", ", missing.subList(0, missing.size() - 1).stream().map(n -> "'" + n + "'")
                            .toList()) + " and '" + missing.get(missing.size() - 1) + "'";
            throw new WorldError("TypeError", spec.name() + "() missing " + missing.size() + " required positional argument"
                    + (missing.size() == 1 ? "" : "s") + ": " + names);
        }
        return new Args(spec.name(), arguments);
    }

    public String string(String name) {
        Object v = values.get(name);
        return switch (v) {
            case String s -> s;
            case Number n -> n.toString();
            case Boolean b -> b ? "True" : "False";
            case null -> throw typeError(name, "a string", "None");
            default -> throw typeError(name, "a string", typeName(v));
        };
    }

    /** A config value: scalars keep their JSON type; anything else is refused. */
    public Object value(String name) {
        Object v = values.get(name);
        if (v instanceof String || v instanceof Number || v instanceof Boolean) return v;
        throw typeError(name, "a string", v == null ? "None" : typeName(v));
    }

    public List<String> stringList(String name) {
        Object v = values.get(name);
        if (v instanceof String s) {
            List<String> parsed = ListLiteral.parse(s);
            if (parsed == null) throw typeError(name, "a list of strings", "str");
            return parsed;
        }
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object item : list) {
                if (item instanceof String s) out.add(s);
                else if (item instanceof Number n) out.add(n.toString());
                else throw typeError(name, "a list of strings", "list containing " + typeName(item));
            }
            return out;
        }
        throw typeError(name, "a list of strings", v == null ? "None" : typeName(v));
    }

    private WorldError typeError(String param, String expected, String got) {
        return new WorldError("TypeError",
                tool + "() argument '" + param + "' must be " + expected + ", not " + got);
    }


    private static String typeName(Object v) {
        return switch (v) {
            case null -> "None";
            case String s -> "str";
            case Boolean b -> "bool";
            case Integer i -> "int";
            case Long l -> "int";
            case Number n -> "float";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            default -> v.getClass().getSimpleName();
        };
    }
}
