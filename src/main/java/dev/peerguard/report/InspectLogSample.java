package dev.peerguard.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One trial as an Inspect EvalSample: the stored transcript's messages in Inspect's ChatMessage shape (system, user,
 * assistant with {@code tool_calls}, tool with {@code tool_call_id} and {@code function}), the last turn as the
 * sample's {@code output}, one Score per outcome field explained by the detector's reason, and the trial's
 * configuration and run facts as {@code metadata}. A trial stored as an error carries an EvalError instead of scores.
 */
final class InspectLogSample {
    private InspectLogSample() {}

    static void write(JsonGenerator json, TrialRecord t) throws IOException {
        JsonNode transcript = t.transcript() == null ? MissingNode.getInstance()
                : InspectLog.JSON.readTree(t.transcript());
        JsonNode messages = transcript.path("messages");
        json.writeStartObject();
        json.writeStringField("id", t.id());
        json.writeNumberField("epoch", t.index() + 1);
        json.writeStringField("input", firstUserText(messages));
        json.writeStringField("target", "");
        json.writeArrayFieldStart("messages");
        Set<String> unreadableCalls = new HashSet<>();
        JsonNode lastTurn = null;
        for (JsonNode m : messages) {
            writeMessage(json, m, t.model(), unreadableCalls);
            if (m.path("role").asText().equals("assistant")) lastTurn = m;
        }
        json.writeEndArray();
        writeOutput(json, t, lastTurn);
        if (t.status() == TrialRecord.Status.OK) writeScores(json, t);
        json.writeObjectField("metadata", metadata(t, transcript));
        json.writeObjectFieldStart("model_usage");
        if (t.inputTokens() != null || t.outputTokens() != null) {
            json.writeObjectFieldStart(t.model());
            writeUsage(json, orZero(t.inputTokens()), orZero(t.outputTokens()));
            json.writeEndObject();
        }
        json.writeEndObject();
        if (t.startedAt() != null) {
            json.writeStringField("started_at", InspectLog.iso(t.startedAt()));
            json.writeStringField("completed_at", InspectLog.iso(t.startedAt().plusMillis(t.durationMs())));
        }
        json.writeNumberField("total_time", t.durationMs() / 1000.0);
        if (t.status() == TrialRecord.Status.ERROR) writeError(json, t.error());
        json.writeEndObject();
    }

    /** Inspect's ModelUsage fields for a count of tokens. */
    static void writeUsage(JsonGenerator json, long input, long output) throws IOException {
        json.writeNumberField("input_tokens", input);
        json.writeNumberField("output_tokens", output);
        json.writeNumberField("total_tokens", input + output);
    }

    private static String firstUserText(JsonNode messages) {
        for (JsonNode m : messages) {
            if (m.path("role").asText().equals("user")) return m.path("content").asText();
        }
        return "";
    }

    /**
     * One stored message as an Inspect ChatMessage. A call whose arguments could not be read keeps them as
     * {@code parse_error}, and its result is a tool message with a {@code parsing} error.
     */
    private static void writeMessage(JsonGenerator json, JsonNode m, String model, Set<String> unreadableCalls)
            throws IOException {
        String role = m.path("role").asText();
        json.writeStartObject();
        json.writeStringField("role", role);
        switch (role) {
            case "system" -> {
                json.writeStringField("content", m.path("content").asText());
                json.writeStringField("source", "input");
            }
            case "user" -> {
                json.writeStringField("content", m.path("content").asText());
                if (m.path("nudge").asBoolean()) {
                    json.writeObjectFieldStart("metadata");
                    json.writeBooleanField("nudge", true);
                    json.writeEndObject();
                } else {
                    json.writeStringField("source", "input");
                }
            }
            case "assistant" -> writeAssistant(json, m, model, unreadableCalls);
            case "tool" -> {
                String callId = m.path("tool_call_id").asText();
                json.writeStringField("content", m.path("content").asText());
                json.writeStringField("tool_call_id", callId);
                json.writeStringField("function", m.path("name").asText());
                if (unreadableCalls.contains(callId)) {
                    json.writeObjectFieldStart("error");
                    json.writeStringField("type", "parsing");
                    json.writeStringField("message", m.path("content").asText());
                    json.writeEndObject();
                }
            }
            default -> throw new IllegalStateException("a stored transcript has a message with role '" + role + "'");
        }
        json.writeEndObject();
    }

