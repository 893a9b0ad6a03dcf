package dev.peerguard.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A run's durable store: one SQLite file ({@code store.sqlite}, WAL mode) in the run directory, holding every finished
 * trial exactly once. Reads may come from any thread; all writes go through the one {@link StoreWriter}.
 */
public final class RunStore implements AutoCloseable {
    public static final String FILE = "store.sqlite";

    private final Path dir;
    private final Path file;
    private final List<String> writerPragmas;
    // One connection for reads, used under this object's lock; the writer has its own.
    private final Connection reader;
    private StoreWriter writer;

    private RunStore(Path dir, Path file, List<String> writerPragmas, Connection reader) {
        this.dir = dir;
        this.file = file;
        this.writerPragmas = writerPragmas;
        this.reader = reader;
    }

    /** Opens the store of a run directory, creating the directory, the database and its tables if missing. */
    public static RunStore open(Path runDir) {
        return open(runDir, List.of());
    }

    /**
     * Opens the store of an existing run for reading (show, export) without creating anything: a directory that
     * holds no store is refused rather than given an empty one.
     */
    public static RunStore openExisting(Path runDir) {
        if (!Files.isRegularFile(runDir.resolve(FILE))) {
            throw new StoreException(runDir + " holds no run store (no " + FILE + "); give the directory of a run, "
                    + "as `peerguard run` printed it", null);
        }
        return open(runDir);
    }

