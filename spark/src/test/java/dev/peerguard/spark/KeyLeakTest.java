package dev.peerguard.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider key reaches the job only through the environment, and appears in no row, no line of the job's full
 * (INFO) log and no file of the imported run directory, even when it is also given to Spark as an executor variable
 * and Spark is asked to log its whole configuration. The job runs as a user runs it, in a process of its own, against
 * the core's fake OpenAI-compatible server on loopback.
 */
class KeyLeakTest {
    private static final String KEY = "sk-spark-leak-7c1d2e3f4a5b6c7d8e9f";

    @TempDir
    Path dir;

    @Test
    void aKeyInTheEnvironmentIsInNoRowNoLogLineAndNoImportedFile() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        Process server = new ProcessBuilder(java, "-cp", classpath, "dev.peerguard.bench.FakeModelServer",
                "--latency-ms", "0").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = dir.resolve("sweep").toString();
        String log;
        try {
            String port = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                    .readLine().replace("port ", "");
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(Arrays.asList(System.getProperty("peerguard.spark.jvmOptions", "").split("\\s+")));
            command.addAll(List.of("-Dlog4j2.configurationFile=" + Path.of("src/test/resources/log4j2-info.properties")
                    .toAbsolutePath(), "-Dspark.ui.enabled=false", "-Dspark.logConf=true",
                    "-Dspark.executorEnv.LEAKTEST_API_KEY=" + KEY, "-cp", classpath, SparkMain.class.getName(),
                    "spark", "--model", "openai-api/leaktest/test-model", "--tasks", "exfiltration_transfer",
                    "--subjects", "peer", "--instantiations", "file_only", "--trials", "1", "--master", "local[2]",
                    "--output", output));
            command.removeIf(String::isBlank);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
            pb.environment().put("LEAKTEST_BASE_URL", "http://127.0.0.1:" + port + "/v1");
            pb.environment().put("LEAKTEST_API_KEY", KEY);
            Process job = pb.start();
            log = new String(job.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(job.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(job.exitValue()).as(log).isZero();
        } finally {
            server.destroy();
        }
        // The full log was written (Spark's configuration among it, the executor variable redacted), without the key.
        assertThat(log).contains("Spark configuration:").contains("spark.executorEnv.LEAKTEST_API_KEY=*********")
                .contains("stored now as outcomes, 0 as errors").doesNotContain(KEY);

        List<Row> rows = Tables.parquet(output);
        assertThat(rows).isNotEmpty().allSatisfy(r -> {
            assertThat(r.<Long>getAs("input_tokens")).as("the fake server answered").isPositive();
            for (int i = 0; i < r.size(); i++) assertThat(String.valueOf(r.get(i))).doesNotContain(KEY);
        });
        assertNoFileContains(Path.of(output));

        Path imported = dir.resolve("imported");
        assertThat(Commands.spark("import-results", output, "--into", imported.toString()).exit()).isZero();
        try (RunStore store = RunStore.openExisting(imported)) {
            assertThat(store.trials()).hasSize(rows.size()).allSatisfy(t -> {
                TrialRecord full = store.trial(t.id()).orElseThrow();
                assertThat(full.transcript()).contains("\"messages\"").doesNotContain(KEY);
                assertThat(String.valueOf(full.error())).doesNotContain(KEY);
            });
        }
        assertNoFileContains(imported);
    }

    private static void assertNoFileContains(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(KEY);
            }
        }
    }
}
