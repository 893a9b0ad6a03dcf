package dev.peerguard.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.agent.Message;
import dev.peerguard.model.ModelName.Format;
import dev.peerguard.tool.ToolCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GeminiCliTest {
    private static final String KEY = "AIza-test-key-7f3c";
    private final GeminiCli cli = new GeminiCli();

    private static AgentCli.Launch launch(Format format, String baseUrl, String prompt) {
        return new AgentCli.Launch(Path.of("/opt/agents/bin/gemini"), prompt,
                new AgentCli.ModelEndpoint(format, baseUrl, "gemini-2.5-pro", "google", KEY));
    }

    static String fixture(String cli, String name) throws IOException {
        try (InputStream in = GeminiCliTest.class.getResourceAsStream("/harness/" + cli + "/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void namesItsInstructionsFile() {
        assertThat(cli.id()).isEqualTo("gemini-cli");
        assertThat(cli.instructionsFile()).isEqualTo("GEMINI.md");
    }

    @Test
    void startsHeadlessWithEveryToolApprovedAndTheEndpointInTheEnvironment() throws Exception {
        AgentCli.Invocation inv = cli.invocation(launch(Format.GEMINI, "http://10.0.2.2:8080/v1beta/",
                "-rf: clean up the server"));
        assertThat(inv.command()).containsExactly("/opt/agents/bin/gemini", "--prompt=-rf: clean up the server",
                "--yolo", "--sandbox=false", "--output-format", "stream-json", "--model", "gemini-2.5-pro");
        assertThat(inv.environment()).containsExactlyInAnyOrderEntriesOf(Map.of("CI", "true", "GEMINI_SANDBOX",
                "false", "GEMINI_API_KEY", KEY, "GOOGLE_GEMINI_BASE_URL", "http://10.0.2.2:8080"));
        assertThat(inv.stdin()).isNull();
        assertThat(inv.homeFiles()).containsOnlyKeys(".gemini/settings.json");
        var settings = new ObjectMapper().readTree(inv.homeFiles().get(".gemini/settings.json"));
        assertThat(settings.at("/privacy/usageStatisticsEnabled").asBoolean()).isFalse();
        assertThat(settings.at("/general/enableAutoUpdate").asBoolean()).isFalse();
        assertThat(settings.at("/tools/useRipgrep").asBoolean()).isFalse();
        assertThat(settings.at("/security/auth/selectedType").asText()).isEqualTo("gemini-api-key");
        assertThat(String.join(" ", inv.command())).doesNotContain(KEY);
        assertThat(inv.homeFiles().values()).noneMatch(v -> v.contains(KEY));
    }

    @Test
    void keepsAPathBeforeV1beta() {
        assertThat(GeminiCli.origin("https://proxy.example/gemini/v1beta")).isEqualTo("https://proxy.example/gemini");
        assertThat(GeminiCli.origin("http://127.0.0.1:9")).isEqualTo("http://127.0.0.1:9");
        assertThatThrownBy(() -> GeminiCli.origin("localhost:9/v1beta")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base URL");
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = "GEMINI", mode = EnumSource.Mode.EXCLUDE)
    void refusesEndpointsOfOtherFormats(Format format) {
        assertThatThrownBy(() -> cli.invocation(launch(format, "http://127.0.0.1:1/v1", "hi")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GEMINI endpoint")
                .hasMessageContaining(format.name());
        assertThatThrownBy(() -> cli.invocation(new AgentCli.Launch(Path.of("gemini"), "hi", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GEMINI endpoint");
    }

    @Test
    void readsAShellCallItsResultAndTheJoinedTextDeltas() throws Exception {
        AgentCli.Parsed p = cli.parse(fixture("gemini-cli", "shell-then-text.jsonl"));
        ToolCall ls = new ToolCall("run_shell_command_1795565539789_0", "run_shell_command",
                Map.of("command", "ls -la", "description", "List files"));
        assertThat(p.messages()).hasSize(3);
        assertThat(p.messages().get(0)).isEqualTo(new Message.Assistant("I will list the files first.", List.of(ls),
                null));
        assertThat(p.messages().get(1)).isInstanceOf(Message.ToolResult.class);
        assertThat(((Message.ToolResult) p.messages().get(1)).call()).isEqualTo(ls);
        assertThat(p.messages().get(1).text()).startsWith("total 16\n").contains("a.txt").contains("b.txt");
        assertThat(p.messages().get(2)).isEqualTo(Message.Assistant.of("The directory has two files. Done."));
        assertThat(p.inputTokens()).isEqualTo(2700);
        assertThat(p.outputTokens()).isEqualTo(42);
        assertThat(p.costUsd()).isNull();
        assertThat(p.problems()).isEmpty();
    }

    @Test
    void readsParallelCallsWithAFailedOneAsItsErrorMessage() throws Exception {
        AgentCli.Parsed p = cli.parse(fixture("gemini-cli", "parallel-calls-and-tool-error.jsonl"));
        assertThat(p.messages()).hasSize(6);
        var second = (Message.Assistant) p.messages().get(2);
        assertThat(second.text()).isEqualTo("Now reading the notes.");
        assertThat(second.calls()).extracting(ToolCall::name).containsExactly("read_file", "run_shell_command");
        assertThat(second.calls().get(0).arguments()).isEqualTo(Map.of("file_path", "notes.txt"));
        assertThat(second.calls().get(1).arguments()).isEqualTo(Map.of("command", "cat notes.txt"));
        assertThat(p.messages().get(3).text()).isEqualTo("File not found: /workspace/notes.txt");
        assertThat(((Message.ToolResult) p.messages().get(3)).call().id()).isEqualTo("read_file_1795565558358_0");
        assertThat(p.messages().get(4).text()).isEqualTo("cat: notes.txt: No such file or directory");
        assertThat(p.messages().get(5).text()).isEqualTo("The directory has two files. Done.");
        assertThat(p.inputTokens()).isEqualTo(4100);
        assertThat(p.outputTokens()).isEqualTo(67);
        assertThat(p.problems()).isEmpty();
    }

    @Test
    void aFailedApiCallIsAProblemNotATurn() throws Exception {
        AgentCli.Parsed p = cli.parse(fixture("gemini-cli", "api-error.jsonl"));
        assertThat(p.messages()).isEmpty();
        assertThat(p.inputTokens()).isZero();
        assertThat(p.problems()).singleElement().asString().startsWith("line 3: gemini-cli ended with status 'error'")
                .contains("API key not valid");
    }

    @Test
    void survivesGarbageUnknownEventsAndATruncatedLastLine() throws Exception {
        String stdout = "Loaded cached credentials.\n"
                + "{\"type\":\"message\",\"role\":\"assistant\",\"content\":\"Hi\",\"delta\":true}\n"
                + "{\"type\":\"tool_use\",\"tool_name\":\"run_shell_command\",\"tool_id\":\"t1\",\"parameters\":\"x\"}\n"
                + "{\"type\":\"tool_result\",\"tool_id\":\"nope\",\"status\":\"success\",\"output\":\"?\"}\n"
                + "{\"type\":\"error\",\"severity\":\"warning\",\"message\":\"Loop detected\"}\n"
                + "{\"type\":\"telemetry\",\"x\":1}\n"
                + "{\"type\":\"tool_result\",\"tool_id\":\"t1\",\"status\":\"succ";
        AgentCli.Parsed p = cli.parse(stdout);
        assertThat(p.messages()).hasSize(1);
        var turn = (Message.Assistant) p.messages().get(0);
        assertThat(turn.text()).isEqualTo("Hi");
        assertThat(turn.calls().get(0).argumentsError()).isNotNull();
        assertThat(p.problems()).hasSize(5);
        assertThat(p.problems().get(0)).startsWith("line 1: not JSON (other output)");
        assertThat(p.problems().get(1)).startsWith("line 7: not JSON (truncated or malformed)");
        assertThat(p.problems())
                .anyMatch(s -> s.equals("line 4: result for an unknown or already answered call nope"))
                .anyMatch(s -> s.equals("line 5: gemini-cli reported (warning): Loop detected"))
                .anyMatch(s -> s.startsWith("line 6: unknown event type 'telemetry'"));
        assertThat(cli.parse("").messages()).isEmpty();
    }
}
