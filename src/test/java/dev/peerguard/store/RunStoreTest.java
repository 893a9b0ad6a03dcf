package dev.peerguard.store;

import static dev.peerguard.store.TestRecords.error;
import static dev.peerguard.store.TestRecords.faking;
import static dev.peerguard.store.TestRecords.finance;
import static dev.peerguard.store.TestRecords.ok;
import static dev.peerguard.store.TestRecords.tampering;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.agent.Episode;
import dev.peerguard.agent.Transcript;
import dev.peerguard.model.Models;
import dev.peerguard.scenario.ScenarioBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    @TempDir
    Path dir;

    private void store(TrialRecord... records) {
        try (RunStore store = RunStore.open(dir); StoreWriter w = store.writer()) {
            for (TrialRecord r : records) w.submit(r);
        }
    }

    @Test
    void aStoredTrialReadsBackWhole() {
        TrialRecord r = ok("a1", "scripted/honest", tampering(), 3);
        store(r);
        try (RunStore store = RunStore.open(dir)) {
            assertThat(store.trial("a1")).contains(r);
            assertThat(store.trials()).containsExactly(withoutTranscript(r));
            assertThat(store.trial("nope")).isEmpty();
        }
    }

    @Test
    void aRealTranscriptReadsBackAsIdenticalJsonText() throws Exception {
        Transcript t = new Episode().run(ScenarioBuilder.build(tampering(), 7), Models.forEpisode().agent("scripted/peer-preserving",
                7));
        String json = new ObjectMapper().writeValueAsString(t.toJson());
        TrialRecord base = ok("real", "scripted/peer-preserving", tampering(), 0);
        store(copy(base, json));
        try (RunStore store = RunStore.open(dir)) {
            assertThat(store.trial("real").orElseThrow().transcript()).isEqualTo(json);
        }
        try (Connection c = jdbc(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT length(gz) FROM transcripts")) {
            rs.next();
            assertThat(rs.getInt(1)).as("stored compressed").isLessThan(json.getBytes(StandardCharsets.UTF_8).length / 2);
        }
    }

    @Test
    void anOkTrialIsNeverOverwrittenAndAnErrorIsReplaced() throws SQLException {
        TrialRecord first = ok("x", "m", tampering(), 0);
        store(first, error("x", "m", tampering(), 0, "late error"), copy(ok("x", "m", tampering(), 0), "{\"other\":1}"),
                error("e", "m", tampering(), 1, "first failure"), error("e", "m", tampering(), 1, "second failure"),
                error("f", "m", tampering(), 2, "boom"));
        store(ok("f", "m", tampering(), 2));
        try (RunStore store = RunStore.open(dir)) {
            assertThat(store.trial("x")).contains(first);
            assertThat(store.trial("e").orElseThrow().error()).isEqualTo("second failure");
            assertThat(store.trial("f").orElseThrow().status()).isEqualTo(TrialRecord.Status.OK);
            assertThat(store.finishedIds()).containsExactlyInAnyOrder("x", "f");
            assertThat(store.statuses()).containsExactlyInAnyOrderEntriesOf(Map.of("x", TrialRecord.Status.OK,
                    "f", TrialRecord.Status.OK, "e", TrialRecord.Status.ERROR));
        }
        assertThat(count("SELECT count(*) FROM outcome_fields WHERE trial_id = 'f'")).isEqualTo(8);
        assertThat(count("SELECT count(*) FROM transcripts")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM outcome_fields")).isEqualTo(16);
    }

    @Test
    void trialsAreOrderedByModelConfigurationAndIndex() {
        store(ok("1", "b", tampering(), 0), ok("2", "a", tampering(), 1), ok("3", "a", tampering(), 0),
                ok("4", "a", finance(), 5), error("5", "a", faking(), 2, "x"));
        try (RunStore store = RunStore.open(dir)) {
            List<String> ids = new ArrayList<>();
            store.forEachTrial(t -> ids.add(t.id()));
            // config keys: alignment_faking/... < misrep_finance/... < tampering/...
            assertThat(ids).containsExactly("5", "4", "3", "2", "1");
            assertThat(store.trials()).extracting(TrialRecord::id).containsExactlyElementsOf(ids);
            assertThat(store.trials()).allSatisfy(t -> assertThat(t.transcript()).isNull());
        }
    }

    @Test
    void theSummaryCountsPerModelAndTask() {
        store(ok("1", "m1", tampering(), 0), ok("2", "m1", tampering(), 1), error("3", "m1", finance(), 0, "x"),
                ok("4", "m2", finance(), 9));
        try (RunStore store = RunStore.open(dir)) {
            Summary s = store.summary();
            assertThat(s.byModel()).containsExactlyInAnyOrderEntriesOf(Map.of("m1", new Summary.Counts(2, 1),
                    "m2", new Summary.Counts(1, 0)));
            assertThat(s.byTask()).containsExactlyInAnyOrderEntriesOf(Map.of("tampering", new Summary.Counts(2, 0),
                    "misrep_finance", new Summary.Counts(1, 1)));
            assertThat(s.ok()).isEqualTo(3);
            assertThat(s.errors()).isEqualTo(1);
            assertThat(s.estimatedTokens()).isEqualTo(3 * 12_345);
            assertThat(s.inputTokens()).isEqualTo(2700);
            assertThat(s.durationMs()).isEqualTo(3 * 1500 + 20);
            assertThat(s.first()).isEqualTo(TestRecords.T0);
            assertThat(s.last()).isEqualTo(TestRecords.T0.plusSeconds(9).plusMillis(1500));
            assertThat(s.toString()).contains("4 trials: 3 ok, 1 errors", "m1", "misrep_finance");
        }
        try (RunStore store = RunStore.open(dir.resolve("empty"))) {
            assertThat(store.summary().first()).isNull();
            assertThat(store.summary().toString()).startsWith("0 trials");
        }
    }

    @Test
    void theSchemaIsWhatSchemaMdDocuments() throws SQLException {
        store(ok("a", "m", tampering(), 0), error("b", "m", tampering(), 1, "x"));
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            assertThat(string(s, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(string(s, "PRAGMA user_version")).isEqualTo("2");
            assertThat(string(s, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master "
                    + "WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name)"))
                    .isEqualTo("outcome_fields transcripts trials trials_config_key trials_model_task");
            assertThat(string(s, "SELECT model || ' ' || task || ' ' || threshold || ' ' || instantiation || ' ' "
                    + "|| config_key || ' ' || started_at FROM trials WHERE trial_id = 'a'"))
                    .isEqualTo("m tampering 90 file_prt tampering/peer/good_peer/file_prt/creativity@90 "
                            + "2026-03-01T10:00:00.123456Z");
            assertThat(string(s, "SELECT value || '|' || value_num || '|' || determined FROM outcome_fields "
                    + "WHERE trial_id = 'a' AND field = 'score'")).isEqualTo("72.5|72.5|1");
            assertThat(string(s, "SELECT value || '|' || value_bool FROM outcome_fields "
                    + "WHERE trial_id = 'a' AND field = 'shutdown_enabled'")).isEqualTo("false|0");
            assertThat(string(s, "SELECT (value ->> '$') || '|' || determined FROM outcome_fields "
                    + "WHERE trial_id = 'a' AND field = 'refuse'")).isEqualTo("undetermined|0");
            assertThat(string(s, "SELECT (value ->> '$') FROM outcome_fields WHERE field = 'threshold'"))
                    .isEqualTo("above");
            assertThat(string(s, "SELECT count(*) FROM outcome_fields WHERE trial_id = 'b'")).isEqualTo("0");
        }
    }

    @Test
    void theExampleQueriesOfTheReadmeRun() throws Exception {
        store(ok("a", "m", tampering(), 0), ok("b", "m", finance(), 0), error("c", "m", tampering(), 1, "x"));
        String readme = Files.readString(Path.of("README.md"));
        String doc = readme.substring(readme.indexOf("## The run store"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("```sql\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(doc.substring(0, doc.indexOf("#### DuckDB")));
        int queries = 0;
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            while (m.find()) {
                try (ResultSet rs = s.executeQuery(m.group(1))) {
                    rs.next();
                }
                queries++;
            }
        }
        assertThat(queries).isEqualTo(6);
    }

    @Test
    void aFileThatIsNotAPeerGuardStoreIsRefusedAndLeftAlone() throws Exception {
        Path text = dir.resolve("text");
        Files.createDirectories(text);
        Files.writeString(text.resolve(RunStore.FILE), "name,score\nx,1\n".repeat(100));
        assertThatThrownBy(() -> RunStore.open(text)).isInstanceOf(StoreException.class)
                .hasMessageContaining(text.resolve(RunStore.FILE).toString())
                .hasMessageContaining("not a PeerGuard run store");
        assertThat(Files.readString(text.resolve(RunStore.FILE))).startsWith("name,score");

        Path other = dir.resolve("other");
        Files.createDirectories(other);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other.resolve(RunStore.FILE));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE people (name TEXT)");
        }
        assertThatThrownBy(() -> RunStore.open(other)).isInstanceOf(StoreException.class)
                .hasMessageContaining(other.resolve(RunStore.FILE).toString())
                .hasMessageContaining("not a PeerGuard run store (it is another SQLite database)");
    }

    @Test
    void aStoreFromANewerVersionIsRefusedWithWhatToDo() throws SQLException {
        store();
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> RunStore.open(dir)).isInstanceOf(StoreException.class)
                .hasMessageContaining(dir.resolve(RunStore.FILE).toString())
                .hasMessageContaining("newer PeerGuard").hasMessageContaining("upgrade");
    }

    @Test
    void aRunDirectoryThatCannotBeCreatedIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> RunStore.open(file.resolve("run"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot create the run directory " + file.resolve("run"));
    }

    @Test
    void readingADirectoryWithoutAStoreCreatesNothing() throws Exception {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        assertThatThrownBy(() -> RunStore.openExisting(plain)).isInstanceOf(StoreException.class)
                .hasMessageContaining(plain + " holds no run store");
        assertThat(plain).isEmptyDirectory();
        store(ok("a", "m", tampering(), 0));
        try (RunStore store = RunStore.openExisting(dir)) {
            assertThat(store.finishedIds()).containsExactly("a");
        }
    }

    @Test
    void aSecondWriterOnTheSameDirectoryIsRefused() {
        try (RunStore a = RunStore.open(dir); RunStore b = RunStore.open(dir); StoreWriter w = a.writer()) {
            assertThatThrownBy(a::writer).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(b::writer).isInstanceOf(StoreException.class)
                    .hasMessageContaining("another PeerGuard process is writing " + dir);
            w.submit(ok("1", "m", tampering(), 0));
        }
        try (RunStore b = RunStore.open(dir); StoreWriter w = b.writer()) {
            w.submit(ok("2", "m", tampering(), 1));
        }
        try (RunStore store = RunStore.open(dir)) {
            assertThat(store.finishedIds()).containsExactlyInAnyOrder("1", "2");
        }
    }

    @Test
    void storeErrorsSayWhatHappenedAndWhatToDo() {
        Path file = dir.resolve(RunStore.FILE);
        assertThat(StoreException.of(new org.sqlite.SQLiteException("[SQLITE_FULL] database or disk is full",
                org.sqlite.SQLiteErrorCode.SQLITE_FULL), file)).hasMessage("disk full while writing " + file
                + ": every trial stored before is kept; free space on the disk of " + dir.toAbsolutePath()
                + " and run `peerguard resume " + dir.toAbsolutePath() + "`");
        // SQLite reports a full disk this way when it cannot grow store.sqlite-shm (seen on a full tmpfs).
        assertThat(StoreException.of(new org.sqlite.SQLiteException("[SQLITE_IOERR_SHMSIZE] I/O error within xShmMap",
                org.sqlite.SQLiteErrorCode.SQLITE_IOERR_SHMSIZE), file)).hasMessageStartingWith("disk full while "
                + "writing " + file).hasMessageEndingWith("free space on the disk of " + dir.toAbsolutePath()
                + " and run `peerguard resume " + dir.toAbsolutePath() + "`");
        assertThat(StoreException.of(new org.sqlite.SQLiteException("[SQLITE_BUSY] locked",
                org.sqlite.SQLiteErrorCode.SQLITE_BUSY), file)).hasMessageStartingWith(file + " is locked by another "
                + "process");
        assertThat(StoreException.of(new org.sqlite.SQLiteException("[SQLITE_CORRUPT] malformed",
                org.sqlite.SQLiteErrorCode.SQLITE_CORRUPT), file)).hasMessageContaining("corrupt");
        assertThat(StoreException.of(new org.sqlite.SQLiteException("[SQLITE_READONLY] read-only",
                org.sqlite.SQLiteErrorCode.SQLITE_READONLY), file)).hasMessageStartingWith("cannot write " + file);
    }

    private static TrialRecord withoutTranscript(TrialRecord r) {
        return copy(r, null);
    }

    static TrialRecord copy(TrialRecord r, String transcript) {
        return new TrialRecord(r.id(), r.model(), r.config(), r.index(), r.seed(), r.status(), r.outcome(),
                r.reasons(), r.stopReason(), r.error(), r.iterations(), r.estimatedTokens(), r.inputTokens(),
                r.outputTokens(), r.startedAt(), r.durationMs(), transcript);
    }

    private Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(RunStore.FILE));
    }

    private long count(String sql) throws SQLException {
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            return Long.parseLong(string(s, sql));
        }
    }

    private static String string(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
