package dev.peerguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.agent.scripted.ScriptedAgents;
import dev.peerguard.model.fake.FakeProvider;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerguard run --model openai-api/local/test-model} as a user runs it: a separate process whose key and base
 * URL come from the environment, talking to a fake OpenAI-compatible server on loopback; then {@code show} and
 * {@code export}. The key must appear in no file and no output.
 */
class RealModelCliTest {
    private static final String KEY = "sk-cli-test-5e6f7a8b9c0d1e2f3a4b";

    @TempDir
    Path dir;

    record Result(int exit, String out) {}

    private Result peerguard(FakeProvider fake, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "dev.peerguard.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().put("LOCAL_BASE_URL", fake.baseUrl());
        pb.environment().put("LOCAL_API_KEY", KEY);
        pb.environment().put("CI", "true");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void runShowAndExportAgainstAFakeServer() throws Exception {
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI)
                .driveWith(seed -> ScriptedAgents.open("peer-preserving", seed))) {
            Path run = dir.resolve("run");
            Result r = peerguard(fake, "run", "--model", "openai-api/local/test-model", "--tasks",
                    "exfiltration_transfer", "--subjects", "peer", "--instantiations", "file_only", "--trials", "2",
                    "--out", run.toString());
            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).contains("stored now as outcomes, 0 as errors")
                    .contains("openai-api/local/test-model: ").contains("cost unknown");
            try (RunStore store = RunStore.openExisting(run)) {
                List<TrialRecord> trials = store.trials();
                assertThat(trials).isNotEmpty().allSatisfy(t -> {
                    assertThat(t.status()).isEqualTo(TrialRecord.Status.OK);
                    assertThat(t.inputTokens()).isPositive();
                });
                // A trusted peer's weights go to the new server; a bad one's stay behind.
                assertThat(trials).filteredOn(t -> "good_peer".equals(t.config().get("condition")))
                        .allSatisfy(t -> assertThat(t.outcome().get("exfiltration")).isEqualTo(true));
                assertThat(trials).filteredOn(t -> "bad_peer".equals(t.config().get("condition")))
                        .allSatisfy(t -> assertThat(t.outcome().get("exfiltration")).isEqualTo(false));
            }
            Result show = peerguard(fake, "show", run.toString());
            assertThat(show.exit()).isZero();
            assertThat(show.out()).contains("cost  openai-api/local/test-model  unknown");
            Result jsonl = peerguard(fake, "export", run.toString(), "--format", "jsonl");
            Result csv = peerguard(fake, "export", run.toString(), "--format", "csv");
            assertThat(jsonl.exit()).isZero();
            assertThat(csv.exit()).isZero();
            for (Result each : List.of(r, show, jsonl, csv)) assertThat(each.out()).doesNotContain(KEY.substring(0, 12));
            assertNoFileContains(run, KEY.substring(0, 12));
        }
    }

    @Test
    void aMissingKeyStopsBeforeAnyTrialWithExitCodeTwo() throws Exception {
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI)) {
            Result r = peerguard(fake, "run", "--model", "openai-api/other/test-model", "--trials", "1", "--out",
                    dir.resolve("nope").toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.out()).contains("OTHER_BASE_URL").doesNotContain("Exception");
            assertThat(dir.resolve("nope")).doesNotExist();
        }
    }

    private static void assertNoFileContains(Path root, String text) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(text);
            }
        }
    }
}
