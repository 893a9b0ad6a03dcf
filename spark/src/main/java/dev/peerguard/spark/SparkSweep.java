package dev.peerguard.spark;

import dev.peerguard.model.ModelName;
import dev.peerguard.model.Models;
import dev.peerguard.run.RunSession;
import dev.peerguard.run.RunSpec;
import dev.peerguard.run.SpecException;
import dev.peerguard.run.TrialSpec;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * A sweep on Spark. The run spec's trials that the output does not yet hold as outcomes become a dataset of trial ids,
 * partitioned across the executors; each partition plays its trials with the core's runner (its own per-model
 * concurrency limits, keys from the executor's environment) and yields one {@link TrialRows row} per trial. Each batch
 * of rows is appended to the output as one Spark write, whose commit protocol keeps only the files of task attempts
 * that succeeded: a failed or retried attempt adds no rows, and a job that dies loses only the batch in flight.
 */
public final class SparkSweep {
    /** Trials per committed append unless {@code --commit-every} says otherwise. */
    public static final int DEFAULT_COMMIT_EVERY = 1000;

    /** What the job did: trials in the plan, already in the output, and stored now as outcomes and as errors. */
    public record Result(int planned, int alreadyStored, int ok, int errors) {
        /** As {@code peerguard run}'s: 0 when every trial has an outcome, 1 when some are errors. */
        public int exitCode() {
            return errors > 0 ? 1 : 0;
        }
    }

    /** Called before each row a task attempt yields (tests make an attempt fail half-way through its rows). */
    interface TaskFault extends Serializable {
        void beforeRow(TaskContext task, int row);
    }

    private final SparkSession spark;
    private final RunSpec spec;
    private final String output;
    private final int partitions;
    private final int commitEvery;
    private TaskFault fault = (task, row) -> {};

    /**
     * @param partitions  partitions per batch (at most one per trial); 0 for Spark's default parallelism, i.e. the
     *                    cores of all executors
     * @param commitEvery trials per committed append
     */
    public SparkSweep(SparkSession spark, RunSpec spec, String output, int partitions, int commitEvery) {
        if (partitions < 0 || commitEvery < 1) throw new IllegalArgumentException("partitions >= 0, commitEvery >= 1");
        this.spark = spark;
        this.spec = spec;
        this.output = output;
        this.partitions = partitions;
        this.commitEvery = commitEvery;
    }

    SparkSweep withFault(TaskFault fault) {
        this.fault = fault;
        return this;
    }

    /** Runs the trials the output lacks and appends their rows; prints what it does to {@code out}. */
    public Result run(PrintStream out) {
        checkKeys();
        SweepOutput target = new SweepOutput(spark.sparkContext().hadoopConfiguration(), output);
        String yaml = spec.toYaml();
        claim(target, yaml);
        List<TrialSpec> plan = spec.plan();
        Map<String, TrialRecord.Status> before = target.statuses(spark);
        List<String> pending = plan.stream().map(TrialSpec::id)
                .filter(id -> before.get(id) != TrialRecord.Status.OK).toList();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int parallelism = partitions > 0 ? partitions : jsc.defaultParallelism();
        out.printf("%d trials planned, %d already in %s; running %d on Spark (master %s, up to %d partitions, "
                + "%d trials per commit).%n", plan.size(), plan.size() - pending.size(), output, pending.size(),
                spark.sparkContext().master(), parallelism, commitEvery);
        for (int from = 0; from < pending.size(); from += commitEvery) {
            List<String> batch = pending.subList(from, Math.min(pending.size(), from + commitEvery));
            JavaRDD<Row> rows = jsc.parallelize(batch, Math.min(batch.size(), parallelism))
                    .mapPartitions(new PlayPartition(yaml, fault));
            spark.createDataFrame(rows, TrialRows.SCHEMA).write().mode(SaveMode.Append)
                    .option("compression", "zstd").parquet(output);
            out.printf("  committed %d of %d trials%n", from + batch.size(), pending.size());
        }
        Map<String, TrialRecord.Status> after = pending.isEmpty() ? before : target.statuses(spark);
        int ok = 0;
        int errors = 0;
        for (String id : pending) {
            TrialRecord.Status s = after.get(id);
            if (s == TrialRecord.Status.OK) ok++;
            else if (s == TrialRecord.Status.ERROR) errors++;
        }
        Result result = new Result(plan.size(), plan.size() - pending.size(), ok, errors);
        report(out, result);
        return result;
    }

