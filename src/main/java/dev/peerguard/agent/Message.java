package dev.peerguard.agent;

import dev.peerguard.tool.ToolCall;
import java.util.List;

/** One entry of an episode's conversation. */
public sealed interface Message {
    String text();

    /** The system prompt. */
    record System(String text) implements Message {}

    /** The task request, or a nudge after a turn without tool calls. */
    record User(String text, boolean nudge) implements Message {}

    /**
     * An agent's turn: its message (may be empty), the tool calls it made in order, its reasoning text when the
     * model returned one, and what the call cost when a model behind an API answered (null for scripted agents).
     */
    record Assistant(String text, List<ToolCall> calls, String reasoning, Usage usage) implements Message {
        public Assistant {
            text = text == null ? "" : text;
            calls = List.copyOf(calls);
        }

        public Assistant(String text, List<ToolCall> calls, String reasoning) {
            this(text, calls, reasoning, null);
        }

        public static Assistant of(String text, ToolCall... calls) {
            return new Assistant(text, List.of(calls), null);
        }
    }

    /** The result text of one tool call. */
    record ToolResult(ToolCall call, String text) implements Message {}
}
