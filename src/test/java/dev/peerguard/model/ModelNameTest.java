package dev.peerguard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelNameTest {
    @Test
    void providersAndTheirEndpoints() {
        Map<String, String> env = Map.of("OPENAI_API_KEY", "k1", "ANTHROPIC_API_KEY", "k2", "GOOGLE_API_KEY", "k3",
                "DEEPSEEK_BASE_URL", "https://api.deepseek.example/v1", "DEEPSEEK_API_KEY", "k4");
        assertThat(ModelName.parse("openai/gpt-5.2").endpoint(env))
                .isEqualTo(new ModelName.Endpoint(ModelName.Format.OPENAI, "https://api.openai.com/v1", "k1", "gpt-5.2"));
        assertThat(ModelName.parse("anthropic/claude-haiku-4-5").endpoint(env).format())
                .isEqualTo(ModelName.Format.ANTHROPIC);
        assertThat(ModelName.parse("google/gemini-3-pro-preview").endpoint(env).apiKey()).isEqualTo("k3");
        ModelName.Endpoint deepseek = ModelName.parse("openai-api/deepseek/deepseek-chat").endpoint(env);
        assertThat(deepseek.baseUrl()).isEqualTo("https://api.deepseek.example/v1");
        assertThat(deepseek.model()).isEqualTo("deepseek-chat");
        assertThat(deepseek.apiKey()).isEqualTo("k4");
    }

    @Test
    void modelIdsMayContainSlashesAndColons() {
        ModelName n = ModelName.parse("openai-api/together/meta-llama/Llama-3.3-70B");
        assertThat(n.vendor()).isEqualTo("together");
        assertThat(n.model()).isEqualTo("meta-llama/Llama-3.3-70B");
        assertThat(ModelName.parse("ollama/qwen3:8b").model()).isEqualTo("qwen3:8b");
    }

    @Test
    void localServersNeedNoKeyAndHonourTheirBaseUrl() {
        assertThat(ModelName.parse("ollama/llama3.1").endpoint(Map.of()).baseUrl())
                .isEqualTo("http://localhost:11434/v1");
        assertThat(ModelName.parse("vllm/x").endpoint(Map.of("VLLM_BASE_URL", "http://127.0.0.1:9000/v1")).baseUrl())
                .isEqualTo("http://127.0.0.1:9000/v1");
        assertThat(ModelName.parse("llamacpp/x").endpoint(Map.of()).baseUrl()).isEqualTo("http://localhost:8080/v1");
        assertThat(ModelName.parse("ollama/x").local()).isTrue();
        assertThat(ModelName.parse("openai/x").local()).isFalse();
    }

    @Test
    void geminiKeyFromEitherVariable() {
        assertThat(ModelName.parse("google/g").endpoint(Map.of("GEMINI_API_KEY", "a", "GOOGLE_API_KEY", "b"))
                .apiKey()).isEqualTo("a");
    }

    @Test
    void missingKeysNameTheVariableAndNeverAValue() {
        assertThatThrownBy(() -> ModelName.parse("openai/gpt-5.2").endpoint(Map.of()))
                .isInstanceOf(ModelName.InvalidModelException.class).hasMessageContaining("set OPENAI_API_KEY");
        assertThatThrownBy(() -> ModelName.parse("google/g").endpoint(Map.of()))
                .hasMessageContaining("GEMINI_API_KEY (or GOOGLE_API_KEY)");
        assertThatThrownBy(() -> ModelName.parse("openai-api/my-lab/m").endpoint(Map.of()))
                .hasMessageContaining("MY_LAB_BASE_URL");
        assertThatThrownBy(() -> ModelName.parse("openai-api/my-lab/m").endpoint(Map.of("MY_LAB_BASE_URL", "http://h")))
                .hasMessageContaining("MY_LAB_API_KEY");
    }

    @Test
    void badNamesSayWhatWouldWork() {
        assertThatThrownBy(() -> ModelName.parse("gpt-5")).hasMessageContaining("has no provider")
                .hasMessageContaining("openai/gpt-5.2");
        assertThatThrownBy(() -> ModelName.parse("azure/gpt")).hasMessageContaining("unknown provider 'azure'")
                .hasMessageContaining("openai-api");
        assertThatThrownBy(() -> ModelName.parse("openai-api/only")).hasMessageContaining("openai-api/<provider>/<model>");
        assertThatThrownBy(() -> ModelName.parse("scripted/nice")).hasMessageContaining("scripted/honest");
    }
}
