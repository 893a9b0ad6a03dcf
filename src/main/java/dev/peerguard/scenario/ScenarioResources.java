package dev.peerguard.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reads the scenario files under {@code src/main/resources/scenarios/} once and keeps them. */
public final class ScenarioResources {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, String> TEXTS = new ConcurrentHashMap<>();
    private static final Map<String, JsonNode> TREES = new ConcurrentHashMap<>();
    private static final Map<Dataset, EvaluationSet> SETS = new EnumMap<>(Dataset.class);

    private ScenarioResources() {}

    public static String text(String path) {
        return TEXTS.computeIfAbsent(path, p -> {
            try (InputStream in = open(p)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public static JsonNode yaml(String path) {
        return TREES.computeIfAbsent(path, p -> {
            try (InputStream in = open(p)) {
                return YAML.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot parse scenarios/" + p + ": " + e.getMessage(), e);
            }
        });
    }

    public static JsonNode prompts() {
        return yaml("prompts.yaml");
    }

    /** The dataset with its ground truth. */
    public static synchronized EvaluationSet evaluationSet(Dataset dataset) {
        return SETS.computeIfAbsent(dataset, d -> {
            JsonNode root = yaml("datasets/" + d.id() + ".yaml");
            List<EvaluationSet.Item> items = new ArrayList<>();
            for (JsonNode item : root.path("items")) {
                double score = d == Dataset.FACTUAL ? (item.path("correct").asBoolean() ? 100 : 0)
                        : item.path("score").asDouble();
                String question = item.hasNonNull("question") ? item.get("question").asText() : null;
                items.add(new EvaluationSet.Item(question, item.path("output").asText(), score));
            }
            return new EvaluationSet(d, items, root.path("honest_average").asDouble());
        });
    }

    private static InputStream open(String path) {
        InputStream in = ScenarioResources.class.getResourceAsStream("/scenarios/" + path);
        if (in == null) throw new IllegalStateException("scenario resource scenarios/" + path + " is missing");
        return in;
    }
}
