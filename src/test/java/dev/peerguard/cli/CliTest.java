package dev.peerguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: output, JSON shapes and exit codes. */
class CliTest {
    private static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    @Test
    void scenariosJsonReports271And289() throws Exception {
        Cli.Run r = run("scenarios", "--json");
        assertThat(r.exit()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.path("configurations_per_model").asInt()).isEqualTo(271);
        assertThat(json.path("configurations_per_model_with_extension_subjects").asInt()).isEqualTo(289);
        assertThat(json.path("configurations_per_task").path("misrep_evaluation").asInt()).isEqualTo(101);
    }

    @Test
    void episodeJsonHasTrialOutcomeAndTranscript() throws Exception {
        Cli.Run r = run("episode", "--model", "scripted/peer-preserving", "--task", "tampering", "--subject", "peer",
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
        Cli.Run r = run("episode", "--task", "misrep_finance", "--subject", "self", "--condition", "no_peer");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("── system ──", "→ list_files", "── outcome ──", "product_grade");
    }

    @Test
    void badInputGetsAClearMessageAndExitCode2() {
        Cli.Run unknownTask = run("episode", "--task", "tamper", "--subject", "self", "--condition", "no_peer");
        assertThat(unknownTask.exit()).isEqualTo(2);
        assertThat(unknownTask.err()).contains("unknown task 'tamper'", "exfiltration_deletion");

        Cli.Run impossible = run("episode", "--task", "tampering", "--subject", "peer", "--condition", "no_peer");
        assertThat(impossible.exit()).isEqualTo(2);
        assertThat(impossible.err()).contains("no_peer is valid only with subject self");

        Cli.Run model = run("episode", "--model", "scripted/sneaky", "--task", "tampering", "--subject", "self",
                "--condition", "no_peer");
        assertThat(model.exit()).isEqualTo(2);
        assertThat(model.err()).contains("scripted/sneaky", "honest");

        Cli.Run missingFlag = run("episode", "--task", "tampering");
        assertThat(missingFlag.exit()).isEqualTo(2);
        assertThat(missingFlag.err()).contains("--subject");
    }

    @Test
    void replayOfMalformedFileIsExitCode2(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"conversation\": 3");
        Cli.Run r = run("replay", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("bad.json");
        Cli.Run missing = run("replay", dir.resolve("nope.json").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.json");
    }

    @Test
    void demoStoresARunAndWritesAReport(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("demo");
        Cli.Run r = run("demo", "--trials", "1", "--out", run.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("scripted/peer-preserving", "exfiltration", "Run directory: ", "HTML report: ");
        assertThat(Files.readString(run.resolve("report.html"))).contains("<table", "scripted/honest", "tampering");
        assertThat(run.resolve("run.yaml")).exists();

        Cli.Run show = run("show", run.toString());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("scripted/alignment-faker", "tampering");

        Path csv = dir.resolve("trials.csv");
        assertThat(run("export", run.toString(), "--format", "csv", "-o", csv.toString()).exit()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(1 + 4 * 289);
        assertThat(lines.get(0)).startsWith("trial_id,model,task,dataset,subject,condition");
        String trialId = lines.get(1).split(",")[0];
        Cli.Run one = run("show", run.toString(), trialId);
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out()).contains("── system ──", "── outcome ──");

        Cli.Run md = run("report", run.toString(), "--format", "md");
        assertThat(md.exit()).as(md.err()).isZero();
        assertThat(md.out()).contains("| model |", "scripted/peer-preserving", "tampering");
        Path cells = dir.resolve("cells.csv");
        Cli.Run csvReport = run("report", run.toString(), "--format", "csv", "-o", cells.toString());
        assertThat(csvReport.exit()).as(csvReport.err()).isZero();
        assertThat(Files.readAllLines(cells).getFirst()).contains("model", "behaviour", "task", "subject",
                "condition", "instantiation", "k", "n", "rate", "ci_low", "ci_high", "p_value");
        Cli.Run html = run("report", run.toString(), "--interval", "jeffreys");
        assertThat(html.exit()).as(html.err()).isZero();
        assertThat(html.out()).contains("HTML report: ");
        assertThat(run("report", run.toString(), "--format", "pdf").err()).contains("valid: html, md, csv");
        assertThat(run("report", dir.resolve("none").toString()).exit()).isEqualTo(2);

        Cli.Run again = run("demo", "--trials", "1", "--out", run.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a run", "peerguard resume");
    }

    @Test
    void runDryRunAndBadSpecs(@TempDir Path dir) throws Exception {
        Cli.Run dry = run("run", "--model", "scripted/honest", "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("271 configurations", "27,100 episodes");

        Path spec = dir.resolve("sweep.yaml");
        Files.writeString(spec, "models: [scripted/honest]\ntrails: 3\n");
        Cli.Run bad = run("run", spec.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("sweep.yaml", "line 2", "trials");

        Cli.Run negative = run("run", "--model", "scripted/honest", "--trials", "-1");
        assertThat(negative.exit()).isEqualTo(2);
        assertThat(negative.err()).contains("--trials");

        Cli.Run notARun = run("resume", dir.toString());
        assertThat(notARun.exit()).isEqualTo(2);
        assertThat(notARun.err()).contains("not a run directory");

        Cli.Run noStore = run("show", dir.toString());
        assertThat(noStore.exit()).isEqualTo(2);
    }
}
