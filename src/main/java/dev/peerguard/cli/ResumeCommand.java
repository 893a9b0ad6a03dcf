package dev.peerguard.cli;

import dev.peerguard.run.RunSession;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peerguard resume DIR}: finishes an interrupted run, optionally with new limits. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Finish an interrupted run: skip trials already stored, run the rest (and earlier errors). "
                + "Limits that do not change the trials may be raised; run.yaml records the new values.")
final class ResumeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The run directory.")
    Path dir;

    @Option(names = "--max-cost", description = "A new cost limit in USD (or none).")
    String maxCost;

    @Option(names = "--max-concurrency", description = "Trials at once per model.")
    String maxConcurrency;

    @Option(names = "--global-concurrency", description = "Trials at once over all models.")
    String globalConcurrency;

    @Option(names = "--max-rpm", description = "Requests per minute per model (or none).")
    String maxRpm;

    @Option(names = "--call-timeout", description = "Seconds one model call may take.")
    String callTimeout;

    @Option(names = "--max-retries", description = "Retries of a failing call before the trial is an error.")
    String maxRetries;

    @Override
    public Integer call() {
        Map<String, Object> limits = new LinkedHashMap<>();
        if (maxCost != null) limits.put("max_cost", maxCost);
        if (maxConcurrency != null) limits.put("max_concurrency", maxConcurrency);
        if (globalConcurrency != null) limits.put("global_concurrency", globalConcurrency);
        if (maxRpm != null) limits.put("max_rpm", maxRpm);
        if (callTimeout != null) limits.put("call_timeout", callTimeout);
        if (maxRetries != null) limits.put("max_retries", maxRetries);
        return RunCommand.exitCode(RunSession.resume(dir, limits, System.out));
    }
}
