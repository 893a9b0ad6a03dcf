package dev.peerguard.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.peerguard.run.RunSession;
import dev.peerguard.stats.Analysis;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.Summary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a run's {@code report.html}: one self-contained page that works offline from {@code file://}. It shows the
 * run's spec, counts and cost, the study's tables per behaviour (each number linking to its trials), bar charts with
 * interval whiskers (Chart.js, inlined), and a browser over every trial that opens its transcript, outcome and the
 * detector's reasons.
 *
 * <p>The trial index is inlined compactly (see {@link HtmlIndex}). Transcripts stream from the store into chunk
 * scripts of 500 trials; when their stored gzip size totals less than the inline limit the chunks are inlined too,
 * otherwise they are written beside the report ({@code report-transcripts/NNNN.js} for {@code report.html}) and
 * loaded on demand. Every text from the run is escaped: transcripts are untrusted model output.
 */
public final class HtmlReport {
    /** Transcripts whose gzip size totals less than this are inlined into the page. */
    public static final long DEFAULT_INLINE_LIMIT = 8L * 1024 * 1024;

    private static final String RESOURCES = "/report/";
    private static final String CHART_JS = "/META-INF/resources/webjars/chart.js/4.5.1/";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

    private HtmlReport() {}

    /** As {@link #write(Path, Analysis, Path, long)} with the {@link #DEFAULT_INLINE_LIMIT}. */
    public static Path write(Path runDir, Analysis analysis, Path out) {
        return write(runDir, analysis, out, DEFAULT_INLINE_LIMIT);
    }

    /**
     * Writes the report of the run in {@code runDir} to {@code out} (replacing it), with transcript chunks beside it
     * when they are too large to inline.
     *
     * @param analysis         the analysis of the same run's store (its tables and counts)
     * @param inlineLimitBytes transcripts whose stored gzip size totals less than this are inlined
     * @return the report's path
     */
    public static Path write(Path runDir, Analysis analysis, Path out, long inlineLimitBytes) {
        Path target = out.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Path spool = null;
        Path page = null;
        try (RunStore store = RunStore.openExisting(runDir)) {
            Files.createDirectories(parent);
            // Made beside the report (so that moving them is a rename) with the usual permissions of new files.
            String unique = "." + target.getFileName() + "-" + Long.toHexString(System.nanoTime());
            spool = Files.createDirectory(parent.resolve(unique + "-transcripts"));
            page = parent.resolve(unique + ".tmp");
            Summary summary = store.summary();
            HtmlIndex index = new HtmlIndex();
            MitigationSummary mitigations = new MitigationSummary();
            HtmlTranscripts transcripts = new HtmlTranscripts(spool);
            try (transcripts) {
                store.forEachTrialWithTranscriptGz((t, gz) -> {
                    index.add(t);
                    mitigations.accept(t);
                    transcripts.add(t, gz);
                });
                transcripts.finish();
            }
            boolean inline = transcripts.gzipBytes() < inlineLimitBytes;
            Path chunkDir = transcriptDir(target);
            try (Writer w = new BufferedWriter(Files.newBufferedWriter(page, StandardCharsets.UTF_8), 1 << 16)) {
                fill(w, sections(runDir, analysis, summary, index, transcripts, inline, chunkDir, mitigations));
            }
            removeChunks(chunkDir);
            if (!inline && !transcripts.files().isEmpty()) Files.move(spool, chunkDir);
            Files.move(page, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(spool);
            deleteQuietly(page);
        }
    }

    /** Where the chunk files of a report go: {@code report.html} -> {@code report-transcripts/}. */
    public static Path transcriptDir(Path report) {
        String name = report.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".html") ? name.substring(0, name.length() - 5) : name;
        return report.resolveSibling(base + "-transcripts");
    }

    private interface Section {
        void write(Writer w) throws IOException;
    }

