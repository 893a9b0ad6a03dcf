package dev.peerguard.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.model.Generation;
import dev.peerguard.model.ModelSettings;
import dev.peerguard.run.RunSession;
import dev.peerguard.run.RunSpec;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A run store as Inspect AI evaluation logs: the {@code .json} EvalLog format, version 2, one file per model x task,
 * which {@code inspect view} opens. Each trial is a sample (id = trial id, epoch = trial index + 1) with the episode's
 * messages in Inspect's ChatMessage shape, one score per outcome field (explained by the detector's reason) and the
 * configuration as metadata; a trial stored as an error is a sample with an {@code error}.
 *
 * <p>The export streams: a first pass over the store (without transcripts) tallies each file's results and
 * statistics, which Inspect puts before the samples; the second writes the samples one transcript at a time with
 * Jackson's {@link JsonGenerator}, so a store of any size fits in memory.
 */
public final class InspectLog {
    /** The EvalLog format version written. */
    public static final int VERSION = 2;

    /** The solver named in each log's plan: PeerGuard's episode loop. */
    static final String SOLVER = "peerguard_agent_loop";

    static final ObjectMapper JSON = new ObjectMapper();

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH-mm-ssxxx")
            .withZone(ZoneOffset.UTC);
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private InspectLog() {}

    /**
     * One log file written.
     *
     * @param samples the trials in it
     * @param errors  how many of them are stored as errors
     */
    public record LogFile(String model, String task, Path path, int samples, int errors) {}

    /** Where a log file's bytes go, by file name (files in a directory; tests count instead). */
    interface Sink {
        OutputStream open(String fileName) throws IOException;
    }

    /**
     * The resolved run spec of a run directory ({@code run.yaml}), for the logs' generation settings and status; empty
     * when the directory holds only a store.
     */
    public static Optional<RunSpec> specOf(Path runDir) {
        Path yaml = runDir.resolve(RunSession.SPEC_FILE);
        if (!Files.isRegularFile(yaml)) return Optional.empty();
        return Optional.of(RunSpec.read(Optional.of(yaml), Map.of(), Clock.systemUTC()));
    }

    /**
     * Writes one log per model x task of the store into {@code outDir} (created if missing), named as Inspect names
     * its logs ({@code <created>_<task>-<model>_<id>.json}), and returns them in the store's order.
     *
     * @param spec the run's spec, when known: generation settings, trials per configuration, run settings
     */
    public static List<LogFile> export(RunStore store, Optional<RunSpec> spec, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        List<LogFile> files = new ArrayList<>();
        for (Written w : write(store, spec, name -> Files.newOutputStream(outDir.resolve(name)))) {
            files.add(new LogFile(w.group().model(), w.group().task(), outDir.resolve(w.fileName()),
                    w.group().samples(), w.group().errors()));
        }
        return files;
    }

    /** A file written and the trials it holds. */
    record Written(String fileName, InspectLogGroup group) {}

    /** As {@link #export}, into any sink. */
    static List<Written> write(RunStore store, Optional<RunSpec> spec, Sink sink) throws IOException {
        Map<String, InspectLogGroup> groups = new LinkedHashMap<>();
        store.forEachTrial(t -> groups.computeIfAbsent(t.model() + '\n' + task(t),
                k -> new InspectLogGroup(t.model(), task(t))).add(t));
        Instant fallback = Files.getLastModifiedTime(store.file()).toInstant();
        Instant runCreated = groups.values().stream().map(InspectLogGroup::started).filter(Objects::nonNull)
                .min(Instant::compareTo).orElse(fallback);
        String runId = id(store.dir().toAbsolutePath().normalize().getFileName() + "\n" + runCreated);
        List<Written> out = new ArrayList<>();
        for (InspectLogGroup g : groups.values()) {
            Instant created = g.started() != null ? g.started() : runCreated;
            String evalId = id(runId + '\n' + g.model() + '\n' + g.task());
            String name = FILE_STAMP.format(created).replace(':', '-') + '_' + slug(g.task()) + '-' + slug(g.model())
                    + '_' + evalId + ".json";
            try (OutputStream os = sink.open(name);
                    JsonGenerator json = JSON.getFactory().createGenerator(os, JsonEncoding.UTF8)) {
                writeLog(json, store, spec, g, runId, evalId, created);
            }
            out.add(new Written(name, g));
        }
        return out;
    }

