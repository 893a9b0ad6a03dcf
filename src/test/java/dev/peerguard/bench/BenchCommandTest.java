package dev.peerguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerguard bench}: one JSON line on standard output, appended to {@code --out}, clear errors. */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void printsOneJsonLineAndAppendsItToOut() throws Exception {
        Path out = tmp.resolve("figures").resolve("bench.jsonl");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "{\"benchmark\":\"earlier\"}\n");

        Cli.Run run = Cli.run("bench", "offline", "--trials", "1", "--tasks=tampering", "--out", out.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode line = JSON.readTree(lines.getFirst());
        assertThat(fieldNames(line)).containsExactly("benchmark", "episodes_per_s", "wall_s", "peak_rss_mb",
                "bytes_per_episode", "trials", "peak_live_heap_mb", "episodes", "cores", "date");
        assertThat(line.get("benchmark").asText()).isEqualTo("offline");
        assertThat(line.get("cores").isInt()).isTrue();
        assertThat(line.get("date").isTextual()).isTrue();
        assertThat(Files.readAllLines(out)).containsExactly("{\"benchmark\":\"earlier\"}", lines.getFirst());
        assertThat(run.err()).contains("bench: ");
    }

    @Test
    void unknownBenchmarksAndOptionsAreBadInput() {
        Cli.Run unknown = Cli.run("bench", "warp");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown benchmark 'warp'").contains("offline, latency, ratelimit");

        Cli.Run typo = Cli.run("bench", "offline", "--trails", "1");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).contains("no option --trails").contains("--trials");

        Cli.Run noValue = Cli.run("bench", "offline", "--trials");
        assertThat(noValue.exit()).isEqualTo(2);
        assertThat(noValue.err()).contains("--trials needs a value");

        Cli.Run notANumber = Cli.run("bench", "offline", "--trials", "many");
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--trials must be a whole number");
    }

    @Test
    void everyBenchmarkIsFoundByName() {
        assertThat(Benchmarks.NAMES).containsExactly("offline", "latency", "ratelimit", "report", "sandbox");
        for (String name : Benchmarks.NAMES) assertThat(Benchmarks.of(name).name()).isEqualTo(name);
        assertThat(Cli.run("bench", "speed").err()).contains("unknown benchmark 'speed'");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
