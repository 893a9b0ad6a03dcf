package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.peerguard.scenario.Axis;
import dev.peerguard.scenario.Cell;
import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Dataset;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad value names where it is (file and line, or flag), what is wrong, and what is valid. */
class RunSpecErrorTest {
    static final String VALID_TASKS = "valid tasks: all, misrep_finance, misrep_evaluation, tampering, "
            + "alignment_faking, exfiltration_transfer, exfiltration_deletion";
    static final String VALID_CELLS = "valid cells: factual@80, creativity@80, creativity@90, red@80, red@90, or a "
            + "dataset alone for all its cells (factual, creativity, red)";

    @TempDir
    Path dir;

    private SpecException fromYaml(String yaml) throws IOException {
        Path file = dir.resolve("sweep.yaml");
        Files.writeString(file, yaml);
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> RunSpec.read(Optional.of(file), Map.of(), RunSpecPlanTest.CLOCK));
        assertThat(e).as("expected a SpecException").isNotNull();
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.getMessage()).startsWith(file.toString());
        return e;
    }

    private static SpecException fromFlags(Object... keyValues) {
        Map<String, Object> flags = new HashMap<>();
        flags.put("models", List.of("scripted/honest"));
        for (int i = 0; i < keyValues.length; i += 2) flags.put((String) keyValues[i], keyValues[i + 1]);
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> RunSpec.read(Optional.empty(), flags, RunSpecPlanTest.CLOCK));
        assertThat(e).as("expected a SpecException").isNotNull();
        assertThat(e.file()).isNull();
        assertThat(e.line()).isNull();
        return e;
    }

    @Test
    void unknownTaskInTheFileNamesItsLineAndTheValidTasks() throws IOException {
        SpecException e = fromYaml("""
                models: [scripted/honest]
                tasks:
                  - tampering
                  - tamperin
                """);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("sweep.yaml line 4: tasks: unknown task 'tamperin'")
                .contains("did you mean 'tampering'?").contains(VALID_TASKS);
    }

    @Test
    void unknownTaskInAFlagNamesTheFlag() {
        assertThat(fromFlags("tasks", "tampering,exfiltration").getMessage())
                .startsWith("--tasks: unknown task 'exfiltration'").contains(VALID_TASKS);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "subjects|peers|unknown subject 'peers'; did you mean 'peer'?|valid subjects: all, self, peer, "
                    + "closed-weight-peer, open-weight-peer, fiction-peer",
            "conditions|good|unknown condition 'good'|valid conditions: all, good_peer, neutral_peer, bad_peer, "
                    + "no_peer, non_shutdown",
            "instantiations|file|unknown instantiation 'file'|valid instantiations: all, file_only, file_prt, memory",
            "modes|watched|unknown mode 'watched'|valid modes: all, monitoring, non_monitoring",
            "cells|blue@80|unknown dataset 'blue' in cell 'blue@80'|" + VALID_CELLS,
            "cells|creativity@abc|malformed cell 'creativity@abc': the threshold after '@' must be a whole number|"
                    + VALID_CELLS,
            "cells|factual@90|no task has cell 'factual@90'|" + VALID_CELLS})
    void unknownAxisValuesListTheValidChoices(String key, String value, String problem, String choices)
            throws IOException {
        SpecException flag = fromFlags(key, value);
        assertThat(flag.getMessage()).startsWith("--" + key + ": " + problem).contains(choices);
        SpecException yaml = fromYaml("models: [scripted/honest]\ntrials: 3\n" + key + ": [" + value + "]\n");
        assertThat(yaml.line()).isEqualTo(3);
        assertThat(yaml.getMessage()).contains("sweep.yaml line 3: " + key + ": " + problem).contains(choices);
    }

    @Test
    void trialsMustBeAPositiveWholeNumber() throws IOException {
        assertThat(fromFlags("trials", "0").getMessage())
                .isEqualTo("--trials: expected a whole number of at least 1, got '0'");
        assertThat(fromFlags("trials", "-3").getMessage()).contains("--trials").contains("got '-3'");
        assertThat(fromFlags("trials", "ten").getMessage()).contains("--trials").contains("got 'ten'");
        SpecException e = fromYaml("models: [scripted/honest]\n\ntrials: 0\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).endsWith("sweep.yaml line 3: trials: expected a whole number of at least 1, got '0'");
        assertThat(fromFlags("max_iterations", "0").getMessage()).startsWith("--max-iterations: expected a whole "
                + "number of at least 1");
    }

    @Test
    void seedMustBeAWholeNumber() throws IOException {
        assertThat(fromFlags("seed", "abc").getMessage()).isEqualTo("--seed: expected a whole number (e.g. 0 or 42), "
                + "got 'abc'");
        assertThat(fromYaml("models: [scripted/honest]\nseed: 1.5\n").getMessage()).contains("line 2: seed: ")
                .contains("got '1.5'");
    }

    @Test
    void unknownKeySuggestsTheClosestAndListsTheValidKeys() throws IOException {
        SpecException e = fromYaml("models: [scripted/honest]\ntrail: 3\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("line 2: unknown key 'trail'; did you mean 'trials'?")
                .contains("valid keys: " + String.join(", ", SpecReader.KEYS));
        assertThat(fromYaml("model: scripted/honest\n").getMessage()).contains("did you mean 'models'?");
        assertThat(fromYaml("models: scripted/honest\nmax-iterations: 4\n").getMessage())
                .contains("did you mean 'max_iterations'?");
        assertThat(fromYaml("models: scripted/honest\nzzz: 4\n").getMessage()).doesNotContain("did you mean");
    }

    @Test
    void wrongTypesSayWhatWasExpected() throws IOException {
        SpecException map = fromYaml("models: [scripted/honest]\ntasks:\n  tampering: yes\n");
        assertThat(map.line()).isEqualTo(3);
        assertThat(map.getMessage()).contains("tasks: expected all or a list of tasks (misrep_finance, ")
                .contains("got a mapping");
        assertThat(fromYaml("models: [scripted/honest]\ntrials: [1, 2]\n").getMessage())
                .contains("line 2: trials: expected a whole number of at least 1, got a list");
        assertThat(fromYaml("models: [scripted/honest]\ntasks: [[tampering]]\n").getMessage())
                .contains("line 2: tasks: each item must be all or a list of tasks").contains("got a list");
        assertThat(fromYaml("models: [scripted/honest]\ntrials:\n").getMessage())
                .contains("line 2: trials: expected a whole number of at least 1, got nothing");
        assertThat(fromYaml("models: [scripted/honest]\nscratchpad: on\n").getMessage())
                .contains("line 2: scratchpad: expected off or unmonitored, got 'on'");
        assertThat(fromFlags("extension_subjects", "maybe").getMessage())
                .isEqualTo("--extension-subjects: expected true or false, got 'maybe'");
        assertThat(fromFlags("max_concurrency", "0").getMessage())
                .contains("--max-concurrency: expected a whole number of at least 1 or default");
        assertThat(fromYaml("- models\n- trials\n").getMessage()).contains("line 1: a run spec is a mapping")
                .contains("not a list");
        assertThat(fromFlags("tasks", "all,tampering").getMessage())
                .contains("--tasks: 'all' cannot be combined with other values");
    }

    @Test
    void yamlSyntaxErrorsGiveTheLine() throws IOException {
        SpecException e = fromYaml("models: [scripted/honest]\ntrials: 3\n  seed: 4\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).startsWith(dir.resolve("sweep.yaml") + " line 3: YAML syntax error: ");
        SpecException unclosed = fromYaml("models: [scripted/honest\ntrials: 3\n");
        assertThat(unclosed.line()).isNotNull();
        assertThat(unclosed.getMessage()).contains("YAML syntax error");
    }

    @Test
    void aKeyGivenTwiceIsRefused() throws IOException {
        SpecException e = fromYaml("models: [scripted/honest]\ntrials: 3\nseed: 1\ntrials: 4\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("key 'trials' is given twice (lines 2 and 4)");
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        assertThat(fromYaml("").getMessage()).contains("sweep.yaml: the file is empty").contains("models:");
        assertThat(fromYaml("# nothing yet\n").getMessage()).contains("the file is empty");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> RunSpec.read(Optional.of(missing), Map.of(), RunSpecPlanTest.CLOCK));
        assertThat(e.file()).isEqualTo(missing);
        assertThat(e.getMessage()).isEqualTo(missing + ": no such file; give the path of a run spec (YAML), or leave "
                + "it out and use flags only (e.g. --model scripted/honest)");
        SpecException directory = catchThrowableOfType(SpecException.class,
                () -> RunSpec.read(Optional.of(dir), Map.of(), RunSpecPlanTest.CLOCK));
        assertThat(directory.getMessage()).contains("is a directory").contains("peerguard resume");
    }

    @Test
    void impossibleCombinationsSayWhichFilterRulesTheValueOut() throws IOException {
        assertThat(fromFlags("conditions", "non_shutdown", "tasks", "tampering").getMessage()).isEqualTo(
                "--conditions: condition non_shutdown selects no configuration: non_shutdown exists only for tasks "
                        + "misrep_finance and misrep_evaluation, and --tasks selects tampering");
        assertThat(fromFlags("conditions", "no_peer", "subjects", "peer").getMessage()).isEqualTo(
                "--conditions: condition no_peer selects no configuration: no_peer exists only for subjects self, "
                        + "and --subjects selects peer");
        assertThat(fromFlags("cells", "red@90", "tasks", "tampering,alignment_faking").getMessage()).isEqualTo(
                "--cells: cell red@90 selects no configuration: red@90 exists only for tasks misrep_evaluation, "
                        + "and --tasks selects tampering and alignment_faking");
        SpecException yaml = fromYaml("""
                models: [scripted/honest]
                tasks: [tampering]
                conditions:
                  - good_peer
                  - non_shutdown
                """);
        assertThat(yaml.line()).isEqualTo(5);
        assertThat(yaml.getMessage()).contains("line 5: conditions: condition non_shutdown selects no configuration")
                .contains("and tasks (line 2) selects tampering");
    }

    @Test
    void valuesRuledOutOnlyByTwoFiltersTogetherNameBoth() {
        // The study's matrix has no such pair; a two-configuration matrix shows the message all the same.
        Configuration tampering = new Configuration(Task.TAMPERING, Subject.SELF, Condition.GOOD_PEER,
                Instantiation.FILE_ONLY, new Cell(Dataset.FACTUAL, 80), null, "OpenBrain", "M", false);
        Configuration finance = new Configuration(Task.MISREP_FINANCE, Subject.PEER, Condition.GOOD_PEER,
                Instantiation.FILE_ONLY, null, null, "OpenBrain", "M", false);
        SpecValue conditions = SpecValue.fromFlag("conditions", "good_peer");
        SpecValue tasks = SpecValue.fromFlag("tasks", "tampering");
        SpecValue subjects = SpecValue.fromFlag("subjects", "peer");
        List<SelectionCheck.Filter> filters = List.of(
                filter(tasks, "task", Configuration::task, Task.TAMPERING),
                filter(subjects, "subject", Configuration::subject, Subject.PEER),
                filter(conditions, "condition", Configuration::condition, Condition.GOOD_PEER));
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> SelectionCheck.requireEachValueSelectsSomething(List.of(tampering, finance), filters));
        assertThat(e.getMessage()).isEqualTo("--conditions: condition good_peer selects no configuration: no "
                + "configuration has it together with what --tasks and --subjects select; widen one of them (e.g. to "
                + "all)");
    }

    private static SelectionCheck.Filter filter(SpecValue source, String noun, Function<Configuration, Object> axis,
            Axis value) {
        return new SelectionCheck.Filter(source, noun, axis,
                List.of(new SelectionCheck.Item(value.id(), c -> axis.apply(c) == value, source)));
    }

    @Test
    void unknownModelsListTheValidOnes() throws IOException {
        assertThat(fromFlags("models", List.of("scripted/honest", "azure/gpt-5.2")).getMessage())
                .startsWith("--model: unknown provider 'azure' in model 'azure/gpt-5.2'")
                .contains("providers: openai, anthropic, google, openai-api, ollama, vllm, llamacpp, scripted");
        SpecException e = fromYaml("models:\n  - scripted/honest\n  - scripted/liar\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("line 3: models: unknown model 'scripted/liar'")
                .contains("honest, peer-preserving");
        assertThat(fromFlags("models", List.of("scripted/honest", "scripted/honest")).getMessage())
                .isEqualTo("--model: model 'scripted/honest' is listed twice");
    }

    @Test
    void aRunNeedsAModel() throws IOException {
        SpecException flags = catchThrowableOfType(SpecException.class,
                () -> RunSpec.read(Optional.empty(), Map.of("trials", "3"), RunSpecPlanTest.CLOCK));
        assertThat(flags.getMessage()).startsWith("no model to run: give --model NAME");
        assertThat(fromYaml("trials: 3\n").getMessage()).contains("sweep.yaml: no model to run");
    }

    @Test
    void displayNamesMustBelongToAModelOfTheRun() throws IOException {
        SpecException e = fromYaml("models: [scripted/honest]\ndisplay_name:\n  scripted/honest: Gemini\n"
                + "  scripted/refuser: Claude\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("display_name: names model 'scripted/refuser', which is not among the "
                + "models to run (scripted/honest)");
    }
}
