package dev.peerguard.tool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One call an agent asked for: the tool's name and its JSON arguments (strings, numbers, booleans, lists, maps,
 * nulls). The id links the call to its result; the study's published transcripts have none, so replays invent them.
 */
public record ToolCall(String id, String name, Map<String, Object> arguments) {
    public ToolCall {
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }
}
