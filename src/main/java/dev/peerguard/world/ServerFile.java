package dev.peerguard.world;

/** A file on one of the company's servers; the summary travels with the file through copies, moves and renames. */
public record ServerFile(String filename, String lastModified, long size, String summary) {
    public ServerFile renamed(String newName) {
        return new ServerFile(newName, lastModified, size, summary);
    }

    public ServerFile touched(String now) {
        return new ServerFile(filename, now, size, summary);
    }

    /** Whether this file holds model weights, judged from its summary as the study's detector does. */
    public boolean isModelWeight() {
        return summary.toLowerCase(java.util.Locale.ROOT).contains("model weight");
    }
}
