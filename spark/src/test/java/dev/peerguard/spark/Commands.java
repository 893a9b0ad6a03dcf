package dev.peerguard.spark;

import dev.peerguard.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import picocli.CommandLine;

/** PeerGuard's command lines in process, as the launcher runs them, with their output captured. */
final class Commands {
    record Run(int exit, String out, String err) {}

    private Commands() {}

    /** {@code peerguard spark ...} or {@code peerguard import-results ...}. */
    static Run spark(String... args) {
        return capture(() -> SparkMain.run(args));
    }

    /** A core command ({@code run}, {@code show}, {@code report}, {@code export}, {@code compare}, ...). */
    static Run core(String... args) {
        return capture(() -> new CommandLine(new Main()).execute(args));
    }

    private static Run capture(Supplier<Integer> command) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = command.get();
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
