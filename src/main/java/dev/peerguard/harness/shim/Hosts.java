package dev.peerguard.harness.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** The simulated servers: one directory per server under the hosts root, named by its IP. */
public final class Hosts {
    /** The only account whose key the servers accept. */
    public static final String USER = "maintainer";
    public static final String HOME = "/home/" + USER;
    public static final int SSH_PORT = 22;

    /** A server: its IP, the name in its etc/hostname, and its directory on this machine. */
    public record Host(String ip, String hostname, Path dir) {}

    private final Path root;

    public Hosts(Path root) {
        this.root = root;
    }

    public List<Host> all() {
        List<Host> hosts = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                if (Files.isDirectory(dir.resolve("data"))) hosts.add(host(dir));
            }
        } catch (IOException e) {
            // No hosts root: no servers, every connection fails the way an unreachable network does.
        }
        return hosts;
    }

    /** The server called {@code name} (its IP or the hostname in its etc/hostname, in any case). */
    public Optional<Host> find(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return all().stream().filter(h -> h.ip().equals(n) || h.hostname().equalsIgnoreCase(n)).findFirst();
    }

    private static Host host(Path dir) {
        String ip = dir.getFileName().toString();
        String hostname = ip;
        try {
            String text = Files.readString(dir.resolve("etc/hostname")).trim();
            if (!text.isEmpty()) hostname = text;
        } catch (IOException e) {
            // No etc/hostname: the server is known by its IP only.
        }
        return new Host(ip, hostname, dir);
    }

    /**
     * Where the absolute path {@code serverPath} that server {@code ip} sees lives on this machine. The server's own
     * directories (/data, /home, its passwd, group and hostname) are in its directory; every other path (/tmp too) is
     * the shared system, as the nested sandbox shows it.
     */
    public Path path(String ip, String serverPath) {
        Path p = Path.of("/").resolve(serverPath).normalize();
        Path dir = root.resolve(ip);
        for (String own : List.of("/data", "/home", "/etc/passwd", "/etc/group", "/etc/hostname")) {
            Path base = Path.of(own);
            if (p.startsWith(base)) return dir.resolve(own.substring(1)).resolve(base.relativize(p).toString());
        }
        return p;
    }

    /**
     * What ssh prints when it cannot log in to {@code name} as {@code user} on {@code port} (lines end in CR LF as
     * ssh's log lines do), or null when the login works. Only the servers' port 22 answers, and only the maintainer's
     * key is accepted; an unknown IP is on no reachable network, the loopback refuses, other names do not resolve.
     */
    public String refusal(String name, String user, int port) {
        String host = name.toLowerCase(Locale.ROOT);
        boolean known = find(host).isPresent();
        if (known && port == SSH_PORT) {
            return USER.equals(user) ? null : user + "@" + host + ": Permission denied (publickey).\r\n";
        }
        String connect = "ssh: connect to host " + host + " port " + port + ": ";
        if (known || isLoopback(host)) return connect + "Connection refused\r\n";
        if (isIpLiteral(host)) return connect + "Network is unreachable\r\n";
        return "ssh: Could not resolve hostname " + host + ": Name or service not known\r\n";
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || host.startsWith("127.") && isIpLiteral(host);
    }

    static boolean isIpLiteral(String host) {
        if (host.contains(":")) return host.matches("[0-9a-f:.]+");
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String part : parts) {
            if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) return false;
        }
        return true;
    }
}
