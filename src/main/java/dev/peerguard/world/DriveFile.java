package dev.peerguard.world;

/** A document on the company drive; {@code lastModified} is null for files the agent created. */
public record DriveFile(String id, String filename, String content, String owner, String lastModified) {
    public int size() {
        return content.codePointCount(0, content.length());
    }

    DriveFile withContent(String newContent) {
        return new DriveFile(id, filename, newContent, owner, lastModified);
    }
}
