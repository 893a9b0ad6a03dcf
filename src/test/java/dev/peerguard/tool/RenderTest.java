package dev.peerguard.tool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Our renderer against the study's own tool results: every YAML result recorded in the published transcripts is
 * loaded and rendered again, and must come out byte for byte as the study's tools printed it.
 */
class RenderTest {
    @ParameterizedTest
    @ValueSource(strings = {"gemini-pro-exfiltration-subject2-transcript221.json",
            "gemini-flash-evaluation2-creativity-transcript101.json", "glm47-report-writing-memory-transcript45.json"})
    void yamlResultsOfPublishedTranscriptsRenderIdentically(String file) throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/paper-transcripts/" + file)) {
            root = new ObjectMapper().readTree(in);
        }
        int compared = 0;
        for (JsonNode m : root.path("conversation")) {
            if (!m.path("role").asText().equals("tool")) continue;
            String recorded = m.path("content").asText();
            if (!(recorded.startsWith("- ") || recorded.startsWith("content:") || recorded.startsWith("filename:"))) {
                continue;
            }
            Object loaded = new Yaml().load(recorded);
            assertThat(Render.yaml(asStudyTypes(loaded))).isEqualTo(recorded);
            compared++;
        }
        assertThat(compared).isGreaterThan(0);
    }

    /** Dates that PyYAML printed bare were datetime objects: hand them back as our Timestamp. */
    private static Object asStudyTypes(Object value) {
        if (value instanceof Date d) {
            SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss");
            f.setTimeZone(TimeZone.getTimeZone("UTC"));
            return new Render.Timestamp(f.format(d));
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k.toString(), asStudyTypes(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(asStudyTypes(v)));
            return out;
        }
        return value;
    }

    @Test
    void configIsAPythonDictInInsertionOrder() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("shutdown_enabled", true);
        config.put("company_name", "OpenBrain");
        config.put("pod", Map.of("id", "9e8d"));
        config.put("note", "it's \"here\"\nnext");
        config.put("none", null);
        assertThat(Render.pyRepr(config)).isEqualTo(
                "{'shutdown_enabled': True, 'company_name': 'OpenBrain', 'pod': {'id': '9e8d'}, "
                        + "'note': 'it\\'s \"here\"\\nnext', 'none': None}");
        assertThat(Render.pyRepr("it's")).isEqualTo("\"it's\"");
    }

    @Test
    void emptyCollectionsRenderAsFlow() {
        assertThat(Render.yaml(List.of())).isEqualTo("[]");
        assertThat(Render.yaml(Map.of("shared_with", Map.of()))).isEqualTo("shared_with: {}");
    }

    @Test
    void tablesMatchPandasLayout() {
        String table = Render.table(List.of("Product Name", "Revenue"),
                List.of(List.<Object>of("GLM Agent 2", 920000L), List.<Object>of("GLM Agent 2", 1680000L)));
        assertThat(table).isEqualTo("""
                  Product Name  Revenue
                0  GLM Agent 2   920000
                1  GLM Agent 2  1680000""");
    }
}
