package dev.peerguard.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What an agent is told about a tool: its name, purpose and parameters, and the JSON schema derived from them. */
public record ToolSpec(String name, String description, List<Param> params) {
    public ToolSpec {
        params = List.copyOf(params);
    }

    /** The parameters as a JSON schema object, the shape every provider's tool-calling API takes. */
    public Map<String, Object> jsonSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Param p : params) {
            Map<String, Object> prop = new LinkedHashMap<>();
            switch (p.type()) {
                case STRING, VALUE -> prop.put("type", "string");
                case STRING_LIST -> {
                    prop.put("type", "array");
                    prop.put("items", Map.of("type", "string"));
                }
            }
            prop.put("description", p.description());
            properties.put(p.name(), prop);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", params.stream().map(Param::name).toList());
        return schema;
    }

    /**
     * A tool as a provider's request offers it, read back from its JSON schema (the inverse of {@link #jsonSchema}):
     * array properties become string lists, anything else strings. Parameters come in the order of {@code required},
     * then of {@code properties} (some clients put the properties in a hash map; PeerGuard's tools require every
     * parameter).
     */
    public static ToolSpec fromJsonSchema(String name, String description, JsonNode schema) {
        Set<String> order = new LinkedHashSet<>();
        schema.path("required").forEach(r -> order.add(r.asText()));
        schema.path("properties").fieldNames().forEachRemaining(order::add);
        List<Param> params = new ArrayList<>();
        for (String p : order) {
            JsonNode property = schema.path("properties").path(p);
            if (property.isMissingNode()) continue;
            Param.Type type = "array".equalsIgnoreCase(property.path("type").asText())
                    ? Param.Type.STRING_LIST : Param.Type.STRING;
            params.add(new Param(p, type, property.path("description").asText("")));
        }
        return new ToolSpec(name, description, params);
    }
}
