package dev.peerguard.model.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request a {@link FakeProvider} received.
 *
 * @param method  the HTTP method
 * @param path    the decoded request path, without the query (e.g. {@code /v1/chat/completions})
 * @param headers the request headers; names are looked up case-insensitively
 * @param body    the parsed JSON body, or a {@code MissingNode} when the body was empty or not JSON
 */
public record Recorded(String method, String path, Map<String, List<String>> headers, JsonNode body) {
    public Recorded {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
    }

    /** The first value of a header, or {@code null} when it was not sent. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