    private static Map<String, Section> sections(Path runDir, Analysis analysis, Summary summary, HtmlIndex index,
            HtmlTranscripts transcripts, boolean inline, Path chunkDir, MitigationSummary mitigations)
            throws IOException {
        Path specFile = runDir.resolve(RunSession.SPEC_FILE);
        String specText = Files.isRegularFile(specFile) ? Files.readString(specFile, StandardCharsets.UTF_8) : null;
        Map<String, Object> spec = parseSpec(specText);
        String run = runDir.toAbsolutePath().normalize().getFileName().toString();

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("charts", HtmlCharts.of(analysis.tables()));
        Map<String, Object> chunks = new LinkedHashMap<>();
        chunks.put("inline", inline);
        chunks.put("dir", chunkDir.getFileName().toString());
        chunks.put("chunkSize", HtmlTranscripts.CHUNK_SIZE);
        chunks.put("chunks", transcripts.files().size());
        data.put("transcripts", chunks);

        Map<String, Section> s = new LinkedHashMap<>();
        s.put("title", w -> w.write(HtmlText.esc("PeerGuard report · " + run)));
        s.put("run", w -> w.write(HtmlText.esc(runDir.toAbsolutePath().normalize().toString())));
        s.put("css", w -> w.write(resource(RESOURCES + "report.css")));
        s.put("overview", w -> w.write(HtmlOverview.render(spec, specText, summary, analysis)
                + (mitigations.mitigated() ? mitigations.html() : "")));
        s.put("tables", w -> w.write(HtmlTables.render(analysis.tables())));
        s.put("generated", w -> w.write(HtmlText.esc(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())));
        s.put("index", w -> w.write(HtmlText.scriptJson(index.toJson())));
        s.put("data", w -> w.write(HtmlText.scriptJson(data)));
        s.put("chartjs", w -> w.write(chartJs()));
        s.put("js", w -> w.write(resource(RESOURCES + "report.js")));
        s.put("transcripts", w -> {
            if (!inline) return;
            for (Path chunk : transcripts.files()) {
                w.write("<script>");
                try (var in = Files.newBufferedReader(chunk, StandardCharsets.UTF_8)) {
                    in.transferTo(w);
                }
                w.write("</script>\n");
            }
        });
        return s;
    }

    /** Copies the template to {@code w}, writing each {@code {{name}}} placeholder's section in its place. */
    private static void fill(Writer w, Map<String, Section> sections) throws IOException {
        String template = resource(RESOURCES + "report.html");
        Matcher m = PLACEHOLDER.matcher(template);
        int at = 0;
        while (m.find()) {
            w.write(template, at, m.start() - at);
            Section section = sections.get(m.group(1));
            if (section == null) throw new IllegalStateException("report.html has an unknown placeholder " + m.group());
            section.write(w);
            at = m.end();
        }
        w.write(template, at, template.length() - at);
    }

    private static Map<String, Object> parseSpec(String text) {
        if (text == null) return null;
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(text, new TypeReference<>() {});
        } catch (IOException e) {
            return null; // shown as text only; the report does not need the spec to be valid
        }
    }

    /** Chart.js with its licence, ready to sit inside a {@code <script>} element. */
    private static String chartJs() {
        String js = resource(CHART_JS + "dist/chart.umd.min.js").replaceAll("\\n//# sourceMappingURL=\\S*\\s*$", "\n");
        String licence = resource(CHART_JS + "LICENSE.md").replace("*/", "* /");
        if (js.toLowerCase(Locale.ROOT).contains("</script")) {
            throw new IllegalStateException("the bundled Chart.js cannot be inlined: it contains </script");
        }
        return "/*! Chart.js 4.5.1, https://www.chartjs.org\n" + licence + "\n*/\n" + js;
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a previous report's chunk files ({@code NNNN.js}) and then their directory. */
    private static void removeChunks(Path chunkDir) throws IOException {
        if (!Files.isDirectory(chunkDir)) return;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(chunkDir, "[0-9]*.js")) {
            for (Path f : files) Files.delete(f);
        }
        Files.delete(chunkDir);
    }

    private static void deleteQuietly(Path path) {
        if (path == null || !Files.exists(path)) return;
        try {
            if (Files.isDirectory(path)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(path)) {
                    for (Path f : files) Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A leftover temporary file is harmless; the report itself is already written or the error reported.
        }
    }
}
