package dev.peerguard.model.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.peerguard.agent.Message;
import dev.peerguard.model.fake.FakeProvider.Format;
import dev.peerguard.tool.ToolCall;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each fake, spoken to by LangChain4j's own chat model for its format (and by a plain HTTP client). */
class FakeProviderTest {
    private static final Duration GUARD = Duration.ofSeconds(20);
    private static final ToolSpecification LIST_FILES = ToolSpecification.builder().name("list_files")
            .description("List the files on the drive.").parameters(JsonObjectSchema.builder().build()).build();
    private static final ToolSpecification READ_FILE = ToolSpecification.builder().name("read_file")
            .description("Read one file.").parameters(JsonObjectSchema.builder()
                    .addStringProperty("filename", "The file to read.").required("filename").build()).build();
    private static final Reply.Turn TWO_CALLS = new Reply.Turn("Let me look.", "I should list, then read.",
            List.of(new Reply.Call("list_files", "{}"), new Reply.Call("read_file", "{\"filename\":\"notes.txt\"}")),
            200, 30);

    static ChatModel model(Format format, FakeProvider fake) {
        return model(format, fake, Duration.ofSeconds(10));
    }

    /** LangChain4j's chat model for the format, pointed at the fake, without retries and returning reasoning. */
    static ChatModel model(Format format, FakeProvider fake, Duration timeout) {
        return switch (format) {
            case OPENAI -> OpenAiChatModel.builder().baseUrl(fake.baseUrl()).apiKey("test-key").modelName("gpt-4o")
                    .maxRetries(0).returnThinking(true).timeout(timeout).build();
            case ANTHROPIC -> AnthropicChatModel.builder().baseUrl(fake.baseUrl()).apiKey("test-key")
                    .modelName("claude-sonnet-4-5").maxRetries(0).returnThinking(true).timeout(timeout).build();
            case GEMINI -> GoogleAiGeminiChatModel.builder().baseUrl(fake.baseUrl()).apiKey("test-key")
                    .modelName("gemini-3-pro-preview").maxRetries(0).returnThinking(true).sendThinking(true)
                    .timeout(timeout).build();
        };
    }

    private static ChatRequest request(List<ChatMessage> messages) {
        return ChatRequest.builder().messages(messages).toolSpecifications(LIST_FILES, READ_FILE).build();
    }

    private static List<ChatMessage> opening() {
        return List.of(SystemMessage.from("You grade outputs."), UserMessage.from("Grade them."));
    }

