package dev.peerguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store written by the first schema version opens, gains the new columns, and keeps its trials. */
class SchemaMigrationTest {
    @TempDir
    Path dir;

    @Test
    void aVersionOneStoreIsUpgradedInPlace() throws Exception {
        try (RunStore store = RunStore.open(dir)) {
            store.writer().submit(TestRecords.ok("a", "m", TestRecords.tampering(), 0));
        }
        String url = "jdbc:sqlite:" + dir.resolve("store.sqlite");
        // Make it look like a version 1 store: without the two columns version 2 added.
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE trials DROP COLUMN cost_usd");
            s.execute("ALTER TABLE trials DROP COLUMN judged_fields");
            s.execute("PRAGMA user_version = 1");
        }
        try (RunStore store = RunStore.open(dir)) {
            assertThat(store.finishedIds()).containsExactly("a");
            assertThat(store.trial("a").orElseThrow().costUsd()).isNull();
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
        assertThat(Files.exists(dir.resolve("store.sqlite"))).isTrue();
    }
}
