package dev.peerguard.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.Usage;
import dev.peerguard.tool.Param;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model behind an API, as an {@link Agent}: PeerGuard's conversation goes out in the provider's native format (via
 * LangChain4j) and the model's turn comes back as text, reasoning and tool calls. One instance plays one trial: it
 * remembers the provider's own form of each turn it returned (thought signatures, call ids), so that the next
 * request carries them back exactly as the provider expects.
 */
final class ChatAgent implements Agent {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How deep a call's arguments may nest. The study's tools take strings and lists of strings; deeper arguments
     * are a malformed call, so that the stored transcript stays within the JSON nesting limit of every reader.
     */
    static final int MAX_ARGUMENT_DEPTH = 100;

    /** Reads arguments as Python's json.loads did: one JSON value, nothing after it, nested at most so deep. */
    private static final ObjectMapper ARGUMENTS = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_ARGUMENT_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final ModelClient client;
    private final long seed;
    private final Map<Message.Assistant, AiMessage> sent = new IdentityHashMap<>();
    private List<ToolSpec> lastTools;
    private List<ToolSpecification> lastSpecs;
    private int calls;

    ChatAgent(ModelClient client, long seed) {
        this.client = client;
        this.seed = seed;
    }

    @Override
    public Message.Assistant reply(List<Message> conversation, List<ToolSpec> tools) {
        ModelClient.Reply reply = client.chat(toChat(conversation), specs(tools), seed);
        AiMessage ai = reply.message();
        List<ToolCall> toolCalls = new ArrayList<>();
        if (ai.hasToolExecutionRequests()) {
            for (ToolExecutionRequest r : ai.toolExecutionRequests()) toolCalls.add(toolCall(r));
        }
        String reasoning = ai.thinking() == null || ai.thinking().isBlank() ? null : ai.thinking();
        Message.Assistant turn = new Message.Assistant(ai.text(), toolCalls, reasoning,
                new Usage(reply.inputTokens(), reply.outputTokens(), reply.cached(), reply.costUsd()));
        sent.put(turn, ai);
        return turn;
    }

    /**
     * Reads a call's JSON arguments; arguments that are not a JSON object make a malformed call. A call without a
     * tool name gets the empty name, which no tool has (the agent reads "Invalid tool").
     */
    private ToolCall toolCall(ToolExecutionRequest r) {
        String id = r.id() == null || r.id().isBlank() ? "call_" + (++calls) : r.id();
        String name = r.name() == null ? "" : r.name();
        String raw = r.arguments() == null || r.arguments().isBlank() ? "{}" : r.arguments();
        try {
            Map<String, Object> args = ARGUMENTS.readValue(raw, new TypeReference<>() {});
            if (args == null) return ToolCall.malformed(id, name, raw, "the arguments are null, not an object");
            return new ToolCall(id, name, args);
        } catch (StreamConstraintsException e) {
            return ToolCall.malformed(id, name, raw, "the arguments are nested more than " + MAX_ARGUMENT_DEPTH
                    + " levels deep");
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            return ToolCall.malformed(id, name, raw, "the arguments are not a JSON object: " + why);
        }
    }

    private List<ChatMessage> toChat(List<Message> conversation) {
        List<ChatMessage> out = new ArrayList<>(conversation.size());
        for (Message m : conversation) {
            out.add(switch (m) {
                case Message.System s -> SystemMessage.from(s.text());
                case Message.User u -> UserMessage.from(u.text());
                case Message.Assistant a -> sent.computeIfAbsent(a, ChatAgent::aiMessage);
                case Message.ToolResult r -> ToolExecutionResultMessage.from(r.call().id(), r.call().name(), r.text());
            });
        }
        return out;
    }

    /** A turn this agent did not produce (an interview's opening, a replay): rebuilt from what PeerGuard kept. */
    private static AiMessage aiMessage(Message.Assistant a) {
        List<ToolExecutionRequest> requests = new ArrayList<>();
        for (ToolCall c : a.calls()) {
            Object raw = c.arguments().get("_raw_arguments");
            String args;
            try {
                args = c.argumentsError() != null && raw instanceof String s ? s : JSON.writeValueAsString(c.arguments());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            requests.add(ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(args).build());
        }
        AiMessage.Builder b = AiMessage.builder().text(a.text().isEmpty() && !requests.isEmpty() ? null : a.text());
        if (!requests.isEmpty()) b.toolExecutionRequests(requests);
        return b.build();
    }

    private List<ToolSpecification> specs(List<ToolSpec> tools) {
        if (tools != lastTools) {
            lastSpecs = tools.stream().map(ChatAgent::spec).toList();
            lastTools = tools;
        }
        return lastSpecs;
    }

    static ToolSpecification spec(ToolSpec t) {
        JsonObjectSchema.Builder params = JsonObjectSchema.builder();
        for (Param p : t.params()) {
            switch (p.type()) {
                case STRING, VALUE -> params.addStringProperty(p.name(), p.description());
                case STRING_LIST -> params.addProperty(p.name(), JsonArraySchema.builder()
                        .items(new JsonStringSchema()).description(p.description()).build());
            }
        }
        params.required(t.params().stream().map(Param::name).toList());
        return ToolSpecification.builder().name(t.name()).description(t.description()).parameters(params.build())
                .build();
    }
}
