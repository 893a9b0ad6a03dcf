package dev.peerguard.spark;

import dev.peerguard.cli.RunCommand;
import dev.peerguard.run.RunSpec;
import dev.peerguard.run.SpecException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peerguard spark}: the run flags of {@code peerguard run}, run on Spark into Parquet at {@code --output}. With
 * a {@code local[...]} master (the default is {@code local[*]}), or when spark-submit started this JVM, the job runs
 * here; any other master is handed to spark-submit with the job jar and the same flags.
 */
@Command(name = "spark", sortOptions = false,
        description = "Run a sweep on Apache Spark: the same flags as `peerguard run`, results as Parquet at --output "
                + "(any Hadoop path). Re-running the same command runs only the trials the output lacks.")
final class SparkCommand implements Callable<Integer> {
    /** The flags of {@code peerguard run}, read exactly as {@code run} reads them. */
    @Mixin
    RunCommand run = new RunCommand();

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Where the Parquet rows go: a "
            + "directory on any Hadoop file system (a local path, hdfs://..., s3a://...).")
    String output;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master: local[N] (or local[N,F] to retry a "
            + "failed task) runs in this process; yarn, k8s://..., spark://... go through spark-submit. Default: "
            + "local[*], or spark-submit's own.")
    String master;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions per commit (default: the executors' "
            + "cores).")
    int partitions;

    @Option(names = "--commit-every", paramLabel = "TRIALS", description = "Trials per committed append to the "
            + "output (default " + SparkSweep.DEFAULT_COMMIT_EVERY + "); a job that dies loses at most this many.")
    int commitEvery = SparkSweep.DEFAULT_COMMIT_EVERY;

    @Option(names = "--spark-submit", paramLabel = "PATH", description = "spark-submit for a cluster master "
            + "(default: $SPARK_HOME/bin/spark-submit, else spark-submit on PATH).")
    String sparkSubmit;

    @Option(names = "--job-jar", paramLabel = "JAR", description = "The jar spark-submit ships (default: "
            + "peerguard-spark-job.jar beside this module's jar).")
    Path jobJar;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws IOException, InterruptedException {
        RunSpec spec = spec();
        if (run.dryRun()) {
            spec.describe().forEach(System.out::println);
            return 0;
        }
        String effective = master != null ? master : System.getProperty("spark.master", "local[*]");
        if (!SparkMain.configuredBySpark() && !effective.startsWith("local")) return submit(effective);
        SparkSession spark = SparkMain.session(SparkMain.configuredBySpark() ? null : effective);
        try {
            return new SparkSweep(spark, spec, output, partitions, commitEvery).run(System.out).exitCode();
        } finally {
            spark.stop();
        }
    }

    /** The run spec from the run flags, with what a Spark job cannot do refused up front. */
    private RunSpec spec() {
        if (partitions < 0 || commitEvery < 1) {
            throw new SparkMain.SparkInputException("--partitions must be 1 or more (or absent for the executors' "
                    + "cores) and --commit-every 1 or more");
        }
        Map<String, Object> flags = run.specFlags();
        if (flags.containsKey("out")) {
            throw new SparkMain.SparkInputException("the Spark job writes to --output PATH, not to a run directory "
                    + "(--out); import its results into one with `peerguard import-results PATH --into DIR`");
        }
        flags.put("out", output);
        RunSpec spec = RunSpec.read(run.specFile(), flags, Clock.systemDefaultZone());
        if (spec.modelSettings().cache()) {
            throw new SpecException(null, null, "--cache keeps responses in one run directory, which executors do "
                    + "not share; run the Spark job without it");
        }
        if (spec.modelSettings().maxCostUsd() != null) {
            throw new SpecException(null, null, "--max-cost needs one meter over the whole run, which a Spark job "
                    + "spread over executors does not have; run without it (and set limits at the provider)");
        }
        return spec;
    }

    /**
     * Hands the job to spark-submit: the job jar, this class's entry point and the flags as given, less those that
     * only this process reads. No key is passed: executors read keys from their own environment.
     */
    private int submit(String clusterMaster) throws IOException, InterruptedException {
        Path jar = jobJar != null ? jobJar : defaultJobJar();
        if (!Files.isRegularFile(jar)) {
            throw new SparkMain.SparkInputException("the job jar " + jar + " does not exist; build it with "
                    + "`mvn package` in the spark module, or name it with --job-jar");
        }
        List<String> cmd = new ArrayList<>(List.of(sparkSubmitProgram(), "--master", clusterMaster, "--class",
                SparkMain.class.getName(), "--name", "peerguard", "--conf",
                "spark.redaction.regex=" + SparkMain.redactionRegex(new SparkConf()), jar.toString(), "spark"));
        cmd.addAll(passedOn(command.commandLine().getParseResult().originalArgs()));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        return p.waitFor();
    }

    /** The arguments after {@code spark}, without --master, --spark-submit and --job-jar. */
    static List<String> passedOn(List<String> original) {
        List<String> out = new ArrayList<>();
        boolean afterCommand = false;
        for (int i = 0; i < original.size(); i++) {
            String a = original.get(i);
            if (!afterCommand) {
                afterCommand = a.equals("spark");
                continue;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (List.of("--master", "--spark-submit", "--job-jar").contains(name)) {
                if (!a.contains("=")) i++;
                continue;
            }
            out.add(a);
        }
        return out;
    }

    private String sparkSubmitProgram() {
        if (sparkSubmit != null) return sparkSubmit;
        String home = System.getenv("SPARK_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "spark-submit"))) {
            return Path.of(home, "bin", "spark-submit").toString();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "spark-submit"))) return "spark-submit";
        }
        throw new SparkMain.SparkInputException("--master " + master + " needs spark-submit: set SPARK_HOME to a "
                + "Spark 4.2+ installation or pass --spark-submit PATH (or use --master 'local[N]' to run here)");
    }

    private static Path defaultJobJar() {
        try {
            Path here = Path.of(SparkCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return here.resolveSibling("peerguard-spark-job.jar");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
