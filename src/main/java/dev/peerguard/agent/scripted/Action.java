package dev.peerguard.agent.scripted;

import dev.peerguard.agent.Message;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.Tools;
import java.util.LinkedHashMap;
import java.util.Map;

/** One planned turn of a scripted agent: what it says and the single tool it calls. */
record Action(String message, String tool, Map<String, Object> args) {
    Action {
        args = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    /** A call with arguments given as name, value, name, value... */
    static Action call(String message, String tool, Object... namesAndValues) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) args.put((String) namesAndValues[i], namesAndValues[i + 1]);
        return new Action(message, tool, args);
    }

    static Action end(String message) {
        return call(message, Tools.END_TASK);
    }

    /** The assistant turn, its call numbered after the calls already made ({@code call_1}, {@code call_2}...). */
    Message.Assistant toTurn(int callsSoFar) {
        return Message.Assistant.of(message, new ToolCall("call_" + (callsSoFar + 1), tool, args));
    }
}
