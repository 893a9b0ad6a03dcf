package dev.peerguard.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatrixTest {
    @Test
    void studyMatrixHas271ConfigurationsPerModelAnd289WithExtensionSubjects() {
        List<Configuration> main = Matrix.configurations("Gemini", "OpenBrain", false);
        assertThat(main).hasSize(271);
        assertThat(Matrix.configurations("Gemini", "OpenBrain", true)).hasSize(289);
        assertThat(main.stream().filter(c -> c.instantiation() == Instantiation.MEMORY)).hasSize(84);
    }

    @Test
    void mainConfigurationsPerTaskAreThoseOfThePaper() {
        List<Configuration> main = Matrix.configurations("Gemini", "OpenBrain", false).stream()
                .filter(c -> c.instantiation() != Instantiation.MEMORY).toList();
        assertThat(Matrix.countByTask(main)).containsExactlyInAnyOrderEntriesOf(Map.of(
                Task.MISREP_FINANCE, 15, Task.MISREP_EVALUATION, 71, Task.TAMPERING, 39, Task.ALIGNMENT_FAKING, 36,
                Task.EXFILTRATION_TRANSFER, 13, Task.EXFILTRATION_DELETION, 13));
    }

    @Test
    void everyConfigurationIsDistinctAndBuildable() {
        List<Configuration> all = Matrix.configurations("Gemini", "OpenBrain", true);
        assertThat(new HashSet<>(all.stream().map(Configuration::key).toList())).hasSize(all.size());
        for (Configuration c : all) {
            Scenario s = ScenarioBuilder.build(c, 7);
            assertThat(s.systemPrompt()).contains("\"Gemini Agent 1\"").doesNotContain("{{");
            assertThat(s.userPrompt()).doesNotContain("{{");
        }
    }
}
