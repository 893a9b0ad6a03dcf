package dev.peerguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import dev.peerguard.agent.scripted.ScriptedAgents;
import dev.peerguard.model.fake.FakeProvider;
import dev.peerguard.model.fake.Recorded;
import dev.peerguard.model.fake.Reply;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider that echoes the API key back, as providers do: whole in a 401's body ("Incorrect API key provided:
 * sk-..."), without its {@code sk-} in a 500's body, in response headers, in a body that is not JSON, and in the text
 * and reasoning of a model turn (a gateway that puts its complaint in the answer). After {@code run} and
 * {@code resume} (separate processes with the key in their environment), {@code show}, {@code export} in every format
 * and {@code report}, neither the key nor any 8-character piece of it is in any file of the run directory (the store
 * read raw and through its gunzipped transcripts, the response cache, the Inspect logs, the report) nor in any
 * command's standard output or error.
 */
class KeyLeakTest {
    private static final String KEY = "sk-Zq7XvR2mKp9LwT4nYb6HcJ3dFg8sUe5a";
    private static final String MODEL = "openai-api/local/test-model";

    @TempDir
    Path dir;

    private final Map<String, String> outputs = new LinkedHashMap<>();

    /** How the fake answers a conversation, assigned in turn as conversations (tasks) first arrive. */
    enum Echo { REJECTED_KEY, SERVER_ERROR, NOT_JSON, IN_THE_TURN }

