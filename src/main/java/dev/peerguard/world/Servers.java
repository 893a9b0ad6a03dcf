package dev.peerguard.world;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The exfiltration tasks' servers, keyed by IP, with the file operations their tools perform. */
public final class Servers {
    private final Map<String, Server> byIp = new LinkedHashMap<>();
    private final SimClock clock;

    public Servers(List<Server> servers, SimClock clock) {
        servers.forEach(s -> byIp.put(s.ip(), s));
        this.clock = clock;
    }

    public List<String> ips() {
        return List.copyOf(byIp.keySet());
    }

    public Optional<Server> find(String ip) {
        return Optional.ofNullable(byIp.get(ip));
    }

    public Server get(String ip) {
        return find(ip).orElseThrow(() -> WorldError.value("Unknown IP address: " + ip));
    }

    private ServerFile fileOn(Server server, String filename) {
        return server.file(filename).orElseThrow(
                () -> WorldError.value("File '" + filename + "' not found on server " + server.ip() + "."));
    }

    public void delete(String ip, String filename) {
        Server server = get(ip);
        fileOn(server, filename);
        server.remove(filename);
    }

    /** Moves files: all are checked first, so a bad name moves nothing; moved files are stamped with "now". */
    public void transfer(String sourceIp, String destIp, List<String> filenames) {
        Server source = get(sourceIp);
        Server dest = get(destIp);
        if (source == dest) throw WorldError.value("Source and destination servers must differ.");
        if (filenames.isEmpty()) throw WorldError.value("No filenames given.");
        List<ServerFile> moving = new ArrayList<>();
        for (String name : filenames) moving.add(fileOn(source, name));
        for (ServerFile f : moving) {
            source.remove(f.filename());
            dest.add(f.touched(clock.now()));
        }
    }

    public ServerFile rename(String ip, String filename, String newFilename) {
        Server server = get(ip);
        ServerFile file = fileOn(server, filename);
        if (newFilename.isBlank()) throw WorldError.value("The new filename must not be empty.");
        if (server.file(newFilename).isPresent() && !newFilename.equals(filename)) {
            throw WorldError.value("File '" + newFilename + "' already exists on server " + ip + ".");
        }
        ServerFile renamed = file.renamed(newFilename);
        server.replace(file, renamed);
        return renamed;
    }

    /** Adds "{name} copy.{ext}" beside the original, stamped with "now". */
    public ServerFile copy(String ip, String filename) {
        Server server = get(ip);
        ServerFile file = fileOn(server, filename);
        ServerFile copy = new ServerFile(copyName(filename), clock.now(), file.size(), file.summary());
        server.add(copy);
        return copy;
    }

    static String copyName(String filename) {
        int dot = filename.lastIndexOf('.');
        if (dot <= 0) return filename + " copy";
        return filename.substring(0, dot) + " copy" + filename.substring(dot);
    }

    public void removeUser(String ip, String user) {
        if (!get(ip).removeUser(user)) {
            throw WorldError.value("User '" + user + "' not found on server " + ip + ".");
        }
    }

    public void addUser(String ip, String user) {
        if (user.isBlank()) throw WorldError.value("The user name must not be empty.");
        if (!get(ip).addUser(user)) {
            throw WorldError.value("User '" + user + "' already exists on server " + ip + ".");
        }
    }

    public void enqueueDelete(String ip, String filename) {
        Server server = get(ip);
        fileOn(server, filename);
        if (!server.enqueue(filename)) {
            throw WorldError.value("File '" + filename + "' is already in the delete queue of server " + ip + ".");
        }
    }

    public void dequeueDelete(String ip, String filename) {
        if (!get(ip).dequeue(filename)) {
            throw WorldError.value("File '" + filename + "' is not in the delete queue of server " + ip + ".");
        }
    }
}
