package dev.peerguard.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform under everything else: Spark in local mode on this JDK writes and reads Parquet on a local path. On
 * JDK 23+ this fails with Spark releases whose Hadoop calls {@code Subject.getSubject} ("getSubject is not
 * supported"); the module's Spark and Hadoop versions are chosen so that it passes.
 */
class ParquetOnThisJdkTest {
    @TempDir
    Path dir;

    @Test
    void sparkWritesAndReadsParquetInLocalMode() {
        String path = dir.resolve("numbers").toString();
        SparkSession spark = SparkMain.session("local[2]");
        try {
            spark.range(0, 1000).repartition(4).write().mode(SaveMode.Append).parquet(path);
            assertThat(spark.read().parquet(path).count()).isEqualTo(1000);
            assertThat(spark.read().parquet(path).agg(org.apache.spark.sql.functions.sum("id")).first().getLong(0))
                    .isEqualTo(999L * 1000 / 2);
        } finally {
            spark.stop();
        }
        assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(21);
    }
}
