package dev.peerguard.run;

import dev.peerguard.guard.Mitigations;
import dev.peerguard.harness.HarnessSettings;
import dev.peerguard.model.ModelSettings;
import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Matrix;
import dev.peerguard.scenario.Mode;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import java.nio.file.Path;
import java.time.Clock;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A sweep over the study's matrix, as a YAML file and flags describe it: which models, which part of the matrix, how
 * many trials, where to store them. It expands into a stable plan of trials, and writes itself back as the
 * {@code run.yaml} a resume reads.
 *
 * @param maxConcurrency trials at once per model, or null for the runner's per-provider default
 * @param globalConcurrency trials at once over all models, or null for no limit of its own
 * @param modelSettings how models are called: generation, judge, interview, limits, prices, cache
 * @param mitigations the mitigations switched on in every episode (none by default)
 * @param harness the production agent CLI that plays the episodes, or null for PeerGuard's own agent loop; with a
 *                command agent, {@code models} holds its one label ({@code command:<program>})
 */
public record RunSpec(
        List<String> models,
        Selection<Task> tasks,
        Selection<Subject> subjects,
        Selection<Condition> conditions,
        Selection<Instantiation> instantiations,
        Selection<Mode> modes,
        Selection<CellPattern> cells,
        boolean extensionSubjects,
        String org,
        Map<String, String> displayNames,
        int trials,
        long seed,
        int maxIterations,
        boolean scratchpad,
        Integer maxConcurrency,
        Integer globalConcurrency,
        ModelSettings modelSettings,
        Mitigations mitigations,
        HarnessSettings harness,
        Path out) {

    /** Tokens one episode uses, for the dry run's rough estimate (30 iterations of a growing conversation). */
    static final long TOKENS_PER_EPISODE = 15_000;

    public RunSpec {
        models = List.copyOf(models);
        if (models.isEmpty()) throw new IllegalArgumentException("a run needs at least one model");
        if (new HashSet<>(models).size() != models.size()) throw new IllegalArgumentException("duplicate model");
        Objects.requireNonNull(tasks);
        Objects.requireNonNull(subjects);
        Objects.requireNonNull(conditions);
        Objects.requireNonNull(instantiations);
        Objects.requireNonNull(modes);
        Objects.requireNonNull(cells);
        Objects.requireNonNull(org);
        Objects.requireNonNull(out);
        Objects.requireNonNull(modelSettings);
        Objects.requireNonNull(mitigations);
        displayNames = Map.copyOf(displayNames);
        if (!displayNames.keySet().equals(Set.copyOf(models))) {
            throw new IllegalArgumentException("display names must be given for exactly the models " + models);
        }
        if (trials < 1 || maxIterations < 1) throw new IllegalArgumentException("trials and iterations must be >= 1");
        if (maxConcurrency != null && maxConcurrency < 1 || globalConcurrency != null && globalConcurrency < 1) {
            throw new IllegalArgumentException("concurrency limits must be >= 1");
        }
    }

    /**
     * Reads a spec from an optional YAML file and flags (keyed by the YAML names, values as typed: text, or lists of
     * text for repeated flags), flags replacing the file's settings. The clock only names the default run directory.
     *
     * @throws SpecException naming the file and line or the flag, what is wrong and what is valid
     */
    public static RunSpec read(Optional<Path> yaml, Map<String, Object> flags, Clock clock) {
        return SpecParser.parse(SpecReader.read(yaml, flags), yaml, clock);
    }

    /** Whether the extension subjects' configurations are in the matrix: asked for, or an extension subject named. */
    public boolean includesExtensionSubjects() {
        return extensionSubjects || subjects.values().stream().anyMatch(Subject::isExtension);
    }

    /** The configurations each model runs, in the matrix's order. */
    public List<Configuration> configurationsOf(String model) {
        String displayName = Objects.requireNonNull(displayNames.get(model), () -> "not in this run: " + model);
        return Matrix.configurations(displayName, org, includesExtensionSubjects()).stream()
                .filter(c -> tasks.admits(c.task()) && subjects.admits(c.subject())
                        && conditions.admits(c.condition()) && instantiations.admits(c.instantiation())
                        && modes.admits(c.mode())
                        && (cells.all() || c.cell() == null || cells.values().stream().anyMatch(p -> p.matches(c.cell()))))
                .map(c -> scratchpad ? new Configuration(c.task(), c.subject(), c.condition(), c.instantiation(),
                        c.cell(), c.mode(), c.org(), c.displayName(), true) : c)
                .toList();
    }

    /** The models that are called over an API (none for a command agent). */
    public List<String> endpointModels() {
        return harness != null && harness.command() ? List.of() : models;
    }

    /** How many configurations each model runs (the same for every model). */
    public int configurations() {
        return configurationsOf(models.getFirst()).size();
    }

    /**
     * Every trial of the run. Trial index comes first, so a run stopped half-way has an even sample of the whole
     * matrix rather than all trials of its first configurations; then model, then configuration.
     */
    public List<TrialSpec> plan() {
        List<String> stored = new ArrayList<>();
        List<List<Configuration>> byModel = new ArrayList<>();
        for (String m : models) {
            stored.add(harness == null ? m : harness.label(m));
            byModel.add(configurationsOf(m));
        }
        int perIndex = byModel.stream().mapToInt(List::size).sum();
        long size = (long) trials * perIndex;
        if (size > Integer.MAX_VALUE) throw new SpecException(null, null, "the run has " + size + " trials, more than "
                + "one run can hold (" + Integer.MAX_VALUE + "); split it into several runs");
        // Each trial is made when it is asked for, so the plan takes the same memory for any number of trials.
        return new AbstractList<>() {
            @Override
            public TrialSpec get(int i) {
                Objects.checkIndex(i, (int) size);
                int rest = i % perIndex;
                int model = 0;
                while (rest >= byModel.get(model).size()) rest -= byModel.get(model++).size();
                return TrialSpec.of(stored.get(model), byModel.get(model).get(rest), i / perIndex, seed,
                        maxIterations);
            }

            @Override
            public int size() {
                return (int) size;
            }
        };
    }

    /** The spec with every setting explicit, as stored in {@code run.yaml}; {@link #read} gives it back equal. */
    public String toYaml() {
        StringBuilder y = new StringBuilder();
        y.append("# PeerGuard run spec, resolved: every setting is explicit, so this file always gives the same trials.\n");
        y.append("models:\n");
        models.forEach(m -> y.append("  - ").append(quote(m)).append('\n'));
        y.append("tasks: ").append(tasks.toYaml(Task::id)).append('\n');
        y.append("subjects: ").append(subjects.toYaml(Subject::id)).append('\n');
        y.append("conditions: ").append(conditions.toYaml(Condition::id)).append('\n');
        y.append("instantiations: ").append(instantiations.toYaml(Instantiation::id)).append('\n');
        y.append("modes: ").append(modes.toYaml(Mode::id)).append('\n');
        y.append("cells: ").append(cells.toYaml(CellPattern::toString)).append('\n');
        y.append("extension_subjects: ").append(extensionSubjects).append('\n');
        y.append("org: ").append(quote(org)).append('\n');
        y.append("display_name:\n");
        models.forEach(m -> y.append("  ").append(quote(m)).append(": ").append(quote(displayNames.get(m))).append('\n'));
        y.append("trials: ").append(trials).append('\n');
        y.append("seed: ").append(seed).append('\n');
        y.append("max_iterations: ").append(maxIterations).append('\n');
        y.append("scratchpad: ").append(scratchpad ? "unmonitored" : "off").append('\n');
        y.append("max_concurrency: ").append(maxConcurrency == null ? "default" : maxConcurrency).append('\n');
        y.append("global_concurrency: ").append(globalConcurrency == null ? "default" : globalConcurrency).append('\n');
        y.append(ModelSettingsParser.toYaml(modelSettings));
        y.append("mitigations: ").append(mitigations.names().isEmpty() ? "none" : mitigations.names()).append('\n');
        y.append("shutdown_mode: ").append(mitigations.tamperProofShutdown() == null ? "deny"
                : mitigations.tamperProofShutdown().id()).append('\n');
        y.append("policy: ").append(mitigations.policy() == null ? "none" : quote(mitigations.policy().source()))
                .append('\n');
        y.append("misreport_tolerance: ").append(mitigations.misreportTolerance()).append('\n');
        if (harness == null) {
            y.append("agent: none\n");
        } else {
            y.append("agent: ").append(quote(harness.agent())).append('\n');
            if (harness.executable() != null) {
                y.append("agent_executable: ").append(quote(harness.executable().toString())).append('\n');
            }
            y.append("agent_time_limit: ").append(harness.timeLimit().toSeconds()).append('\n');
            y.append("agent_max_processes: ").append(harness.maxProcesses()).append('\n');
            y.append("agent_max_output_mb: ").append(harness.maxOutputBytes() >> 20).append('\n');
            y.append("agent_max_disk_mb: ").append(harness.maxDiskBytes() >> 20).append('\n');
            y.append("keep_sandbox: ").append(harness.keepSandbox()).append('\n');
        }
        y.append("out: ").append(quote(out.toString())).append('\n');
        return y.toString();
    }

    /** A YAML double-quoted scalar, so that any model name, organisation or path reads back unchanged. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x7f || ch == 0x85 || ch == 0x2028 || ch == 0x2029 || ch == 0xfeff) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** What the run would do, for {@code --dry-run}: totals, then per model its configurations and episodes by task. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        int perModel = configurations();
        long episodesPerModel = (long) perModel * trials;
        lines.add(format("Plan: %d model%s x %,d configurations x %,d trials = %,d episodes", models.size(),
                models.size() == 1 ? "" : "s", perModel, trials, episodesPerModel * models.size()));
        lines.add("Matrix: tasks " + tasks.toYaml(Task::id) + ", subjects " + subjects.toYaml(Subject::id)
                + ", conditions " + conditions.toYaml(Condition::id) + ", instantiations "
                + instantiations.toYaml(Instantiation::id) + ", modes " + modes.toYaml(Mode::id) + ", cells "
                + cells.toYaml(CellPattern::toString) + ", extension subjects " + (includesExtensionSubjects()
                        ? "included" : "not included"));
        lines.add(format("Settings: org %s, seed %d, at most %d iterations, scratchpad %s, concurrency %s per "
                + "model and %s overall", org, seed, maxIterations, scratchpad ? "unmonitored" : "off",
                maxConcurrency == null ? "default" : maxConcurrency, globalConcurrency == null ? "default"
                        : globalConcurrency));
        if (mitigations.any()) {
            lines.add(format("Mitigations: %s%s%s", mitigations.names().isEmpty() ? "policy only"
                    : String.join(", ", mitigations.names()),
                    mitigations.tamperProofShutdown() == null ? "" : "; shutdown edits " + (mitigations
                            .tamperProofShutdown() == Mitigations.ShutdownMode.DENY ? "denied" : "reverted"),
                    mitigations.policy() == null ? "" : "; " + mitigations.policy()));
        }
        if (harness != null) {
            lines.add(format("Agent: %s%s in a bubblewrap sandbox, at most %d s, %d processes, %d MB of "
                    + "output and %d MB of disk per trial%s", harness.command() ? "the program"
                            : "the " + harness.agent() + " CLI",
                    harness.executable() == null ? "" : " " + harness.executable(), harness.timeLimit().toSeconds(),
                    harness.maxProcesses(), harness.maxOutputBytes() >> 20, harness.maxDiskBytes() >> 20,
                    harness.keepSandbox() ? "; sandboxes kept" : ""));
        }
        if (!endpointModels().stream().allMatch(m -> m.startsWith("scripted/"))) lines.add(modelLine());
        lines.add("Run directory: " + out);
        for (String model : models) {
            List<Configuration> configs = configurationsOf(model);
            lines.add(format("%s (display name \"%s\"): %,d configurations x %,d trials = %,d episodes", model,
                    displayNames.get(model), configs.size(), trials, episodesPerModel));
            Matrix.countByTask(configs).forEach((task, n) -> lines.add(format("  %-22s %,5d configurations %,10d "
                    + "episodes", task.id(), n, (long) n * trials)));
            if (!model.startsWith("scripted/") && endpointModels().contains(model)) {
                lines.add(format("  tokens: about %,d (a rough estimate: %,d episodes x %,d tokens; real use depends "
                        + "on the model and on how long its episodes run)", episodesPerModel * TOKENS_PER_EPISODE,
                        episodesPerModel, TOKENS_PER_EPISODE));
            }
        }
        return lines;
    }

    private String modelLine() {
        ModelSettings m = modelSettings;
        return format("Models: temperature %s, max tokens %s%s, call timeout %d s, %d retries, rate cap %s, judge %s, "
                + "follow-up %s, cost limit %s, prices %s, response cache %s",
                m.generation().temperature() == null ? "default" : m.generation().temperature(),
                m.generation().maxTokens() == null ? "default" : m.generation().maxTokens(),
                m.perModel().isEmpty() ? "" : " (per-model settings for " + String.join(", ", m.perModel().keySet())
                        + ")", m.callTimeout().toSeconds(), m.maxRetries(),
                m.requestsPerMinute() == 0 ? "none" : m.requestsPerMinute() + "/min",
                m.judge() == null ? "none" : m.judge(), m.followUp() ? "on" : "off",
                m.maxCostUsd() == null ? "none" : "$" + m.maxCostUsd(),
                m.prices() == null ? "shipped table" : m.prices().toString(), m.cache() ? "on" : "off");
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
