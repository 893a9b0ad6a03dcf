package dev.peerguard.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * All calls to one model in a run go through here: the response cache, the cost limit, the request-rate cap, the
 * adaptive concurrency limit, and retries with exponential backoff and jitter that honour {@code Retry-After}. A call
 * that keeps failing, or fails in a way retrying cannot mend (a bad key, a bad request), ends in
 * {@link CallFailedException}, which makes the trial an error record rather than an outcome.
 */
final class ModelClient {
    /** The backoff before retry n (0-based) is {@code base * 2^n}, at most {@code max}, less up to half as jitter. */
    record Backoff(Duration base, Duration max, Duration maxRetryAfter) {
        static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10));

        Duration before(int retry, Duration retryAfter) {
            long exp = Math.min(max.toMillis(), base.toMillis() << Math.min(retry, 20));
            long jittered = exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
            if (retryAfter == null) return Duration.ofMillis(jittered);
            long asked = Math.min(retryAfter.toMillis(), maxRetryAfter.toMillis());
            // Wait what the provider asked, plus a little jitter so that waiting trials do not return in one burst.
            return Duration.ofMillis(asked + ThreadLocalRandom.current().nextLong(Math.max(1, asked / 10) + 1));
        }
    }

    /** A model's answer and what it cost. */
    record Reply(AiMessage message, long inputTokens, long outputTokens, boolean cached, Double costUsd) {}

    /** Calls to a model failed for good; the message is free of API keys. */
    static final class CallFailedException extends RuntimeException {
        CallFailedException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final ChatModel chat;
    private final String settingsKey;
    private final AdaptiveLimit limit;
    private final RateCap rateCap;
    private final int maxRetries;
    private final Backoff backoff;
    private final Spend spend;
    private final Prices prices;
    private final ResponseCache cache;
    private final Secrets secrets;

    ModelClient(String name, ChatModel chat, String settingsKey, int maxConcurrency, double requestsPerMinute,
            int maxRetries, Backoff backoff, Spend spend, Prices prices, ResponseCache cache, Secrets secrets) {
        this.name = name;
        this.chat = chat;
        this.settingsKey = settingsKey;
        this.limit = new AdaptiveLimit(maxConcurrency);
        this.rateCap = new RateCap(requestsPerMinute);
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.spend = spend;
        this.prices = prices;
        this.cache = cache;
        this.secrets = secrets;
    }

    /**
     * One model call. {@code seed} is the trial's seed: it is part of the cache key, so two trials that happen to
     * send the same conversation still get their own samples.
     */
    Reply chat(List<ChatMessage> messages, List<ToolSpecification> tools, long seed) {
        String key = cache == null ? null : ResponseCache.key(name, settingsKey,
                ChatMessageSerializer.messagesToJson(messages), tools.toString(), Long.toString(seed));
        if (key != null) {
            String hit = cache.get(key).orElse(null);
            if (hit != null) {
                Reply r = fromCache(hit);
                spend.record(name, r.inputTokens(), r.outputTokens(), true);
                return r;
            }
        }
        ChatRequest request = ChatRequest.builder().messages(messages).toolSpecifications(tools).build();
        ChatResponse response = callWithRetries(request);
        TokenUsage usage = response.tokenUsage();
        long in = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        long out = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        spend.record(name, in, out, false);
        Double cost = prices.of(name).map(p -> p.cost(in, out)).orElse(null);
        Reply reply = new Reply(scrub(response.aiMessage()), in, out, false, cost);
        if (key != null) cache.put(key, toCache(reply));
        return reply;
    }

    private ChatResponse callWithRetries(ChatRequest request) {
        String last = null;
        for (int attempt = 0; ; attempt++) {
            spend.checkBudget();
            Duration retryAfter = null;
            try {
                rateCap.await();
                limit.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CallFailedException(name + ": interrupted");
            }
            try {
                ChatResponse response = chat.chat(request);
                if (response == null || response.aiMessage() == null) {
                    throw new ProviderException(ProviderException.Kind.MALFORMED, 0, null, "the response had no message");
                }
                limit.onSuccess();
                return response;
            } catch (RuntimeException e) {
                ProviderException p = ProviderException.find(e);
                if (p == null) {
                    // Not an HTTP failure: LangChain4j could not read the body (truncated JSON, no choices...).
                    p = new ProviderException(ProviderException.Kind.MALFORMED, 0, null, "unreadable response: "
                            + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                last = secrets.redact(p.getMessage());
                if (!p.retriable()) {
                    throw new CallFailedException(name + ": " + last + advice(p));
                }
                if (p.rateLimited()) limit.onRateLimited();
                retryAfter = p.retryAfter();
            } finally {
                limit.release();
            }
            if (attempt >= maxRetries) {
                throw new CallFailedException(name + ": " + (attempt + 1) + " attempts failed; last: " + last);
            }
            try {
                Thread.sleep(backoff.before(attempt, retryAfter));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CallFailedException(name + ": interrupted while waiting to retry; last: " + last);
            }
        }
    }

    /**
     * The message without any API key a provider echoed into it (a gateway's complaint in the answer's text): what
     * is kept of a turn (transcript, cache, the conversation sent back) never holds one. Unchanged messages are
     * returned as they are, with everything the provider attached.
     */
    private AiMessage scrub(AiMessage m) {
        String text = secrets.redact(m.text());
        String thinking = secrets.redact(m.thinking());
        List<ToolExecutionRequest> calls = new ArrayList<>();
        boolean changed = !Objects.equals(text, m.text()) || !Objects.equals(thinking, m.thinking());
        if (m.hasToolExecutionRequests()) {
            for (ToolExecutionRequest t : m.toolExecutionRequests()) {
                String arguments = secrets.redact(t.arguments());
                changed |= !Objects.equals(arguments, t.arguments());
                calls.add(ToolExecutionRequest.builder().id(t.id()).name(t.name()).arguments(arguments).build());
            }
        }
        if (!changed) return m;
        AiMessage.Builder b = AiMessage.builder().text(text).thinking(thinking);
        if (!calls.isEmpty()) b.toolExecutionRequests(calls);
        if (m.attributes() != null && !m.attributes().isEmpty()) b.attributes(m.attributes());
        return b.build();
    }

    private static String advice(ProviderException p) {
        return switch (p.statusCode()) {
            case 401, 403 -> " (check the API key in the environment)";
            case 404 -> " (check the model name and the base URL)";
            default -> "";
        };
    }

    private static String toCache(Reply r) {
        Map<String, Object> o = new LinkedHashMap<>();
        AiMessage m = r.message();
        o.put("text", m.text());
        o.put("thinking", m.thinking());
        List<Map<String, String>> calls = new ArrayList<>();
        if (m.hasToolExecutionRequests()) {
            for (ToolExecutionRequest t : m.toolExecutionRequests()) {
                Map<String, String> c = new LinkedHashMap<>();
                c.put("id", t.id());
                c.put("name", t.name());
                c.put("arguments", t.arguments());
                calls.add(c);
            }
        }
        o.put("tool_calls", calls);
        o.put("attributes", m.attributes());
        o.put("input_tokens", r.inputTokens());
        o.put("output_tokens", r.outputTokens());
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException("cannot cache a response: " + e.getMessage(), e);
        }
    }

    private static Reply fromCache(String json) {
        try {
            Map<String, Object> o = JSON.readValue(json, new TypeReference<>() {});
            List<ToolExecutionRequest> calls = new ArrayList<>();
            for (Object c : (List<?>) o.get("tool_calls")) {
                Map<?, ?> call = (Map<?, ?>) c;
                calls.add(ToolExecutionRequest.builder().id((String) call.get("id")).name((String) call.get("name"))
                        .arguments((String) call.get("arguments")).build());
            }
            AiMessage.Builder b = AiMessage.builder().text((String) o.get("text"))
                    .thinking((String) o.get("thinking"));
            if (!calls.isEmpty()) b.toolExecutionRequests(calls);
            @SuppressWarnings("unchecked")
            Map<String, Object> attributes = (Map<String, Object>) o.get("attributes");
            if (attributes != null && !attributes.isEmpty()) b.attributes(attributes);
            // Paid for when it was first asked; answering from the cache costs nothing.
            return new Reply(b.build(), ((Number) o.get("input_tokens")).longValue(),
                    ((Number) o.get("output_tokens")).longValue(), true, 0.0);
        } catch (Exception e) {
            throw new IllegalStateException("the response cache holds an unreadable entry: " + e.getMessage(), e);
        }
    }
}
