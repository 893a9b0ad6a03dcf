package dev.peerguard.cli;

import dev.peerguard.run.RunSession;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code peerguard resume DIR}: finishes an interrupted run. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Finish an interrupted run: skip trials already stored, run the rest (and earlier errors).")
final class ResumeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The run directory.")
    Path dir;

    @Override
    public Integer call() {
        return RunCommand.exitCode(RunSession.resume(dir, System.out));
    }
}
