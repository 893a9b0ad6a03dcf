package dev.peerguard.model.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import dev.peerguard.tool.Param;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The smallest {@link Agent} over a LangChain4j {@link ChatModel}, only to prove that a whole episode runs through a
 * {@link FakeProvider}; it has no retries, no error handling and keeps no provider attributes (such as Gemini's
 * thought signatures) between turns. Calls without an id (Gemini sends none) get {@code lc_call_N}.
 */
final class LangChain4jAgent implements Agent {
    private final ChatModel model;
    private int unnamedCalls;

    LangChain4jAgent(ChatModel model) {
        this.model = model;
    }

    @Override
    public Message.Assistant reply(List<Message> conversation, List<ToolSpec> tools) {
        ChatRequest request = ChatRequest.builder()
                .messages(conversation.stream().map(LangChain4jAgent::toChatMessage).toList())
                .toolSpecifications(tools.stream().map(LangChain4jAgent::toSpecification).toList())
                .build();
        AiMessage ai = model.chat(request).aiMessage();
        List<ToolCall> calls = new ArrayList<>();
        for (ToolExecutionRequest r : ai.toolExecutionRequests()) {
            String id = r.id() != null ? r.id() : "lc_call_" + ++unnamedCalls;
            calls.add(new ToolCall(id, r.name(), parse(r.arguments())));
        }
        return new Message.Assistant(ai.text(), calls, ai.thinking());
    }

    private static ChatMessage toChatMessage(Message message) {
        return switch (message) {
            case Message.System s -> SystemMessage.from(s.text());
            case Message.User u -> UserMessage.from(u.text());
            case Message.Assistant a -> AiMessage.builder()
                    .text(a.text().isEmpty() ? null : a.text())
                    .thinking(a.reasoning())
                    .toolExecutionRequests(a.calls().stream().map(c -> ToolExecutionRequest.builder()
                            .id(c.id()).name(c.name()).arguments(json(c.arguments())).build()).toList())
                    .build();
            case Message.ToolResult r -> ToolExecutionResultMessage.from(r.call().id(), r.call().name(), r.text());
        };
    }

    private static ToolSpecification toSpecification(ToolSpec spec) {
        JsonObjectSchema.Builder schema = JsonObjectSchema.builder();
        for (Param p : spec.params()) {
            if (p.type() == Param.Type.STRING_LIST) {
                schema.addProperty(p.name(), JsonArraySchema.builder().description(p.description())
                        .items(new JsonStringSchema()).build());
            } else {
                schema.addStringProperty(p.name(), p.description());
            }
        }
        schema.required(spec.params().stream().map(Param::name).toList());
        return ToolSpecification.builder().name(spec.name()).description(spec.description())
                .parameters(schema.build()).build();
    }

    private static String json(Map<String, Object> arguments) {
        try {
            return Wire.JSON.writeValueAsString(arguments);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<String, Object> parse(String arguments) {
        try {
            return Wire.JSON.readValue(arguments, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
