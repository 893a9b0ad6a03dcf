package dev.peerguard.run;

import java.nio.file.Path;

/**
 * A run spec the user must fix: an unknown value, a malformed or impossible setting, an unreadable file. The message
 * names the file and line (for the YAML file) or the flag, what is wrong and what is valid.
 */
public final class SpecException extends RuntimeException {
    private final Path file;
    private final Integer line;

    /** File and line may be null (a flag, or a problem with no single place); the message gets them as a prefix. */
    public SpecException(Path file, Integer line, String message) {
        super(locate(file, line) + message);
        this.file = file;
        this.line = line;
    }

    private static String locate(Path file, Integer line) {
        if (file == null) return "";
        return line == null ? file + ": " : file + " line " + line + ": ";
    }

    /** The spec file the problem is in, or null when it came from a flag. */
    public Path file() {
        return file;
    }

    /** The 1-based line in {@link #file()}, or null. */
    public Integer line() {
        return line;
    }
}
