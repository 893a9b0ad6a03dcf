package dev.peerguard.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.agent.Message;
import dev.peerguard.harness.AgentCli.Invocation;
import dev.peerguard.harness.AgentCli.Launch;
import dev.peerguard.harness.AgentCli.ModelEndpoint;
import dev.peerguard.harness.AgentCli.Parsed;
import dev.peerguard.model.ModelName;
import dev.peerguard.model.fake.FakeProvider;
import dev.peerguard.model.fake.Recorded;
import dev.peerguard.model.fake.Reply;
import dev.peerguard.tool.ToolCall;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The OpenCode adapter: its command line and config, its reading of captured output, and the real program. */
class OpenCodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-test-0123456789";
    private static final OpenCode OPENCODE = new OpenCode();

    private static Launch launch(ModelName.Format format, String baseUrl) {
        return new Launch(Path.of("/opt/agents/opencode"), "Tidy the \"shared\" drive,\nthen report.",
                new ModelEndpoint(format, baseUrl, "glm-5", "zhipu", KEY));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String fixture(String name) {
        String dir = System.getProperty("peerguard.fixtures");
        try {
            Path p = dir != null && Files.exists(Path.of(dir, "harness/opencode", name))
                    ? Path.of(dir, "harness/opencode", name)
                    : Path.of(OpenCodeTest.class.getResource("/harness/opencode/" + name).toURI());
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the fixture " + name, e);
        }
    }

    // ---- invocation ----------------------------------------------------------------------------------------------

    @Test
    void namesItsAgentAndInstructionsFile() {
        assertThat(OPENCODE.id()).isEqualTo("opencode");
        assertThat(OPENCODE.instructionsFile()).isEqualTo("AGENTS.md");
    }

    @Test
    void runsNonInteractivelyWithJsonEventsAndThePromptOnStandardInput() {
        Invocation run = OPENCODE.invocation(launch(ModelName.Format.OPENAI, "http://127.0.0.1:9/v1"));
        assertThat(run.command()).containsExactly("/opt/agents/opencode", "run", "--format", "json",
                "--model", "peerguard/glm-5", "--title", "peerguard", "--thinking", "--auto");
        assertThat(run.stdin()).isEqualTo("Tidy the \"shared\" drive,\nthen report.");
    }

    @Test
    void theEnvironmentHoldsTheConfigTheKeyAndTheOfflineSwitches() {
        Invocation run = OPENCODE.invocation(launch(ModelName.Format.OPENAI, "http://127.0.0.1:9/v1"));
        assertThat(run.environment()).containsEntry("CI", "true")
                .containsEntry(OpenCode.KEY_VARIABLE, KEY)
                .containsEntry("OPENCODE_DISABLE_MODELS_FETCH", "true")
                .containsEntry("OPENCODE_DISABLE_AUTOUPDATE", "true")
                .containsEntry("OPENCODE_DISABLE_LSP_DOWNLOAD", "true")
                .containsEntry("OPENCODE_DISABLE_SHARE", "true")
                .containsKey("OPENCODE_CONFIG_CONTENT");
        assertThat(run.environment().entrySet()).filteredOn(e -> e.getValue().contains(KEY))
                .extracting(Map.Entry::getKey).containsExactly(OpenCode.KEY_VARIABLE);
        assertThat(run.command()).noneMatch(arg -> arg.contains(KEY));
        assertThat(run.homeFiles().values()).noneMatch(content -> content.contains(KEY));
        assertThat(run.stdin()).doesNotContain(KEY);
    }

    @Test
    void theConfigAllowsEveryPermission() {
        JsonNode config = json(OPENCODE.invocation(launch(ModelName.Format.OPENAI, "http://127.0.0.1:9/v1"))
                .environment().get("OPENCODE_CONFIG_CONTENT"));
        JsonNode permission = config.path("permission");
        for (String p : List.of("*", "read", "write", "edit", "bash", "glob", "grep", "list", "patch", "webfetch",
                "task", "todowrite", "external_directory", "doom_loop", "skill")) {
            assertThat(permission.path(p).asText()).as(p).isEqualTo("allow");
        }
        permission.properties().forEach(e -> assertThat(e.getValue().asText()).as(e.getKey()).isEqualTo("allow"));
        assertThat(config.path("autoupdate").asBoolean(true)).isFalse();
        assertThat(config.path("share").asText()).isEqualTo("disabled");
        assertThat(config.path("model").asText()).isEqualTo("peerguard/glm-5");
    }

    @Test
    void theProviderEntryPointsAtTheEndpointAndReadsTheKeyFromTheEnvironment() {
        JsonNode config = json(OPENCODE.invocation(launch(ModelName.Format.OPENAI, "http://127.0.0.1:9/v1"))
                .environment().get("OPENCODE_CONFIG_CONTENT"));
        JsonNode provider = config.path("provider");
        assertThat(provider.size()).isEqualTo(1);
        JsonNode entry = provider.path("peerguard");
        assertThat(entry.path("npm").asText()).isEqualTo("@ai-sdk/openai-compatible");
        assertThat(entry.path("name").asText()).isEqualTo("zhipu");
        assertThat(entry.path("options").path("baseURL").asText()).isEqualTo("http://127.0.0.1:9/v1");
        assertThat(entry.path("options").path("apiKey").asText()).isEqualTo("{env:" + OpenCode.KEY_VARIABLE + "}");
        assertThat(entry.path("models").path("glm-5").isObject()).isTrue();
        assertThat(config.toString()).doesNotContain(KEY);
    }

    @Test
    void anthropicAndGeminiEndpointsUseTheirBundledProviders() {
        JsonNode anthropic = json(OPENCODE.invocation(launch(ModelName.Format.ANTHROPIC, "http://127.0.0.1:9/v1/"))
                .environment().get("OPENCODE_CONFIG_CONTENT")).path("provider").path("peerguard");
        assertThat(anthropic.path("npm").asText()).isEqualTo("@ai-sdk/anthropic");
        assertThat(anthropic.path("options").path("baseURL").asText()).isEqualTo("http://127.0.0.1:9/v1");
        JsonNode gemini = json(OPENCODE.invocation(launch(ModelName.Format.GEMINI, "http://127.0.0.1:9/v1beta"))
                .environment().get("OPENCODE_CONFIG_CONTENT")).path("provider").path("peerguard");
        assertThat(gemini.path("npm").asText()).isEqualTo("@ai-sdk/google");
        assertThat(gemini.path("options").path("baseURL").asText()).isEqualTo("http://127.0.0.1:9/v1beta");
    }

    @Test
    void theHomeListsThePluginPackageSoOpenCodeInstallsNothing() {
        Map<String, String> home = OPENCODE.invocation(launch(ModelName.Format.OPENAI, "http://127.0.0.1:9/v1"))
                .homeFiles();
        assertThat(home).containsKeys(".config/opencode/package.json", ".config/opencode/package-lock.json",
                ".config/opencode/node_modules/.keep");
        assertThat(json(home.get(".config/opencode/package.json")).path("dependencies").has("@opencode-ai/plugin"))
                .isTrue();
        assertThat(json(home.get(".config/opencode/package-lock.json")).path("packages").path("")
                .path("dependencies").has("@opencode-ai/plugin")).isTrue();
    }

    @Test
    void unsupportedLaunchesSayWhatWorks() {
        assertThatThrownBy(() -> OPENCODE.invocation(launch(ModelName.Format.SCRIPTED, "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OPENAI, ANTHROPIC or GEMINI");
        assertThatThrownBy(() -> OPENCODE.invocation(new Launch(Path.of("opencode"), "hi", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model endpoint");
    }

    // ---- parsing captured output ---------------------------------------------------------------------------------

    @Test
    void aToolCallThenTextIsTwoTurnsWithTheResultBetween() {
        Parsed parsed = OPENCODE.parse(fixture("tool-call.jsonl"));
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.messages()).hasSize(3);
        Message.Assistant first = (Message.Assistant) parsed.messages().get(0);
        assertThat(first.text()).isEqualTo("Let me look.");
        assertThat(first.calls()).hasSize(1);
        ToolCall call = first.calls().get(0);
        assertThat(call.name()).isEqualTo("bash");
        assertThat(call.id()).isEqualTo("call_1_0");
        assertThat(call.arguments()).containsEntry("command", "ls -la").containsEntry("description", "List files");
        assertThat(call.argumentsError()).isNull();
        Message.ToolResult result = (Message.ToolResult) parsed.messages().get(1);
        assertThat(result.call()).isEqualTo(call);
        assertThat(result.text()).startsWith("total ").contains("README.md");
        Message.Assistant last = (Message.Assistant) parsed.messages().get(2);
        assertThat(last.text()).isEqualTo("Done: I listed the files.");
        assertThat(last.calls()).isEmpty();
        // 100 + 120 fresh and 30 cached prompt tokens; 20 + 10 completion tokens
        assertThat(parsed.inputTokens()).isEqualTo(250);
        assertThat(parsed.outputTokens()).isEqualTo(30);
        assertThat(first.usage().inputTokens()).isEqualTo(100);
        assertThat(parsed.costUsd()).as("OpenCode's 0 for an unpriced model").isNull();
    }

    @Test
    void aFailedToolGivesItsErrorAsTheResult() {
        Parsed parsed = OPENCODE.parse(fixture("tool-error.jsonl"));
        assertThat(parsed.problems()).isEmpty();
        Message.Assistant first = (Message.Assistant) parsed.messages().get(0);
        assertThat(first.calls()).extracting(ToolCall::name).containsExactly("read");
        assertThat(first.calls().get(0).arguments()).containsEntry("filePath", "/nonexistent/nope.txt");
        assertThat(((Message.ToolResult) parsed.messages().get(1)).text())
                .isEqualTo("File not found: /nonexistent/nope.txt");
        assertThat(parsed.messages()).hasSize(3);
    }

    @Test
    void aCommandThatExitsNonZeroIsACompletedCallWithItsOutput() {
        Parsed parsed = OPENCODE.parse(fixture("bash-exit-1.jsonl"));
        assertThat(((Message.ToolResult) parsed.messages().get(1)).text())
                .isEqualTo("cat: /nonexistent/file.txt: No such file or directory\n");
    }

    @Test
    void aTextOnlyRunIsOneTurn() {
        Parsed parsed = OPENCODE.parse(fixture("text-only.jsonl"));
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.messages()).containsExactly(new Message.Assistant("Done: I listed the files.", List.of(),
                null, new dev.peerguard.agent.Usage(150, 10, false, null)));
        assertThat(parsed.inputTokens()).isEqualTo(150);
        assertThat(parsed.outputTokens()).isEqualTo(10);
    }

    @Test
    void parallelCallsOfOneStepAreOneTurnInTheOrderTheModelMadeThem() {
        // OpenCode printed the glob call first because it finished first; the model made the bash call first
        Parsed parsed = OPENCODE.parse(fixture("parallel-calls.jsonl"));
        assertThat(parsed.problems()).isEmpty();
        Message.Assistant first = (Message.Assistant) parsed.messages().get(0);
        assertThat(first.reasoning()).isEqualTo("I should look around.");
        assertThat(first.text()).isEqualTo("Let me look.");
        assertThat(first.calls()).extracting(ToolCall::name).containsExactly("bash", "glob");
        assertThat(first.calls().get(1).arguments()).isEqualTo(Map.of("pattern", "*.md"));
        assertThat(parsed.messages().subList(1, 3)).extracting(m -> ((Message.ToolResult) m).call().name())
                .containsExactly("bash", "glob");
        assertThat(((Message.ToolResult) parsed.messages().get(1)).text()).isEqualTo("one\n");
        assertThat(((Message.ToolResult) parsed.messages().get(2)).text()).endsWith("README.md");
        assertThat(parsed.messages()).hasSize(4);
        // 14 output + 6 reasoning tokens in the first step
        assertThat(parsed.outputTokens()).isEqualTo(30);
        assertThat(parsed.costUsd()).isCloseTo(0.0006 + 0.000519, within(1e-9));
    }

    @Test
    void aCallOfAnUnknownToolKeepsTheNameTheModelUsed() {
        Parsed parsed = OPENCODE.parse(fixture("unknown-tool.jsonl"));
        ToolCall call = ((Message.Assistant) parsed.messages().get(0)).calls().get(0);
        assertThat(call.name()).isEqualTo("no_such_tool");
        assertThat(call.argumentsError()).contains("unavailable tool 'no_such_tool'");
        assertThat(((Message.ToolResult) parsed.messages().get(1)).text()).contains("unavailable tool");
    }

    @Test
    void argumentsThatAreNotJsonAreAMalformedCall() {
        Parsed parsed = OPENCODE.parse(fixture("malformed-arguments.jsonl"));
        ToolCall call = ((Message.Assistant) parsed.messages().get(0)).calls().get(0);
        assertThat(call.name()).isEqualTo("bash");
        assertThat(call.argumentsError()).contains("JSON parsing failed");
        assertThat(call.arguments()).isEmpty();
    }

    @Test
    void aRejectedPermissionIsAFailedCall() {
        Parsed parsed = OPENCODE.parse(fixture("permission-rejected.jsonl"));
        assertThat(parsed.problems()).isEmpty();
        assertThat(((Message.Assistant) parsed.messages().get(0)).calls()).extracting(ToolCall::name)
                .containsExactly("write");
        assertThat(((Message.ToolResult) parsed.messages().get(1)).text()).contains("rejected permission");
    }

    @Test
    void anApiErrorIsReportedAsAProblem() {
        Parsed parsed = OPENCODE.parse(fixture("api-error.jsonl"));
        assertThat(parsed.messages()).isEmpty();
        assertThat(parsed.problems()).singleElement().asString()
                .contains("APIError").contains("Incorrect API key provided.").contains("401");
    }

    @Test
    void unreadableLinesAreProblemsAndTheRestIsStillRead() {
        String stdout = "Performing one time database migration...\n" + fixture("text-only.jsonl")
                + "{\"type\":\n[1,2]\n{\"no\":\"type\"}\n{\"type\":\"something_new\"}\n\n";
        Parsed parsed = OPENCODE.parse(stdout);
        assertThat(parsed.messages()).hasSize(1);
        assertThat(parsed.problems()).satisfiesExactly(
                p -> assertThat(p).startsWith("line 1: ").contains("Performing one time database migration..."),
                p -> assertThat(p).startsWith("line 5: ").contains("{\"type\":"),
                p -> assertThat(p).startsWith("line 6: ").contains("[1,2]"),
                p -> assertThat(p).startsWith("line 7: ").contains("no event type"),
                p -> assertThat(p).startsWith("line 8: ").contains("something_new"));
    }

    @Test
    void oddButWellFormedEventsNeverThrow() {
        String stdout = String.join("\n",
                "{\"type\":\"tool_use\",\"part\":{\"tool\":\"bash\",\"state\":{\"status\":\"running\",\"input\":[1]}}}",
                "{\"type\":\"text\",\"part\":{}}",
                "{\"type\":\"step_finish\",\"part\":{\"tokens\":\"many\",\"cost\":\"free\"}}",
                "{\"type\":\"step_finish\"}",
                "{\"type\":\"error\",\"error\":{}}",
                "{\"type\":\"reasoning\",\"part\":null}");
        Parsed parsed = OPENCODE.parse(stdout);
        Message.Assistant turn = (Message.Assistant) parsed.messages().get(0);
        assertThat(turn.calls()).singleElement().satisfies(c -> assertThat(c.argumentsError()).isNotNull());
        assertThat(parsed.messages()).noneMatch(m -> m instanceof Message.ToolResult);
        assertThat(parsed.problems()).hasSize(1);
        assertThat(OPENCODE.parse("").messages()).isEmpty();
    }

    // ---- the real program ----------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = FakeProvider.Format.class)
    void theRealOpenCodeRunsACallAndReportsItsResult(FakeProvider.Format format, @TempDir Path dir)
            throws Exception {
        Path bin = AgentInstall.opencode().orElse(null);
        assumeTrue(bin != null, AgentInstall::skipReason);
        try (FakeProvider fake = FakeProvider.start(format)) {
            fake.enqueue(new Reply.Turn("Let me check.", null, List.of(new Reply.Call("bash",
                            "{\"command\":\"echo hello-from-opencode\",\"description\":\"Say hello\"}")), 40, 12),
                    new Reply.Turn("All done.", null, List.of(), 60, 4));
            String baseUrl = format == FakeProvider.Format.ANTHROPIC ? fake.baseUrl() + "/" : fake.baseUrl();
            ModelName.Format wire = ModelName.Format.valueOf(format.name());
            String prompt = "Say \"hello\" in the shell,  then stop.";
            Invocation run = OPENCODE.invocation(new Launch(bin, prompt,
                    new ModelEndpoint(wire, baseUrl, "fake-model", "fake", KEY)));

            Output out = start(run, dir);
            assertThat(out.code()).as("exit code; stderr: %s", out.stderr()).isZero();
            Parsed parsed = OPENCODE.parse(out.stdout());
            assertThat(parsed.problems()).as("stdout: %s", out.stdout()).isEmpty();
            Message.Assistant first = (Message.Assistant) parsed.messages().get(0);
            assertThat(first.text()).isEqualTo("Let me check.");
            assertThat(first.calls()).singleElement().satisfies(call -> {
                assertThat(call.name()).isEqualTo("bash");
                assertThat(call.arguments()).containsEntry("command", "echo hello-from-opencode");
            });
            assertThat(parsed.messages().get(1)).isInstanceOfSatisfying(Message.ToolResult.class,
                    result -> assertThat(result.text()).isEqualTo("hello-from-opencode\n"));
            assertThat(parsed.messages().get(2).text()).isEqualTo("All done.");
            assertThat(parsed.inputTokens()).isEqualTo(100);
            assertThat(parsed.outputTokens()).isEqualTo(16);

            List<Recorded> requests = fake.requests();
            assertThat(requests).as("one request per step, no title request").hasSize(2);
            assertThat(requests).allSatisfy(r -> {
                switch (format) {
                    case OPENAI -> {
                        assertThat(r.body().path("stream").asBoolean()).isTrue();
                        assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY);
                    }
                    case ANTHROPIC -> {
                        assertThat(r.body().path("stream").asBoolean()).isTrue();
                        assertThat(r.header("x-api-key")).isEqualTo(KEY);
                    }
                    case GEMINI -> {
                        assertThat(r.path()).endsWith("/fake-model:streamGenerateContent");
                        assertThat(r.header("x-goog-api-key")).isEqualTo(KEY);
                    }
                }
            });
            assertThat(requests.get(0).body().toString()).as("the prompt reaches the model verbatim")
                    .contains(JSON.writeValueAsString(prompt));
        }
    }

    private record Output(int code, String stdout, String stderr) {}

    /** Starts the invocation as the sandbox would, minus the sandbox: a fresh home, the work directory, stdin. */
    private static Output start(Invocation run, Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path work = Files.createDirectories(dir.resolve("work"));
        for (Map.Entry<String, String> file : run.homeFiles().entrySet()) {
            Path p = home.resolve(file.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, file.getValue());
        }
        ProcessBuilder builder = new ProcessBuilder(run.command()).directory(work.toFile());
        Map<String, String> env = builder.environment();
        // a variable of the test's own environment must not point OpenCode at another config, data or cache
        env.keySet().removeIf(k -> k.startsWith("OPENCODE_") || k.startsWith("XDG_"));
        env.put("HOME", home.toString());
        env.putAll(run.environment());
        Process process = builder.start();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            if (run.stdin() != null) in.write(run.stdin().getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("opencode did not finish in 120 s; stdout so far: " + stdout.getNow(""));
        }
        return new Output(process.exitValue(), stdout.get(10, TimeUnit.SECONDS), stderr.get(10, TimeUnit.SECONDS));
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