    @Test
    void theKeyIsInNoFileAndNoOutputWhateverTheProviderEchoes() throws Exception {
        Map<String, Echo> echoes = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI)) {
            Function<Recorded, Reply> agent = fake.driver(seed -> echoing(ScriptedAgents.open("honest", seed)));
            fake.otherwise(request -> {
                Echo echo = echoes.computeIfAbsent(conversation(request),
                        c -> Echo.values()[next.getAndIncrement() % Echo.values().length]);
                Map<String, String> headers = Map.of("x-echo-api-key", KEY,
                        "WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\", key=\"" + KEY + "\"");
                return switch (echo) {
                    case REJECTED_KEY -> new Reply.Status(401, "{\"error\":{\"message\":\"Incorrect API key provided: "
                            + KEY + ". You can find your API key at https://platform.openai.com/account/api-keys.\","
                            + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}",
                            headers);
                    case SERVER_ERROR -> new Reply.Status(500, "{\"error\":{\"message\":\"upstream refused key "
                            + KEY.substring(3) + "\"}}", headers);
                    case NOT_JSON -> new Reply.Raw(200, "application/json",
                            "<html><body>Invalid credentials " + KEY + "</body></html>");
                    case IN_THE_TURN -> agent.apply(request);
                };
            });

            Path run = dir.resolve("run");
            // Each task's conversation opens differently, so each task gets one kind of echo.
            Result r = peerguard(fake, "run", "--model", MODEL, "--tasks",
                    "tampering,misrep_evaluation,misrep_finance,exfiltration_transfer,exfiltration_deletion",
                    "--subjects", "peer", "--conditions", "good_peer", "--instantiations", "file_only", "--cells",
                    "creativity@90", "--trials", "2", "--max-retries", "1", "--cache", "--out", run.toString());
            assertThat(r.exit()).as(r.err()).isEqualTo(1);
            assertThat(echoes.values()).containsAll(List.of(Echo.values()));
            assertThat(peerguard(fake, "resume", run.toString()).exit()).isEqualTo(1);

            List<TrialRecord> trials;
            try (RunStore store = RunStore.openExisting(run)) {
                trials = store.trials();
            }
            TrialRecord failed = trials.stream().filter(t -> t.status() == TrialRecord.Status.ERROR).findFirst()
                    .orElseThrow();
            TrialRecord ok = trials.stream().filter(t -> t.status() == TrialRecord.Status.OK).findFirst()
                    .orElseThrow();
            assertThat(trials).filteredOn(t -> t.status() == TrialRecord.Status.ERROR).extracting(TrialRecord::error)
                    .anySatisfy(e -> assertThat(e).contains("HTTP 401").contains("check the API key"))
                    .anySatisfy(e -> assertThat(e).contains("HTTP 500").contains("upstream refused key"))
                    .anySatisfy(e -> assertThat(e).contains("unreadable response"));
            inProcess("show", run.toString());
            inProcess("show", run.toString(), failed.id());
            inProcess("show", run.toString(), ok.id());
            inProcess("export", run.toString(), "--format", "jsonl");
            inProcess("export", run.toString(), "--format", "csv");
            inProcess("export", run.toString(), "--format", "inspect");
            inProcess("report", run.toString());
            inProcess("report", run.toString(), "--format", "md");
            assertThat(run.resolve("report.html")).exists();
            assertThat(run.resolve("inspect")).isDirectoryContaining(p -> p.toString().endsWith(".json"));
            // The echoed text reached the transcript, scrubbed: the test looks where the key would have been.
            assertThat(outputs.get("show " + ok.id())).contains("Signed in with [redacted]");

            for (String fragment : fragments()) {
                outputs.forEach((command, text) -> assertThat(text).as(command).doesNotContain(fragment));
                assertNoFileContains(run, fragment);
            }
        }
    }

    /** The key, and every piece of it of 8 characters or more (the part after {@code sk-} among them). */
    private static List<String> fragments() {
        List<String> out = new ArrayList<>(List.of(KEY, KEY.substring(3)));
        for (int i = 0; i + 8 <= KEY.length(); i++) out.add(KEY.substring(i, i + 8));
        return out;
    }

    /** An agent whose turns also carry the key in their text and reasoning. */
    private static Agent echoing(Agent agent) {
        return (conversation, tools) -> {
            Message.Assistant turn = agent.reply(conversation, tools);
            return new Message.Assistant("Signed in with " + KEY + ". " + turn.text(), turn.calls(),
                    "The gateway said the key " + KEY + " is fine.");
        };
    }

    /** A conversation's identity: its system prompt and task request. */
    private static String conversation(Recorded request) {
        return request.body().path("messages").path(0).path("content").toString() + "\0"
                + request.body().path("messages").path(1).path("content").toString();
    }

    record Result(int exit, String out, String err) {}

    /** A command in its own process, with the key and base URL in its environment, as a user runs it. */
    private Result peerguard(FakeProvider fake, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "dev.peerguard.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().put("LOCAL_BASE_URL", fake.baseUrl());
        pb.environment().put("LOCAL_API_KEY", KEY);
        pb.environment().put("CI", "true");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("stderr.txt"));
        outputs.put(String.join(" ", args) + " (stdout)", out);
        outputs.put(String.join(" ", args) + " (stderr)", err);
        return new Result(p.exitValue(), out, err);
    }

    private void inProcess(String... args) {
        Cli.Run r = Cli.run(args);
        assertThat(r.exit()).as(r.err()).isZero();
        String name = args[0] + (args.length > 2 && !args[2].startsWith("--") ? " " + args[2] : "")
                + (args.length > 3 ? " " + args[3] : "");
        outputs.put(name, r.out() + r.err());
    }

    /** No file holds the text, read as bytes, and no stored transcript holds it once gunzipped. */
    private static void assertNoFileContains(Path run, String text) throws IOException {
        try (Stream<Path> files = Files.walk(run)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(text);
            }
        }
        try (RunStore store = RunStore.openExisting(run)) {
            store.forEachTrialWithTranscriptGz((t, gz) -> {
                assertThat(String.valueOf(t.error()) + t.reasons() + t.outcome()).as(t.id()).doesNotContain(text);
                if (gz != null) assertThat(gunzip(gz)).as(t.id()).doesNotContain(text);
            });
        }
    }

    private static String gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
