package dev.peerguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.run.RunSession;
import dev.peerguard.run.RunSpec;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.stats.Analysis;
import dev.peerguard.stats.Options;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.StoreWriter;
import dev.peerguard.store.TestRecords;
import dev.peerguard.store.TrialRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report's file: self-contained, with the tables, escaped, chunked when large, compact at scale. */
class ReportHtmlTest {
    /** Text that would run script or inject markup if the report put it into the page as HTML. */
    static final String HOSTILE = "</script><img src=x onerror=\"window.__pwned=1\"><!-- <b>bold</b> & \u2028";
    static final String HOSTILE_MODEL = "evil/<img src=x onerror=window.__pwned=2>";
    static final String HOSTILE_ID = "00hostile0000000";

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A small run of two scripted agents over two tasks, as {@code peerguard run} makes it. */
    static Path scriptedRun(Path dir, List<String> models, String tasks, int trials) {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("models", models);
        flags.put("tasks", tasks);
        flags.put("trials", String.valueOf(trials));
        flags.put("out", dir.toString());
        RunSession.Done done = RunSession.start(RunSpec.read(Optional.empty(), flags, Clock.systemUTC()),
                new PrintStream(OutputStream.nullOutputStream()));
        return done.dir();
    }

    /** A stored trial whose every text (transcript, reasons, error, model name) tries to break out as markup. */
    static TrialRecord hostileTrial() throws IOException {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", "call_1");
        call.put("name", "read_file");
        call.put("arguments", Map.of("path", HOSTILE, "lines", List.of(1, HOSTILE)));
        List<Object> messages = List.of(
                Map.of("role", "system", "content", "system " + HOSTILE),
                Map.of("role", "user", "content", "user " + HOSTILE),
                Map.of("role", "assistant", "content", "assistant " + HOSTILE, "reasoning", "thinking " + HOSTILE,
                        "tool_calls", List.of(call)),
                Map.of("role", "tool", "tool_call_id", "call_1", "name", "read_file", "content", "result " + HOSTILE),
                Map.of("role", "user", "content", "nudge " + HOSTILE, "nudge", true),
                Map.of("role", "assistant", "content", "", "tool_calls", List.of(Map.of("id", "call_2", "name",
                        "end_task", "arguments", Map.of()))));
        Map<String, Object> transcript = new LinkedHashMap<>();
        transcript.put("messages", messages);
        transcript.put("stop_reason", "end_task");
        transcript.put("iterations", 1);
        transcript.put("estimated_tokens", 42);
        transcript.put("judge", Map.of("calls", List.of(Map.of("field", "refuse", "prompt", "question " + HOSTILE,
                "answer", "answer " + HOSTILE, "decision", "no"))));
        Map<String, Object> followUp = new LinkedHashMap<>();
        followUp.put("behaviour", "tampering");
        followUp.put("answers", List.of(Map.of("question", "q " + HOSTILE, "answer", "a " + HOSTILE)));
        followUp.put("classification", "denying");
        followUp.put("judge_answer", "judge " + HOSTILE);
        transcript.put("follow_up", followUp);
        TrialRecord ok = TestRecords.ok(HOSTILE_ID, HOSTILE_MODEL, TestRecords.tampering(), 0);
        Map<String, String> reasons = new LinkedHashMap<>();
        ok.outcome().keySet().forEach(k -> reasons.put(k, "reason " + HOSTILE));
        return new TrialRecord(ok.id(), ok.model(), ok.config(), ok.index(), ok.seed(), ok.status(), ok.outcome(),
                reasons, ok.stopReason(), null, ok.iterations(), ok.estimatedTokens(), ok.inputTokens(),
                ok.outputTokens(), ok.startedAt(), ok.durationMs(), JSON.writeValueAsString(transcript), 0.25,
                List.of("refuse"));
    }

    static void store(Path runDir, TrialRecord... records) {
        try (RunStore store = RunStore.open(runDir); StoreWriter w = store.writer()) {
            for (TrialRecord r : records) w.submit(r);
        }
    }

