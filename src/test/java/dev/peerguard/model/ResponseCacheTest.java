package dev.peerguard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseCacheTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("responses.sqlite");
    }

    @Test
    void storesAndReadsBackAndTheFirstWriterWins() {
        try (ResponseCache cache = ResponseCache.open(file())) {
            String key = ResponseCache.key("openai/gpt-5", "[{\"role\":\"user\"}]", "seed=3");
            assertThat(cache.get(key)).isEmpty();
            cache.put(key, "{\"text\":\"first\"}");
            cache.put(key, "{\"text\":\"second\"}");
            assertThat(cache.get(key)).contains("{\"text\":\"first\"}");
            assertThat(cache.size()).isEqualTo(1);
        }
    }

    @Test
    void entriesSurviveClosingAndReopening() {
        try (ResponseCache cache = ResponseCache.open(file())) {
            cache.put("k1", "v1");
            cache.put("k2", "é ✓ \u0000 text");
        }
        try (ResponseCache cache = ResponseCache.open(file())) {
            assertThat(cache.get("k1")).contains("v1");
            assertThat(cache.get("k2")).contains("é ✓ \u0000 text");
            assertThat(cache.size()).isEqualTo(2);
        }
    }

    @Test
    void storesOnlyTheKeyAndTheValue() throws Exception {
        try (ResponseCache cache = ResponseCache.open(file())) {
            cache.put("k", "v");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master")) {
                List<String> names = new ArrayList<>();
                while (rs.next()) names.add(rs.getString(1));
                assertThat(names).containsExactlyInAnyOrder("responses", "sqlite_autoindex_responses_1");
            }
            try (ResultSet rs = s.executeQuery("SELECT * FROM responses")) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(2);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("key")).isEqualTo("k");
                assertThat(rs.getString("value")).isEqualTo("v");
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
        }
    }

    @Test
    void keysAreSha256HexAndLengthPrefixed() {
        String k = ResponseCache.key("ab", "c");
        assertThat(k).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(k).isEqualTo(ResponseCache.key("ab", "c"));
        assertThat(k).isNotEqualTo(ResponseCache.key("a", "bc"));
        assertThat(k).isNotEqualTo(ResponseCache.key("abc"));
        assertThat(ResponseCache.key("a")).isNotEqualTo(ResponseCache.key("a", ""));
        assertThat(ResponseCache.key()).isNotEqualTo(ResponseCache.key(""));
        assertThat(ResponseCache.key("é")).isNotEqualTo(ResponseCache.key("e\u0301"));
    }

    @Test
    void anotherSqliteDatabaseIsRefusedAndLeftUnchanged() throws Exception {
        Path other = dir.resolve("other.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (text TEXT)");
        }
        byte[] before = Files.readAllBytes(other);
        assertThatThrownBy(() -> ResponseCache.open(other)).isInstanceOf(ResponseCache.CacheException.class)
                .hasMessage(other + " is not a PeerGuard response cache (it is another SQLite database); move it "
                        + "away or choose another file");
        assertThat(Files.readAllBytes(other)).isEqualTo(before);
        assertThat(dir.resolve("other.sqlite-wal")).doesNotExist();
    }

    @Test
    void aRunStoreIsRefused() throws Exception {
        Path store = dir.resolve("store.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store); Statement s = c.createStatement()) {
            s.execute("PRAGMA application_id = " + 0x50475244);
        }
        assertThatThrownBy(() -> ResponseCache.open(store)).isInstanceOf(ResponseCache.CacheException.class)
                .hasMessageContaining("is not a PeerGuard response cache");
    }

    @Test
    void aFileThatIsNotADatabaseIsRefused() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "these are my notes, not a database; ".repeat(100));
        assertThatThrownBy(() -> ResponseCache.open(text)).isInstanceOf(ResponseCache.CacheException.class)
                .hasMessageStartingWith(text + " is not a PeerGuard response cache or is corrupt")
                .hasMessageEndingWith("; move it away or choose another file");
    }

    @Test
    void aCacheFromANewerVersionIsRefused() throws Exception {
        try (ResponseCache cache = ResponseCache.open(file())) {
            cache.put("k", "v");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (ResponseCache.VERSION + 1));
        }
        assertThatThrownBy(() -> ResponseCache.open(file())).isInstanceOf(ResponseCache.CacheException.class)
                .hasMessageContaining("was written by a newer PeerGuard");
    }

    @Test
    void manyThreadsPutAtOnceAndEachKeyKeepsOneValue() throws Exception {
        int threads = 32;
        int keys = 200;
        try (ResponseCache cache = ResponseCache.open(file());
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int k = 0; k < keys; k++) {
                        String key = ResponseCache.key("model", String.valueOf(k));
                        cache.put(key, "from thread " + thread);
                        assertThat(cache.get(key)).isPresent();
                    }
                }));
            }
            for (Future<?> f : done) f.get();
            assertThat(cache.size()).isEqualTo(keys);
            for (int k = 0; k < keys; k++) {
                assertThat(cache.get(ResponseCache.key("model", String.valueOf(k)))).get().asString()
                        .matches("from thread \\d+");
            }
        }
    }

    @Test
    void twoCachesOnOneFileShareTheirEntries() throws Exception {
        // Two connections take the file locks as two processes would.
        try (ResponseCache a = ResponseCache.open(file()); ResponseCache b = ResponseCache.open(file());
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> fromA = pool.submit(() -> {
                for (int i = 0; i < 300; i++) a.put("a" + i, "A");
            });
            Future<?> fromB = pool.submit(() -> {
                for (int i = 0; i < 300; i++) b.put("b" + i, "B");
            });
            fromA.get();
            fromB.get();
            assertThat(a.get("b299")).contains("B");
            assertThat(b.get("a0")).contains("A");
            assertThat(a.size()).isEqualTo(600);
        }
    }

    @Test
    void twoOpensOfANewFileAtOnceCreateItOnce() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ResponseCache>> opened = new ArrayList<>();
            for (int i = 0; i < 8; i++) opened.add(pool.submit(() -> ResponseCache.open(file())));
            for (Future<ResponseCache> f : opened) {
                try (ResponseCache cache = f.get()) {
                    cache.put("k", "v");
                    assertThat(cache.get("k")).contains("v");
                }
            }
        }
    }

    @Test
    void createsItsDirectoryAndRefusesUseAfterClose() {
        Path nested = dir.resolve("run/a/responses.sqlite");
        ResponseCache cache = ResponseCache.open(nested);
        assertThat(nested).exists();
        cache.close();
        cache.close();
        assertThatThrownBy(() -> cache.get("k")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }
}
