package dev.peerguard.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The single writer of a run store: any thread may {@link #submit} a finished trial; one writer thread stores them in
 * batches, each batch in one transaction, so a crash at any moment leaves only whole trials. A trial stored as
 * {@code ok} is never overwritten; one stored as {@code error} is replaced by a later record of the same id.
 */
public final class StoreWriter implements AutoCloseable {
    /** Bounds a transaction so that readers and a crash never wait on a huge one. */
    private static final int MAX_BATCH = 500;
    /** Marks the end of the queue; put by {@link #close()}. */
    private static final Rows.Prepared END = new Rows.Prepared(null, null, null, null);

    private final Path dir;
    private final Path file;
    private final Connection connection;
    private final FileChannel lockFile;
    private final BlockingQueue<Rows.Prepared> queue = new LinkedBlockingQueue<>();
    /**
     * Room in the queue: a submitter waits for it when the disk is slower than the trials, so memory stays bounded
     * however many trials finish. Released as rows are stored (all of it if the writer fails).
     */
    private final Semaphore room = new Semaphore(MAX_QUEUED);
    private static final int MAX_QUEUED = 4 * MAX_BATCH;
    private final Thread thread;
    private final Object enqueue = new Object();
    private boolean closed; // guarded by enqueue
    /** Records submitted after the writer failed, refused at once; {@link #close()} lists them with the rest. */
    private final List<String> refused = new ArrayList<>(); // guarded by enqueue
    private volatile StoreException failure;
    private volatile List<String> failedBatch = List.of();

    private StoreWriter(Path dir, Path file, Connection connection, FileChannel lockFile) {
        this.dir = dir;
        this.file = file;
        this.connection = connection;
        this.lockFile = lockFile;
        this.thread = Thread.ofPlatform().name("peerguard-store-writer").daemon().unstarted(this::drain);
    }

    static StoreWriter start(Path dir, Path file, List<String> pragmas) {
        FileChannel lock = lock(dir);
        Connection c = null;
        try {
            c = RunStore.connect(file);
            try (Statement s = c.createStatement()) {
                for (String pragma : pragmas) s.execute(pragma);
            }
            c.setAutoCommit(false);
            StoreWriter w = new StoreWriter(dir, file, c, lock);
            w.thread.start();
            return w;
        } catch (SQLException e) {
            RunStore.closeQuietly(c);
            RunStore.closeQuietly(lock);
            throw StoreException.of(e, file);
        }
    }

    /**
     * An OS lock on {@code writer.lock} in the run directory, held while the writer is open: two processes running
     * the same trials would each pay for them. The OS releases it when the process dies, even by kill -9.
     */
    private static FileChannel lock(Path dir) {
        Path path = dir.resolve("writer.lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) return channel;
        } catch (OverlappingFileLockException e) {
            // Held by another writer in this JVM: the same answer as for another process.
        } catch (IOException e) {
            RunStore.closeQuietly(channel);
            throw new StoreException("cannot write " + path + ": " + e + "; check that " + dir + " is writable", e);
        }
        RunStore.closeQuietly(channel);
        throw new StoreException("another PeerGuard process is writing " + dir + " (" + path + " is locked); wait "
                + "for it to finish or stop it, then run `peerguard resume " + dir + "`", null);
    }

    /**
     * Queues a finished trial for storing and returns, at once unless {@value #MAX_QUEUED} rows are already waiting.
     *
     * @throws StoreException if the writer has failed (this record is not stored; {@link #close()} lists all that
     *                        are not)
     */
    public void submit(TrialRecord record) {
        Rows.Prepared row = Rows.Prepared.of(check(record));
        awaitRoom();
        synchronized (enqueue) {
            StoreException f = failure;
            if (f != null) {
                refused.add(record.id());
                throw f.withUnstored(List.of(record.id()));
            }
            if (closed) throw new IllegalStateException("the store writer of " + dir + " is closed");
            queue.add(row);
        }
    }

    private void awaitRoom() {
        try {
            while (!room.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (failure != null || !thread.isAlive()) return; // the caller learns of the failure below
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // queue it anyway: a finished trial is never dropped here
        }
    }

    private static TrialRecord check(TrialRecord r) {
        Objects.requireNonNull(r, "record");
        Objects.requireNonNull(r.id(), "record id");
        Objects.requireNonNull(r.model(), "record model");
        Objects.requireNonNull(r.config(), "record config");
        Objects.requireNonNull(r.status(), "record status");
        Objects.requireNonNull(r.outcome(), "record outcome");
        Objects.requireNonNull(r.reasons(), "record reasons");
        return r;
    }

    /**
     * Stores everything submitted so far, then stops the writer thread and releases the run directory.
     *
     * @throws StoreException if the writer failed, listing every submitted trial that is not stored (the failed
     *                        batch, those still queued and those refused since)
     */
    @Override
    public void close() {
        synchronized (enqueue) {
            if (closed) return;
            closed = true;
            queue.add(END);
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting: returning early would lose records the caller believes stored
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        RunStore.closeQuietly(connection);
        RunStore.closeQuietly(lockFile);
        StoreException f = failure;
        if (f != null) {
            List<String> unstored = new ArrayList<>(failedBatch);
            for (Rows.Prepared row : queue) if (row != END) unstored.add(row.record().id());
            synchronized (enqueue) {
                unstored.addAll(refused);
            }
            throw f.withUnstored(unstored);
        }
    }

    boolean isClosed() {
        synchronized (enqueue) {
            return closed;
        }
    }

    /** The writer thread: takes whatever is waiting (at least one record) and stores it in one transaction. */
    private void drain() {
        List<Rows.Prepared> batch = new ArrayList<>();
        try (Statements st = new Statements(connection)) {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean end = batch.getLast() == END;
                if (end) batch.removeLast();
                if (!batch.isEmpty()) write(st, batch);
                room.release(batch.size());
                batch.clear();
                if (end) return;
            }
        } catch (Throwable e) {
            failedBatch = batch.stream().filter(r -> r != END).map(r -> r.record().id()).toList();
            failure = e instanceof SQLException s ? StoreException.of(s, file)
                    : new StoreException("the writer of " + file + " failed: " + e + "; every trial stored before "
                            + "is kept; run `peerguard resume " + dir + "`", e);
            room.release(Integer.MAX_VALUE / 2); // nobody waits for a writer that has stopped
        }
    }

    private void write(Statements st, List<Rows.Prepared> batch) throws SQLException {
        try {
            for (Rows.Prepared row : batch) st.store(row);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The writer's prepared statements, reused across batches. */
    private static final class Statements implements AutoCloseable {
        private final PreparedStatement dropError;
        private final PreparedStatement insert;
        private final PreparedStatement dropFields;
        private final PreparedStatement dropTranscript;
        private final PreparedStatement field;
        private final PreparedStatement transcript;

        Statements(Connection c) throws SQLException {
            dropError = c.prepareStatement("DELETE FROM trials WHERE trial_id = ? AND status = 'error'");
            insert = c.prepareStatement("INSERT INTO trials (" + Rows.COLUMNS + ") VALUES ("
                    + "?, ".repeat(Rows.COLUMNS.split(",").length - 1) + "?) ON CONFLICT (trial_id) DO NOTHING");
            dropFields = c.prepareStatement("DELETE FROM outcome_fields WHERE trial_id = ?");
            dropTranscript = c.prepareStatement("DELETE FROM transcripts WHERE trial_id = ?");
            field = c.prepareStatement("INSERT INTO outcome_fields (trial_id, field, value, value_bool, value_num, "
                    + "determined, reason) VALUES (?, ?, ?, ?, ?, ?, ?)");
            transcript = c.prepareStatement("INSERT INTO transcripts (trial_id, gz) VALUES (?, ?)");
        }

        /** Stores one trial unless it is already stored as ok; a stored error is replaced with all its rows. */
        void store(Rows.Prepared row) throws SQLException {
            TrialRecord r = row.record();
            dropError.setString(1, r.id());
            dropError.executeUpdate();
            Rows.bind(insert, row);
            if (insert.executeUpdate() == 0) return; // an ok row exists: a trial is written exactly once
            dropFields.setString(1, r.id());
            dropFields.executeUpdate();
            dropTranscript.setString(1, r.id());
            dropTranscript.executeUpdate();
            for (Map.Entry<String, Object> e : r.outcome().entrySet()) {
                Object v = e.getValue();
                field.setString(1, r.id());
                field.setString(2, e.getKey());
                field.setString(3, Rows.json(v));
                field.setObject(4, v instanceof Boolean b ? (b ? 1 : 0) : null);
                field.setObject(5, v instanceof Number n ? n.doubleValue() : null);
                field.setInt(6, "undetermined".equals(v) ? 0 : 1);
                field.setString(7, r.reasons().get(e.getKey()));
                field.addBatch();
            }
            field.executeBatch();
            if (row.transcriptGz() != null) {
                transcript.setString(1, r.id());
                transcript.setBytes(2, row.transcriptGz());
                transcript.executeUpdate();
            }
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement p : List.of(dropError, insert, dropFields, dropTranscript, field, transcript)) {
                p.close();
            }
        }
    }
}
