package dev.peerguard.spark;

import dev.peerguard.cli.Main;
import java.net.URL;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Spark module's command line: {@code peerguard spark} and {@code peerguard import-results}. The {@code peerguard}
 * launcher routes these two commands here, and {@code spark-submit --class dev.peerguard.spark.SparkMain} runs the
 * same {@code spark} command on a cluster. Bad input is exit code 2 with a message, as in the core's command line.
 */
@Command(name = "peerguard", mixinStandardHelpOptions = true, version = "PeerGuard on Spark 0.1.0",
        description = "Run sweeps on Apache Spark and import their results as run directories.",
        subcommands = {SparkCommand.class, ImportCommand.class, CommandLine.HelpCommand.class})
public final class SparkMain {
    /** Spark's default {@code spark.redaction.regex}, which misses names such as OPENAI_API_KEY. */
    private static final String SPARK_REDACTION = "(?i)secret|password|token|access[.]?key";
    /** What PeerGuard adds to it: OPENAI_API_KEY, GEMINI_API_KEY, apikey, ..., and credentials. */
    private static final String KEY_NAMES = "|(?i)api[._-]?key|(?i)credential";

    public static void main(String[] args) {
        if (!configuredBySpark()) quietLogging();
        int code = run(args);
        // In cluster deploy mode Spark's own launcher ends the driver; an exit here would hide its final status.
        if (code != 0 || !"cluster".equals(System.getProperty("spark.submit.deployMode"))) System.exit(code);
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new SparkMain());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Exception cause = badInput(e);
            if (cause != null) {
                cmd.getErr().println("peerguard: " + cause.getMessage());
                return Main.BAD_INPUT;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** The input error behind an exception (Spark wraps a task's in its own), or null when it is none. */
    private static Exception badInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SparkInputException s) return s;
            if (t instanceof Exception x && Main.isBadInput(x)) return x;
        }
        return null;
    }

    /** Whether spark-submit (or Spark on a cluster) started this JVM: it passes its configuration as properties. */
    static boolean configuredBySpark() {
        return System.getProperty("spark.master") != null;
    }

    /**
     * The session for a job or an import. A master is set only when given (spark-submit sets its own). Local mode
     * binds to loopback. Spark's redaction also covers API key names, so that a key passed as
     * {@code spark.executorEnv.OPENAI_API_KEY} is never shown in logs, the UI or event logs.
     */
    static SparkSession session(String master) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder b = SparkSession.builder().appName("peerguard");
        if (master != null) b.master(master);
        String effective = master != null ? master : conf.get("spark.master", "");
        if (effective.startsWith("local")) {
            if (!conf.contains("spark.driver.bindAddress")) b.config("spark.driver.bindAddress", "127.0.0.1");
            if (!conf.contains("spark.driver.host")) b.config("spark.driver.host", "127.0.0.1");
        }
        b.config("spark.redaction.regex", redactionRegex(conf));
        if (!conf.contains("spark.sql.parquet.outputTimestampType")) {
            b.config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        }
        return b.getOrCreate();
    }

    /** The configured redaction pattern (Spark's default when none), extended to API key and credential names. */
    static String redactionRegex(SparkConf conf) {
        String configured = conf.get("spark.redaction.regex", SPARK_REDACTION);
        return configured.contains(KEY_NAMES) ? configured : configured + KEY_NAMES;
    }

    /** Outside spark-submit, Spark's INFO lines would bury the command's own output: warnings and errors only. */
    private static void quietLogging() {
        URL quiet = SparkMain.class.getResource("log4j2-quiet.properties");
        if (System.getProperty("log4j2.configurationFile") == null && quiet != null) {
            System.setProperty("log4j2.configurationFile", quiet.toString());
        }
    }

    /** Input the user can fix: printed without a stack trace, exit code 2. */
    static final class SparkInputException extends RuntimeException {
        SparkInputException(String message) {
            super(message);
        }
    }
}
