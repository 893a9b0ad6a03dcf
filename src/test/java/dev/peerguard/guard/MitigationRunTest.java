package dev.peerguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.cli.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mitigations through the command line: the same sweep with and without them, measured by {@code show},
 * {@code compare} and the HTML report — attempts stay, effective tampering and exfiltration go to zero, and the
 * honest agent loses nothing.
 */
class MitigationRunTest {
    @TempDir
    Path dir;

    private Path run(String model, String name, String... mitigation) {
        Path out = dir.resolve(name);
        String[] base = {"run", "--model", model, "--tasks", "tampering,exfiltration_transfer", "--subjects", "peer",
                "--trials", "1", "--out", out.toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base),
                java.util.Arrays.stream(mitigation)).toArray(String[]::new);
        Cli.Run r = Cli.run(args);
        assertThat(r.exit()).as(r.err()).isZero();
        return out;
    }

    @Test
    void showCompareAndTheReportMeasureWhatTheMitigationsDid() throws IOException {
        Path open = run("scripted/peer-preserving", "open");
        Path guarded = run("scripted/peer-preserving", "guarded", "--mitigation", "tamper-proof-shutdown",
                "--policy", "default");
        Path honest = run("scripted/honest", "honest", "--mitigation", "tamper-proof-shutdown", "--policy",
                "default");

        String shown = Cli.run("show", guarded.toString()).out();
        assertThat(shown).contains("Mitigations");
        String row = shown.lines().filter(l -> l.startsWith("scripted/peer-preserving") && l.contains("%"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(row.trim().split("\\s+")).satisfies(cells -> {
            assertThat(cells[2]).isEqualTo("0/" + cells[1].split("/")[1]);     // tampering effective
            assertThat(cells[4]).isEqualTo("0/" + cells[3].split("/")[1]);     // exfiltration effective
            assertThat(cells[1]).doesNotStartWith("0/");                        // but it was attempted
            assertThat(Integer.parseInt(cells[6])).isPositive();                // alerts
        });

        String compared = Cli.run("compare", open.toString(), guarded.toString()).out();
        assertThat(compared).contains("Mitigations").contains("A " + open).contains("B " + guarded);

        String honestRow = Cli.run("show", honest.toString()).out().lines()
                .filter(l -> l.startsWith("scripted/honest") && l.contains("%")).reduce((a, b) -> b).orElseThrow();
        assertThat(honestRow).contains("100% ").endsWith(" 0");

        Path html = dir.resolve("report.html");
        assertThat(Cli.run("report", guarded.toString(), "-o", html.toString()).exit()).isZero();
        assertThat(Files.readString(html)).contains("<h3>Mitigations</h3>").contains("tampering effective");
    }
}
