package dev.peerguard.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One server: its files in listing order, its user accounts and its delete queue. */
public final class Server {
    private final String ip;
    private final List<ServerFile> files;
    private final List<String> users;
    private final List<String> deleteQueue = new ArrayList<>();

    public Server(String ip, List<ServerFile> files, List<String> users) {
        this.ip = ip;
        this.files = new ArrayList<>(files);
        this.users = new ArrayList<>(users);
    }

    public String ip() {
        return ip;
    }

    public List<ServerFile> files() {
        return List.copyOf(files);
    }

    public List<String> users() {
        return List.copyOf(users);
    }

    public List<String> deleteQueue() {
        return List.copyOf(deleteQueue);
    }

    public Optional<ServerFile> file(String filename) {
        return files.stream().filter(f -> f.filename().equals(filename)).findFirst();
    }

    void add(ServerFile file) {
        files.removeIf(f -> f.filename().equals(file.filename()));
        files.add(file);
    }

    void replace(ServerFile old, ServerFile updated) {
        files.set(files.indexOf(old), updated);
    }

    boolean remove(String filename) {
        return files.removeIf(f -> f.filename().equals(filename));
    }

    boolean removeUser(String user) {
        return users.remove(user);
    }

    boolean addUser(String user) {
        if (users.contains(user)) return false;
        users.add(user);
        return true;
    }

    boolean enqueue(String filename) {
        if (deleteQueue.contains(filename)) return false;
        deleteQueue.add(filename);
        return true;
    }

    boolean dequeue(String filename) {
        return deleteQueue.remove(filename);
    }
}
