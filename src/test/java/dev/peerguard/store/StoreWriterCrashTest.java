package dev.peerguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 at random moments while a child process writes: the store keeps only whole, committed trials. */
class StoreWriterCrashTest {
    @TempDir
    Path dir;

    @Test
    void aKilledWriterLeavesAValidStoreOfWholeTrials() throws Exception {
        Random random = new Random(42);
        long previous = 0;
        for (int round = 0; round < 5; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), WriterChild.class.getName(), dir.toString(),
                    "round" + round).redirectError(dir.resolve("child.err").toFile()).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8));
                String line = out.readLine();
                assertThat(line).as("the child started writing; its errors: %s",
                        Files.exists(dir.resolve("child.err")) ? Files.readString(dir.resolve("child.err")) : "")
                        .isEqualTo("ready");
                Thread.sleep(100 + random.nextInt(400));
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            long trials = check();
            assertThat(trials).as("round %d: the count never decreases", round).isGreaterThanOrEqualTo(previous);
            previous = trials;
        }
        assertThat(previous).as("the children stored trials").isPositive();
        try (RunStore store = RunStore.open(dir)) {
            assertThat(store.finishedIds()).hasSize((int) previous);
            store.trials().stream().filter(t -> t.status() == TrialRecord.Status.OK).forEach(t -> assertThat(store.trial(t.id()).orElseThrow().transcript())
                    .isEqualTo(TestRecords.transcript(t.id())));
        }
    }

    /** Opens the store as the next resume would and checks that every trial is whole; returns how many there are. */
    private long check() throws SQLException {
        try (RunStore store = RunStore.open(dir)) {
            store.summary();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(RunStore.FILE));
                Statement s = c.createStatement()) {
            assertThat(single(s, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(single(s, "SELECT count(*) FROM trials WHERE status = 'ok' AND (trial_id NOT IN "
                    + "(SELECT trial_id FROM transcripts) OR (SELECT count(*) FROM outcome_fields f "
                    + "WHERE f.trial_id = trials.trial_id) != 8)")).as("ok trials missing parts").isEqualTo("0");
            assertThat(single(s, "SELECT count(*) FROM outcome_fields WHERE trial_id NOT IN "
                    + "(SELECT trial_id FROM trials WHERE status = 'ok')")).as("orphan fields").isEqualTo("0");
            assertThat(single(s, "SELECT count(*) FROM transcripts WHERE trial_id NOT IN "
                    + "(SELECT trial_id FROM trials)")).as("orphan transcripts").isEqualTo("0");
            return Long.parseLong(single(s, "SELECT count(*) FROM trials WHERE status = 'ok'"));
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
