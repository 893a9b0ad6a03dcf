package dev.peerguard.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Relays one streamed chat completion: text and reasoning deltas go to the agent as they arrive, tool-call deltas
 * are held back and assembled per call, and once the upstream is done the policy judges each call; then come the
 * allowed calls (re-indexed from 0), an explanation for the blocked ones, the finish and usage chunks, and
 * {@code [DONE]}.
 *
 * <p>From the first chunk carrying a {@code finish_reason} on, chunks are held too, so the calls and the explanation
 * come before the finish as a client expects. Events that are not JSON chunks (comments, errors) pass as they are.
 * If the upstream breaks off mid-stream, the agent gets an error event and the held calls are never sent.
 */
final class ProxyStream {
    private final PolicyProxy proxy;
    private final PolicyProxy.Context context;
    private final OutputStream out;
    private final Map<Integer, Choice> choices = new TreeMap<>();
    private final List<Held> held = new ArrayList<>();
    /** The first chunk's envelope (id, object, created, model, ...), for the chunks the proxy writes itself. */
    private ObjectNode envelope;
    /** Whether the upstream's chunks carry a {@code usage} field ({@code stream_options.include_usage}). */
    private boolean usageField;
    private boolean holding;

    /** What is known of one choice: its calls so far, and whether any text went to the agent. */
    private static final class Choice {
        final TreeMap<Integer, Call> calls = new TreeMap<>();
        Call legacy;
        boolean sawContent;
        boolean allBlocked;
    }

    /** One call assembled from its deltas: the first id, type and name seen, and the argument fragments joined. */
    private static final class Call {
        String id;
        String type;
        String name;
        final StringBuilder arguments = new StringBuilder();

        void merge(JsonNode delta) {
            if (id == null && !delta.path("id").asText("").isEmpty()) id = delta.path("id").asText();
            if (type == null && !delta.path("type").asText("").isEmpty()) type = delta.path("type").asText();
            JsonNode function = delta.has("function") ? delta.path("function") : delta;
            if (name == null && !function.path("name").asText("").isEmpty()) name = function.path("name").asText();
            JsonNode args = function.get("arguments");
            if (args != null && !args.isNull()) arguments.append(args.isTextual() ? args.asText() : args.toString());
        }
    }

    /** An event kept until the end: its text as received, and its chunk when a finish reason may need changing. */
    private record Held(String raw, ObjectNode chunk) {}

    ProxyStream(PolicyProxy proxy, PolicyProxy.Context context, OutputStream out) {
        this.proxy = proxy;
        this.context = context;
        this.out = out;
    }