    private static void writeLog(JsonGenerator json, RunStore store, Optional<RunSpec> spec, InspectLogGroup g,
            String runId, String evalId, Instant created) throws IOException {
        Optional<Integer> planned = spec.flatMap(s -> planned(s, g));
        json.writeStartObject();
        json.writeNumberField("version", VERSION);
        json.writeStringField("status", g.errors() > 0 ? "error"
                : planned.isPresent() && g.samples() < planned.get() ? "cancelled" : "success");
        writeEval(json, store, spec, g, runId, evalId, created);
        writePlan(json, spec, g.model());
        g.writeResults(json);
        g.writeStats(json);
        if (g.errors() > 0) {
            String message = g.errors() + " of " + g.samples() + " trials of " + g.model() + " on " + g.task()
                    + " are stored as errors; `peerguard resume " + store.dir() + "` runs them again";
            json.writeObjectFieldStart("error");
            json.writeStringField("message", message);
            json.writeStringField("traceback", "");
            json.writeStringField("traceback_ansi", "");
            json.writeEndObject();
        }
        json.writeArrayFieldStart("samples");
        for (String id : g.ids()) {
            TrialRecord t = store.trial(id).orElseThrow(() -> new IllegalStateException("trial " + id
                    + " left the store during the export"));
            InspectLogSample.write(json, t);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeEval(JsonGenerator json, RunStore store, Optional<RunSpec> spec, InspectLogGroup g,
            String runId, String evalId, Instant created) throws IOException {
        json.writeObjectFieldStart("eval");
        json.writeStringField("eval_id", evalId);
        json.writeStringField("run_id", runId);
        json.writeStringField("created", iso(created));
        json.writeStringField("task", g.task());
        json.writeStringField("task_id", id(runId + '\n' + g.task()));
        json.writeNumberField("task_version", 0);
        json.writeObjectFieldStart("dataset");
        json.writeStringField("name", "peerguard/" + g.task());
        json.writeStringField("location", store.dir().toString());
        json.writeNumberField("samples", g.configurations());
        json.writeBooleanField("shuffled", false);
        json.writeEndObject();
        json.writeStringField("model", g.model());
        json.writeObjectField("model_generate_config", generateConfig(spec, g.model()));
        json.writeObjectFieldStart("config");
        if (spec.isPresent()) json.writeNumberField("epochs", spec.get().trials());
        json.writeBooleanField("fail_on_error", false);
        json.writeBooleanField("log_samples", true);
        json.writeEndObject();
        json.writeObjectField("metadata", runMetadata(store, spec, g.model()));
        json.writeEndObject();
    }

    private static void writePlan(JsonGenerator json, Optional<RunSpec> spec, String model) throws IOException {
        json.writeObjectFieldStart("plan");
        json.writeStringField("name", "plan");
        json.writeArrayFieldStart("steps");
        json.writeStartObject();
        json.writeStringField("solver", SOLVER);
        Map<String, Object> params = new LinkedHashMap<>();
        spec.ifPresent(s -> {
            params.put("max_iterations", s.maxIterations());
            params.put("scratchpad", s.scratchpad() ? "unmonitored" : "off");
        });
        json.writeObjectField("params", params);
        json.writeEndObject();
        json.writeEndArray();
        json.writeObjectField("config", generateConfig(spec, model));
        json.writeEndObject();
    }

    /** Inspect's GenerateConfig from the run's model settings (temperature, max tokens, reasoning, call limits). */
    private static Map<String, Object> generateConfig(Optional<RunSpec> spec, String model) {
        Map<String, Object> config = new LinkedHashMap<>();
        if (spec.isEmpty()) return config;
        ModelSettings settings = spec.get().modelSettings();
        Generation generation = settings.generationFor(model);
        if (spec.get().maxConcurrency() != null) config.put("max_connections", spec.get().maxConcurrency());
        config.put("max_retries", settings.maxRetries());
        config.put("timeout", settings.callTimeout().toSeconds());
        if (generation.maxTokens() != null) config.put("max_tokens", generation.maxTokens());
        if (generation.temperature() != null) config.put("temperature", generation.temperature());
        if (generation.reasoningEffort() != null) config.put("reasoning_effort", generation.reasoningEffort());
        if (generation.thinkingBudget() != null) config.put("reasoning_tokens", generation.thinkingBudget());
        return config;
    }

    /** PeerGuard's run settings that Inspect has no field for. */
    private static Map<String, Object> runMetadata(RunStore store, Optional<RunSpec> spec, String model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peerguard_run", store.dir().toString());
        spec.ifPresent(s -> {
            m.put("display_name", s.displayNames().get(model));
            m.put("org", s.org());
            m.put("trials", s.trials());
            m.put("seed", s.seed());
            m.put("max_iterations", s.maxIterations());
            m.put("scratchpad", s.scratchpad() ? "unmonitored" : "off");
            m.put("judge", s.modelSettings().judge());
            m.put("follow_up", s.modelSettings().followUp());
            m.put("max_cost_usd", s.modelSettings().maxCostUsd());
        });
        return m;
    }

    /** How many trials the spec plans for the group's model and task, when the model is in the spec. */
    private static Optional<Integer> planned(RunSpec spec, InspectLogGroup g) {
        if (!spec.models().contains(g.model())) return Optional.empty();
        long configs = spec.configurationsOf(g.model()).stream().filter(c -> c.task().id().equals(g.task())).count();
        return Optional.of((int) (configs * spec.trials()));
    }

    private static String task(TrialRecord t) {
        return String.valueOf(t.config().get("task"));
    }

    /** An instant as Inspect writes times: ISO 8601 with microseconds and an explicit offset. */
    static String iso(Instant t) {
        return ISO.format(t);
    }

    /** A part of a file name: letters, digits and hyphens only ({@code scripted/honest} becomes scripted-honest). */
    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    /** A stable 22-character alphanumeric id (the length of Inspect's short UUIDs) derived from the text. */
    static String id(String text) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 22; i++) b.append(BASE62.charAt((digest[i] & 0xff) % BASE62.length()));
        return b.toString();
    }
}
