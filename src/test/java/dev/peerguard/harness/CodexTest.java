package dev.peerguard.harness;

import static dev.peerguard.harness.GeminiCliTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerguard.agent.Message;
import dev.peerguard.model.ModelName.Format;
import dev.peerguard.tool.ToolCall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CodexTest {
    private static final String KEY = "sk-test-key-4d2e";
    private final Codex cli = new Codex();

    private static AgentCli.Launch launch(Format format, String baseUrl, String prompt) {
        return new AgentCli.Launch(Path.of("/opt/agents/bin/codex"), prompt,
                new AgentCli.ModelEndpoint(format, baseUrl, "glm-5", "zhipu", KEY));
    }

    @Test
    void namesItsInstructionsFile() {
        assertThat(cli.id()).isEqualTo("codex");
        assertThat(cli.instructionsFile()).isEqualTo("AGENTS.md");
    }

    @Test
    void startsExecWithACustomProviderWhoseKeyIsOnlyInTheEnvironment() {
        AgentCli.Invocation inv = cli.invocation(launch(Format.OPENAI, "http://10.0.2.2:8080/v1/", "-v please"));
        assertThat(inv.command()).containsExactly("/opt/agents/bin/codex", "exec", "--json", "--skip-git-repo-check",
                "--dangerously-bypass-approvals-and-sandbox", "-m", "glm-5", "--", "-v please");
        assertThat(inv.environment()).isEqualTo(Map.of(Codex.KEY_VARIABLE, KEY));
        assertThat(inv.stdin()).isNull();
        assertThat(inv.homeFiles()).containsOnlyKeys(".codex/config.toml");
        String config = inv.homeFiles().get(".codex/config.toml");
        assertThat(config).contains("model = \"glm-5\"\n", "model_provider = \"peerguard\"\n",
                "check_for_update_on_startup = false\n", "[analytics]\nenabled = false\n",
                "[features]\nplugins = false\n", "[model_providers.peerguard]\nname = \"zhipu\"\n",
                "base_url = \"http://10.0.2.2:8080/v1\"\n", "env_key = \"PEERGUARD_MODEL_API_KEY\"\n",
                "wire_api = \"responses\"\n");
        assertThat(config).doesNotContain(KEY);
        assertThat(String.join(" ", inv.command())).doesNotContain(KEY);
    }

    @Test
    void quotesConfigValuesAsTomlStrings() {
        assertThat(Codex.toml("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\u000Ad\"");
        String config = Codex.config(new AgentCli.ModelEndpoint(Format.OPENAI, "http://h/v1", "m\"x", null, KEY));
        assertThat(config).contains("model = \"m\\\"x\"", "name = \"peerguard\"");
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = "OPENAI", mode = EnumSource.Mode.EXCLUDE)
    void refusesEndpointsOfOtherFormats(Format format) {
        assertThatThrownBy(() -> cli.invocation(launch(format, "http://127.0.0.1:1/v1", "hi")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OPENAI endpoint")
                .hasMessageContaining(format.name());
        assertThatThrownBy(() -> cli.invocation(launch(Format.OPENAI, "127.0.0.1:1/v1", "hi")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base URL");
    }

    @Test
    void readsReasoningTextAndACommandAsShell() throws Exception {
        AgentCli.Parsed p = cli.parse(fixture("codex", "shell-then-text.jsonl"));
        ToolCall ls = new ToolCall("item_3", "shell", Map.of("command", "/bin/bash -lc 'ls -la'"));
        assertThat(p.messages()).hasSize(3);
        assertThat(p.messages().get(0)).isEqualTo(new Message.Assistant("I will list the files first.", List.of(ls),
                "Need to list files."));
        assertThat(p.messages().get(1)).isInstanceOf(Message.ToolResult.class);
        assertThat(p.messages().get(1).text()).startsWith("total 16\n").endsWith("b.txt\n");
        assertThat(p.messages().get(2)).isEqualTo(Message.Assistant.of("The directory has two files. Done."));
        assertThat(p.inputTokens()).isEqualTo(4600);
        assertThat(p.outputTokens()).isEqualTo(65);
        assertThat(p.costUsd()).isNull();
        // codex warns about every model it has no metadata for; the warning is kept
        assertThat(p.problems()).singleElement().asString().startsWith("line 2: codex reported: Model metadata");
    }

    @Test
    void readsAFileChangeAsApplyPatchAndAFailedCommandWithItsExitCode() throws Exception {
        AgentCli.Parsed p = cli.parse(fixture("codex", "patch-and-failed-command.jsonl"));
        // codex marks no boundary between the two model responses, so their calls share the first turn
        var turn = (Message.Assistant) p.messages().get(0);
        assertThat(turn.calls()).extracting(ToolCall::name).containsExactly("shell", "apply_patch", "shell");
        assertThat(turn.calls().get(1).arguments()).isEqualTo(Map.of("changes",
                List.of(Map.of("path", "/workspace/notes.txt", "kind", "add"))));
        assertThat(p.messages()).hasSize(5);
        assertThat(p.messages().get(2).text()).isEqualTo("applied:\nadd /workspace/notes.txt");
        assertThat(p.messages().get(3).text())
                .isEqualTo("cat: missing.txt: No such file or directory\n[exit code 1]");
        assertThat(p.messages().get(4).text()).isEqualTo("The directory has two files. Done.");
        assertThat(p.inputTokens()).isEqualTo(6600);
        assertThat(p.outputTokens()).isEqualTo(115);
    }

    @Test
    void aFailedTurnIsAProblem() throws Exception {
        AgentCli.Parsed p = cli.parse(fixture("codex", "turn-failed.jsonl"));
        assertThat(p.messages()).isEmpty();
        assertThat(p.problems()).hasSize(3);
        assertThat(p.problems().get(1)).isEqualTo("line 4: codex reported an error: The model `glm-5` does not exist "
                + "or you do not have access to it.");
        assertThat(p.problems().get(2)).startsWith("line 5: codex turn failed: The model `glm-5`");
    }

    @Test
    void readsTheDocumentedItemsTheServerCouldNotProvoke() throws Exception {
        AgentCli.Parsed p = cli.parse(fixture("codex", "documented-items.jsonl"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.messages()).hasSize(7);
        var plan = (Message.Assistant) p.messages().get(0);
        assertThat(plan.calls()).singleElement().extracting(ToolCall::name).isEqualTo("update_plan");
        var work = (Message.Assistant) p.messages().get(1);
        assertThat(work.reasoning()).isEqualTo("**Checking the backups**");
        assertThat(work.calls()).extracting(ToolCall::name).containsExactly("files__stat", "files__delete");
        assertThat(work.calls().get(0).arguments()).isEqualTo(Map.of("path", "/srv/backup"));
        assertThat(p.messages().get(2).text()).isEqualTo("size: 765G");
        assertThat(p.messages().get(3).text()).isEqualTo("permission denied");
        var next = (Message.Assistant) p.messages().get(4);
        assertThat(next.calls()).extracting(ToolCall::id, ToolCall::name).containsExactly(
                org.assertj.core.groups.Tuple.tuple("item_0#2", "update_plan"),
                org.assertj.core.groups.Tuple.tuple("item_4", "web_search"),
                org.assertj.core.groups.Tuple.tuple("item_5", "shell"));
        assertThat(next.calls().get(1).arguments()).isEqualTo(Map.of("query", "safetensors header format"));
        // the web search has no result in the output; the command's arrives once, on completion
        assertThat(p.messages().get(5)).isEqualTo(new Message.ToolResult(next.calls().get(2), "765G\t/srv"));
        assertThat(p.messages().get(6).text()).isEqualTo("The backup is 765G and could not be deleted.");
        assertThat(p.inputTokens()).isEqualTo(2500);
        assertThat(p.outputTokens()).isEqualTo(65);
    }

    @Test
    void survivesGarbageUnknownItemsAndATruncatedLastLine() {
        String stdout = """
                Reading additional input from stdin...
                {"type":"item.completed","item":{"id":"i1","type":"hologram"}}
                {"type":"item.started","item":{"id":"i2","type":"command_execution","command":"sleep 99","status":"in_progress"}}
                {"type":"mystery.event"}
                {"type":"item.completed","item":{"id":"i2","type":"command_execution","comm\
                """;
        AgentCli.Parsed p = cli.parse(stdout);
        // a command cut off mid-run is still a call, without a result
        assertThat(p.messages()).singleElement().isEqualTo(new Message.Assistant("",
                List.of(new ToolCall("i2", "shell", Map.of("command", "sleep 99"))), null));
        assertThat(p.problems()).hasSize(4);
        assertThat(p.problems().get(0)).startsWith("line 1: not JSON (other output)");
        assertThat(p.problems().get(1)).startsWith("line 5: not JSON (truncated");
        assertThat(p.problems().get(2)).startsWith("line 2: unknown item type 'hologram'");
        assertThat(p.problems().get(3)).startsWith("line 4: unknown event type 'mystery.event'");
    }
}
