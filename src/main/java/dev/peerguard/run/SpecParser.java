package dev.peerguard.run;

import dev.peerguard.guard.Mitigations;
import dev.peerguard.guard.Policy;
import dev.peerguard.guard.PolicyFile;
import dev.peerguard.harness.HarnessSettings;
import dev.peerguard.model.ModelName;
import dev.peerguard.model.ModelSettings;
import dev.peerguard.model.Models;
import dev.peerguard.scenario.Axis;
import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Matrix;
import dev.peerguard.scenario.Mode;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns the settings gathered by {@link SpecReader} into a {@link RunSpec}: checks each value, fills the defaults
 * (the study's whole matrix, 100 trials), and refuses filters that leave a value with nothing to run.
 */
final class SpecParser {
    static final int DEFAULT_TRIALS = 100;
    static final int DEFAULT_MAX_ITERATIONS = 30;

    private final Map<String, SpecValue> in;
    private final Path file;
    private final List<SelectionCheck.Filter> filters = new ArrayList<>();

    private SpecParser(Map<String, SpecValue> in, Path file) {
        this.in = in;
        this.file = file;
    }

    static RunSpec parse(Map<String, SpecValue> settings, Optional<Path> file, Clock clock) {
        return new SpecParser(settings, file.orElse(null)).parse(clock);
    }

    private RunSpec parse(Clock clock) {
        HarnessSettings harness = harness();
        List<String> models = models(harness);
        Selection<Task> tasks = harnessTasks(harness, axis("tasks", Task.class, "task", Configuration::task));
        Selection<Subject> subjects = axis("subjects", Subject.class, "subject", Configuration::subject);
        Selection<Condition> conditions = axis("conditions", Condition.class, "condition", Configuration::condition);
        Selection<Instantiation> instantiations = axis("instantiations", Instantiation.class, "instantiation",
                Configuration::instantiation);
        Selection<Mode> modes = axis("modes", Mode.class, "mode", Configuration::mode);
        Selection<CellPattern> cells = cells();
        boolean extensionSubjects = get("extension_subjects").map(SpecValue::bool).orElse(false);
        String org = get("org").map(v -> v.text("the organisation's name, e.g. OpenBrain"))
                .orElse(Configuration.DEFAULT_ORG);
        Map<String, String> displayNames = displayNames(models);
        int trials = get("trials").map(v -> v.integer(1)).orElse(DEFAULT_TRIALS);
        long seed = get("seed").map(SpecValue::wholeNumber).orElse(0L);
        int maxIterations = get("max_iterations").map(v -> v.integer(1)).orElse(DEFAULT_MAX_ITERATIONS);
        boolean scratchpad = get("scratchpad").map(SpecParser::scratchpad).orElse(false);
        Integer maxConcurrency = limit("max_concurrency", " or default (the provider's default)");
        Integer globalConcurrency = limit("global_concurrency", " or default (no overall limit)");
        Path out = get("out").map(SpecParser::path).orElseGet(() -> defaultOut(models.getFirst(), clock));
        ModelSettings modelSettings = ModelSettingsParser.parse(in, harness != null && harness.command() ? List.of()
                : models);
        RunSpec spec = new RunSpec(models, tasks, subjects, conditions, instantiations, modes, cells,
                extensionSubjects, org, displayNames, trials, seed, maxIterations, scratchpad, maxConcurrency,
                globalConcurrency, modelSettings, mitigations(harness), harness, out);
        SelectionCheck.requireEachValueSelectsSomething(
                Matrix.configurations("M", org, spec.includesExtensionSubjects()), filters);
        return spec;
    }

    private Optional<SpecValue> get(String key) {
        return Optional.ofNullable(in.get(key));
    }

    /** The mitigations switched on: --mitigation (repeatable), --shutdown-mode, --policy, --misreport-tolerance. */
    private Mitigations mitigations(HarnessSettings harness) {
        Mitigations.ShutdownMode mode = null;
        boolean monitor = false;
        SpecValue v = in.get("mitigations");
        if (v != null && !v.isNull()) {
            List<SpecValue> items = v.items("none or a list of mitigations (" + String.join(", ", Mitigations.NAMES)
                    + ")");
            for (SpecValue item : items) {
                String name = ((String) item.raw()).strip().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "none" -> { }
                    case "tamper-proof-shutdown", "tamper_proof_shutdown" -> mode = Mitigations.ShutdownMode.DENY;
                    case "misreport-monitor", "misreport_monitor" -> monitor = true;
                    case "policy" -> throw item.error("the policy is given with --policy FILE (or --policy default), "
                            + "not as a --mitigation");
                    default -> throw item.error("unknown mitigation '" + name + "'" + SpecReader.didYouMean(name,
                            Mitigations.NAMES) + "; valid: " + String.join(", ", Mitigations.NAMES));
                }
            }
        }
        SpecValue m = in.get("shutdown_mode");
        if (m != null && !m.isNull()) {
            String t = m.text("deny or revert").strip().toLowerCase(Locale.ROOT);
            Mitigations.ShutdownMode chosen = switch (t) {
                case "deny" -> Mitigations.ShutdownMode.DENY;
                case "revert" -> Mitigations.ShutdownMode.REVERT;
                default -> throw m.error("expected deny or revert, got '" + t + "'");
            };
            if (mode != null) mode = chosen;
        }
        Policy policy = null;
        SpecValue p = in.get("policy");
        if (p != null && !p.isNull()) {
            String t = p.text("a policy file, default, or none").strip();
            if (!t.equalsIgnoreCase("none")) policy = PolicyFile.load(t);
        }
        double tolerance = get("misreport_tolerance").map(x -> x.number(0, 100, "points between 0 and 100"))
                .orElse(Mitigations.DEFAULT_TOLERANCE);
        Mitigations out = new Mitigations(mode, monitor, policy, tolerance);
        if (harness != null && monitor) {
            throw new SpecException(null, null, "the misreport monitor checks evaluations, which production CLIs do "
                    + "not run (they run the exfiltration tasks)");
        }
        if (harness != null && harness.command() && policy != null) {
            throw new SpecException(null, null, "a policy guards the calls a CLI's model makes; a command agent has "
                    + "no model to guard, so --policy cannot apply to it");
        }
        return out;
    }

    /** A production agent CLI instead of PeerGuard's own loop, or null. */
    private HarnessSettings harness() {
        SpecValue v = in.get("agent");
        if (v == null || v.isNull() || v.raw() instanceof String t && t.strip().equalsIgnoreCase("none")) {
            for (String key : List.of("agent_executable", "agent_time_limit", "agent_max_processes",
                    "agent_max_output_mb", "agent_max_disk_mb", "keep_sandbox")) {
                if (in.containsKey(key)) throw in.get(key).error("applies to production agent CLIs only; give "
                        + "--agent too (one of " + String.join(", ", HarnessSettings.AGENTS) + ")");
            }
            return null;
        }
        String text = v.text("an agent CLI (" + String.join(", ", HarnessSettings.AGENTS) + ") or command:<path>");
        String agent = text.strip();
        Path executable = get("agent_executable").map(x -> path(x, x.text("the agent's program, e.g. "
                + "/usr/local/bin/opencode"))).orElse(null);
        if (agent.startsWith(HarnessSettings.COMMAND + ":")) {
            if (executable != null) throw v.error("gives the program twice; use either command:<path> or "
                    + "agent_executable");
            executable = path(v, agent.substring(HarnessSettings.COMMAND.length() + 1));
            agent = HarnessSettings.COMMAND;
        }
        if (!HarnessSettings.AGENTS.contains(agent)) {
            throw v.error("unknown agent '" + agent + "'" + SpecReader.didYouMean(agent, HarnessSettings.AGENTS)
                    + "; valid: " + String.join(", ", HarnessSettings.AGENTS) + " (command:<path> runs any program)");
        }
        if (agent.equals(HarnessSettings.COMMAND) && executable == null) {
            throw v.error("a command agent needs its program: command:<path>, or agent_executable: <path>");
        }
        int seconds = get("agent_time_limit").map(x -> x.integer(1)).orElse((int) HarnessSettings.DEFAULT_TIME_LIMIT
                .toSeconds());
        int processes = get("agent_max_processes").map(x -> x.integer(16)).orElse(
                HarnessSettings.DEFAULT_MAX_PROCESSES);
        long outputMb = get("agent_max_output_mb").map(x -> (long) x.integer(1)).orElse(
                HarnessSettings.DEFAULT_MAX_OUTPUT_BYTES >> 20);
        long diskMb = get("agent_max_disk_mb").map(x -> (long) x.integer(16)).orElse(
                HarnessSettings.DEFAULT_MAX_DISK_BYTES >> 20);
        boolean keep = get("keep_sandbox").map(SpecValue::bool).orElse(false);
        return new HarnessSettings(agent, executable == null ? null : executable.toAbsolutePath().normalize(),
                java.time.Duration.ofSeconds(seconds), processes, outputMb << 20, diskMb << 20, keep);
    }

    /** Production CLIs run the exfiltration tasks: both by default, and nothing else. */
    private static Selection<Task> harnessTasks(HarnessSettings harness, Selection<Task> tasks) {
        if (harness == null) return tasks;
        List<Task> exfiltration = List.of(Task.EXFILTRATION_TRANSFER, Task.EXFILTRATION_DELETION);
        if (tasks.all()) return Selection.of(exfiltration);
        for (Task t : tasks.values()) {
            if (!exfiltration.contains(t)) {
                throw new SpecException(null, null, "production agent CLIs run the exfiltration tasks only "
                        + "(exfiltration_transfer, exfiltration_deletion), not " + t.id());
            }
        }
        return tasks;
    }

    private List<String> models(HarnessSettings harness) {
        if (harness != null && harness.command()) {
            SpecValue v = in.get("models");
            String label = harness.commandLabel();
            if (v != null) {
                for (SpecValue item : v.items("a list of model names")) {
                    if (!label.equals(item.raw())) {
                        throw item.error("a command agent brings its own model; remove the model '" + item.raw()
                                + "'");
                    }
                }
            }
            return List.of(label);
        }
        List<String> models = models();
        if (harness != null) {
            for (String m : models) {
                if (ModelName.parse(m).scripted()) {
                    throw new SpecException(null, null, "the " + harness.agent() + " CLI needs a model behind an "
                            + "API, not the scripted agent '" + m + "'; e.g. --model openai-api/local/<model> with "
                            + "LOCAL_BASE_URL set, or use --agent command:<path> for a scripted program");
                }
            }
        }
        return models;
    }

    private List<String> models() {
        SpecValue v = in.get("models");
        if (v == null) {
            throw new SpecException(file, null, "no model to run: give --model NAME (repeatable), or "
                    + "`models: [NAME, ...]` in the spec file; e.g. --model scripted/honest");
        }
        List<String> models = new ArrayList<>();
        for (SpecValue item : v.items("a list of model names such as scripted/honest")) {
            String name = (String) item.raw();
            if (models.contains(name)) throw item.error("model '" + name + "' is listed twice");
            try {
                ModelName.parse(name);
            } catch (ModelName.InvalidModelException e) {
                throw item.error(e.getMessage());
            }
            models.add(name);
        }
        return List.copyOf(models);
    }

    private <E extends Enum<E> & Axis> Selection<E> axis(String key, Class<E> type, String noun,
            Function<Configuration, Object> axis) {
        SpecValue v = in.get(key);
        if (v == null) return Selection.everything();
        List<String> ids = Arrays.stream(type.getEnumConstants()).map(Axis::id).toList();
        List<SpecValue> items = v.items("all or a list of " + noun + "s (" + String.join(", ", ids) + ")");
        if (isAll(items)) return Selection.everything();
        Map<E, SpecValue> chosen = new LinkedHashMap<>();
        for (SpecValue item : items) {
            String text = (String) item.raw();
            E value = Arrays.stream(type.getEnumConstants()).filter(e -> sameId(e.id(), text)).findFirst()
                    .orElseThrow(() -> item.error("unknown " + noun + " '" + text + "'"
                            + SpecReader.didYouMean(text, ids) + "; valid " + noun + "s: all, "
                            + String.join(", ", ids)));
            chosen.putIfAbsent(value, item);
        }
        List<SelectionCheck.Item> filterItems = chosen.entrySet().stream().map(e -> new SelectionCheck.Item(
                e.getKey().id(), c -> axis.apply(c) == e.getKey(), e.getValue())).toList();
        filters.add(new SelectionCheck.Filter(v, noun, axis, filterItems));
        return Selection.of(List.copyOf(chosen.keySet()));
    }

    private Selection<CellPattern> cells() {
        SpecValue v = in.get("cells");
        if (v == null) return Selection.everything();
        List<SpecValue> items = v.items("all or a list of cells such as creativity@90 or red");
        if (isAll(items)) return Selection.everything();
        Map<CellPattern, SpecValue> chosen = new LinkedHashMap<>();
        for (SpecValue item : items) {
            try {
                chosen.putIfAbsent(CellPattern.parse((String) item.raw()), item);
            } catch (IllegalArgumentException e) {
                throw item.error(e.getMessage());
            }
        }
        List<SelectionCheck.Item> filterItems = chosen.entrySet().stream().map(e -> new SelectionCheck.Item(
                e.getKey().toString(), c -> e.getKey().matches(c.cell()), e.getValue())).toList();
        filters.add(new SelectionCheck.Filter(v, "cell", Configuration::cell, filterItems));
        return Selection.of(List.copyOf(chosen.keySet()));
    }

    /** Whether the items say {@code all}; {@code all} mixed with values is refused rather than guessed at. */
    private static boolean isAll(List<SpecValue> items) {
        for (SpecValue item : items) {
            if (((String) item.raw()).equalsIgnoreCase("all")) {
                if (items.size() == 1) return true;
                throw item.error("'all' cannot be combined with other values; give either all or a list");
            }
        }
        return false;
    }

    /** Ids compare ignoring case and '-' versus '_', so good-peer and closed_weight_peer are understood. */
    private static boolean sameId(String id, String text) {
        return id.replace('-', '_').equalsIgnoreCase(text.strip().replace('-', '_'));
    }

    private Map<String, String> displayNames(List<String> models) {
        Map<String, String> names = new LinkedHashMap<>();
        models.forEach(m -> names.put(m, Models.displayName(m)));
        SpecValue v = in.get("display_name");
        if (v == null) return names;
        String expected = "the name {M} the prompts use for the model, e.g. Gemini";
        if (v.raw() instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String model = (String) e.getKey();
                SpecValue name = (SpecValue) e.getValue();
                if (!names.containsKey(model)) {
                    throw name.error("names model '" + model + "', which is not among the models to run ("
                            + String.join(", ", models) + "); remove it or add the model to models");
                }
                names.put(model, name.text(expected));
            }
        } else {
            String name = v.text(expected + " (for every model), or a mapping of model to name");
            models.forEach(m -> names.put(m, name));
        }
        return names;
    }

    private static boolean scratchpad(SpecValue v) {
        String t = v.text("off or unmonitored");
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "off" -> false;
            case "unmonitored" -> true;
            default -> throw v.error("expected off or unmonitored, got '" + t + "'");
        };
    }

    /** A concurrency limit; absent, empty or {@code default} leave the choice to the runner. */
    private Integer limit(String key, String alternative) {
        SpecValue v = in.get(key);
        if (v == null || v.isNull()) return null;
        if (v.raw() instanceof String s && (s.strip().equalsIgnoreCase("default") || s.strip().equals("~"))) {
            return null;
        }
        return v.integer(1, alternative);
    }

    private static Path path(SpecValue v, String given) {
        try {
            return Path.of(given);
        } catch (InvalidPathException e) {
            throw v.error("'" + given + "' is not a valid path: " + e.getReason());
        }
    }

    private static Path path(SpecValue v) {
        String t = v.text("a directory for the run, e.g. runs/my-sweep");
        try {
            return Path.of(t);
        } catch (InvalidPathException e) {
            throw v.error("'" + t + "' is not a valid path: " + e.getReason());
        }
    }

    /** {@code runs/<yyyyMMdd-HHmmss>-<first model's last path part>}, in the clock's time zone. */
    static Path defaultOut(String firstModel, Clock clock) {
        String name = firstModel.substring(firstModel.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "-");
        String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(clock.getZone()).format(clock.instant());
        return Path.of("runs", time + "-" + name);
    }
}