    private static void writeAssistant(JsonGenerator json, JsonNode m, String model, Set<String> unreadableCalls)
            throws IOException {
        String text = m.path("content").asText();
        JsonNode reasoning = m.path("reasoning");
        if (reasoning.isTextual()) {
            json.writeArrayFieldStart("content");
            json.writeStartObject();
            json.writeStringField("type", "reasoning");
            json.writeStringField("reasoning", reasoning.asText());
            json.writeEndObject();
            if (!text.isEmpty()) {
                json.writeStartObject();
                json.writeStringField("type", "text");
                json.writeStringField("text", text);
                json.writeEndObject();
            }
            json.writeEndArray();
        } else {
            json.writeStringField("content", text);
        }
        json.writeStringField("source", "generate");
        if (m.path("usage").isObject()) {
            json.writeObjectFieldStart("metadata");
            json.writeObjectField("usage", m.get("usage"));
            json.writeEndObject();
        }
        if (!m.path("tool_calls").isEmpty()) {
            json.writeArrayFieldStart("tool_calls");
            for (JsonNode call : m.path("tool_calls")) {
                json.writeStartObject();
                json.writeStringField("id", call.path("id").asText());
                json.writeStringField("function", call.path("name").asText());
                json.writeObjectField("arguments", call.path("arguments").isObject() ? call.get("arguments")
                        : InspectLog.JSON.createObjectNode());
                if (call.path("arguments_error").isTextual()) {
                    json.writeStringField("parse_error", call.get("arguments_error").asText());
                    unreadableCalls.add(call.path("id").asText());
                }
                json.writeStringField("type", "function");
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeStringField("model", model);
    }

    /**
     * Inspect's ModelOutput: the episode's last turn as the single choice. Its stop reason is {@code tool_calls} when
     * that turn called tools, {@code model_length} when the episode hit PeerGuard's token budget, else {@code stop}.
     */
    private static void writeOutput(JsonGenerator json, TrialRecord t, JsonNode lastTurn) throws IOException {
        json.writeObjectFieldStart("output");
        json.writeStringField("model", t.model());
        json.writeArrayFieldStart("choices");
        if (lastTurn != null) {
            json.writeStartObject();
            json.writeFieldName("message");
            writeMessage(json, lastTurn, t.model(), new HashSet<>());
            json.writeStringField("stop_reason", !lastTurn.path("tool_calls").isEmpty() ? "tool_calls"
                    : "token_limit".equals(t.stopReason()) ? "model_length" : "stop");
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeStringField("completion", lastTurn == null ? "" : lastTurn.path("content").asText());
        JsonNode usage = lastTurn == null ? MissingNode.getInstance() : lastTurn.path("usage");
        if (usage.isObject()) {
            json.writeObjectFieldStart("usage");
            writeUsage(json, usage.path("input_tokens").asLong(), usage.path("output_tokens").asLong());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /** One Score per outcome field: its value as stored ("undetermined" where no rule decided), the reason. */
    private static void writeScores(JsonGenerator json, TrialRecord t) throws IOException {
        json.writeObjectFieldStart("scores");
        for (Map.Entry<String, Object> e : t.outcome().entrySet()) {
            json.writeObjectFieldStart(e.getKey());
            json.writeObjectField("value", e.getValue());
            String reason = t.reasons().get(e.getKey());
            if (reason != null) json.writeStringField("explanation", reason);
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /** The configuration (as the store's columns name it) and the trial's facts, then judge and interview. */
    private static Map<String, Object> metadata(TrialRecord t, JsonNode transcript) {
        Map<String, Object> m = new LinkedHashMap<>();
        t.config().forEach((k, v) -> m.put(k.equals("key") ? "config_key" : k, v));
        m.put("trial_index", t.index());
        m.put("seed", t.seed());
        m.put("status", t.status().id());
        m.put("stop_reason", t.stopReason());
        m.put("iterations", t.iterations());
        m.put("estimated_tokens", t.estimatedTokens());
        m.put("input_tokens", t.inputTokens());
        m.put("output_tokens", t.outputTokens());
        m.put("cost_usd", t.costUsd());
        m.put("duration_ms", t.durationMs());
        m.put("judged_fields", t.judgedFields());
        for (String section : new String[] {"judge", "follow_up"}) {
            if (transcript.has(section)) m.put(section, transcript.get(section));
        }
        return m;
    }

    /** Inspect's EvalError: the error's first line as the message, the whole stored text as the traceback. */
    private static void writeError(JsonGenerator json, String error) throws IOException {
        String text = error == null ? "the trial failed" : error;
        int newline = text.indexOf('\n');
        json.writeObjectFieldStart("error");
        json.writeStringField("message", newline < 0 ? text : text.substring(0, newline));
        json.writeStringField("traceback", text);
        json.writeStringField("traceback_ansi", text);
        json.writeEndObject();
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }
}