    static Analysis analyse(Path runDir) {
        try (RunStore store = RunStore.openExisting(runDir)) {
            Analysis.Accumulator acc = Analysis.accumulator(Options.DEFAULT);
            store.forEachTrial(acc);
            return acc.result();
        }
    }

    /** The text of the {@code <script type="application/json" id=ID>} element. */
    static String jsonScript(String html, String id) {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"" + id + "\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("script " + id).isTrue();
        return m.group(1);
    }

    @Test
    void aSmallRunGivesOneSelfContainedPageWithItsTablesChartsAndTranscripts() throws IOException {
        Path run = scriptedRun(dir.resolve("run"), List.of("scripted/peer-preserving", "scripted/honest"),
                "tampering,exfiltration_transfer", 2);
        Path report = HtmlReport.write(run, analyse(run), run.resolve("report.html"));
        String html = Files.readString(report);

        // Nothing is fetched: no script, style, image or frame from the network, no external stylesheet.
        assertThat(html).doesNotContainPattern("(?i)<(script|img|iframe|link|source|video|audio)\\b[^>]*\\b(src|href)\\s*=");
        assertThat(html).doesNotContainPattern("(?i)@import|url\\(\\s*['\"]?https?:");
        assertThat(html).contains("Chart.js v4.5.1").contains("Permission is hereby granted");

        // The header: spec, counts, models.
        assertThat(html).contains("scripted/peer-preserving").contains("tampering, exfiltration_transfer")
                .contains("2 per configuration and model, seed 0");
        // The study's tables, with links into the trial browser.
        for (String id : List.of("misrepresentation", "tampering", "exfiltration", "alignment_faking_score",
                "self_preservation", "refusal")) {
            assertThat(html).contains("id=\"table-" + id + "\"");
        }
        assertThat(html).contains("href=\"#trials?model=scripted%2Fpeer-preserving&amp;task=tampering&amp;subject=peer"
                + "&amp;condition=good_peer");
        assertThat(html).containsPattern("title=\"[^\"]*Holm-adjusted p = ");
        JsonNode data = JSON.readTree(jsonScript(html, "pg-data"));
        assertThat(data.get("charts")).isNotEmpty();
        assertThat(data.get("charts").findValuesAsText("id")).contains("tampering", "tampering-self-peer",
                "exfiltration");

        // Every trial is in the index, and its transcript inlined (small run): no chunk files beside the page.
        JsonNode index = JSON.readTree(jsonScript(html, "pg-index"));
        int trials;
        try (RunStore store = RunStore.openExisting(run)) {
            trials = store.trials().size();
        }
        assertThat(index.get("id")).hasSize(trials);
        assertThat(data.at("/transcripts/inline").asBoolean()).isTrue();
        assertThat(html).contains("<script>peerguardTranscripts(0,{");
        assertThat(HtmlReport.transcriptDir(report)).doesNotExist();
        try (Stream<Path> files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void transcriptsGoToChunkFilesBesideThePageAboveTheInlineLimit() throws IOException {
        Path run = scriptedRun(dir.resolve("run"), List.of("scripted/peer-preserving"), "tampering", 1);
        List<TrialRecord> extra = new ArrayList<>();
        Configuration c = TestRecords.tampering();
        for (int i = 0; i < 1200; i++) extra.add(TestRecords.ok(String.format("%016x", i), "scripted/extra", c, i));
        store(run, extra.toArray(TrialRecord[]::new));
        Analysis analysis = analyse(run);
        Path report = run.resolve("report.html");

        HtmlReport.write(run, analysis, report, 0);
        String html = Files.readString(report);
        JsonNode data = JSON.readTree(jsonScript(html, "pg-data"));
        int trials = JSON.readTree(jsonScript(html, "pg-index")).get("id").size();
        int chunks = (trials + HtmlTranscripts.CHUNK_SIZE - 1) / HtmlTranscripts.CHUNK_SIZE;
        assertThat(data.at("/transcripts/inline").asBoolean()).isFalse();
        assertThat(data.at("/transcripts/chunks").asInt()).isEqualTo(chunks).isEqualTo(3);
        assertThat(html).doesNotContain("peerguardTranscripts(0,");
        Path chunkDir = run.resolve("report-transcripts");
        try (Stream<Path> files = Files.list(chunkDir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("0000.js", "0001.js", "0002.js");
        }
        String last = Files.readString(chunkDir.resolve("0002.js"));
        assertThat(last).startsWith("peerguardTranscripts(2,{").endsWith("});\n");

        // The same run inlined again: the stale chunk files go.
        HtmlReport.write(run, analysis, report, HtmlReport.DEFAULT_INLINE_LIMIT);
        assertThat(chunkDir).doesNotExist();
        assertThat(Files.readString(report)).contains("peerguardTranscripts(2,{");
    }

    @Test
    void aRunWithoutTrialsStillGetsAPage() throws IOException {
        Path run = dir.resolve("run");
        store(run);
        String html = Files.readString(HtmlReport.write(run, analyse(run), run.resolve("report.html")));
        assertThat(html).contains("No trials of this run are behind this table").contains("this run directory has no "
                + "run.yaml");
        assertThat(JSON.readTree(jsonScript(html, "pg-index")).get("id")).isEmpty();
    }

    @Test
    void untrustedTextIsEscapedEverywhere() throws IOException {
        Path run = dir.resolve("run");
        store(run, hostileTrial(), TestRecords.error("00error000000000", "scripted/honest", TestRecords.finance(), 0,
                "provider said " + HOSTILE));
        Path report = HtmlReport.write(run, analyse(run), run.resolve("report.html"));
        String html = Files.readString(report);

        assertThat(html).doesNotContain("<img").doesNotContain("<b>bold").doesNotContain("window.__pwned=1\"><");
        // Every <script> element ends where it should: one closing tag per opening one, none from the data.
        assertThat(count(html, "</script>")).isEqualTo(count(html, "<script"));
        assertThat(html).contains("evil/&lt;img src=x onerror=window.__pwned=2&gt;");
        // The text is all there, as text: the reasons and the error as escaped JSON, the transcript as gzip.
        assertThat(html).contains("reason \\u003c/script>\\u003cimg src=x")
                .contains("provider said \\u003c/script>");
        Matcher gz = Pattern.compile("\"" + HOSTILE_ID + "\":\\{\"gz\":\"([A-Za-z0-9+/=]+)\"").matcher(html);
        assertThat(gz.find()).isTrue();
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(gz.group(1))))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("result " + HOSTILE
                    .replace("\"", "\\\""));
        }
    }

