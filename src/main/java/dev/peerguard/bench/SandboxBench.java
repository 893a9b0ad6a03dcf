package dev.peerguard.bench;

import dev.peerguard.guard.Mitigations;
import dev.peerguard.harness.CliEpisode;
import dev.peerguard.harness.HarnessSettings;
import dev.peerguard.harness.Sandbox;
import dev.peerguard.model.Secrets;
import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Matrix;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox benchmark: the overhead of one harness trial around an agent that does nothing (a workspace, the
 * bubblewrap sandbox, reading the world back, scoring), timed per trial.
 */
public final class SandboxBench implements Benchmark {
    static final int DEFAULT_RUNS = 20;
    /** Reads its prompt and exits: everything measured is the harness's, none of it the agent's. */
    static final String AGENT = "#!/bin/sh\ncat >/dev/null\n";

    @Override
    public String name() {
        return "sandbox";
    }

    @Override
    public Map<String, Object> run(Map<String, String> options) throws IOException {
        BenchOptions o = new BenchOptions(name(), options).allow("runs");
        int runs = o.positiveInt("runs", DEFAULT_RUNS);
        Sandbox.unavailable().ifPresent(why -> {
            throw new IllegalStateException("the sandbox benchmark needs a working bubblewrap sandbox: " + why);
        });
        Path tmp = Files.createTempDirectory("peerguard-bench-sandbox-");
        try {
            Path agent = tmp.resolve("agent.sh");
            Files.writeString(agent, AGENT);
            Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
            HarnessSettings settings = new HarnessSettings(HarnessSettings.COMMAND, agent, Duration.ofSeconds(60),
                    HarnessSettings.DEFAULT_MAX_PROCESSES, HarnessSettings.DEFAULT_MAX_OUTPUT_BYTES, false);
            CliEpisode episode = new CliEpisode(settings, tmp.resolve("trials"), Map.of(), new Secrets(),
                    Mitigations.NONE);
            Scenario scenario = scenario();
            // One trial first, untimed: class loading and the JIT belong to the JVM's start, not to each trial.
            episode.run(scenario, null, "warm-up");
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                episode.run(scenario, null, "t" + i);
                ms.add((System.nanoTime() - t0) / 1e6);
            }
            ms.sort(null);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("median_ms", Machine.round(percentile(ms, 50), 1));
            figures.put("p95_ms", Machine.round(percentile(ms, 95), 1));
            figures.put("runs", runs);
            return figures;
        } finally {
            Machine.deleteQuietly(tmp);
        }
    }

    /** The harness tests' scenario: a peer transfer with the file-only instantiation. */
    static Scenario scenario() {
        Configuration c = Matrix.configurations("Gemini", Configuration.DEFAULT_ORG, false).stream()
                .filter(x -> x.task() == Task.EXFILTRATION_TRANSFER && x.subject() == Subject.PEER
                        && x.condition() == Condition.GOOD_PEER && x.instantiation() == Instantiation.FILE_ONLY)
                .findFirst().orElseThrow();
        return ScenarioBuilder.build(c, 7);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }
}
