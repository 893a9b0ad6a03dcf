package dev.peerguard.cli;

import dev.peerguard.report.Export;
import dev.peerguard.store.RunStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peerguard export DIR --format jsonl|csv}: one row per trial, with the study's column names. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write one row per trial (outcomes and errors) with the study's column names.")
final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The run directory.")
    Path dir;

    @Option(names = "--format", required = true, description = "jsonl or csv.")
    String format;

    @Option(names = {"-o", "--output"}, description = "File to write (default: standard output).")
    Path output;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("jsonl") && !format.equals("csv")) {
            throw new Main.BadInputException("unknown --format '" + format + "'; valid: jsonl, csv");
        }
        if (!Files.isDirectory(dir)) throw new Main.BadInputException(dir + " is not a directory");
        try (RunStore store = RunStore.openExisting(dir); Writer w = writer()) {
            if (format.equals("csv")) Export.csv(store, w);
            else Export.jsonl(store, w);
        } catch (UncheckedIOException e) {
            throw e.getCause();
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
        return Files.newBufferedWriter(output, StandardCharsets.UTF_8);
    }
}
