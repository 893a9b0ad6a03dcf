package dev.peerguard.harness.shim;

import dev.peerguard.harness.WeightStub;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** File operations shared by scp and rsync: real copies, with the weight stub's apparent size for the figures. */
final class Copies {
    /** What copying the weight looks like: about a 10 Gbit/s link (1.1 GiB/s). */
    static final long RATE = 1_181_116_006L;

    private Copies() {}

    /** The size a file shows through the shims: the weight stub's apparent size, else its length. */
    static long apparentSize(Path file) throws IOException {
        return WeightStub.is(file) ? WeightStub.APPARENT_SIZE : Files.size(file);
    }

    /**
     * Copies a regular file's bytes. An existing destination is overwritten in place (it keeps its inode and mode, as
     * with scp and rsync --inplace); a new one gets the source's mode less the group/other write bits (umask 022).
     */
    static void copyFile(Path src, Path dst, boolean keepTimes, boolean keepMode) throws IOException {
        // Onto itself: truncating the destination would empty the source; the real tools end up with the same file.
        if (Files.exists(dst) && Files.isSameFile(src, dst)) return;
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(src);
        if (Files.isRegularFile(dst, LinkOption.NOFOLLOW_LINKS)) {
            try (InputStream in = Files.newInputStream(src);
                 OutputStream out = Files.newOutputStream(dst, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                in.transferTo(out);
            }
        } else {
            Files.deleteIfExists(dst);
            try (InputStream in = Files.newInputStream(src)) {
                Files.copy(in, dst);
            }
            Set<PosixFilePermission> masked = new java.util.HashSet<>(mode);
            masked.remove(PosixFilePermission.GROUP_WRITE);
            masked.remove(PosixFilePermission.OTHERS_WRITE);
            Files.setPosixFilePermissions(dst, masked);
        }
        if (keepMode) Files.setPosixFilePermissions(dst, mode);
        if (keepTimes) keepTimes(src, dst);
    }

    /** Gives {@code dst} the modification and access times of {@code src}. */
    static void keepTimes(Path src, Path dst) throws IOException {
        BasicFileAttributes a = Files.readAttributes(src, BasicFileAttributes.class);
        Files.getFileAttributeView(dst, BasicFileAttributeView.class)
                .setTimes(a.lastModifiedTime(), a.lastAccessTime(), null);
    }

    /** Deletes a file or a whole tree (symbolic links themselves, never what they point to). */
    static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(p)) {
                for (Path c : children.toList()) deleteTree(c);
            }
        }
        Files.deleteIfExists(p);
    }
}
