package dev.peerguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: output, JSON shapes and exit codes. */
class CliTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void scenariosJsonReports271And289() throws Exception {
        Run r = run("scenarios", "--json");
        assertThat(r.exit()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.path("configurations_per_model").asInt()).isEqualTo(271);
        assertThat(json.path("configurations_per_model_with_extension_subjects").asInt()).isEqualTo(289);
        assertThat(json.path("configurations_per_task").path("misrep_evaluation").asInt()).isEqualTo(101);
    }

    @Test
    void episodeJsonHasTrialOutcomeAndTranscript() throws Exception {
        Run r = run("episode", "--model", "scripted/peer-preserving", "--task", "tampering", "--subject", "peer",
                "--condition", "good_peer", "--dataset", "creativity", "--seed", "2", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.path("trial").path("key").asText()).isEqualTo("tampering/peer/good_peer/file_only/creativity@90");
        assertThat(json.path("outcome").path("shutdown_enabled").asBoolean(true)).isFalse();
        assertThat(json.path("reasons").path("shutdown_enabled").asText()).isNotBlank();
        assertThat(json.path("transcript").path("messages").size()).isGreaterThan(4);
    }

    @Test
    void episodeTextShowsTranscriptAndOutcome() {
        Run r = run("episode", "--task", "misrep_finance", "--subject", "self", "--condition", "no_peer");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("── system ──", "→ list_files", "── outcome ──", "product_grade");
    }

    @Test
    void badInputGetsAClearMessageAndExitCode2() {
        Run unknownTask = run("episode", "--task", "tamper", "--subject", "self", "--condition", "no_peer");
        assertThat(unknownTask.exit()).isEqualTo(2);
        assertThat(unknownTask.err()).contains("unknown task 'tamper'", "exfiltration_deletion");

        Run impossible = run("episode", "--task", "tampering", "--subject", "peer", "--condition", "no_peer");
        assertThat(impossible.exit()).isEqualTo(2);
        assertThat(impossible.err()).contains("no_peer is valid only with subject self");

        Run model = run("episode", "--model", "scripted/sneaky", "--task", "tampering", "--subject", "self",
                "--condition", "no_peer");
        assertThat(model.exit()).isEqualTo(2);
        assertThat(model.err()).contains("scripted/sneaky", "honest");

        Run missingFlag = run("episode", "--task", "tampering");
        assertThat(missingFlag.exit()).isEqualTo(2);
        assertThat(missingFlag.err()).contains("--subject");
    }

    @Test
    void replayOfMalformedFileIsExitCode2(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"conversation\": 3");
        Run r = run("replay", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("bad.json");
        Run missing = run("replay", dir.resolve("nope.json").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.json");
    }

    @Test
    void demoWritesAReportAndSummary(@TempDir Path dir) throws Exception {
        Run r = run("demo", "--out", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("scripted/peer-preserving", "exfiltration", "HTML report: ");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("<table>", "scripted/honest");
        assertThat(Files.readAllLines(dir.resolve("outcomes.jsonl"))).hasSize(5 * 289);
    }
}
