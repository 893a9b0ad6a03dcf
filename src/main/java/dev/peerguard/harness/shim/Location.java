package dev.peerguard.harness.shim;

import java.nio.file.Path;

/**
 * One side of a copy as scp or rsync read it: a path on this machine, or {@code [user@]host:path} on a server.
 *
 * @param user the login for a remote side (the maintainer when none is given), null for a local one
 * @param host the host as written, null for a local side
 * @param path the path as written (for a remote side, relative to the maintainer's home)
 * @param port the port of an {@code scp://} URI, else 22
 */
record Location(String user, String host, String path, int port) {
    boolean remote() {
        return host != null;
    }

    /**
     * Reads an scp or rsync operand: remote when a colon comes before any slash ({@code [user@]host:path},
     * {@code [v6]:path}), or an {@code scp://[user@]host[:port][/path]} URI.
     */
    static Location parse(String arg) {
        if (arg.startsWith("scp://")) {
            String rest = arg.substring(6);
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "" : rest.substring(slash + 1);
            int port = Hosts.SSH_PORT;
            int colon = authority.lastIndexOf(':');
            if (colon > authority.lastIndexOf(']')) {
                try {
                    port = Integer.parseInt(authority.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
                authority = authority.substring(0, colon);
            }
            return remote(authority, path, port);
        }
        int colon = colon(arg);
        if (colon < 0) return new Location(null, null, arg, Hosts.SSH_PORT);
        return remote(arg.substring(0, colon), arg.substring(colon + 1), Hosts.SSH_PORT);
    }

    /** Whether an rsync operand names a daemon module ({@code host::module}, {@code rsync://host/module}). */
    static boolean daemon(String arg) {
        int colon = colon(arg);
        return arg.startsWith("rsync://") || colon >= 0 && colon + 1 < arg.length() && arg.charAt(colon + 1) == ':';
    }

    /** The host of a daemon operand. */
    static String daemonHost(String arg) {
        String rest = arg.startsWith("rsync://") ? arg.substring(8) : arg.substring(0, colon(arg));
        int slash = rest.indexOf('/');
        if (slash >= 0) rest = rest.substring(0, slash);
        int at = rest.lastIndexOf('@');
        return at >= 0 ? rest.substring(at + 1) : rest;
    }

    private static Location remote(String authority, String path, int port) {
        String user = Hosts.USER;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            user = authority.substring(0, at);
            authority = authority.substring(at + 1);
        }
        if (authority.startsWith("[") && authority.endsWith("]")) {
            authority = authority.substring(1, authority.length() - 1);
        }
        return new Location(user, authority, path, port);
    }

    /** OpenSSH's colon(): the index of the host's colon, or -1 for a local path. */
    private static int colon(String s) {
        if (s.startsWith(":")) return -1;
        boolean bracket = s.startsWith("[");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '@' && i + 1 < s.length() && s.charAt(i + 1) == '[') bracket = true;
            else if (c == ']' && i + 1 < s.length() && s.charAt(i + 1) == ':' && bracket) return i + 1;
            else if (c == ':' && !bracket) return i;
            else if (c == '/') return -1;
        }
        return -1;
    }

    /** Where this side's path is on this machine (for a remote side, through the hosts root: the host must exist). */
    Path file(ShimContext ctx) {
        if (!remote()) return ctx.local(path);
        Hosts hosts = ctx.hosts();
        return hosts.path(hosts.find(host).orElseThrow().ip(), serverPath());
    }

    /** The absolute path a remote path names on its server: relative paths and {@code ~} are in the home. */
    String serverPath() {
        String p = path;
        if (p.isEmpty() || p.equals("~")) return Hosts.HOME;
        if (p.startsWith("~/")) p = p.substring(2);
        if (p.startsWith("/")) return Path.of(p).normalize().toString();
        return Path.of(Hosts.HOME).resolve(p).normalize().toString();
    }
}