    /** As {@link #open(Path)}, with extra pragmas for the writer's connection (tests simulate a full disk). */
    static RunStore open(Path runDir, List<String> writerPragmas) {
        Path file = runDir.resolve(FILE);
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new StoreException("cannot create the run directory " + runDir + ": " + e, e);
        }
        if (!Files.isWritable(runDir)) {
            throw new StoreException("the run directory " + runDir + " is not writable; fix its permissions or "
                    + "choose another directory", null);
        }
        Connection c = null;
        try {
            c = connect(file);
            Schema.prepare(c, file);
            return new RunStore(runDir, file, List.copyOf(writerPragmas), c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw StoreException.of(e, file);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    static Connection connect(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            // Wait for a moment rather than fail while a checkpoint or the other connection holds a lock.
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("PRAGMA journal_mode = WAL");
            // With WAL, NORMAL loses no committed transaction on a process crash, only possibly the last ones on
            // power loss; the store stays consistent either way and resume re-runs what is missing.
            s.execute("PRAGMA synchronous = NORMAL");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    public Path dir() {
        return dir;
    }

    public Path file() {
        return file;
    }

    /**
     * The run's single writer. Only one may be open per store (and per run directory: a second process writing the
     * same directory is refused).
     */
    public synchronized StoreWriter writer() {
        if (writer != null && !writer.isClosed()) {
            throw new IllegalStateException("this run store already has an open writer");
        }
        writer = StoreWriter.start(dir, file, writerPragmas);
        return writer;
    }

    /** Ids of trials stored with an outcome; resume skips these (errors are run again). */
    public synchronized Set<String> finishedIds() {
        Set<String> ids = new HashSet<>();
        query("SELECT trial_id FROM trials WHERE status = 'ok'", rs -> ids.add(rs.getString(1)));
        return ids;
    }

    /** Every stored trial's status, by id. */
    public synchronized Map<String, TrialRecord.Status> statuses() {
        Map<String, TrialRecord.Status> out = new HashMap<>();
        query("SELECT trial_id, status FROM trials", rs -> out.put(rs.getString(1),
                rs.getString(2).equals("ok") ? TrialRecord.Status.OK : TrialRecord.Status.ERROR));
        return out;
    }

    /** Every stored trial without its transcript, ordered by model, configuration key and trial index. */
    public List<TrialRecord> trials() {
        List<TrialRecord> out = new ArrayList<>();
        forEachTrial(out::add);
        return out;
    }

    /** As {@link #trials()}, one at a time, so that a large store is never held in memory. */
    public synchronized void forEachTrial(Consumer<TrialRecord> action) {
        query("SELECT " + Rows.COLUMNS + " FROM trials ORDER BY model, config_key, trial_index, trial_id",
                rs -> action.accept(Rows.read(rs, null)));
    }

    /**
     * As {@link #forEachTrial}, each trial (without its parsed transcript) with its transcript's stored gzip bytes
     * as they are (null when it has none), so a large store can be copied out without decompressing it.
     */
    public synchronized void forEachTrialWithTranscriptGz(BiConsumer<TrialRecord, byte[]> action) {
        query("SELECT " + Rows.COLUMNS + ", (SELECT gz FROM transcripts x WHERE x.trial_id = t.trial_id) AS gz "
                + "FROM trials t ORDER BY model, config_key, trial_index, trial_id",
                rs -> action.accept(Rows.read(rs, null), rs.getBytes("gz")));
    }

    /** One trial with its transcript. */
    public synchronized Optional<TrialRecord> trial(String id) {
        try (PreparedStatement p = reader.prepareStatement("SELECT " + Rows.COLUMNS + ", (SELECT gz FROM "
                + "transcripts x WHERE x.trial_id = t.trial_id) AS gz FROM trials t WHERE trial_id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                byte[] gz = rs.getBytes("gz");
                return Optional.of(Rows.read(rs, gz == null ? null : Rows.gunzip(gz)));
            }
        } catch (SQLException e) {
            throw StoreException.of(e, file);
        }
    }

    /** Counts per model and task, tokens, time. */
    public synchronized Summary summary() {
        Map<String, Summary.Counts> byModel = new HashMap<>();
        Map<String, Summary.Counts> byTask = new HashMap<>();
        long[] totals = new long[4];
        Instant[] span = new Instant[2];
        Summary.Counts none = new Summary.Counts(0, 0);
        Map<String, Summary.Cost> costs = new HashMap<>();
        query("SELECT model, task, status, input_tokens, output_tokens, estimated_tokens, duration_ms, started_at, "
                + "cost_usd FROM trials", rs -> {
            boolean ok = rs.getString(3).equals("ok");
            if (rs.getObject(4) != null) {
                double usd = rs.getDouble(9);
                Double cost = rs.wasNull() ? null : usd;
                costs.merge(rs.getString(1), new Summary.Cost(0, 0, null, 0).plus(rs.getLong(4), rs.getLong(5), cost,
                        cost == null), (a, b) -> a.plus(b.inputTokens(), b.outputTokens(), b.usd(),
                        b.unknownTrials() > 0));
            }
            byModel.merge(rs.getString(1), none.plus(ok), (a, b) -> a.plus(ok));
            byTask.merge(String.valueOf(rs.getString(2)), none.plus(ok), (a, b) -> a.plus(ok));
            totals[0] += rs.getLong(4);
            totals[1] += rs.getLong(5);
            totals[2] += rs.getLong(6);
            totals[3] += rs.getLong(7);
            if (rs.getString(8) != null) {
                Instant start = Instant.parse(rs.getString(8));
                Instant end = start.plusMillis(rs.getLong(7));
                if (span[0] == null || start.isBefore(span[0])) span[0] = start;
                if (span[1] == null || end.isAfter(span[1])) span[1] = end;
            }
        });
        return new Summary(byModel, byTask, totals[0], totals[1], totals[2], totals[3], span[0], span[1], costs);
    }

    /** Closes the writer if it is still open (flushing it), then the store. */
    @Override
    public synchronized void close() {
        try {
            if (writer != null) writer.close();
        } finally {
            closeQuietly(reader);
        }
    }

    private interface RowAction {
        void accept(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowAction action) {
        try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) action.accept(rs);
        } catch (SQLException e) {
            throw StoreException.of(e, file);
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // Nothing is left to save on a connection being discarded.
        }
    }
}
