package dev.peerguard.model;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP client every provider's LangChain4j model uses: plain {@code java.net.http}, one call timeout, and errors
 * that keep what retrying needs (status, {@code Retry-After}) while never carrying the API key. Streaming is not
 * used by PeerGuard.
 */
final class Http implements HttpClient {
    private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();

    private final Duration timeout;
    private final Secrets secrets;

    Http(Duration timeout, Secrets secrets) {
        this.timeout = timeout;
        this.secrets = secrets;
    }

    /** A builder LangChain4j's model builders accept; it ignores their timeouts in favour of ours. */
    static HttpClientBuilder builder(Duration timeout, Secrets secrets) {
        return new HttpClientBuilder() {
            @Override
            public Duration connectTimeout() {
                return Duration.ofSeconds(20);
            }

            @Override
            public HttpClientBuilder connectTimeout(Duration d) {
                return this;
            }

            @Override
            public Duration readTimeout() {
                return timeout;
            }

            @Override
            public HttpClientBuilder readTimeout(Duration d) {
                return this;
            }

            @Override
            public HttpClient build() {
                return new Http(timeout, secrets);
            }
        };
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
                .timeout(timeout);
        request.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("host")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        String body = request.body();
        switch (request.method()) {
            case GET -> b.GET();
            case DELETE -> b.DELETE();
            case POST -> b.POST(body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        // The request's own timeout ends when the status line arrives; a body that starts and then stops coming
        // would hang the call for good. So the whole exchange, body included, gets the call timeout.
        CompletableFuture<HttpResponse<String>> pending =
                CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true); // aborts the exchange and closes its connection
            throw timedOut(request);
        } catch (ExecutionException e) {
            throw switch (e.getCause()) {
                case HttpConnectTimeoutException c -> new ProviderException(ProviderException.Kind.CONNECTION, 0,
                        null, "could not connect to " + host(request) + " within 20 s");
                case HttpTimeoutException t -> timedOut(request);
                case IOException io -> new ProviderException(ProviderException.Kind.CONNECTION, 0, null, "connection to "
                        + host(request) + " failed: " + secrets.redact(String.valueOf(io.getMessage())));
                case RuntimeException r -> r;
                default -> new IllegalStateException(e.getCause());
            };
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.CONNECTION, 0, null, "interrupted");
        }
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            throw new ProviderException(ProviderException.Kind.HTTP, status, retryAfter(response),
                    "HTTP " + status + " from " + host(request) + ": " + excerpt(secrets.redact(response.body())));
        }
        return SuccessfulHttpResponse.builder().statusCode(status).headers(response.headers().map())
                .body(response.body()).build();
    }

    private ProviderException timedOut(HttpRequest request) {
        return new ProviderException(ProviderException.Kind.TIMEOUT, 0, null, "no answer from " + host(request)
                + " within the call timeout of " + timeout.toMillis() / 1000.0 + " s");
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("PeerGuard does not stream model responses");
    }

    /** {@code Retry-After} in seconds or as an HTTP date, or OpenAI's {@code retry-after-ms}; null when absent. */
    static Duration retryAfter(HttpResponse<?> response) {
        Map<String, List<String>> headers = response.headers().map();
        String ms = response.headers().firstValue("retry-after-ms").orElse(null);
        if (ms != null) {
            try {
                return Duration.ofMillis((long) Double.parseDouble(ms.strip()));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        String value = response.headers().firstValue("retry-after").orElse(null);
        return value == null || headers.isEmpty() ? null : parseRetryAfter(value);
    }

    static Duration parseRetryAfter(String value) {
        String v = value.strip();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static String host(HttpRequest request) {
        URI uri = URI.create(request.url());
        return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    private static String excerpt(String body) {
        String s = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }
}
