package dev.peerguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.Junk;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Command lines built from the real commands and options with junk values (wrong types, unknown choices, unicode,
 * nulls, huge strings, paths that are no paths), run in process: each ends with exit code 0, 1 or 2 and never with a
 * stack trace, and a run directory they touch still reads. Commands that serve, benchmark or sweep the whole matrix
 * ({@code proxy}, {@code bench}, {@code demo}, {@code redteam}) are left out; {@code run} and {@code harness} get
 * {@code --dry-run}, except in the property that runs a tiny matrix for real.
 */
class CliFuzzTest {
    /** The commands tried, with the options each has (from the command line's own model). */
    private static final List<String> COMMANDS = List.of("scenarios", "episode", "replay", "show", "export", "report",
            "compare", "resume", "run", "harness", "help");
    private static final Map<String, List<OptionSpec>> OPTIONS = options();

    private static Path dir;
    /** A finished run of the random agent (valid and invalid calls), which show/export/report/compare/resume read. */
    private static Path run;
    private static String trialId;
    private static final AtomicInteger runs = new AtomicInteger();
    /** A path no one can create: its parent does not exist and cannot be made. */
    private static final String UNWRITABLE = "/proc/peerguard-nowhere/out";

    private static Map<String, List<OptionSpec>> options() {
        CommandLine cli = new CommandLine(new Main());
        Map<String, List<OptionSpec>> out = new java.util.LinkedHashMap<>();
        for (String c : COMMANDS) out.put(c, cli.getSubcommands().get(c).getCommandSpec().options());
        return out;
    }