    /**
     * Before anything is written: every model's key and base URL are set where trials will run. In local mode that is
     * this process's environment; on a cluster, also a variable the Spark configuration gives executors
     * ({@code spark.executorEnv.NAME}, a Kubernetes {@code secretKeyRef}), of which only the name is looked at.
     */
    private void checkKeys() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (!spark.sparkContext().isLocal()) env.putAll(executorVariables(spark.sparkContext().getConf()));
        try {
            Models.check(spec.modelSettings(), spec.endpointModels(), env);
        } catch (ModelName.InvalidModelException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SpecException(null, null, e.getMessage());
        }
    }

    /** Names of the environment variables that Spark's configuration sets on executors, each with a placeholder. */
    static Map<String, String> executorVariables(SparkConf conf) {
        Map<String, String> names = new HashMap<>();
        for (Tuple2<String, String> kv : conf.getAll()) {
            for (String prefix : List.of("spark.executorEnv.", "spark.kubernetes.executor.secretKeyRef.")) {
                if (kv._1().startsWith(prefix)) names.put(kv._1().substring(prefix.length()), "(set on executors)");
            }
        }
        return names;
    }

    /**
     * Makes the output this sweep's: a new or empty path gets the spec; one that holds the same sweep (only the
     * number of trials or the limits may differ) is resumed, its spec growing to the larger number of trials.
     */
    private void claim(SweepOutput target, String yaml) {
        Optional<String> existing = target.spec();
        if (existing.isPresent()) {
            String difference = SweepSpec.difference(existing.get(), yaml);
            if (difference != null) {
                throw new SparkMain.SparkInputException(output + " holds the results of another sweep (its spec "
                        + "differs: " + difference + "); choose another --output, or run the same spec again "
                        + "(only --trials and the limits may change)");
            }
            if (SweepSpec.trials(yaml) >= SweepSpec.trials(existing.get())) target.writeSpec(yaml);
        } else if (!target.isEmpty()) {
            throw new SparkMain.SparkInputException(output + " exists but is not the output of a PeerGuard sweep (it "
                    + "has no " + SweepOutput.SPEC_FILE + "); choose a new or empty --output");
        } else {
            target.writeSpec(yaml);
        }
    }

    private void report(PrintStream out, Result r) {
        out.printf("%d trials planned: %d stored now as outcomes, %d as errors, %d were already stored.%n", r.planned(),
                r.ok(), r.errors(), r.alreadyStored());
        if (r.errors() > 0) {
            out.printf("%d trials failed and are stored as errors; running the same command again runs them again.%n",
                    r.errors());
        }
        out.println("Output: " + output);
        out.println("Import it as a run directory with:  peerguard import-results " + output + " --into DIR");
    }

    /**
     * One task: plays the partition's trials and yields their rows. It runs on an executor, so it carries only the
     * spec's text and reads keys from the executor's environment.
     */
    private static final class PlayPartition implements FlatMapFunction<Iterator<String>, Row> {
        private final String yaml;
        private final TaskFault fault;

        PlayPartition(String yaml, TaskFault fault) {
            this.yaml = yaml;
            this.fault = fault;
        }

        @Override
        public Iterator<Row> call(Iterator<String> ids) throws IOException {
            Set<String> mine = new HashSet<>();
            ids.forEachRemaining(mine::add);
            if (mine.isEmpty()) return Collections.emptyIterator();
            // What models and sandboxes keep on disk during the task (sandboxes stay with --keep-sandbox).
            Path work = Files.createTempDirectory("peerguard-spark-");
            RunSpec spec = SweepSpec.parse(yaml, work.toString());
            try {
                List<TrialSpec> trials = spec.plan().stream().filter(t -> mine.contains(t.id())).toList();
                List<TrialRecord> records = Collections.synchronizedList(new ArrayList<>());
                RunSession.play(spec, trials, work, System.getenv(), records::add);
                if (records.size() != trials.size()) {
                    throw new IllegalStateException("the task stopped after " + records.size() + " of "
                            + trials.size() + " trials");
                }
                Map<String, Integer> order = new HashMap<>();
                for (TrialSpec t : trials) order.put(t.id(), order.size());
                records.sort(Comparator.comparing(r -> order.get(r.id())));
                String host = SparkEnv.get().blockManager().blockManagerId().host();
                TaskContext task = TaskContext.get();
                List<Row> rows = new ArrayList<>();
                for (TrialRecord r : records) rows.add(TrialRows.toRow(r, host));
                Iterator<Row> each = rows.iterator();
                return new Iterator<>() {
                    private int n;

                    @Override
                    public boolean hasNext() {
                        return each.hasNext();
                    }

                    @Override
                    public Row next() {
                        fault.beforeRow(task, n++);
                        return each.next();
                    }
                };
            } finally {
                if (spec.harness() == null || !spec.harness().keepSandbox()) deleteTree(work);
            }
        }

        private static void deleteTree(Path root) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // A temporary directory left behind is no reason to fail a task that stored its trials.
            }
        }
    }
}