    /** Reads the upstream's events to the end (or {@code [DONE]}), relaying as it goes; see the class comment. */
    void relay(InputStream upstream) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(upstream, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        boolean done = false;
        while (!done) {
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                broken(e);
                return;
            }
            if (line == null) break;
            if (!line.isEmpty()) {
                lines.add(line);
                continue;
            }
            if (!lines.isEmpty()) done = event(lines);
            lines.clear();
        }
        // a stream may end without a blank line after its last event, or without [DONE] at all
        if (!done && !lines.isEmpty()) event(lines);
        finish();
    }

    /**
     * The upstream broke off: the held calls are dropped, and the agent gets an error event as OpenAI sends one
     * mid-stream, since the proxy cannot cut its connection and a plain end would pass for a finished answer.
     */
    private void broken(IOException e) throws IOException {
        ObjectNode error = PolicyProxy.JSON.createObjectNode();
        error.putObject("error").put("message", "PeerGuard proxy: the upstream's stream broke off (" + e
                + "); its tool calls were not passed on").put("type", "proxy_error").putNull("param")
                .put("code", "upstream_stream_broken");
        write(data(error));
    }

    /** Handles one event; true for {@code [DONE]}. */
    private boolean event(List<String> lines) throws IOException {
        String raw = String.join("\n", lines) + "\n\n";
        StringBuilder data = null;
        for (String line : lines) {
            if (!line.startsWith("data:")) continue;
            String value = line.substring(5);
            if (value.startsWith(" ")) value = value.substring(1);
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
        if (data == null) {
            write(raw); // comments and keep-alives carry nothing to hold
            return false;
        }
        if (data.toString().strip().equals("[DONE]")) return true;
        JsonNode original;
        try {
            original = PolicyProxy.JSON.readTree(data.toString());
        } catch (IOException e) {
            original = null;
        }
        if (!(original instanceof ObjectNode)) {
            pass(raw, null);
            return false;
        }
        ObjectNode chunk = (ObjectNode) original.deepCopy();
        if (envelope == null && chunk.has("choices")) {
            envelope = envelopeOf(chunk);
            usageField = chunk.has("usage");
        }
        boolean finishes = false;
        ArrayNode kept = PolicyProxy.JSON.createArrayNode();
        for (JsonNode node : chunk.path("choices")) {
            if (!(node instanceof ObjectNode c)) {
                kept.add(node);
                continue;
            }
            Choice choice = choices.computeIfAbsent(c.path("index").asInt(0), i -> new Choice());
            boolean stripped = false;
            if (c.get("delta") instanceof ObjectNode delta) {
                if (delta.get("tool_calls") instanceof ArrayNode calls) {
                    for (JsonNode call : calls) callFor(choice, call).merge(call);
                }
                if (delta.get("function_call") instanceof ObjectNode function) {
                    if (choice.legacy == null) choice.legacy = new Call();
                    choice.legacy.merge(function);
                }
                stripped = delta.remove("tool_calls") != null;
                stripped |= delta.remove("function_call") != null;
                JsonNode content = delta.get("content");
                if (content != null && content.isTextual() && !content.asText().isEmpty()) choice.sawContent = true;
            }
            boolean finishing = c.hasNonNull("finish_reason");
            finishes |= finishing;
            // a choice that carried only call deltas has nothing left to say
            if (!(stripped && !finishing && c.path("delta").isEmpty())) kept.add(c);
        }
        if (chunk.has("choices")) chunk.set("choices", kept);
        if (kept.isEmpty() && !original.path("choices").isEmpty() && !chunk.hasNonNull("usage")) return false;
        if (finishes && !holding) {
            // text in the finishing chunk goes out now; the finish itself waits until the calls are settled
            ObjectNode now = chunk.deepCopy();
            ArrayNode texts = now.putArray("choices");
            ArrayNode later = PolicyProxy.JSON.createArrayNode();
            for (JsonNode c : kept) {
                boolean finishing = c.hasNonNull("finish_reason");
                if (!c.path("delta").isEmpty()) {
                    ObjectNode copy = ((ObjectNode) c).deepCopy();
                    if (finishing) copy.putNull("finish_reason");
                    texts.add(copy);
                    if (finishing) {
                        ObjectNode finish = ((ObjectNode) c).deepCopy();
                        finish.putObject("delta");
                        later.add(finish);
                    }
                } else {
                    later.add(c);
                }
            }
            if (!texts.isEmpty()) {
                if (now.hasNonNull("usage")) now.putNull("usage");
                write(data(now));
                chunk.set("choices", later);
            }
            holding = true;
        }
        pass(chunk.equals(original) ? raw : data(chunk), chunk);
        return false;
    }

    private static Call callFor(Choice choice, JsonNode delta) {
        int index;
        if (delta.has("index")) {
            index = delta.path("index").asInt();
        } else {
            // no index (some OpenAI-compatible servers): a delta with a new id starts a call, the rest continue one
            String id = delta.path("id").asText("");
            Map.Entry<Integer, Call> last = choice.calls.lastEntry();
            if (last == null) {
                index = 0;
            } else {
                String lastId = last.getValue().id;
                index = !id.isEmpty() && lastId != null && !id.equals(lastId) ? last.getKey() + 1 : last.getKey();
            }
        }
        return choice.calls.computeIfAbsent(index, i -> new Call());
    }

    /** Sends an event now, or keeps it once the finish has been seen. */
    private void pass(String raw, ObjectNode chunk) throws IOException {
        if (holding) {
            held.add(new Held(raw, chunk));
        } else {
            write(raw);
        }
    }

    /** The upstream is done: judge the calls, then send what is allowed, what was blocked, and the held events. */
    private void finish() throws IOException {
        for (Map.Entry<Integer, Choice> e : choices.entrySet()) {
            int index = e.getKey();
            Choice choice = e.getValue();
            List<Call> calls = new ArrayList<>(choice.calls.values());
            if (choice.legacy != null) calls.add(choice.legacy);
            if (calls.isEmpty()) continue;
            List<PolicyProxy.Verdict> blocked = new ArrayList<>();
            int sent = 0;
            String model = envelope == null ? context.model() : envelope.path("model").asText(context.model());
            for (Call call : calls) {
                PolicyProxy.Verdict v = proxy.judge(call.id, call.name == null ? "" : call.name,
                        PolicyProxy.JSON.getNodeFactory().textNode(call.arguments.toString()), model, context);
                if (v.blocks()) {
                    blocked.add(v);
                    continue;
                }
                ObjectNode delta = PolicyProxy.JSON.createObjectNode();
                if (call == choice.legacy) {
                    delta.putObject("function_call").put("name", call.name).put("arguments", call.arguments.toString());
                } else {
                    ObjectNode c = delta.putArray("tool_calls").addObject().put("index", sent++);
                    if (call.id != null) c.put("id", call.id);
                    c.put("type", call.type == null ? "function" : call.type);
                    c.putObject("function").put("name", call.name).put("arguments", call.arguments.toString());
                }
                write(data(chunkOf(index, delta)));
            }
            if (blocked.isEmpty()) continue;
            String text = (choice.sawContent ? "\n" : "") + PolicyProxy.explanation(blocked);
            write(data(chunkOf(index, PolicyProxy.JSON.createObjectNode().put("content", text))));
            choice.allBlocked = blocked.size() == calls.size();
        }
        for (Held h : held) {
            boolean changed = false;
            if (h.chunk() != null) {
                for (JsonNode node : h.chunk().path("choices")) {
                    Choice choice = choices.get(node.path("index").asInt(0));
                    if (node instanceof ObjectNode c && choice != null && choice.allBlocked
                            && PolicyProxy.isCallFinish(c.path("finish_reason").asText(""))) {
                        c.put("finish_reason", "stop");
                        changed = true;
                    }
                }
            }
            write(changed ? data(h.chunk()) : h.raw());
        }
        write("data: [DONE]\n\n");
    }

    /** A chunk of the proxy's own, in the upstream's envelope, with one choice's delta. */
    private ObjectNode chunkOf(int index, ObjectNode delta) {
        ObjectNode chunk = envelope == null ? PolicyProxy.JSON.createObjectNode() : envelope.deepCopy();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
        choice.set("delta", delta);
        choice.putNull("finish_reason");
        // with stream_options.include_usage every chunk but the last carries "usage": null
        if (usageField) chunk.putNull("usage");
        return chunk;
    }

    /** The chunk without its choices and usage. */
    private static ObjectNode envelopeOf(ObjectNode chunk) {
        ObjectNode out = chunk.deepCopy();
        out.remove("choices");
        out.remove("usage");
        return out;
    }

    private static String data(ObjectNode chunk) {
        return "data: " + chunk + "\n\n";
    }

    private void write(String event) throws IOException {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