    @BeforeContainer
    static void makeRun() throws IOException {
        dir = Files.createTempDirectory("cli-fuzz");
        run = dir.resolve("run");
        Files.writeString(dir.resolve("a-file.txt"), "not a directory");
        Cli.Run r = Cli.run("run", "--model", "scripted/random", "--tasks", "tampering,exfiltration_deletion",
                "--subjects", "self", "--conditions", "no_peer", "--trials", "1", "--out", run.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        try (RunStore store = RunStore.openExisting(run)) {
            trialId = store.trials().getFirst().id();
        }
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Runs the command line and checks what every run must show: an exit code of 0, 1 or 2, no stack trace. */
    private static Cli.Run peerguard(List<String> argv) {
        Cli.Run r = Cli.run(argv.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isIn(0, 1, 2);
        assertThat(r.err()).doesNotContain("\tat ", "Caused by: ");
        if (r.exit() == 2) assertThat(r.err()).isNotBlank();
        return r;
    }

    /** The shared run still reads: show, export and report work on it. */
    private static void runStillReads(Path runDir) {
        for (List<String> read : List.of(List.of("show", runDir.toString()),
                List.of("export", runDir.toString(), "--format", "jsonl"),
                List.of("report", runDir.toString(), "--format", "md"))) {
            Cli.Run r = Cli.run(read.toArray(String[]::new));
            assertThat(r.exit()).as(read + ": " + r.err()).isZero();
            assertThat(r.out()).isNotBlank();
        }
    }

    @Property(tries = 600, seed = Junk.SEED)
    void everyCommandLineEndsWithExitCode012AndNoStackTrace(@ForAll("commandLines") List<String> argv) {
        Cli.Run r = peerguard(argv);
        Statistics.label("command").collect(argv.isEmpty() ? "(none)"
                : COMMANDS.contains(argv.getFirst()) ? argv.getFirst() : "(junk)");
        Statistics.label("exit").collect(r.exit());
        if (argv.contains(run.toString())) {
            try (RunStore store = RunStore.openExisting(run)) {
                assertThat(store.trials()).isNotEmpty().allSatisfy(t -> assertThat(t.status())
                        .isEqualTo(TrialRecord.Status.OK));
            }
        }
    }

    /** A real run of a tiny matrix with junk in every other setting: if it stores a run, that run reads. */
    @Property(tries = 25, seed = Junk.SEED)
    void aTinyRunWithJunkSettingsStoresARunThatReads(@ForAll("runSettings") List<String> settings) {
        Path out = dir.resolve("tiny-" + runs.incrementAndGet());
        List<String> argv = new ArrayList<>(List.of("run", "--model", "scripted/random", "--tasks", "tampering",
                "--subjects", "self", "--conditions", "no_peer", "--trials", "1", "--max-iterations", "4",
                "--out", out.toString()));
        argv.addAll(settings);
        Cli.Run r = peerguard(argv);
        Statistics.label("exit").collect(r.exit());
        if (r.exit() != 2) runStillReads(out);
        else assertThat(out.resolve("run.yaml")).doesNotExist();
    }

    // ---- regressions: inputs the properties found ------------------------------------------------------------------

    @Example
    void aPolicyPathThatIsNoPathIsBadInput() {
        Cli.Run r = peerguard(List.of("run", "--model", "scripted/honest", "--policy", "a\0b", "--dry-run"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not a valid path");
    }

    @Example
    void outputsThatCannotBeWrittenAreBadInput() {
        for (List<String> argv : List.of(
                List.of("export", run.toString(), "--format", "csv", "-o", UNWRITABLE),
                List.of("export", run.toString(), "--format", "jsonl", "-o", dir.toString()),
                List.of("export", run.toString(), "--format", "inspect", "-o", UNWRITABLE),
                List.of("report", run.toString(), "-o", UNWRITABLE),
                List.of("report", run.toString(), "--format", "md", "-o", dir.toString()))) {
            Cli.Run r = peerguard(argv);
            assertThat(r.exit()).as(argv.toString()).isEqualTo(2);
            assertThat(r.err()).startsWith("peerguard: -o ").contains("cannot write there");
        }
        runStillReads(run);
    }

    @Example
    void aRunDirectoryThatCannotBeMadeIsBadInput() {
        for (String out : List.of(UNWRITABLE, dir.resolve("a-file.txt").toString())) {
            Cli.Run r = peerguard(List.of("run", "--model", "scripted/honest", "--tasks", "tampering", "--subjects",
                    "self", "--conditions", "no_peer", "--trials", "1", "--out", out));
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("cannot create the run directory", "--out");
        }
    }

    @Example
    void aPriceTableWithAnEscapeCutShortIsBadInput() throws IOException {
        Path prices = dir.resolve("prices.yaml");
        Files.writeString(prices, "openai/x: {input: \"\\u");
        Cli.Run r = peerguard(List.of("run", "--model", "scripted/honest", "--tasks", "tampering", "--subjects",
                "self", "--conditions", "no_peer", "--trials", "1", "--prices", prices.toString(), "--out",
                dir.resolve("priced").toString()));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("prices.yaml", "escape sequence");
    }

    // ---- generators ------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<String>> commandLines() {
        Arbitrary<List<String>> some = Arbitraries.of(COMMANDS).flatMap(command -> Combinators.combine(
                positionals(command), option(command).list().ofMaxSize(5)).as((pos, opts) -> {
                    List<String> argv = new ArrayList<>(List.of(command));
                    argv.addAll(pos);
                    opts.forEach(argv::addAll);
                    if (command.equals("run") || command.equals("harness")) argv.add("--dry-run");
                    return argv;
                }));
        Arbitrary<List<String>> junk = Junk.strings().list().ofMaxSize(3);
        return Arbitraries.frequencyOf(Tuple.of(12, some), Tuple.of(1, junk));
    }

    /** One option of the command with a value (none for a flag), or once in a while an unknown option. */
    private Arbitrary<List<String>> option(String command) {
        List<OptionSpec> options = OPTIONS.get(command);
        if (options.isEmpty()) return Arbitraries.just(List.of("--nope"));
        Arbitrary<List<String>> known = Arbitraries.of(options).flatMap(o -> {
            String name = o.longestName();
            if (o.arity().max() == 0) return Arbitraries.just(List.of(name));
            return value(name).map(v -> List.of(name, v));
        });
        return Arbitraries.frequencyOf(Tuple.of(10, known), Tuple.of(1, Arbitraries.of(List.of("--nope"),
                List.of("-"), List.of("--"), List.of("--json=maybe"))));
    }

    /** A value for an option: often one that fits some option, often junk; output paths stay in the temp dir. */
    private Arbitrary<String> value(String option) {
        if (List.of("--out", "--output").contains(option)) {
            return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8)
                    .map(s -> dir.resolve("out-" + s).toString())), Tuple.of(1, Arbitraries.of(UNWRITABLE,
                    dir.toString(), dir.resolve("a-file.txt").toString())));
        }
        Arbitrary<String> plausible = Arbitraries.of("scripted/honest", "scripted/random", "scripted/sneaky",
                "openai-api/nowhere/x", "tampering", "exfiltration_transfer", "tampering,misrep_finance", "all",
                "self", "peer", "no_peer", "good_peer", "memory", "file_prt", "red", "creativity@90", "monitoring",
                "90", "0", "1", "-1", "2.5", "1e9", "NaN", "true", "unmonitored", "off", "default", "none", "jsonl",
                "csv", "md", "html", "inspect", "wilson", "jeffreys", "tamper-proof-shutdown", "misreport-monitor",
                "deny", "revert", "command:/bin/true", "opencode", "high", "OpenBrain", "Gemini");
        return Arbitraries.frequencyOf(Tuple.of(3, plausible), Tuple.of(2, Junk.strings()));
    }

    /** The positional arguments a command takes: run directories, transcripts, trial ids, specs, or junk. */
    private Arbitrary<List<String>> positionals(String command) {
        Arbitrary<String> runDir = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(run.toString())),
                Tuple.of(1, Arbitraries.of(dir.toString(), dir.resolve("none").toString(), "/dev/null",
                        run.resolve("run.yaml").toString())), Tuple.of(1, Junk.strings()));
        Arbitrary<String> file = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(
                run.resolve("run.yaml").toString(), dir.toString())), Tuple.of(1, Junk.strings()));
        return switch (command) {
            case "show" -> Combinators.combine(runDir, Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(trialId)),
                    Tuple.of(1, Junk.strings())).injectNull(0.4)).as((d, id) -> id == null ? List.of(d)
                            : List.of(d, id));
            case "export", "report", "resume" -> runDir.map(List::of);
            case "compare" -> Combinators.combine(runDir, runDir).as(List::of);
            case "replay" -> file.list().ofMinSize(1).ofMaxSize(2);
            case "run", "harness" -> file.injectNull(0.7).map(f -> f == null ? List.<String>of() : List.of(f));
            case "help" -> Arbitraries.of(COMMANDS).injectNull(0.2).map(c -> c == null ? List.<String>of()
                    : List.of(c));
            default -> Arbitraries.just(List.of());
        };
    }

    @Provide
    Arbitrary<List<String>> runSettings() {
        List<String> names = List.of("--seed", "--org", "--display-name", "--scratchpad", "--temperature",
                "--max-tokens", "--reasoning-effort", "--mitigation", "--shutdown-mode", "--policy",
                "--misreport-tolerance", "--max-concurrency", "--global-concurrency", "--judge", "--max-cost",
                "--max-retries", "--call-timeout", "--prices", "--follow-up-questions");
        Arbitrary<List<String>> one = Arbitraries.of(names).flatMap(n -> value(n).map(v -> List.of(n, v)));
        return one.list().ofMaxSize(3).uniqueElements(l -> l.getFirst()).map(l -> {
            List<String> out = new ArrayList<>();
            l.forEach(out::addAll);
            return out;
        });
    }
}
