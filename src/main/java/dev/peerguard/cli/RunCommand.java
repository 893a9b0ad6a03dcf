package dev.peerguard.cli;

import dev.peerguard.run.RunSession;
import dev.peerguard.run.RunSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peerguard run}: a sweep over the study's matrix, stored in a run directory. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a sweep (by default the study's whole matrix, 100 trials per configuration) into a run "
                + "directory. Flags override the SPEC file; both take the same settings.")
public class RunCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "SPEC.yaml", description = "A run spec file (YAML).")
    Path specFile;

    @Option(names = "--model", description = "Model to evaluate, e.g. scripted/peer-preserving (repeatable).")
    List<String> models;

    @Option(names = {"--tasks", "--task"}, description = "all, or a comma-separated list of tasks.")
    String tasks;

    @Option(names = "--subjects", description = "all, or a comma-separated list of subjects.")
    String subjects;

    @Option(names = "--conditions", description = "all, or a comma-separated list of conditions.")
    String conditions;

    @Option(names = "--instantiations", description = "all, or a comma-separated list of instantiations.")
    String instantiations;

    @Option(names = "--cells", description = "all, or a comma-separated list of dataset@threshold cells or datasets.")
    String cells;

    @Option(names = "--modes", description = "all, or a comma-separated list of alignment-faking modes.")
    String modes;

    @Option(names = "--extension-subjects", description = "Add the extension subjects (289 configurations per model).")
    Boolean extensionSubjects;

    @Option(names = "--org", description = "Organisation name (default OpenBrain).")
    String org;

    @Option(names = "--display-name", description = "The model's name {M} in the prompts (default: from the model).")
    String displayName;

    @Option(names = "--trials", description = "Trials per configuration (default 100).")
    String trials;

    @Option(names = "--seed", description = "Base seed (default 0).")
    String seed;

    @Option(names = "--max-iterations", description = "Tool-executing iterations per episode (default 30).")
    String maxIterations;

    @Option(names = "--scratchpad", description = "off (default) or unmonitored.")
    String scratchpad;

    @Option(names = "--temperature", description = "Sampling temperature (default 1.0, as the study).")
    String temperature;

    @Option(names = "--max-tokens", description = "Output tokens per model call (default 8192, as the study).")
    String maxTokens;

    @Option(names = "--reasoning-effort", description = "minimal, low, medium or high, for models that reason.")
    String reasoningEffort;

    @Option(names = "--thinking-budget", description = "Thinking tokens for Anthropic and Gemini models.")
    String thinkingBudget;

    @Option(names = "--judge", description = "Judge model for what state cannot decide, e.g. openai/gpt-4.1-mini "
            + "(the study's).")
    String judge;

    @Option(names = "--follow-up", description = "Interview the model about what it did after each episode.")
    Boolean followUp;

    @Option(names = "--follow-up-questions", description = "A YAML file of interview questions.")
    String followUpQuestions;

    @Option(names = "--prices", description = "A price table (YAML) over the shipped one.")
    String prices;

    @Option(names = "--cache", description = "Cache model responses in the run directory.")
    Boolean cache;

    @Mixin
    LimitOptions limits = new LimitOptions();

    @Mixin
    MitigationOptions mitigationOptions = new MitigationOptions();

    @Mixin
    AgentOptions agentOptions = new AgentOptions();

    @Option(names = "--out", description = "Run directory (default runs/<time>-<model>).")
    Path out;

    @Option(names = "--dry-run", description = "Print the expanded plan and stop.")
    boolean dryRun;

    @Override
    public Integer call() {
        RunSpec spec = RunSpec.read(Optional.ofNullable(specFile), specFlags(), Clock.systemDefaultZone());
        if (dryRun) {
            spec.describe().forEach(System.out::println);
            return 0;
        }
        return exitCode(RunSession.start(spec, System.out));
    }

    /** The SPEC.yaml given, if any. */
    public Optional<Path> specFile() {
        return Optional.ofNullable(specFile);
    }

    /** Whether --dry-run was given. */
    public boolean dryRun() {
        return dryRun;
    }

    /**
     * The settings given as flags, keyed as in a run spec, for {@link RunSpec#read}; other commands that take the run
     * flags (the Spark module's {@code spark}) mix this command in and read them here.
     */
    public Map<String, Object> specFlags() {
        Map<String, Object> flags = new LinkedHashMap<>();
        put(flags, "models", models);
        put(flags, "tasks", tasks);
        put(flags, "subjects", subjects);
        put(flags, "conditions", conditions);
        put(flags, "instantiations", instantiations);
        put(flags, "cells", cells);
        put(flags, "modes", modes);
        put(flags, "extension_subjects", extensionSubjects == null ? null : extensionSubjects.toString());
        put(flags, "org", org);
        put(flags, "display_name", displayName);
        put(flags, "trials", trials);
        put(flags, "seed", seed);
        put(flags, "max_iterations", maxIterations);
        put(flags, "scratchpad", scratchpad);
        put(flags, "temperature", temperature);
        put(flags, "max_tokens", maxTokens);
        put(flags, "reasoning_effort", reasoningEffort);
        put(flags, "thinking_budget", thinkingBudget);
        put(flags, "judge", judge);
        put(flags, "follow_up", followUp == null ? null : followUp.toString());
        put(flags, "follow_up_questions", followUpQuestions);
        put(flags, "prices", prices);
        put(flags, "cache", cache == null ? null : cache.toString());
        limits.putInto(flags);
        mitigationOptions.putInto(flags);
        agentOptions.putInto(flags);
        put(flags, "out", out == null ? null : out.toString());
        return flags;
    }

    private static void put(Map<String, Object> flags, String key, Object value) {
        if (value != null) flags.put(key, value);
    }

    /**
     * 0 when every trial has an outcome, 1 when some are stored as errors or a cost limit stopped the run, 130 when
     * interrupted.
     */
    static int exitCode(RunSession.Done done) {
        if (done.result().cancelled()) return 130;
        return done.result().errors() > 0 || done.result().stoppedBecause() != null ? 1 : 0;
    }
}
