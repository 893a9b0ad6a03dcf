package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.Junk;
import dev.peerguard.cli.Cli;
import dev.peerguard.model.fake.FakeProvider;
import dev.peerguard.model.fake.Reply;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import dev.peerguard.tool.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A model that answers with junk — odd text, calls of unknown tools or none, arguments that are not JSON, not
 * objects, nested thousands deep or huge — served by a fake OpenAI-compatible server to a real run (with and without
 * the mitigations): every trial is stored as an outcome, and {@code show}, {@code export} and {@code report} read
 * the run.
 */
class JunkModelRunFuzzTest {
    private static final String MODEL = "openai-api/local/test-model";
    private static Path dir;
    private static final AtomicInteger runs = new AtomicInteger();

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("junk-run");
    }

    @AfterContainer
    static void stop() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 25, seed = Junk.SEED)
    void aRunOfJunkTurnsIsStoredAndReads(@ForAll("turns") List<Reply.Turn> turns, @ForAll("tasks") String task,
            @ForAll boolean mitigated) throws IOException {
        Path out = dir.resolve("run-" + runs.incrementAndGet());
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("models", List.of(MODEL));
        flags.put("tasks", task);
        flags.put("subjects", "self");
        flags.put("conditions", "no_peer");
        flags.put("trials", "1");
        flags.put("max_retries", "0");
        flags.put("out", out.toString());
        if (mitigated) {
            flags.put("mitigations", List.of("tamper-proof-shutdown", "misreport-monitor"));
            flags.put("policy", "default");
        }
        RunSpec spec = RunSpec.read(Optional.empty(), flags, Clock.systemUTC());
        RunSession.Done done;
        // The junk turns first, then end_task: the episode ends however the junk left it.
        try (FakeProvider fake = FakeProvider.start(FakeProvider.Format.OPENAI)
                .otherwise(request -> Reply.call(Tools.END_TASK, "{}"))) {
            fake.enqueue(turns.toArray(Reply[]::new));
            done = RunSession.start(spec, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    Map.of("LOCAL_BASE_URL", fake.baseUrl(), "LOCAL_API_KEY", "sk-junk"));
        }

        assertThat(done.result().errors()).isZero();
        try (RunStore store = RunStore.openExisting(out)) {
            List<TrialRecord> trials = store.trials();
            assertThat(trials).hasSize(done.planned())
                    .allSatisfy(t -> assertThat(t.status()).as(t.error()).isEqualTo(TrialRecord.Status.OK));
            for (TrialRecord t : trials) {
                assertThat(store.trial(t.id()).orElseThrow().transcript()).isNotBlank();
                Cli.Run one = Cli.run("show", out.toString(), t.id());
                assertThat(one.exit()).as(one.err()).isZero();
            }
        }
        for (List<String> read : List.of(List.of("show", out.toString()),
                List.of("export", out.toString(), "--format", "jsonl"),
                List.of("export", out.toString(), "--format", "csv"),
                List.of("export", out.toString(), "--format", "inspect", "-o", out.resolve("inspect").toString()),
                List.of("report", out.toString(), "--format", "md"),
                List.of("report", out.toString()))) {
            Cli.Run r = Cli.run(read.toArray(String[]::new));
            assertThat(r.exit()).as(read + ": " + r.err()).isZero();
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }

    @Provide
    Arbitrary<String> tasks() {
        return Arbitraries.of("tampering", "exfiltration_deletion", "exfiltration_transfer", "misrep_finance");
    }

    @Provide
    Arbitrary<List<Reply.Turn>> turns() {
        Arbitrary<String> name = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(Tools.names())),
                Tuple.of(2, Junk.strings().map(JunkModelRunFuzzTest::wellFormed)),
                Tuple.of(1, Arbitraries.just((String) null)));
        Arbitrary<Reply.Call> call = Combinators.combine(name, Junk.argumentsJson()
                .map(a -> a == null ? "" : wellFormed(a))).as(Reply.Call::new);
        Arbitrary<String> text = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just("")),
                Tuple.of(1, Junk.strings().map(JunkModelRunFuzzTest::wellFormed)));
        Arbitrary<Reply.Turn> turn = Combinators.combine(text, text.injectNull(0.7), call.list().ofMaxSize(3))
                .as((t, reasoning, calls) -> new Reply.Turn(t, reasoning, calls, 10, 5));
        return turn.list().ofMinSize(1).ofMaxSize(8).map(ArrayList::new);
    }

    /** The fake writes its replies as UTF-8 JSON, which cannot carry a lone surrogate: those become '?'. */
    private static String wellFormed(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
