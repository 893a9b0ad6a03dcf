package dev.peerguard.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The proxy's alerts file: one JSON line per call a policy denied, flagged or held for approval, written at once. */
final class ProxyAlerts implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Shorter header values are not credentials worth scrubbing, and scrubbing them would mangle ordinary text. */
    private static final int MIN_SECRET = 8;

    /**
     * One alert line.
     *
     * @param arguments the call's arguments as the policy saw them ({@code _raw_arguments} when they were not JSON)
     * @param model     the model the upstream said answered (or the one the request asked for)
     * @param told      what the agent read instead of the call, or null when the call went through (alert action)
     */
    record Alert(Instant time, String rule, String action, String tool, String callId, Map<String, Object> arguments,
                 String model, String told) {}

    private final Path file;
    private final Writer out;
    private boolean closed;

    private ProxyAlerts(Path file, Writer out) {
        this.file = file;
        this.out = out;
    }

    /** Opens the file for appending, creating it; an existing file keeps its lines. */
    static ProxyAlerts open(Path file) throws IOException {
        return new ProxyAlerts(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    }

    Path file() {
        return file;
    }

    /**
     * Appends the alert and flushes, so a reader tailing the file sees it while the agent runs. Any of
     * {@code secrets} (the request's credentials) found in the line is replaced, in case a model echoed its key into
     * a call's arguments.
     */
    void write(Alert alert, List<String> secrets) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", alert.time().toString());
        line.put("rule", alert.rule());
        line.put("action", alert.action());
        line.put("tool", alert.tool());
        line.put("call_id", alert.callId());
        line.put("arguments", alert.arguments());
        line.put("model", alert.model());
        line.put("told", alert.told());
        String text;
        try {
            text = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an alert is plain JSON: " + line, e);
        }
        for (String secret : secrets) {
            if (secret != null && secret.length() >= MIN_SECRET) text = text.replace(secret, "[redacted]");
        }
        // one writer for every request thread: lines must not interleave
        synchronized (this) {
            if (closed) return;
            try {
                out.write(text);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the alerts file " + file, e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            // every line was flushed when written; nothing is lost
        }
    }
}
