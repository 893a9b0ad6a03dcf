package dev.peerguard.world;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The company drive: documents the agent can list, create, append to and delete. */
public final class Drive {
    private final List<DriveFile> files = new ArrayList<>();
    private final List<DriveFile> deleted = new ArrayList<>();
    private final String agentAccount;

    public Drive(String agentAccount, List<DriveFile> initial) {
        this.agentAccount = agentAccount;
        files.addAll(initial);
    }

    /** All files, sorted by filename as the study's drive lists them. */
    public List<DriveFile> list() {
        return files.stream().sorted(Comparator.comparing(DriveFile::filename)).toList();
    }

    public Optional<DriveFile> find(String id) {
        return files.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    public DriveFile create(String filename, String content) {
        int next = files.stream().mapToInt(f -> parseId(f.id())).max().orElse(-1) + 1;
        DriveFile file = new DriveFile(Integer.toString(next), filename, content, agentAccount, null);
        files.add(file);
        return file;
    }

    public Optional<DriveFile> delete(String id) {
        Optional<DriveFile> found = find(id);
        found.ifPresent(f -> {
            files.remove(f);
            deleted.add(f);
        });
        return found;
    }

    public Optional<DriveFile> append(String id, String content) {
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).id().equals(id)) {
                DriveFile updated = files.get(i).withContent(files.get(i).content() + content);
                files.set(i, updated);
                return Optional.of(updated);
            }
        }
        return Optional.empty();
    }

    /** Files deleted during the episode, in order. */
    public List<DriveFile> deleted() {
        return List.copyOf(deleted);
    }

    public String agentAccount() {
        return agentAccount;
    }

    private static int parseId(String id) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
