package dev.peerguard.cli;

import dev.peerguard.report.Export;
import dev.peerguard.report.InspectLog;
import dev.peerguard.store.RunStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peerguard export DIR --format jsonl|csv|inspect}: one row per trial, with the study's column names, or Inspect
 * AI evaluation logs (one file per model x task) for {@code inspect view}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write one row per trial (outcomes and errors) with the study's column names (jsonl, csv), or "
                + "Inspect AI evaluation logs, one .json file per model x task, that `inspect view` opens (inspect)."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The run directory.")
    Path dir;

    @Option(names = "--format", required = true, description = "jsonl, csv or inspect.")
    String format;

    @Option(names = {"-o", "--output"}, description = "File to write (default: standard output); for inspect, the "
            + "directory of the logs (default: DIR/inspect).")
    Path output;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("jsonl") && !format.equals("csv") && !format.equals("inspect")) {
            throw new Main.BadInputException("unknown --format '" + format + "'; valid: jsonl, csv, inspect");
        }
        if (!Files.isDirectory(dir)) throw new Main.BadInputException(dir + " is not a directory");
        if (format.equals("inspect")) return inspect();
        try (RunStore store = RunStore.openExisting(dir); Writer w = writer()) {
            if (format.equals("csv")) Export.csv(store, w);
            else Export.jsonl(store, w);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return 0;
    }

    /** Writes the Inspect logs and prints each file's path with its sample count. */
    private int inspect() throws IOException {
        Path outDir = output != null ? output : dir.resolve("inspect");
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new Main.BadInputException(outDir + " is a file; --format inspect writes one log per model x task "
                    + "into a directory (-o DIR)");
        }
        try (RunStore store = RunStore.openExisting(dir)) {
            List<InspectLog.LogFile> files;
            try {
                files = InspectLog.export(store, InspectLog.specOf(dir), outDir);
            } catch (IOException | UncheckedIOException e) {
                throw Main.BadInputException.cannotWrite("-o", outDir, e);
            }
            for (InspectLog.LogFile f : files) {
                System.out.println(f.path() + "  (" + f.model() + ", " + f.task() + ": " + f.samples() + " samples"
                        + (f.errors() > 0 ? ", " + f.errors() + " errors" : "") + ")");
            }
        }
        return 0;
    }

    private Writer writer() throws IOException {
        if (output == null) {
            return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)) {
                @Override
                public void close() throws IOException {
                    flush(); // never close standard output
                }
            };
        }
        try {
            return Files.newBufferedWriter(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Main.BadInputException.cannotWrite("-o", output, e);
        }
    }
}
