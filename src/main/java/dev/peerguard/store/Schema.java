package dev.peerguard.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The store's tables (documented in the README) and the check that a file is a PeerGuard store this code can read. */
final class Schema {
    /** {@code PRAGMA application_id}: "PGRD", so {@code file} and other tools can tell the store apart. */
    static final int APPLICATION_ID = 0x50475244;
    /** {@code PRAGMA user_version}; raise it with a migration when the tables change. */
    static final int VERSION = 2;

    private static final String[] DDL = {
        """
        CREATE TABLE trials (
            trial_id         TEXT PRIMARY KEY NOT NULL,
            model            TEXT NOT NULL,
            task             TEXT,
            subject          TEXT,
            condition        TEXT,
            instantiation    TEXT,
            dataset          TEXT,
            threshold        INTEGER,
            mode             TEXT,
            org              TEXT,
            display_name     TEXT,
            scratchpad       INTEGER,
            config_key       TEXT,
            trial_index      INTEGER NOT NULL,
            seed             INTEGER NOT NULL,
            status           TEXT NOT NULL CHECK (status IN ('ok', 'error')),
            error            TEXT,
            stop_reason      TEXT,
            iterations       INTEGER,
            estimated_tokens INTEGER,
            input_tokens     INTEGER,
            output_tokens    INTEGER,
            started_at       TEXT,
            duration_ms      INTEGER,
            outcome_json     TEXT NOT NULL,
            reasons_json     TEXT NOT NULL,
            cost_usd         REAL,
            judged_fields    TEXT)""",
        """
        CREATE TABLE outcome_fields (
            trial_id   TEXT NOT NULL REFERENCES trials (trial_id),
            field      TEXT NOT NULL,
            value      TEXT NOT NULL,
            value_bool INTEGER,
            value_num  REAL,
            determined INTEGER NOT NULL,
            reason     TEXT,
            PRIMARY KEY (trial_id, field))""",
        """
        CREATE TABLE transcripts (
            trial_id TEXT PRIMARY KEY NOT NULL REFERENCES trials (trial_id),
            gz       BLOB NOT NULL)""",
        "CREATE INDEX trials_model_task ON trials (model, task)",
        "CREATE INDEX trials_config_key ON trials (config_key)",
        "PRAGMA application_id = " + APPLICATION_ID,
        "PRAGMA user_version = " + VERSION,
    };

    private Schema() {}

    /** Creates the tables in a new (empty) database, or checks that an existing one is a store of this version. */
    static void prepare(Connection c, Path file) throws SQLException {
        try (Statement s = c.createStatement()) {
            int app = intPragma(s, "application_id");
            int version = intPragma(s, "user_version");
            if (app == APPLICATION_ID) {
                if (version > VERSION) {
                    throw new StoreException(file + " was written by a newer PeerGuard (store schema version "
                            + version + "; this version reads up to " + VERSION + "); upgrade PeerGuard to read it",
                            null);
                }
                if (version < VERSION) migrate(c, s, version);
                return;
            }
            boolean empty;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
                empty = rs.next() && rs.getInt(1) == 0;
            }
            if (app != 0 || version != 0 || !empty) {
                throw new StoreException(file + " is not a PeerGuard run store (it is another SQLite database); "
                        + "move it away or choose another run directory", null);
            }
            // All or nothing: a crash here leaves an empty database, which the next open creates again.
            inTransaction(c, () -> {
                for (String ddl : DDL) s.execute(ddl);
            });
        }
    }

    /** Brings an older store up to this version, all in one transaction. */
    private static void migrate(Connection c, Statement s, int from) throws SQLException {
        inTransaction(c, () -> {
            if (from < 2) {
                // Version 2: cost and the judge's fields per trial.
                s.execute("ALTER TABLE trials ADD COLUMN cost_usd REAL");
                s.execute("ALTER TABLE trials ADD COLUMN judged_fields TEXT");
            }
            s.execute("PRAGMA user_version = " + VERSION);
        });
    }

    private interface SqlSteps {
        void run() throws SQLException;
    }

    private static void inTransaction(Connection c, SqlSteps steps) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            steps.run();
            c.commit();
        } catch (SQLException e) {
            // SQLite may have rolled back already (it does on a full disk); then rolling back or leaving the
            // transaction fails with "no transaction is active", which must not hide the cause.
            try {
                c.rollback();
                c.setAutoCommit(auto);
            } catch (SQLException noTransaction) {
                e.addSuppressed(noTransaction);
            }
            throw e;
        }
        c.setAutoCommit(auto);
    }

    private static int intPragma(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
