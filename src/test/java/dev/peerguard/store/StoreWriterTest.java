package dev.peerguard.store;

import static dev.peerguard.store.TestRecords.error;
import static dev.peerguard.store.TestRecords.ok;
import static dev.peerguard.store.TestRecords.tampering;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreWriterTest {
    @TempDir
    Path dir;

    @Test
    void twoHundredVirtualThreadsSubmittingAreEachStoredOnce() {
        try (RunStore store = RunStore.open(dir)) {
            try (StoreWriter w = store.writer(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 200; t++) {
                    int thread = t;
                    pool.execute(() -> {
                        for (int i = 0; i < 10; i++) {
                            w.submit(ok("t" + thread + "-" + i, "m" + thread % 3, tampering(), i));
                            // every thread also races to store the same trials, first as errors then as outcomes
                            w.submit(error("shared-" + i, "m", tampering(), i, "failed in " + thread));
                            w.submit(ok("shared-" + i, "m", tampering(), i));
                        }
                    });
                }
            }
            assertThat(store.statuses()).hasSize(200 * 10 + 10);
            assertThat(store.finishedIds()).hasSize(200 * 10 + 10);
            assertThat(store.trial("t199-9").orElseThrow().transcript()).isEqualTo(TestRecords.transcript("t199-9"));
        }
    }

    @Test
    void aRecordIsStoredWithinMomentsWithoutWaitingForMore() throws Exception {
        try (RunStore store = RunStore.open(dir); StoreWriter w = store.writer()) {
            long start = System.nanoTime();
            w.submit(ok("soon", "m", tampering(), 0));
            while (store.finishedIds().isEmpty()) {
                assertThat(System.nanoTime() - start).as("stored within 1 s").isLessThan(1_000_000_000L);
                Thread.sleep(5);
            }
        }
    }

    @Test
    void closeStoresEverythingSubmittedAndThenRefusesMore() {
        try (RunStore store = RunStore.open(dir)) {
            StoreWriter w = store.writer();
            for (int i = 0; i < 2000; i++) w.submit(ok("r" + i, "m", tampering(), i));
            w.close();
            w.close();
            assertThat(store.finishedIds()).hasSize(2000);
            assertThatThrownBy(() -> w.submit(ok("late", "m", tampering(), 0)))
                    .isInstanceOf(IllegalStateException.class);
            try (StoreWriter again = store.writer()) {
                again.submit(ok("late", "m", tampering(), 0));
            }
            assertThat(store.finishedIds()).hasSize(2001);
        }
    }

    @Test
    void anIncompleteRecordIsRefusedAtSubmitWithoutStoppingTheWriter() {
        try (RunStore store = RunStore.open(dir); StoreWriter w = store.writer()) {
            TrialRecord r = ok("x", "m", tampering(), 0);
            assertThatThrownBy(() -> w.submit(new TrialRecord(null, "m", r.config(), 0, 0, r.status(), r.outcome(),
                    r.reasons(), null, null, 0, 0, null, null, null, 0, null))).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("id");
            w.submit(r);
        }
        try (RunStore store = RunStore.open(dir)) {
            assertThat(store.finishedIds()).containsExactly("x");
        }
    }

    /** SQLite's page limit stands in for a full disk: it fails a write with the very code a full disk gives. */
    @Test
    void aFullDiskStopsTheWriterSaysWhatToDoAndListsWhatWasNotStored() throws Exception {
        Random random = new Random(1);
        List<String> submitted = new ArrayList<>();
        StoreException failure = null;
        try (RunStore store = RunStore.open(dir, List.of("PRAGMA max_page_count = 60"))) {
            StoreWriter w = store.writer();
            try {
                for (int i = 0; i < 10_000; i++) {
                    byte[] noise = new byte[3000]; // incompressible, so each transcript takes pages
                    random.nextBytes(noise);
                    TrialRecord r = RunStoreTest.copy(ok("r" + i, "m", tampering(), i),
                            java.util.HexFormat.of().formatHex(noise));
                    submitted.add(r.id()); // refused or not, close() must account for it
                    w.submit(r);
                    Thread.sleep(1);
                }
            } catch (StoreException e) {
                assertThat(e.getMessage()).isEqualTo("disk full while writing " + dir.resolve(RunStore.FILE)
                        + ": every trial stored before is kept; free space on the disk of " + dir.toAbsolutePath()
                        + " and run `peerguard resume " + dir.toAbsolutePath() + "`");
            }
            try {
                w.close();
            } catch (StoreException e) {
                failure = e;
            }
        }
        assertThat(failure).as("close reports the failure").isNotNull();
        assertThat(failure.getMessage()).startsWith("disk full while writing");
        assertThat(failure.unstored()).isNotEmpty();
        try (RunStore store = RunStore.open(dir)) {
            Set<String> stored = store.finishedIds();
            assertThat(stored).isNotEmpty().doesNotContainAnyElementsOf(failure.unstored());
            Set<String> all = new HashSet<>(stored);
            all.addAll(failure.unstored());
            assertThat(all).as("every submitted trial is stored or reported unstored")
                    .containsExactlyInAnyOrderElementsOf(submitted);
            try (StoreWriter w = store.writer()) {
                w.submit(ok(failure.unstored().get(0), "m", tampering(), 0));
            }
            assertThat(store.finishedIds()).contains(failure.unstored().get(0));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(RunStore.FILE));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("ok");
        }
    }
}
