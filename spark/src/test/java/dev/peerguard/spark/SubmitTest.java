package dev.peerguard.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peerguard spark} with a cluster master hands the job to spark-submit: the job jar, the entry point and the
 * run flags, never a key. A stand-in spark-submit records what it was given.
 */
class SubmitTest {
    @TempDir
    Path dir;

    @Test
    void aClusterMasterGoesThroughSparkSubmitWithTheFlagsAndNoKey() throws Exception {
        Path args = dir.resolve("args.txt");
        Path submit = dir.resolve("spark-submit");
        Files.writeString(submit, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + args + "'\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwx------"));
        Path jar = Files.writeString(dir.resolve("peerguard-spark-job.jar"), "a jar");

        Commands.Run r = Commands.spark("spark", "--model", "scripted/honest", "--tasks", "tampering", "--master",
                "yarn", "--trials", "3", "--spark-submit", submit.toString(), "--job-jar=" + jar, "--output",
                "hdfs://namenode/sweeps/a");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        List<String> given = Files.readAllLines(args);
        assertThat(given.subList(0, 8)).containsExactly("--master", "yarn", "--class", "dev.peerguard.spark.SparkMain",
                "--name", "peerguard", "--conf", given.get(7));
        assertThat(given.get(7)).startsWith("spark.redaction.regex=").contains("api[._-]?key");
        assertThat(given.subList(8, given.size())).containsExactly(jar.toString(), "spark", "--model",
                "scripted/honest", "--tasks", "tampering", "--trials", "3", "--output", "hdfs://namenode/sweeps/a");
    }

    @Test
    void withoutSparkSubmitAClusterMasterIsExitCodeTwo() {
        Commands.Run r = Commands.spark("spark", "--model", "scripted/honest", "--master", "spark://nowhere:7077",
                "--spark-submit", dir.resolve("no-such-program").toString(), "--job-jar",
                dir.resolve("missing.jar").toString(), "--output", dir.resolve("out").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("missing.jar does not exist");
    }
}
