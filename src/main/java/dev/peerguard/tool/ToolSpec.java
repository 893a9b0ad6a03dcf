package dev.peerguard.tool;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
}
