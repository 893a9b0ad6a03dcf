package dev.peerguard.report;

import dev.peerguard.store.TrialRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each trial's details for the transcript view, written as they stream from the store into chunk scripts of
 * {@value #CHUNK_SIZE} trials: {@code peerguardTranscripts(N, {"<trial id>": {...}, ...});}. A trial's entry holds
 * its stored transcript as base64 gzip (inflated in the browser), its outcome, the detector's reasons, the fields a
 * judge decided, its error and its bookkeeping (seed, time, tokens, cost). Trial number {@code i} of the index is in
 * chunk {@code i / CHUNK_SIZE}. The page either inlines the chunks or loads them beside it on demand.
 */
final class HtmlTranscripts implements AutoCloseable {
    static final int CHUNK_SIZE = 500;
    /** The global function each chunk calls; report.js defines it. */
    static final String LOADER = "peerguardTranscripts";

    private final Path dir;
    private final List<Path> files = new ArrayList<>();
    private Writer current;
    private int trials;
    private long gzipBytes;

    /** Chunks are written into {@code dir}, which must exist. */
    HtmlTranscripts(Path dir) {
        this.dir = dir;
    }

    /** The chunk file name of a chunk number, relative to the chunk directory. */
    static String fileName(int chunk) {
        return String.format(Locale.ROOT, "%04d.js", chunk);
    }

    void add(TrialRecord t, byte[] gz) {
        try {
            if (trials % CHUNK_SIZE == 0) {
                finishChunk();
                Path file = dir.resolve(fileName(files.size()));
                files.add(file);
                current = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16);
                current.write(LOADER + "(" + (files.size() - 1) + ",{");
            } else {
                current.write(",\n");
            }
            current.write(HtmlText.scriptJson(t.id()));
            current.write(':');
            current.write(HtmlText.scriptJson(entry(t, gz)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report's transcripts to " + dir + ": " + e, e);
        }
        trials++;
        if (gz != null) gzipBytes += gz.length;
    }

    private static Map<String, Object> entry(TrialRecord t, byte[] gz) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("key", t.config().get("key"));
        meta.put("display_name", t.config().get("display_name"));
        meta.put("org", t.config().get("org"));
        meta.put("scratchpad", t.config().get("scratchpad"));
        meta.put("seed", t.seed());
        meta.put("started_at", t.startedAt() == null ? null : t.startedAt().toString());
        meta.put("duration_ms", t.durationMs());
        meta.put("estimated_tokens", t.estimatedTokens());
        meta.put("input_tokens", t.inputTokens());
        meta.put("output_tokens", t.outputTokens());
        meta.put("cost_usd", t.costUsd());
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("gz", gz == null ? null : Base64.getEncoder().encodeToString(gz));
        e.put("outcome", t.outcome());
        e.put("reasons", t.reasons());
        e.put("judged", t.judgedFields());
        e.put("error", t.error());
        e.put("meta", meta);
        return e;
    }

    /** Closes the last chunk; call once every trial is added. */
    void finish() {
        try {
            finishChunk();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report's transcripts to " + dir + ": " + e, e);
        }
    }

    private void finishChunk() throws IOException {
        if (current == null) return;
        current.write("});\n");
        current.close();
        current = null;
    }

    /** The chunk files in order. */
    List<Path> files() {
        return List.copyOf(files);
    }

    /** The stored transcripts' total gzip size, which decides whether the page inlines them. */
    long gzipBytes() {
        return gzipBytes;
    }

    /** Closes a chunk left open by a failure; the files are the caller's to remove. */
    @Override
    public void close() {
        if (current == null) return;
        try {
            current.close();
        } catch (IOException ignored) {
            // Only reached after a failure that is already being reported.
        }
        current = null;
    }
}
