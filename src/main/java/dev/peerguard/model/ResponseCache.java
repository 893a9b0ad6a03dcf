package dev.peerguard.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Model responses kept so that re-running a trial (after a crash, on resume) does not pay for the same call twice.
 * One SQLite file in WAL mode with a single table of key and value: the value is opaque text the caller wrote (its
 * JSON), stored as given and nothing else besides. Safe for many threads of one process (one connection, used under a
 * lock) and for several processes sharing the file (they wait for each other's locks).
 */
public final class ResponseCache implements AutoCloseable {
    /** {@code PRAGMA application_id}: "PGRC", telling a cache apart from a run store ("PGRD") and other databases. */
    static final int APPLICATION_ID = 0x50475243;
    /** {@code PRAGMA user_version}; raise it with a migration when the table changes. */
    static final int VERSION = 1;

    private final Path file;
    private final Connection connection;
    // A ReentrantLock rather than synchronized: a virtual thread waiting for it releases its carrier thread.
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    /** A cache that cannot be opened, read or written; the message names the file and what to do. */
    public static final class CacheException extends RuntimeException {
        CacheException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private ResponseCache(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens a cache file, creating it (and its directory) if missing.
     *
     * @throws CacheException when the file is another database or another kind of file, or cannot be written
     */
    public static ResponseCache open(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CacheException("cannot create the directory of the response cache " + file + ": " + e, e);
        }
        Connection c = null;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            prepare(c, file);
            return new ResponseCache(file, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw failure(e, file);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * Checks that the file is a cache, creating the table in a new database. The check runs in an immediate
     * transaction, so that two processes opening a new file at once create the table once; and before WAL mode is set,
     * so that another database is refused unchanged.
     */
    private static void prepare(Connection c, Path file) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("BEGIN IMMEDIATE");
            try {
                int app = intPragma(s, "application_id");
                int version = intPragma(s, "user_version");
                if (app == APPLICATION_ID && version > VERSION) {
                    throw new CacheException(file + " was written by a newer PeerGuard (response cache version "
                            + version + "; this version reads up to " + VERSION + "); upgrade PeerGuard or use "
                            + "another file", null);
                }
                if (app != APPLICATION_ID) {
                    if (app != 0 || version != 0 || !empty(s)) {
                        throw new CacheException(file + " is not a PeerGuard response cache (it is another SQLite "
                                + "database); move it away or choose another file", null);
                    }
                    s.execute("CREATE TABLE responses (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)");
                    s.execute("PRAGMA application_id = " + APPLICATION_ID);
                    s.execute("PRAGMA user_version = " + VERSION);
                }
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = NORMAL");
        }
    }

    private static boolean empty(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
            return rs.next() && rs.getInt(1) == 0;
        }
    }

    private static int intPragma(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * A key for a call: the SHA-256 (hex) of its parts, each preceded by its length so that no two different lists of
     * parts give the same bytes ({@code ("ab", "c")} and {@code ("a", "bc")} differ).
     */
    public static String key(String... parts) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        for (String part : parts) {
            byte[] bytes = Objects.requireNonNull(part, "key part").getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha.update(bytes);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The value stored under a key, if any. */
    public Optional<String> get(String key) {
        Objects.requireNonNull(key, "key");
        return locked(() -> {
            try (PreparedStatement p = connection.prepareStatement("SELECT value FROM responses WHERE key = ?")) {
                p.setString(1, key);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Stores a value under a key unless the key already has one: the first writer wins, later values are dropped. */
    public void put(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        locked(() -> {
            try (PreparedStatement p = connection.prepareStatement(
                    "INSERT OR IGNORE INTO responses (key, value) VALUES (?, ?)")) {
                p.setString(1, key);
                p.setString(2, value);
                return p.executeUpdate();
            }
        });
    }

    /** The number of stored responses. */
    public int size() {
        return locked(() -> {
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM responses")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Closes the file; closing twice does nothing, any other use after closing throws. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            connection.close();
        } catch (SQLException e) {
            throw failure(e, file);
        } finally {
            lock.unlock();
        }
    }

    private interface Query<T> {
        T run() throws SQLException;
    }

    private <T> T locked(Query<T> query) {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the response cache " + file + " is closed");
            return query.run();
        } catch (SQLException e) {
            throw failure(e, file);
        } finally {
            lock.unlock();
        }
    }

    /** Translates an SQLite failure into what it means for the user; the primary result code decides. */
    private static CacheException failure(SQLException e, Path file) {
        String detail = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
        String message = switch (e.getErrorCode() & 0xff) {
            case 5, 6 -> file + " is locked by another process for too long; wait for it to finish, then try again"
                    + detail;
            case 11, 26 -> file + " is not a PeerGuard response cache or is corrupt" + detail
                    + "; move it away or choose another file";
            case 8, 14, 23 -> "cannot open or write the response cache " + file + detail + "; check that its "
                    + "directory is writable and on a local disk";
            case 13 -> "disk full while writing the response cache " + file + "; free space and try again";
            default -> "response cache " + file + " failed" + detail;
        };
        return new CacheException(message, e);
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // Already failing; the first error is the one to report.
        }
    }
}
