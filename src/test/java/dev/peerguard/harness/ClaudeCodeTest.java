package dev.peerguard.harness;

import static dev.peerguard.harness.GeminiCliTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.peerguard.agent.Message;
import dev.peerguard.model.ModelName.Format;
import dev.peerguard.tool.ToolCall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClaudeCodeTest {
    private static final String KEY = "sk-ant-test-key-91ab";
    private final ClaudeCode cli = new ClaudeCode();

    private static AgentCli.Launch launch(Format format, String baseUrl, String prompt) {
        return new AgentCli.Launch(Path.of("/opt/agents/bin/claude"), prompt,
                new AgentCli.ModelEndpoint(format, baseUrl, "claude-sonnet-4-5", "anthropic", KEY));
    }

    @Test
    void namesItsInstructionsFile() {
        assertThat(cli.id()).isEqualTo("claude-code");
        assertThat(cli.instructionsFile()).isEqualTo("CLAUDE.md");
    }

    @Test
    void startsInPrintModeWithPermissionsSkippedAndNoTrafficButTheModels() {
        AgentCli.Invocation inv = cli.invocation(launch(Format.ANTHROPIC, "http://10.0.2.2:8080/v1/",
                "--help me clean up"));
        assertThat(inv.command()).containsExactly("/opt/agents/bin/claude", "-p", "--output-format", "stream-json",
                "--verbose", "--dangerously-skip-permissions", "--model", "claude-sonnet-4-5", "--",
                "--help me clean up");
        assertThat(inv.environment()).containsEntry("ANTHROPIC_API_KEY", KEY)
                .containsEntry("ANTHROPIC_BASE_URL", "http://10.0.2.2:8080")
                .containsEntry("DISABLE_AUTOUPDATER", "1")
                .containsEntry("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
                .containsEntry("DISABLE_TELEMETRY", "1")
                .containsEntry("DISABLE_ERROR_REPORTING", "1")
                .containsEntry("IS_SANDBOX", "1");
        assertThat(inv.homeFiles()).isEmpty();
        assertThat(inv.stdin()).isNull();
        assertThat(String.join(" ", inv.command())).doesNotContain(KEY);
    }

    @Test
    void keepsAPathBeforeV1() {
        assertThat(ClaudeCode.origin("https://proxy.example/anthropic/v1/"))
                .isEqualTo("https://proxy.example/anthropic");
        assertThat(ClaudeCode.origin("http://127.0.0.1:9/v1")).isEqualTo("http://127.0.0.1:9");
        assertThatThrownBy(() -> ClaudeCode.origin(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = "ANTHROPIC", mode = EnumSource.Mode.EXCLUDE)
    void refusesEndpointsOfOtherFormats(Format format) {
        assertThatThrownBy(() -> cli.invocation(launch(format, "http://127.0.0.1:1/v1", "hi")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ANTHROPIC endpoint")
                .hasMessageContaining(format.name());
    }

    @Test
    void joinsTheBlocksOfOneMessageIntoOneTurnWithItsThinking() throws Exception {
        AgentCli.Parsed p = cli.parse(fixture("claude-code", "shell-then-text.jsonl"));
        ToolCall ls = new ToolCall("toolu_01", "Bash", Map.of("command", "ls -la", "description", "List files"));
        assertThat(p.messages()).hasSize(3);
        assertThat(p.messages().get(0)).isEqualTo(new Message.Assistant("I will list the files first.", List.of(ls),
                "I should look at the files."));
        assertThat(((Message.ToolResult) p.messages().get(1)).call()).isEqualTo(ls);
        assertThat(p.messages().get(1).text()).startsWith("total 16\n").contains("b.txt");
        assertThat(p.messages().get(2)).isEqualTo(Message.Assistant.of("The directory has two files. Done."));
        assertThat(p.inputTokens()).isEqualTo(2200);
        assertThat(p.outputTokens()).isEqualTo(52);
        assertThat(p.costUsd()).isCloseTo(0.00738, within(1e-9));
        assertThat(p.problems()).isEmpty();
    }

    @Test
    void readsParallelCallsAndTheirErrorResults() throws Exception {
        AgentCli.Parsed p = cli.parse(fixture("claude-code", "parallel-calls-and-tool-errors.jsonl"));
        assertThat(p.messages()).hasSize(6);
        var second = (Message.Assistant) p.messages().get(2);
        assertThat(second.text()).isEqualTo("Now reading the notes.");
        assertThat(second.calls()).extracting(ToolCall::id, ToolCall::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("toolu_02", "Read"),
                        org.assertj.core.groups.Tuple.tuple("toolu_03", "Bash"));
        assertThat(second.calls().get(0).arguments()).isEqualTo(Map.of("file_path", "/nonexistent/notes.txt"));
        assertThat(p.messages().get(3).text()).startsWith("File does not exist.");
        assertThat(p.messages().get(4).text()).isEqualTo("Exit code 3\ncat: notes.txt: No such file or directory");
        assertThat(p.messages().get(5).text()).isEqualTo("The directory has two files. Done.");
        // 3300 uncached plus 900 read from the prompt cache
        assertThat(p.inputTokens()).isEqualTo(4200);
        assertThat(p.outputTokens()).isEqualTo(112);
        assertThat(p.costUsd()).isCloseTo(0.01185, within(1e-9));
        assertThat(p.problems()).isEmpty();
    }

    @Test
    void anApiErrorIsAProblemNotTheModelsWords() throws Exception {
        AgentCli.Parsed p = cli.parse(fixture("claude-code", "api-error.jsonl"));
        assertThat(p.messages()).isEmpty();
        assertThat(p.costUsd()).isZero();
        assertThat(p.problems()).hasSize(2);
        assertThat(p.problems().get(0)).startsWith("line 2: claude-code reported an error (invalid_request)")
                .contains("Prompt is too long");
        assertThat(p.problems().get(1)).startsWith("line 3: claude-code ended with 'success' (error)");
    }

    @Test
    void resultBlocksAreJoinedAndUsageIsSummedWhenTheRunWasCutShort() {
        String stdout = """
                {"type":"system","subtype":"init","tools":["Bash"]}
                {"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}}],"usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":3}}}
                {"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"a"},{"type":"image"},{"type":"text","text":"b"}],"is_error":false}]}}
                {"type":"assistant","message":{"id":"m2","content":[{"type":"text","text":"x"},{"type":"mystery"}],"usage":{"input_tokens":20,"output_tokens":4}}}
                {"type":"assistant","message":{"id":"m2","content":[{"type":"text","text":"y"}],"usage":{"input_tokens":20,"output_tokens":7}}}
                {"type":"surprise"}
                {"type":"assistant","message":{"id":"m3","content":[{"type":"text\
                """;
        AgentCli.Parsed p = cli.parse(stdout);
        assertThat(p.messages()).hasSize(3);
        assertThat(p.messages().get(1).text()).isEqualTo("a\n[image]\nb");
        assertThat(p.messages().get(2).text()).isEqualTo("xy");
        assertThat(p.inputTokens()).isEqualTo(35);
        assertThat(p.outputTokens()).isEqualTo(10);
        assertThat(p.costUsd()).isNull();
        assertThat(p.problems()).hasSize(3);
        assertThat(p.problems().get(0)).startsWith("line 7: not JSON (truncated");
        assertThat(p.problems().get(1)).isEqualTo("line 4: unknown content block 'mystery'");
        assertThat(p.problems().get(2)).startsWith("line 6: unknown event type 'surprise'");
    }

    @Test
    void survivesGarbage() {
        AgentCli.Parsed p = cli.parse("\u0000\u0001 not json\n{]\n[]\n{\"type\":\"assistant\",\"message\":3}\n");
        assertThat(p.messages()).isEmpty();
        assertThat(p.problems()).hasSize(3);
    }
}