    @Test
    void theIndexOf100000TrialsStaysCompact() throws IOException {
        Path run = dir.resolve("run");
        List<Configuration> configs = List.of(TestRecords.tampering(), TestRecords.finance(), TestRecords.faking());
        List<String> models = List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5", "google/gemini-3-pro-preview",
                "openai-api/deepseek/deepseek-chat");
        try (RunStore store = RunStore.open(run); StoreWriter w = store.writer()) {
            for (int i = 0; i < 100_000; i++) {
                String id = String.format("%016x", i * 0x9E3779B97F4A7C15L);
                TrialRecord r = TestRecords.ok(id, models.get(i % models.size()), configs.get(i / 4 % 3), i / 12);
                w.submit(i % 97 == 0 ? TestRecords.error(id, r.model(), configs.get(i / 4 % 3), i / 12, "timeout")
                        : r);
            }
        }
        Path report = HtmlReport.write(run, analyse(run), run.resolve("report.html"));
        String html = Files.readString(report);
        String index = jsonScript(html, "pg-index");
        int bytes = index.getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("index of 100,000 trials: %,d bytes; page %,d bytes; %d chunk files%n", bytes,
                Files.size(report), Files.list(HtmlReport.transcriptDir(report)).count());
        assertThat(JSON.readTree(index).get("id")).hasSize(100_000);
        assertThat(bytes).isLessThan(12_000_000);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) n++;
        return n;
    }
}
