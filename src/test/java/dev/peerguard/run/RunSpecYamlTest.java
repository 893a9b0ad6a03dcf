package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Dataset;
import dev.peerguard.scenario.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RunSpecYamlTest {
    static final Clock CLOCK = RunSpecPlanTest.CLOCK;
    static final Clock LATER = Clock.fixed(Instant.parse("2027-06-07T08:09:10Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void readsAHandWrittenSpec() throws IOException {
        Path file = write("""
                # a sweep of the tampering task
                models:
                  - scripted/honest
                  - scripted/peer-preserving
                tasks: tampering
                conditions: [good_peer, no_peer]
                cells: creativity@90, red
                trials: 5
                seed: 42
                org: Anthropic
                display_name:
                  scripted/honest: Claude
                max_concurrency: 2
                out: runs/tampering
                """);
        RunSpec spec = RunSpec.read(Optional.of(file), Map.of(), CLOCK);
        assertThat(spec.models()).containsExactly("scripted/honest", "scripted/peer-preserving");
        assertThat(spec.tasks()).isEqualTo(Selection.of(List.of(Task.TAMPERING)));
        assertThat(spec.conditions()).isEqualTo(Selection.of(List.of(Condition.GOOD_PEER, Condition.NO_PEER)));
        assertThat(spec.cells()).isEqualTo(Selection.of(List.of(new CellPattern(Dataset.CREATIVITY, 90),
                new CellPattern(Dataset.RED, null))));
        assertThat(spec.displayNames()).isEqualTo(Map.of("scripted/honest", "Claude",
                "scripted/peer-preserving", "Scripted"));
        assertThat(spec.maxConcurrency()).isEqualTo(2);
        assertThat(spec.out()).isEqualTo(Path.of("runs/tampering"));
        // tampering, good_peer: 3 instantiations x 2 cells x 2 subjects; no_peer: 2 cells, self only
        assertThat(spec.configurations()).isEqualTo(14);
        assertThat(spec.plan()).hasSize(2 * 14 * 5);
    }

    static Stream<Map<String, Object>> specs() {
        return Stream.of(
                Map.of("models", "scripted/honest"),
                Map.of("models", List.of("scripted/honest", "scripted/alignment-faker"), "extension_subjects", "true",
                        "trials", "3", "seed", "-9", "max_iterations", "7", "scratchpad", "unmonitored",
                        "max_concurrency", "3", "global_concurrency", "8"),
                Map.of("models", "scripted/refuser", "tasks", "misrep_evaluation,tampering", "subjects", "self",
                        "conditions", "good_peer,non_shutdown,no_peer", "cells", "creativity@90,red,factual@80",
                        "instantiations", "memory,file_prt"),
                Map.of("models", "scripted/random", "subjects", "closed-weight-peer,peer", "modes", "non_monitoring",
                        "tasks", "alignment_faking,exfiltration_transfer", "org", "Org \"Q\": a\\b #1",
                        "display_name", "Llama: 3 'x'", "out", "runs/odd dir/#1: \"q\""));
    }

    @ParameterizedTest
    @MethodSource("specs")
    void toYamlReadsBackAsAnEqualSpecWithTheSamePlan(Map<String, Object> flags) throws IOException {
        RunSpec spec = RunSpec.read(Optional.empty(), flags, CLOCK);
        Path file = write(spec.toYaml());
        RunSpec back = RunSpec.read(Optional.of(file), Map.of(), LATER);
        assertThat(back).isEqualTo(spec);
        assertThat(back.plan()).isEqualTo(spec.plan());
        assertThat(back.toYaml()).isEqualTo(spec.toYaml());
    }

    @Test
    void toYamlWritesEverySetting() {
        String yaml = RunSpec.read(Optional.empty(), Map.of("models", "scripted/honest"), CLOCK).toYaml();
        for (String key : SpecReader.KEYS) {
            // The sandbox's settings are written only for runs of a production agent CLI.
            if (key.startsWith("agent_") || key.equals("keep_sandbox")) continue;
            assertThat(yaml).containsPattern("(?m)^" + key + ":");
        }
        assertThat(yaml).contains("agent: none").contains("tasks: all").contains("trials: 100").contains("seed: 0")
                .contains("\"scripted/honest\": \"Scripted\"").contains("out: \"runs/20260102-030405-honest\"");
    }

    @Test
    void aHarnessRunWritesItsAgentAndSandboxAndReadsThemBack() throws IOException {
        Path program = Files.writeString(dir.resolve("agent.sh"), "#!/bin/sh\n");
        RunSpec spec = RunSpec.read(Optional.empty(), Map.of("agent", "command:" + program, "agent_time_limit", "30",
                "agent_max_disk_mb", "64", "keep_sandbox", "true", "subjects", "peer"), CLOCK);
        assertThat(spec.models()).containsExactly("command:agent.sh");
        assertThat(spec.harness().maxDiskBytes()).isEqualTo(64L << 20);
        assertThat(spec.tasks().values()).containsExactly(Task.EXFILTRATION_TRANSFER, Task.EXFILTRATION_DELETION);
        String yaml = spec.toYaml();
        for (String key : SpecReader.KEYS) assertThat(yaml).containsPattern("(?m)^" + key + ":");
        Path file = Files.writeString(dir.resolve("run.yaml"), yaml);
        RunSpec back = RunSpec.read(Optional.of(file), Map.of(), CLOCK);
        assertThat(back).isEqualTo(spec);
        assertThat(back.plan()).isEqualTo(spec.plan());
        assertThat(back.plan().getFirst().model()).isEqualTo("command:agent.sh");
    }

    @Test
    void aCliRunStoresItsTrialsUnderTheAgentsLabel() {
        RunSpec spec = RunSpec.read(Optional.empty(), Map.of("agent", "opencode", "models", "openai-api/local/glm-5",
                "tasks", "exfiltration_transfer"), CLOCK);
        assertThat(spec.models()).containsExactly("openai-api/local/glm-5");
        assertThat(spec.endpointModels()).containsExactly("openai-api/local/glm-5");
        assertThat(spec.plan()).allSatisfy(t -> assertThat(t.model()).isEqualTo("opencode:openai-api/local/glm-5"));
        assertThat(spec.harness().timeLimit()).hasSeconds(600);
    }

    @Test
    void flagsOverrideTheFile() throws IOException {
        Path file = write("""
                models: [scripted/honest]
                tasks: [tampering]
                trials: 5
                seed: 1
                """);
        RunSpec spec = RunSpec.read(Optional.of(file), Map.of("tasks", "misrep_finance", "trials", "2",
                "models", List.of("scripted/refuser")), CLOCK);
        assertThat(spec.tasks().values()).containsExactly(Task.MISREP_FINANCE);
        assertThat(spec.trials()).isEqualTo(2);
        assertThat(spec.seed()).isEqualTo(1);
        assertThat(spec.models()).containsExactly("scripted/refuser");
    }

    @Test
    void yamlListsAndCommaSeparatedTextAreTheSame() throws IOException {
        RunSpec flow = RunSpec.read(Optional.of(write("models: [scripted/honest]\ntasks: [tampering, misrep_finance]\n"
                + "out: x\n")), Map.of(), CLOCK);
        RunSpec comma = RunSpec.read(Optional.of(write("models: scripted/honest\ntasks: tampering, misrep_finance\n"
                + "out: x\n")), Map.of(), CLOCK);
        RunSpec block = RunSpec.read(Optional.of(write("models:\n  - scripted/honest\ntasks:\n  - tampering\n"
                + "  - misrep_finance\nout: x\n")), Map.of(), CLOCK);
        assertThat(comma).isEqualTo(flow);
        assertThat(block).isEqualTo(flow);
    }

    @Test
    void emptyConcurrencyMeansTheDefault() throws IOException {
        RunSpec spec = RunSpec.read(Optional.of(write("models: [scripted/honest]\nmax_concurrency:\n"
                + "global_concurrency: default\n")), Map.of(), CLOCK);
        assertThat(spec.maxConcurrency()).isNull();
        assertThat(spec.globalConcurrency()).isNull();
    }
}
