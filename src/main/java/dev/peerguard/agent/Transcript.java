package dev.peerguard.agent;

import dev.peerguard.tool.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything that happened in one episode: every message, call and result in order, and why it stopped. */
public record Transcript(List<Message> messages, StopReason stopReason, int iterations, long estimatedTokens) {
    public Transcript {
        messages = List.copyOf(messages);
    }

    /** Every tool call the agent made, executed or not, in order. */
    public List<ToolCall> calls() {
        List<ToolCall> out = new ArrayList<>();
        for (Message m : messages) {
            if (m instanceof Message.Assistant a) out.addAll(a.calls());
        }
        return out;
    }

    /** The calls that were executed, each with the result the agent saw. */
    public List<Message.ToolResult> results() {
        List<Message.ToolResult> out = new ArrayList<>();
        for (Message m : messages) {
            if (m instanceof Message.ToolResult r) out.add(r);
        }
        return out;
    }

    public List<Message.Assistant> turns() {
        List<Message.Assistant> out = new ArrayList<>();
        for (Message m : messages) {
            if (m instanceof Message.Assistant a) out.add(a);
        }
        return out;
    }

    /** A plain JSON-ready view: one object per message, then the stop reason. */
    public Map<String, Object> toJson() {
        List<Object> list = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> o = new LinkedHashMap<>();
            switch (m) {
                case Message.System s -> {
                    o.put("role", "system");
                    o.put("content", s.text());
                }
                case Message.User u -> {
                    o.put("role", "user");
                    o.put("content", u.text());
                    if (u.nudge()) o.put("nudge", true);
                }
                case Message.Assistant a -> {
                    o.put("role", "assistant");
                    o.put("content", a.text());
                    if (a.reasoning() != null) o.put("reasoning", a.reasoning());
                    List<Object> calls = new ArrayList<>();
                    for (ToolCall c : a.calls()) {
                        Map<String, Object> call = new LinkedHashMap<>();
                        call.put("id", c.id());
                        call.put("name", c.name());
                        call.put("arguments", c.arguments());
                        if (c.argumentsError() != null) call.put("arguments_error", c.argumentsError());
                        calls.add(call);
                    }
                    o.put("tool_calls", calls);
                    if (a.usage() != null) {
                        Map<String, Object> usage = new LinkedHashMap<>();
                        usage.put("input_tokens", a.usage().inputTokens());
                        usage.put("output_tokens", a.usage().outputTokens());
                        if (a.usage().cached()) usage.put("cached", true);
                        usage.put("cost_usd", a.usage().costUsd());
                        o.put("usage", usage);
                    }
                }
                case Message.ToolResult r -> {
                    o.put("role", "tool");
                    o.put("tool_call_id", r.call().id());
                    o.put("name", r.call().name());
                    o.put("content", r.text());
                }
            }
            list.add(o);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("messages", list);
        out.put("stop_reason", stopReason.id());
        out.put("iterations", iterations);
        out.put("estimated_tokens", estimatedTokens);
        return out;
    }
}
