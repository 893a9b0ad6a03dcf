package dev.peerguard.cli;

import dev.peerguard.bench.Benchmark;
import dev.peerguard.bench.Benchmarks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code peerguard bench NAME [--option VALUE]... [--out FILE]}: one benchmark, its figures as one JSON line. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a benchmark and print its figures as one JSON line (benchmark, figures, cores, date); "
                + "progress goes to standard error. Benchmarks: offline [--trials N] [--tasks T] [--dir DIR], "
                + "report [--trials N] [--tasks T] [--dir DIR] [--browser true|false], sandbox [--runs N], "
                + "latency, ratelimit. See BENCHMARKS.md.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BENCHMARK", description = "offline, latency, ratelimit, report or sandbox.")
    String name;

    @Option(names = "--out", paramLabel = "FILE", description = "Also append the JSON line to FILE.")
    Path out;

    // The benchmark's own options, passed on as written: the benchmark says which it takes.
    @Unmatched
    List<String> rest = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> options = options(rest);
        Benchmark benchmark;
        Map<String, Object> figures;
        try {
            benchmark = Benchmarks.of(name);
            figures = benchmark.run(options);
        } catch (IllegalArgumentException e) {
            throw new Main.BadInputException(e.getMessage());
        } catch (IllegalStateException e) {
            // The benchmark could not measure here (no sandbox, failed trials): said plainly, no stack trace.
            System.err.println("peerguard bench: " + e.getMessage());
            return 1;
        }
        String line = Json.write(line(benchmark.name(), figures));
        System.out.println(line);
        if (out != null) {
            try {
                if (out.getParent() != null) Files.createDirectories(out.getParent());
                Files.writeString(out, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new Main.BadInputException("cannot append to " + out + ": " + e.getMessage());
            }
        }
        return 0;
    }

    /** The JSON line: the name first, the figures in the benchmark's order, then the machine and the date. */
    static Map<String, Object> line(String name, Map<String, Object> figures) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("benchmark", name);
        line.putAll(figures);
        line.put("cores", Runtime.getRuntime().availableProcessors());
        line.put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        return line;
    }

    /** {@code --trials 100 --tasks=tampering} -> {trials=100, tasks=tampering}. */
    static Map<String, String> options(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new Main.BadInputException("unexpected '" + a + "'; a benchmark takes options as --name VALUE");
            }
            String key;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                key = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else {
                key = a.substring(2);
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new Main.BadInputException("--" + key + " needs a value");
                }
                value = args.get(++i);
            }
            if (key.isBlank()) throw new Main.BadInputException("an option needs a name: --name VALUE");
            if (options.put(key, value) != null) throw new Main.BadInputException("--" + key + " is given twice");
        }
        return options;
    }
}
