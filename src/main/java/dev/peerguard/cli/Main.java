package dev.peerguard.cli;

import dev.peerguard.model.ModelName;
import dev.peerguard.model.Prices;
import dev.peerguard.model.ResponseCache;
import dev.peerguard.run.SpecException;
import dev.peerguard.scenario.InvalidConfigurationException;
import dev.peerguard.store.StoreException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code peerguard} command line. */
@Command(name = "peerguard", mixinStandardHelpOptions = true, version = "PeerGuard 0.1.0",
        description = "Measure and mitigate self- and peer-preservation in agentic AI.",
        subcommands = {ScenariosCommand.class, EpisodeCommand.class, RunCommand.class, HarnessCommand.class, ResumeCommand.class,
                ShowCommand.class, ReportCommand.class, ExportCommand.class, CompareCommand.class, ReplayCommand.class,
                DemoCommand.class, RedTeamCommand.class, ProxyCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    /** Exit code for bad input: unknown values, impossible combinations, unreadable files. */
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (isBadInput(e)) {
                cmd.getErr().println("peerguard: " + e.getMessage());
                return BAD_INPUT;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** Whether an exception is input the user can fix (exit code 2, no stack trace); also used by the Spark module. */
    public static boolean isBadInput(Exception e) {
        return e instanceof InvalidConfigurationException || e instanceof ModelName.InvalidModelException
                || e instanceof BadInputException || e instanceof SpecException || e instanceof StoreException
                || e instanceof Prices.PriceTableException || e instanceof ResponseCache.CacheException
                || e instanceof dev.peerguard.guard.PolicyFile.PolicyException;
    }

    /** Input the user can fix; printed without a stack trace, exit code 2. */
    static final class BadInputException extends RuntimeException {
        BadInputException(String message) {
            super(message);
        }

        /** An output file or directory the user named cannot be written (missing parent, a directory, no access). */
        static BadInputException cannotWrite(String option, Path path, Exception e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            return new BadInputException(option + " " + path + ": cannot write there ("
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")");
        }
    }
}
