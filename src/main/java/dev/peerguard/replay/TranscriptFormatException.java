package dev.peerguard.replay;

/**
 * A file that is not in the study's published transcript format. The message names the file, the JSON path of the
 * offending value (e.g. {@code $.conversation[3].tool_calls}) and what was expected there.
 */
public final class TranscriptFormatException extends ReplayException {
    private final String source;
    private final String path;

    public TranscriptFormatException(String source, String path, String problem) {
        super(source + ": at " + path + ": " + problem);
        this.source = source;
        this.path = path;
    }

    public TranscriptFormatException(String source, String path, String problem, Throwable cause) {
        super(source + ": at " + path + ": " + problem, cause);
        this.source = source;
        this.path = path;
    }

    /** The file (or other source name) that was being read. */
    public String source() {
        return source;
    }

    /** The JSON path of the offending value, {@code $} for the whole document. */
    public String path() {
        return path;
    }
}
