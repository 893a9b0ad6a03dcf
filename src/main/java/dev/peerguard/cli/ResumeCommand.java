package dev.peerguard.cli;

import dev.peerguard.run.RunSession;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code peerguard resume DIR}: finishes an interrupted run, optionally with new limits. */
@Command(name = "resume", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Finish an interrupted run: skip trials already stored, run the rest (and earlier errors). "
                + "Limits that do not change the trials may be raised; run.yaml records the new values.")
final class ResumeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The run directory.")
    Path dir;

    @Mixin
    LimitOptions limits = new LimitOptions();

    @Override
    public Integer call() {
        Map<String, Object> flags = new LinkedHashMap<>();
        limits.putInto(flags);
        return RunCommand.exitCode(RunSession.resume(dir, flags, System.out));
    }
}
