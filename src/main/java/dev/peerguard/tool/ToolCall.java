package dev.peerguard.tool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One call an agent asked for: the tool's name and its JSON arguments (strings, numbers, booleans, lists, maps,
 * nulls). The id links the call to its result; the study's published transcripts have none, so replays invent them.
 *
 * @param argumentsError why a model's arguments could not be read (not JSON, or not a JSON object), or null; such a
 *                       call is answered with an error result and the episode goes on
 */
public record ToolCall(String id, String name, Map<String, Object> arguments, String argumentsError) {
    public ToolCall {
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    public ToolCall(String id, String name, Map<String, Object> arguments) {
        this(id, name, arguments, null);
    }

    /** A call whose arguments text could not be read; {@code raw} is kept so the transcript shows what was sent. */
    public static ToolCall malformed(String id, String name, String raw, String error) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("_raw_arguments", raw);
        return new ToolCall(id, name, args, error);
    }
}
