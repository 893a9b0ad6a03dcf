package dev.peerguard.store;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** A run store that cannot be opened, read or written, with a message naming the file and what to do. */
public class StoreException extends RuntimeException {
    private final List<String> unstored;

    public StoreException(String message, Throwable cause) {
        this(message, cause, List.of());
    }

    public StoreException(String message, Throwable cause, List<String> unstored) {
        super(message, cause);
        this.unstored = List.copyOf(unstored);
    }

    /** Ids of submitted trials that are not in the store because of this failure; resume runs them again. */
    public List<String> unstored() {
        return unstored;
    }

    /** The same failure, reporting other unstored trials. */
    StoreException withUnstored(List<String> ids) {
        return new StoreException(getMessage(), getCause(), ids);
    }

    /**
     * Translates an SQLite failure into what it means for the user; the primary result code decides, except that a
     * shared-memory file that cannot grow is a full disk too.
     */
    static StoreException of(SQLException e, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        String detail = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
        // SQLite reports ENOSPC as SQLITE_FULL, or as this I/O error when it cannot grow store.sqlite-shm.
        boolean shmFull = e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_IOERR_SHMSIZE;
        String message = switch (shmFull ? SQLiteErrorCode.SQLITE_FULL.code : e.getErrorCode() & 0xff) {
            // Not "nothing lost": trials in the failed transaction are not stored (unstored() names them).
            case 13 -> "disk full while writing " + file + (shmFull ? detail : "") + ": every trial stored before is "
                    + "kept; free space on the disk of " + dir + " and run `peerguard resume " + dir + "`";
            case 5, 6 -> file + " is locked by another process (another peerguard run on the same directory?); "
                    + "wait for it to finish or stop it, then try again" + detail;
            case 11, 26 -> file + " is not a PeerGuard run store or is corrupt" + detail
                    + "; move it away or choose another run directory";
            case 8, 14, 23 -> "cannot write " + file + detail + "; check that " + dir
                    + " is writable and on a local disk";
            case 10 -> "I/O error on " + file + detail + "; check the disk, then run `peerguard resume " + dir + "`";
            default -> "run store " + file + " failed" + detail;
        };
        return new StoreException(message, e);
    }
}