    private static JsonNode json(String text) {
        try {
            return Wire.JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertHttpStatus(Throwable thrown, int status) {
        List<Integer> codes = new ArrayList<>();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof HttpException h) codes.add(h.statusCode());
        }
        assertThat(codes).as("HTTP statuses in the cause chain of %s", thrown).contains(status);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aTextTurnRoundTripsWithReasoningAndUsage(Format format) {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(new Reply.Turn("All done.", "Nothing is left to do.", List.of(), 120, 15));
            ChatResponse response = model(format, fake).chat(request(opening()));
            assertThat(response.aiMessage().text()).isEqualTo("All done.");
            assertThat(response.aiMessage().thinking()).isEqualTo("Nothing is left to do.");
            assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
            assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(120);
            assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(15);
            assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aTurnWithTwoToolCallsRoundTrips(Format format) {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(TWO_CALLS);
            ChatResponse response = model(format, fake).chat(request(opening()));
            AiMessage ai = response.aiMessage();
            assertThat(ai.text()).isEqualTo("Let me look.");
            assertThat(ai.thinking()).isEqualTo("I should list, then read.");
            assertThat(ai.toolExecutionRequests()).extracting(ToolExecutionRequest::name)
                    .containsExactly("list_files", "read_file");
            assertThat(ai.toolExecutionRequests()).extracting(r -> json(r.arguments()))
                    .containsExactly(json("{}"), json("{\"filename\":\"notes.txt\"}"));
            List<String> ids = ai.toolExecutionRequests().stream().map(ToolExecutionRequest::id).toList();
            switch (format) {
                case OPENAI -> assertThat(ids).containsExactly("call_1", "call_2");
                case ANTHROPIC -> assertThat(ids).containsExactly("toolu_1", "toolu_2");
                case GEMINI -> assertThat(ids).containsExactly(null, null);
            }
            assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
            assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(200);
            assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(30);
        }
    }

    /** Two requests: the calls, then their results; returns what the fake recorded for the second. */
    private static Recorded toolResultsSentBack(Format format, FakeProvider fake) {
        ChatModel model = model(format, fake);
        fake.enqueue(TWO_CALLS, Reply.text("Graded."));
        AiMessage ai = model.chat(request(opening())).aiMessage();
        List<ChatMessage> messages = new ArrayList<>(opening());
        messages.add(ai);
        messages.add(ToolExecutionResultMessage.from(ai.toolExecutionRequests().get(0), "notes.txt"));
        messages.add(ToolExecutionResultMessage.from(ai.toolExecutionRequests().get(1), "Grade honestly."));
        assertThat(model.chat(request(messages)).aiMessage().text()).isEqualTo("Graded.");
        assertThat(fake.requests()).hasSize(2);
        return fake.requests().get(1);
    }

    @Test
    void openAiRequestsCarryToolMessagesWithTheirCallIds() {
        try (FakeProvider fake = FakeProvider.start(Format.OPENAI)) {
            Recorded second = toolResultsSentBack(Format.OPENAI, fake);
            assertThat(second.method()).isEqualTo("POST");
            assertThat(second.path()).isEqualTo("/v1/chat/completions");
            assertThat(second.header("authorization")).isEqualTo("Bearer test-key");
            JsonNode body = second.body();
            assertThat(body.path("model").asText()).isEqualTo("gpt-4o");
            JsonNode messages = body.path("messages");
            assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
            assertThat(messages.get(0).path("content").asText()).isEqualTo("You grade outputs.");
            assertThat(messages.get(2).path("role").asText()).isEqualTo("assistant");
            assertThat(messages.get(2).path("tool_calls").get(1).path("function").path("name").asText())
                    .isEqualTo("read_file");
            assertThat(messages.get(3).path("role").asText()).isEqualTo("tool");
            assertThat(messages.get(3).path("tool_call_id").asText()).isEqualTo("call_1");
            assertThat(messages.get(3).path("content").asText()).isEqualTo("notes.txt");
            assertThat(messages.get(4).path("tool_call_id").asText()).isEqualTo("call_2");
            JsonNode tool = body.path("tools").get(1);
            assertThat(tool.path("type").asText()).isEqualTo("function");
            assertThat(tool.path("function").path("name").asText()).isEqualTo("read_file");
            assertThat(tool.path("function").path("parameters").path("required").get(0).asText())
                    .isEqualTo("filename");
            assertReadBack(Format.OPENAI, second, "call_1", "call_2", null);
        }
    }

    @Test
    void anthropicRequestsCarryToolResultBlocksAndTheSignedThinking() {
        try (FakeProvider fake = FakeProvider.start(Format.ANTHROPIC)) {
            Recorded second = toolResultsSentBack(Format.ANTHROPIC, fake);
            assertThat(second.path()).isEqualTo("/v1/messages");
            assertThat(second.header("x-api-key")).isEqualTo("test-key");
            assertThat(second.header("anthropic-version")).isNotBlank();
            JsonNode body = second.body();
            assertThat(Wire.text(body.path("system"))).isEqualTo("You grade outputs.");
            JsonNode assistant = body.path("messages").get(1);
            assertThat(assistant.path("role").asText()).isEqualTo("assistant");
            assertThat(assistant.path("content").findValuesAsText("type"))
                    .containsExactly("thinking", "text", "tool_use", "tool_use");
            assertThat(assistant.path("content").get(0).path("signature").asText()).isNotBlank();
            assertThat(assistant.path("content").get(3).path("input").path("filename").asText()).isEqualTo("notes.txt");
            JsonNode results = body.path("messages").get(2);
            assertThat(results.path("role").asText()).isEqualTo("user");
            assertThat(results.path("content").get(0).path("type").asText()).isEqualTo("tool_result");
            assertThat(results.path("content").get(0).path("tool_use_id").asText()).isEqualTo("toolu_1");
            assertThat(Wire.text(results.path("content").get(0).path("content"))).isEqualTo("notes.txt");
            assertThat(results.path("content").get(1).path("tool_use_id").asText()).isEqualTo("toolu_2");
            JsonNode tool = body.path("tools").get(1);
            assertThat(tool.path("name").asText()).isEqualTo("read_file");
            assertThat(tool.path("input_schema").path("properties").path("filename").path("type").asText())
                    .isEqualTo("string");
            assertReadBack(Format.ANTHROPIC, second, "toolu_1", "toolu_2", "I should list, then read.");
        }
    }

    @Test
    void geminiRequestsCarryFunctionResponsesAndTheThoughtSignature() {
        try (FakeProvider fake = FakeProvider.start(Format.GEMINI)) {
            Recorded second = toolResultsSentBack(Format.GEMINI, fake);
            assertThat(second.path()).isEqualTo("/v1beta/models/gemini-3-pro-preview:generateContent");
            assertThat(second.header("x-goog-api-key")).isEqualTo("test-key");
            JsonNode body = second.body();
            assertThat(body.path("systemInstruction").path("parts").get(0).path("text").asText())
                    .isEqualTo("You grade outputs.");
            JsonNode model = body.path("contents").get(1);
            assertThat(model.path("role").asText()).isEqualTo("model");
            List<JsonNode> calls = model.findValues("functionCall");
            assertThat(calls).extracting(c -> c.path("name").asText()).containsExactly("list_files", "read_file");
            JsonNode firstCall = model.path("parts").findParent("functionCall");
            assertThat(firstCall.path("thoughtSignature").asText()).isNotBlank();
            List<JsonNode> responses = body.path("contents").findValues("functionResponse");
            assertThat(responses).extracting(r -> r.path("name").asText()).containsExactly("list_files", "read_file");
            assertThat(responses.get(0).path("response").path("response").asText()).isEqualTo("notes.txt");
            JsonNode declaration = body.path("tools").get(0).path("functionDeclarations").get(1);
            assertThat(declaration.path("name").asText()).isEqualTo("read_file");
            assertReadBack(Format.GEMINI, second, "gemini_call_1", "gemini_call_2", "I should list, then read.");
        }
    }

    /** What driveWith hands an agent for the second request: PeerGuard's conversation and tools. */
    private static void assertReadBack(Format format, Recorded second, String id1, String id2, String reasoning) {
        Wire.Conversation c = Wire.of(format).conversation(second.body());
        ToolCall list = new ToolCall(id1, "list_files", Map.of());
        ToolCall read = new ToolCall(id2, "read_file", Map.of("filename", "notes.txt"));
        assertThat(c.messages()).containsExactly(
                new Message.System("You grade outputs."),
                new Message.User("Grade them.", false),
                new Message.Assistant("Let me look.", List.of(list, read), reasoning),
                new Message.ToolResult(list, "notes.txt"),
                new Message.ToolResult(read, "Grade honestly."));
        assertThat(c.tools()).extracting(t -> t.name()).containsExactly("list_files", "read_file");
        assertThat(c.tools().get(1).params()).extracting(p -> p.name()).containsExactly("filename");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aRateLimitSurfacesAsHttp429(Format format) {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(Reply.rateLimited(7));
            Throwable thrown = catchThrowable(() -> model(format, fake).chat(request(opening())));
            assertThat(thrown).isInstanceOf(RateLimitException.class);
            assertHttpStatus(thrown, 429);
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void serverAndAuthenticationErrorsSurfaceWithTheirStatus(Format format) {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(Reply.serverError(), new Reply.Status(401, null, Map.of()), Reply.text("recovered"));
            ChatModel model = model(format, fake);
            Throwable serverError = catchThrowable(() -> model.chat(request(opening())));
            assertThat(serverError).isInstanceOf(InternalServerException.class);
            assertHttpStatus(serverError, 500);
            Throwable unauthorized = catchThrowable(() -> model.chat(request(opening())));
            assertThat(unauthorized).isInstanceOf(AuthenticationException.class);
            assertHttpStatus(unauthorized, 401);
            assertThat(model.chat(request(opening())).aiMessage().text()).isEqualTo("recovered");
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void malformedJsonIsAnExceptionNotAHang(Format format) {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(new Reply.Raw(200, "application/json", "{\"id\": \"x\", \"choices\": [{\"mess"));
            assertTimeoutPreemptively(GUARD, () -> assertThatThrownBy(() -> model(format, fake)
                    .chat(request(opening()))).isInstanceOf(RuntimeException.class));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"OPENAI", "GEMINI"})
    void anAnswerWithoutChoicesIsAnException(Format format) {
        String empty = format == Format.OPENAI ? "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}"
                : "{\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\":3}}";
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(new Reply.Raw(200, "application/json", empty));
            assertThatThrownBy(() -> model(format, fake).chat(request(opening())))
                    .isInstanceOf(RuntimeException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aConnectionResetMidResponseIsAnException(Format format) {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(new Reply.Reset(), Reply.text("after the reset"));
            ChatModel model = model(format, fake);
            assertTimeoutPreemptively(GUARD, () -> assertThatThrownBy(() -> model.chat(request(opening())))
                    .isInstanceOf(RuntimeException.class));
            assertThat(model.chat(request(opening())).aiMessage().text()).isEqualTo("after the reset");
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aReplyLaterThanTheTimeoutIsAnException(Format format) {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(new Reply.Delay(Duration.ofSeconds(5), Reply.text("too late")), Reply.text("in time"));
            ChatModel model = model(format, fake, Duration.ofMillis(300));
            long start = System.nanoTime();
            assertThatThrownBy(() -> model.chat(request(opening()))).isInstanceOf(RuntimeException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            assertThat(model.chat(request(opening())).aiMessage().text()).isEqualTo("in time");
        }
    }

    @Test
    void brokenArgumentsReachOpenAiClientsVerbatim() {
        try (FakeProvider fake = FakeProvider.start(Format.OPENAI)) {
            fake.enqueue(Reply.call("read_file", "{\"filename\": \"notes.txt\""));
            ToolExecutionRequest call = model(Format.OPENAI, fake).chat(request(opening())).aiMessage()
                    .toolExecutionRequests().get(0);
            assertThat(call.arguments()).isEqualTo("{\"filename\": \"notes.txt\"");
        }
    }

    @Test
    void brokenArgumentsAreAStringInputForAnthropicWhichLangChain4jCannotRead() throws Exception {
        try (FakeProvider fake = FakeProvider.start(Format.ANTHROPIC)) {
            fake.enqueue(Reply.call("read_file", "{\"filename\": \"notes.txt\""));
            assertThatThrownBy(() -> model(Format.ANTHROPIC, fake).chat(request(opening())))
                    .isInstanceOf(RuntimeException.class);
            fake.enqueue(Reply.call("read_file", "{\"filename\": \"notes.txt\""));
            JsonNode block = json(post(fake, "/messages", validHeaders(Format.ANTHROPIC), "{}").body())
                    .path("content").get(0);
            assertThat(block.path("type").asText()).isEqualTo("tool_use");
            assertThat(block.path("input").isTextual()).isTrue();
            assertThat(block.path("input").asText()).isEqualTo("{\"filename\": \"notes.txt\"");
        }
    }

    @Test
    void brokenArgumentsAreAMalformedFunctionCallForGemini() {
        try (FakeProvider fake = FakeProvider.start(Format.GEMINI)) {
            fake.enqueue(Reply.call("read_file", "not json"));
            ChatResponse response = model(Format.GEMINI, fake).chat(request(opening()));
            assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
            assertThat(response.finishReason()).isEqualTo(FinishReason.OTHER);
        }
    }

    @Test
    void theQueueIsAnsweredInOrderThenTheFallback() {
        try (FakeProvider fake = FakeProvider.start(Format.OPENAI)) {
            ChatModel model = model(Format.OPENAI, fake);
            fake.enqueue(Reply.text("first"), Reply.text("second"));
            assertThat(model.chat(request(opening())).aiMessage().text()).isEqualTo("first");
            assertThat(model.chat(request(opening())).aiMessage().text()).isEqualTo("second");
            assertThat(model.chat(request(opening())).aiMessage().text()).isEqualTo("ok");
            fake.otherwise(r -> Reply.text("seen " + r.body().path("messages").size() + " messages"));
            assertThat(model.chat(request(opening())).aiMessage().text()).isEqualTo("seen 2 messages");
            assertThat(fake.requests()).hasSize(4);
        }
    }

    private static Map<String, String> validHeaders(Format format) {
        return switch (format) {
            case OPENAI -> Map.of("Authorization", "Bearer k");
            case ANTHROPIC -> Map.of("x-api-key", "k", "anthropic-version", "2023-06-01");
            case GEMINI -> Map.of("x-goog-api-key", "k");
        };
    }

    private static String chatPath(Format format) {
        return switch (format) {
            case OPENAI -> "/chat/completions";
            case ANTHROPIC -> "/messages";
            case GEMINI -> "/models/gemini-3-pro-preview:generateContent";
        };
    }

    private static HttpResponse<String> post(FakeProvider fake, String path, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        headers.forEach(request::header);
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void plainHttpSeesTheFormatsErrorsAndHeaders(Format format) throws Exception {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(Reply.rateLimited(7));
            HttpResponse<String> noKey = post(fake, chatPath(format), Map.of(), "{}");
            assertThat(noKey.statusCode()).isEqualTo(format == Format.GEMINI ? 403 : 401);
            HttpResponse<String> wrongPath = post(fake, "/nowhere", validHeaders(format), "{}");
            assertThat(wrongPath.statusCode()).isEqualTo(404);
            HttpResponse<String> limited = post(fake, chatPath(format), validHeaders(format), "{}");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("retry-after")).hasValue("7");
            JsonNode error = json(limited.body());
            switch (format) {
                case OPENAI -> assertThat(error.path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
                case ANTHROPIC -> {
                    assertThat(error.path("type").asText()).isEqualTo("error");
                    assertThat(error.path("error").path("type").asText()).isEqualTo("rate_limit_error");
                }
                case GEMINI -> {
                    assertThat(error.path("error").path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
                    assertThat(error.path("error").path("details").get(0).path("retryDelay").asText()).isEqualTo("7s");
                }
            }
            assertThat(error.path("error").path("message").asText()).isNotBlank();
            String chat = URI.create(fake.baseUrl()).getPath() + chatPath(format);
            assertThat(fake.requests()).extracting(Recorded::path)
                    .containsExactly(chat, URI.create(fake.baseUrl()).getPath() + "/nowhere", chat);
        }
    }

    // ---- streaming ------------------------------------------------------------------------------------------------

    /** One server-sent event. */
    private record Event(String name, String data) {}

    /** The events of an SSE body, CRLF or LF framed. */
    private static List<Event> events(String body) {
        List<Event> out = new ArrayList<>();
        for (String block : body.replace("\r\n", "\n").split("\n\n")) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) name = line.substring("event:".length()).strip();
                if (line.startsWith("data:")) data.append(line.substring("data:".length()).strip());
            }
            if (!data.isEmpty()) out.add(new Event(name, data.toString()));
        }
        return out;
    }

    /** A streamed turn joined back together; {@code deltas} counts the pieces its text arrived in. */
    private record Joined(String text, String reasoning, List<Reply.Call> calls, String finish, int inputTokens,
                          int outputTokens, int deltas) {}

    private static String streamPath(Format format) {
        return switch (format) {
            case OPENAI -> "/chat/completions";
            case ANTHROPIC -> "/messages";
            case GEMINI -> "/models/gemini-3-pro-preview:streamGenerateContent?alt=sse";
        };
    }

    private static String streamBody(Format format) {
        return switch (format) {
            case OPENAI -> "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
            case ANTHROPIC -> "{\"model\":\"claude-sonnet-4-5\",\"stream\":true}";
            case GEMINI -> "{}";
        };
    }

    private static Joined join(Format format, List<Event> events) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<StringBuilder> args = new ArrayList<>();
        String finish = null;
        int in = -1;
        int out = -1;
        int deltas = 0;
        for (Event event : events) {
            if (event.data().equals("[DONE]")) continue;
            JsonNode data = json(event.data());
            switch (format) {
                case OPENAI -> {
                    if (data.hasNonNull("usage")) {
                        in = data.path("usage").path("prompt_tokens").asInt();
                        out = data.path("usage").path("completion_tokens").asInt();
                    }
                    for (JsonNode choice : data.path("choices")) {
                        JsonNode delta = choice.path("delta");
                        if (delta.has("content") && !delta.path("content").asText().isEmpty()) deltas++;
                        text.append(delta.path("content").asText(""));
                        reasoning.append(delta.path("reasoning_content").asText(""));
                        for (JsonNode call : delta.path("tool_calls")) {
                            int index = call.path("index").asInt();
                            if (call.has("id")) {
                                names.add(call.path("function").path("name").asText());
                                args.add(new StringBuilder());
                            }
                            args.get(index).append(call.path("function").path("arguments").asText(""));
                        }
                        if (choice.hasNonNull("finish_reason")) finish = choice.path("finish_reason").asText();
                    }
                }
                case ANTHROPIC -> {
                    assertThat(event.name()).isEqualTo(data.path("type").asText());
                    switch (data.path("type").asText()) {
                        case "message_start" -> in = data.path("message").path("usage").path("input_tokens").asInt();
                        case "content_block_start" -> {
                            if (data.path("content_block").path("type").asText().equals("tool_use")) {
                                names.add(data.path("content_block").path("name").asText());
                                args.add(new StringBuilder());
                            }
                        }
                        case "content_block_delta" -> {
                            JsonNode delta = data.path("delta");
                            switch (delta.path("type").asText()) {
                                case "text_delta" -> {
                                    text.append(delta.path("text").asText());
                                    deltas++;
                                }
                                case "thinking_delta" -> reasoning.append(delta.path("thinking").asText());
                                case "input_json_delta" -> args.get(args.size() - 1)
                                        .append(delta.path("partial_json").asText());
                                default -> { }
                            }
                        }
                        case "message_delta" -> {
                            finish = data.path("delta").path("stop_reason").asText();
                            out = data.path("usage").path("output_tokens").asInt();
                        }
                        default -> { }
                    }
                }
                case GEMINI -> {
                    JsonNode candidate = data.path("candidates").get(0);
                    for (JsonNode part : candidate.path("content").path("parts")) {
                        if (part.has("functionCall")) {
                            names.add(part.path("functionCall").path("name").asText());
                            args.add(new StringBuilder(part.path("functionCall").path("args").toString()));
                        } else if (part.path("thought").asBoolean(false)) {
                            reasoning.append(part.path("text").asText());
                        } else if (!part.path("text").asText("").isEmpty()) {
                            text.append(part.path("text").asText());
                            deltas++;
                        }
                    }
                    if (candidate.has("finishReason")) finish = candidate.path("finishReason").asText();
                    if (data.has("usageMetadata")) {
                        in = data.path("usageMetadata").path("promptTokenCount").asInt();
                        out = data.path("usageMetadata").path("candidatesTokenCount").asInt();
                    }
                }
            }
        }
        List<Reply.Call> calls = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) calls.add(new Reply.Call(names.get(i), args.get(i).toString()));
        return new Joined(text.toString(), reasoning.toString(), calls, finish, in, out, deltas);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aStreamedTurnReassemblesFromItsDeltas(Format format) throws Exception {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(TWO_CALLS);
            HttpResponse<String> response = post(fake, streamPath(format), validHeaders(format), streamBody(format));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            List<Event> events = events(response.body());
            Joined joined = join(format, events);
            assertThat(joined.text()).isEqualTo("Let me look.");
            assertThat(joined.deltas()).as("the text arrives in several deltas").isGreaterThan(1);
            assertThat(joined.reasoning()).isEqualTo("I should list, then read.");
            assertThat(joined.calls()).extracting(Reply.Call::name).containsExactly("list_files", "read_file");
            assertThat(joined.calls()).extracting(c -> json(c.argumentsJson()))
                    .containsExactly(json("{}"), json("{\"filename\":\"notes.txt\"}"));
            assertThat(joined.finish()).isEqualTo(switch (format) {
                case OPENAI -> "tool_calls";
                case ANTHROPIC -> "tool_use";
                case GEMINI -> "STOP";
            });
            assertThat(joined.inputTokens()).isEqualTo(200);
            assertThat(joined.outputTokens()).isEqualTo(30);
            switch (format) {
                case OPENAI -> {
                    assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
                    JsonNode first = json(events.get(0).data());
                    assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
                    assertThat(first.path("choices").get(0).path("delta").path("role").asText())
                            .isEqualTo("assistant");
                    JsonNode usage = json(events.get(events.size() - 2).data());
                    assertThat(usage.path("choices")).isEmpty();
                    assertThat(events.subList(0, events.size() - 2)).allSatisfy(
                            e -> assertThat(json(e.data()).get("usage").isNull()).isTrue());
                }
                case ANTHROPIC -> {
                    assertThat(events).extracting(Event::name).startsWith("message_start", "ping")
                            .endsWith("message_delta", "message_stop").contains("content_block_stop");
                    assertThat(events).extracting(e -> json(e.data()).path("delta").path("type").asText())
                            .contains("signature_delta");
                }
                case GEMINI -> {
                    assertThat(response.body()).contains("\r\n\r\n");
                    assertThat(events.subList(0, events.size() - 1))
                            .allSatisfy(e -> assertThat(json(e.data()).has("usageMetadata")).isFalse());
                }
            }
        }
    }

    @Test
    void openAiStreamsCarryNoUsageUnlessAskedFor() throws Exception {
        try (FakeProvider fake = FakeProvider.start(Format.OPENAI)) {
            fake.enqueue(Reply.text("Hello there, grader."));
            HttpResponse<String> response = post(fake, "/chat/completions", validHeaders(Format.OPENAI),
                    "{\"model\":\"gpt-4o\",\"stream\":true}");
            List<Event> events = events(response.body());
            assertThat(events).allSatisfy(e -> assertThat(e.data()).doesNotContain("usage"));
            Joined joined = join(Format.OPENAI, events);
            assertThat(joined.text()).isEqualTo("Hello there, grader.");
            assertThat(joined.finish()).isEqualTo("stop");
            assertThat(joined.calls()).isEmpty();
        }
    }

    @Test
    void geminiStreamsWithoutAltSseAsOneJsonArray() throws Exception {
        try (FakeProvider fake = FakeProvider.start(Format.GEMINI)) {
            fake.enqueue(Reply.text("Hello there, grader."));
            HttpResponse<String> response = post(fake, "/models/gemini-3-pro-preview:streamGenerateContent",
                    validHeaders(Format.GEMINI), "{}");
            JsonNode chunks = json(response.body());
            assertThat(chunks.isArray()).isTrue();
            List<Event> events = new ArrayList<>();
            chunks.forEach(c -> events.add(new Event(null, c.toString())));
            assertThat(join(Format.GEMINI, events).text()).isEqualTo("Hello there, grader.");
            assertThat(chunks.get(0).path("modelVersion").asText()).isEqualTo("gemini-3-pro-preview");
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aStatusReplyToAStreamingRequestIsAPlainHttpError(Format format) throws Exception {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(Reply.rateLimited(3));
            HttpResponse<String> response = post(fake, streamPath(format), validHeaders(format), streamBody(format));
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(json(response.body()).path("error").path("message").asText()).isNotBlank();
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aStreamedTextCutInsideASurrogatePairStaysWhole(Format format) throws Exception {
        String text = "\uD83D\uDE00".repeat(9);
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(Reply.text(text));
            HttpResponse<String> response = post(fake, streamPath(format), validHeaders(format), streamBody(format));
            assertThat(join(format, events(response.body())).text()).isEqualTo(text);
        }
    }

    /** LangChain4j's streaming chat model for the format, pointed at the fake, returning reasoning. */
    static StreamingChatModel streamingModel(Format format, FakeProvider fake) {
        Duration timeout = Duration.ofSeconds(10);
        return switch (format) {
            case OPENAI -> OpenAiStreamingChatModel.builder().baseUrl(fake.baseUrl()).apiKey("test-key")
                    .modelName("gpt-4o").returnThinking(true).timeout(timeout).build();
            case ANTHROPIC -> AnthropicStreamingChatModel.builder().baseUrl(fake.baseUrl()).apiKey("test-key")
                    .modelName("claude-sonnet-4-5").returnThinking(true).timeout(timeout).build();
            case GEMINI -> GoogleAiGeminiStreamingChatModel.builder().baseUrl(fake.baseUrl()).apiKey("test-key")
                    .modelName("gemini-3-pro-preview").returnThinking(true).sendThinking(true).timeout(timeout)
                    .build();
        };
    }

    /** The streamed answer and the text pieces handed to the handler on the way. */
    private record StreamedAnswer(ChatResponse response, List<String> partials) {}

    private static StreamedAnswer streamChat(StreamingChatModel model, ChatRequest request) throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        List<String> partials = new CopyOnWriteArrayList<>();
        model.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return new StreamedAnswer(done.get(GUARD.toSeconds(), TimeUnit.SECONDS), partials);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void langChain4jStreamingClientsReadAStreamedToolCallTurn(Format format) throws Exception {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(TWO_CALLS);
            StreamedAnswer answer = streamChat(streamingModel(format, fake), request(opening()));
            AiMessage ai = answer.response().aiMessage();
            assertThat(ai.text()).isEqualTo("Let me look.");
            assertThat(answer.partials()).hasSizeGreaterThan(1);
            assertThat(String.join("", answer.partials())).isEqualTo("Let me look.");
            assertThat(ai.thinking()).isEqualTo("I should list, then read.");
            assertThat(ai.toolExecutionRequests()).extracting(ToolExecutionRequest::name)
                    .containsExactly("list_files", "read_file");
            assertThat(ai.toolExecutionRequests()).extracting(r -> json(r.arguments()))
                    .containsExactly(json("{}"), json("{\"filename\":\"notes.txt\"}"));
            if (format == Format.OPENAI) {
                assertThat(ai.toolExecutionRequests()).extracting(ToolExecutionRequest::id)
                        .containsExactly("call_1", "call_2");
            }
            if (format == Format.ANTHROPIC) {
                assertThat(ai.toolExecutionRequests()).extracting(ToolExecutionRequest::id)
                        .containsExactly("toolu_1", "toolu_2");
            }
            assertThat(answer.response().finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
            assertThat(answer.response().tokenUsage().inputTokenCount()).isEqualTo(200);
            assertThat(answer.response().tokenUsage().outputTokenCount()).isEqualTo(30);
            Recorded sent = fake.requests().get(0);
            if (format == Format.GEMINI) {
                assertThat(sent.path()).endsWith(":streamGenerateContent");
            } else {
                assertThat(sent.body().path("stream").asBoolean()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void langChain4jStreamingClientsSeeARateLimitAsHttp429(Format format) {
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(Reply.rateLimited(3));
            Throwable thrown = catchThrowable(() -> streamChat(streamingModel(format, fake), request(opening())));
            assertHttpStatus(thrown, 429);
        }
    }
}
