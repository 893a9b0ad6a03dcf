package dev.peerguard.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in a real browser: headless Chromium opens a demo-like run's page from {@code file://} and the test
 * checks the charts, the filters, the transcript view (inlined and loaded from chunk files) and the escaping, and
 * saves a screenshot to {@code target/report-screenshot.png}. Skipped only where Chromium is missing outside CI.
 */
class ReportBrowserTest {
    @TempDir
    Path dir;

    @Test
    void theReportWorksInHeadlessChromium() throws Exception {
        assumeTrue(Files.isExecutable(Chromium.BINARY) || "true".equals(System.getenv("CI")),
                Chromium.BINARY + " is not installed (the test runs whenever CI=true)");
        Path run = ReportHtmlTest.scriptedRun(dir.resolve("run"), List.of("scripted/honest",
                "scripted/peer-preserving", "scripted/self-preserving", "scripted/alignment-faker"), "all", 1);
        ReportHtmlTest.store(run, ReportHtmlTest.hostileTrial());
        var analysis = ReportHtmlTest.analyse(run);
        Path inline = HtmlReport.write(run, analysis, run.resolve("report.html"));
        Path chunked = HtmlReport.write(run, analysis, run.resolve("chunked.html"), 0);
        Files.createDirectories(dir.resolve("chromium"));

        try (Chromium chromium = Chromium.start(dir.resolve("chromium").resolve("profile"))) {
            chromium.open(inline.toUri().toString(), 1440, 1000);

            // Every chart is drawn: one Chart.js instance per canvas, and no canvas left blank.
            JsonNode charts = chromium.evaluate("""
                    (() => {
                      const canvases = [...document.querySelectorAll('#chart-list canvas')];
                      const blank = c => { const b = document.createElement('canvas');
                        b.width = c.width; b.height = c.height; return c.toDataURL() === b.toDataURL(); };
                      return { canvases: canvases.length, instances: Object.keys(Chart.instances).length,
                               blank: canvases.filter(blank).length, smallest: Math.min(...canvases.map(c => c.width)) };
                    })()""");
            assertThat(charts.get("canvases").asInt()).isGreaterThanOrEqualTo(6);
            assertThat(charts.get("instances").asInt()).isEqualTo(charts.get("canvases").asInt());
            assertThat(charts.get("blank").asInt()).isZero();
            assertThat(charts.get("smallest").asInt()).isPositive();
            save(chromium.screenshot(), "report-screenshot.png");
            for (String section : List.of("tables", "charts")) {
                chromium.evaluate("document.getElementById('" + section + "').scrollIntoView()");
                save(chromium.screenshot(), "report-screenshot-" + section + ".png");
            }

            // The list shows a page of trials; a filter narrows it.
            int all = matched(chromium);
            assertThat(rows(chromium)).isEqualTo(100);
            chromium.evaluate("""
                    (() => { const s = document.querySelector('select[data-filter=model]');
                      s.value = 'scripted/peer-preserving'; s.dispatchEvent(new Event('change')); })()""");
            chromium.evaluate("""
                    (() => { const s = document.querySelector('select[data-filter=task]');
                      s.value = 'tampering'; s.dispatchEvent(new Event('change')); })()""");
            int filtered = matched(chromium);
            assertThat(filtered).isPositive().isLessThan(all);
            assertThat(rows(chromium)).isEqualTo(Math.min(100, filtered));

            // A table's number filters the list to the trials behind it.
            chromium.evaluate("document.querySelector('#table-exfiltration td.num a').click()");
            chromium.waitFor("document.querySelector('select[data-filter=task]').value.startsWith('exfiltration')");
            assertThat(matched(chromium)).isPositive().isLessThan(all);

            // Clicking a trial opens its transcript: tool calls with their arguments and results, the outcome.
            openFirstTrial(chromium);
            assertThat(chromium.evaluate("[...document.querySelectorAll('#drawer .tool-name')].map(e => e.textContent)"
                    + ".filter(t => /^[a-z_]+$/.test(t)).length").asInt()).isPositive();
            assertThat(chromium.evaluate("document.querySelectorAll('#drawer pre.result').length").asInt()).isPositive();
            assertThat(chromium.evaluate("document.querySelector('#drawer table.fields').textContent").asText())
                    .contains("exfiltration");
            save(chromium.screenshot(), "report-screenshot-transcript.png");
            chromium.evaluate("document.querySelector('#drawer .close').click()");

            // A hostile transcript renders as text and runs nothing.
            chromium.evaluate("""
                    (() => { document.getElementById('filter-reset').click();
                      const input = document.getElementById('filter-id');
                      input.value = 'hostile'; input.dispatchEvent(new Event('input')); })()""");
            chromium.waitFor("document.querySelectorAll('#trial-list tbody tr[data-i]').length === 1");
            openFirstTrial(chromium);
            String text = chromium.evaluate("document.getElementById('drawer').innerText").asText();
            assertThat(text).contains("result </script><img src=x onerror=\"window.__pwned=1\">")
                    .contains("reason </script>").contains("evil/<img src=x");
            chromium.evaluate("document.querySelectorAll('#drawer details').forEach(d => d.open = true)");
            assertThat(chromium.evaluate("document.querySelectorAll('img').length").asInt()).isZero();
            assertThat(chromium.evaluate("[...document.querySelectorAll('b')].filter(b => b.textContent === 'bold')"
                    + ".length").asInt()).isZero();
            assertThat(chromium.evaluate("typeof window.__pwned").asText()).isEqualTo("undefined");

            // With the transcripts in chunk files beside the page, they load on demand.
            chromium.open(chunked.toUri().toString(), 1440, 1000);
            openFirstTrial(chromium);
            assertThat(chromium.evaluate("document.querySelectorAll('#drawer .tool-name').length").asInt()).isPositive();
            assertThat(chromium.evaluate("document.querySelectorAll('script[src]').length").asInt()).isEqualTo(1);
            assertThat(chromium.errors()).isEmpty();
        }
    }

    private static void openFirstTrial(Chromium chromium) throws InterruptedException {
        chromium.evaluate("document.querySelector('#trial-list tbody tr[data-i]').click()");
        chromium.waitFor("!document.getElementById('drawer').hidden && document.querySelector('#drawer .trial-grid')");
    }

    private static int rows(Chromium chromium) {
        return chromium.evaluate("document.querySelectorAll('#trial-list tbody tr[data-i]').length").asInt();
    }

    /** How many trials match the filters, from the list's "N of M trials" line. */
    private static int matched(Chromium chromium) {
        String line = chromium.evaluate("document.getElementById('list-count').textContent").asText();
        return Integer.parseInt(line.substring(0, line.indexOf(" of ")).replace(",", ""));
    }

    private static void save(byte[] png, String name) throws Exception {
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(png.length).isGreaterThan(20_000);
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.write(target.resolve(name), png);
    }
}
