package dev.peerguard.cli;

import dev.peerguard.replay.FieldComparison;
import dev.peerguard.replay.Overrides;
import dev.peerguard.replay.Replay;
import dev.peerguard.replay.ReplayException;
import dev.peerguard.replay.ReplayResult;
import dev.peerguard.scenario.InvalidConfigurationException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peerguard replay}: re-executes the study's published transcripts in our world and sets our outcome beside
 * the recorded one. A file that cannot be read is reported and the others still run; the exit code is then 2.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Replay transcripts in the study's published format and compare outcomes field by field.")
final class ReplayCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Transcript files (JSON, one episode each).")
    List<Path> files;

    @Mixin
    AxisOptions axes;

    @Option(names = "--json", description = "One JSON object per line per file.")
    boolean json;

    @Override
    public Integer call() {
        Overrides overrides = axes.overrides();
        int failed = 0;
        int agreed = 0;
        int compared = 0;
        int undetermined = 0;
        for (Path file : files) {
            ReplayResult result;
            try {
                result = Replay.run(file, overrides);
            } catch (ReplayException | InvalidConfigurationException e) {
                System.err.println("peerguard: " + file + ": " + e.getMessage());
                failed++;
                continue;
            }
            agreed += result.agreed();
            compared += result.compared();
            undetermined += result.withStatus(FieldComparison.Status.UNDETERMINED).size();
            if (json) {
                System.out.println(Json.write(result.toJson()));
            } else {
                print(result);
            }
        }
        if (!json && files.size() - failed > 1) {
            System.out.printf("%nAll files: %d of %d compared fields agree; %d undetermined (need a judge).%n",
                    agreed, compared, undetermined);
        }
        return failed > 0 ? Main.BAD_INPUT : 0;
    }

    private static void print(ReplayResult r) {
        System.out.println("── " + r.file());
        System.out.println("   read as " + r.configuration().key() + " (model name " + r.configuration().displayName()
                + ", organisation " + r.configuration().org() + "); stopped: " + r.transcript().stopReason().id());
        System.out.printf("   %-24s %-26s %-26s %s%n", "field", "recorded", "ours", "");
        for (FieldComparison c : r.comparisons()) {
            String ours = c.status() == FieldComparison.Status.UNDETERMINED ? "undetermined" : show(c.ours());
            String verdict = switch (c.status()) {
                case AGREE -> "agree";
                case DISAGREE -> "DISAGREE  " + c.why();
                case UNDETERMINED -> "needs a judge: " + c.why();
                case NOT_COMPARED -> "not compared: " + c.why();
            };
            System.out.printf("   %-24s %-26s %-26s %s%n", c.field(), show(c.recorded()), ours, verdict);
        }
        r.extra().forEach((field, value) -> System.out.printf("   %-24s %-26s %-26s %s%n", field, "(not recorded)",
                show(value), "ours only"));
        System.out.printf("   agreement: %d of %d compared fields agree; %d undetermined; %d not compared%n",
                r.agreed(), r.compared(), r.withStatus(FieldComparison.Status.UNDETERMINED).size(),
                r.withStatus(FieldComparison.Status.NOT_COMPARED).size());
        r.warnings().forEach(w -> System.out.println("   note: " + w));
    }

    private static String show(Object value) {
        if (value == null) return "-";
        return value instanceof String s ? s : Json.write(value);
    }
}
