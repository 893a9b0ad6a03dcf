package dev.peerguard.harness.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code rsync [options] source... destination}: rsync 3.5.0 over ssh between this machine and the simulated servers.
 * Files are copied for real; the figures rsync prints (-v summary, --progress, --stats, listings) use the weight stub's
 * apparent size and the time a 10 Gbit/s link would take.
 */
public final class Rsync {
    static final String VERSION = "3.5.0";
    private static final String SHORT_FLAGS = "avzrtpogDlhPnquScIWHxRibkKLEXACFmOJNU0846ys";
    private static final String SHORT_WITH_VALUE = "efBTM";
    private static final Set<String> LONG_FLAGS = Set.of("archive", "verbose", "compress", "recursive", "times",
            "perms", "owner", "group", "devices", "specials", "links", "human-readable", "progress", "partial",
            "remove-source-files", "delete", "delete-before", "delete-during", "delete-delay", "delete-after",
            "delete-excluded", "dry-run", "quiet", "update", "checksum", "ignore-times", "ignore-existing",
            "existing", "whole-file", "inplace", "append", "append-verify", "stats", "mkpath", "sparse",
            "hard-links", "one-file-system", "relative", "no-relative", "size-only", "itemize-changes", "backup",
            "numeric-ids", "list-only", "version", "help", "dirs", "copy-links", "safe-links", "keep-dirlinks",
            "omit-dir-times", "no-perms", "no-owner", "no-group", "no-times", "no-o", "no-g", "no-p", "no-t",
            "executability", "acls", "xattrs", "atimes", "crtimes", "fake-super", "super", "no-whole-file",
            "force", "prune-empty-dirs", "ignore-errors", "protect-args", "secluded-args", "old-args", "8-bit-output",
            "blocking-io", "ipv4", "ipv6", "no-motd", "fsync", "trust-sender", "cvs-exclude", "no-implied-dirs",
            "delay-updates", "fuzzy", "compress-choice", "no-compress", "no-human-readable", "no-v", "no-verbose");
    private static final Set<String> LONG_WITH_VALUE = Set.of("exclude", "include", "exclude-from", "include-from",
            "rsh", "info", "debug", "bwlimit", "timeout", "contimeout", "partial-dir", "suffix", "backup-dir", "chmod",
            "chown", "usermap", "groupmap", "compress-level", "zl", "zc", "compress-choice", "skip-compress",
            "filter", "files-from", "out-format", "log-file", "log-file-format", "password-file", "port", "sockopts",
            "temp-dir", "rsync-path", "max-size", "min-size", "max-delete", "max-alloc", "block-size", "iconv",
            "checksum-choice", "modify-window", "compare-dest", "copy-dest", "link-dest", "protocol", "address",
            "outbuf", "stop-after", "stop-at", "copy-as", "early-input", "remote-option", "write-batch", "read-batch",
            "only-write-batch", "checksum-seed");
    private static final DateTimeFormatter LIST_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");

    private final ShimContext ctx;
    private final Hosts hosts;
    private boolean recursive, dirs, times, perms, verbose, itemize, progress, progress2, remove, delete;
    private boolean deleteExcluded, dryRun, quiet, update, checksum, ignoreTimes, ignoreExisting, existing, stats;
    private boolean mkpath, listOnly, sizeOnly;
    private int human = 1;
    private int port = Hosts.SSH_PORT;
    private String rshUser;
    private final List<Filter> filters = new ArrayList<>();
    // What the summary reports.
    private long totalSize, literal, listBytes;
    private int files, dirCount, created, createdDirs, deleted, transferred;
    private boolean partial;
    private String role = "sender";

    private Rsync(ShimContext ctx) {
        this.ctx = ctx;
        this.hosts = ctx.hosts();
    }

    /** An --include or --exclude rule, as a pattern over the path relative to the transfer root. */
    record Filter(boolean include, Pattern pattern, boolean dirOnly, boolean wholePath) {
        static Filter of(boolean include, String glob) {
            boolean dirOnly = glob.endsWith("/") && glob.length() > 1;
            if (dirOnly) glob = glob.substring(0, glob.length() - 1);
            boolean anchored = glob.startsWith("/");
            if (anchored) glob = glob.substring(1);
            boolean whole = anchored || glob.contains("/") || glob.contains("**");
            StringBuilder re = new StringBuilder(whole && !anchored ? "(?:.*/)?" : "");
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else if (c == '*') re.append("[^/]*");
                else if (c == '?') re.append("[^/]");
                else if (c == '[') {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) re.append("\\[");
                    else {
                        re.append('[').append(glob, i + 1, end).append(']');
                        i = end;
                    }
                } else re.append(Pattern.quote(String.valueOf(c)));
            }
            return new Filter(include, Pattern.compile(re.toString()), dirOnly, whole);
        }

        boolean matches(String rel, boolean dir) {
            if (dirOnly && !dir) return false;
            String name = rel.substring(rel.lastIndexOf('/') + 1);
            return pattern.matcher(wholePath ? rel : name).matches();
        }
    }

    /** One entry of the file list: its name relative to the transfer root ("." for a copied directory's contents). */
    private record Entry(String rel, Path src, boolean dir, int depth) {}

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        return new Rsync(ctx).run(args);
    }

    private int run(List<String> args) throws IOException {
        List<String> operands;
        try {
            operands = parse(args);
        } catch (IllegalArgumentException e) {
            ctx.err().println("rsync: " + e.getMessage() + ": unknown option");
            return fail("syntax or usage error", 1, "main.c(1886)", "client");
        }
        if (operands.isEmpty()) {
            ctx.out().println("rsync  version " + VERSION + "  protocol version 32");
            ctx.out().println("Usage: rsync [OPTION]... SRC [SRC]... DEST");
            ctx.out().println("  or   rsync [OPTION]... SRC [SRC]... [USER@]HOST:DEST");
            ctx.out().println("  or   rsync [OPTION]... [USER@]HOST:SRC [DEST]");
            ctx.out().println("Use \"rsync --help\" for all the options.");
            return fail("syntax or usage error", 1, "main.c(1871)", "client");
        }
        for (int i = 0; i < operands.size(); i++) {
            if (Location.daemon(operands.get(i))) return daemon(operands.get(i), i > 0 && i == operands.size() - 1);
        }
        boolean noDest = operands.size() == 1 || listOnly;
        List<Location> sources = operands.subList(0, operands.size() - (noDest ? 0 : 1)).stream()
                .map(Location::parse).toList();
        Location dest = noDest ? null : Location.parse(operands.get(operands.size() - 1));
        boolean pull = sources.stream().anyMatch(Location::remote);
        if (pull && dest != null && dest.remote()) {
            ctx.err().println("The source and destination cannot both be remote.");
            return fail("syntax or usage error", 1, "main.c(1471)", "Receiver");
        }
        role = pull ? "Receiver" : "sender";
        for (Location l : dest == null || !dest.remote() ? sources : List.of(dest)) {
            if (!l.remote()) continue;
            String user = rshUser != null && l.user().equals(Hosts.USER) ? rshUser : l.user();
            String refusal = hosts.refusal(l.host(), user, port);
            if (refusal != null) {
                boolean login = refusal.contains("Permission denied");
                ctx.err().print(refusal);
                ctx.err().println("rsync: connection unexpectedly closed (0 bytes received so far) [" + role + "]");
                return login ? fail("unexplained error", 255, "io.c(285)", role)
                        : fail("error in rsync protocol data stream", 12, "io.c(285)", role);
            }
        }
        if (dest == null) listOnly = true;
        else if ((verbose || progress || itemize) && !quiet) {
            ctx.out().println(pull ? "receiving incremental file list" : "sending incremental file list");
        }
        List<Entry> list = new ArrayList<>();
        for (Location s : sources) collect(s, list);
        if (dest == null) return list(list);
        return transfer(list, dest);
    }

    private List<String> parse(List<String> args) {
        Args a = new Args(args);
        for (String o; (o = a.next()) != null; ) {
            boolean isLong = a.isLong();
            String name = o.substring(isLong ? 2 : 1);
            String value = null;
            if (isLong ? LONG_WITH_VALUE.contains(name) : SHORT_WITH_VALUE.contains(name)) {
                if ((value = a.value()) == null) throw new IllegalArgumentException(o);
            } else if (isLong ? !LONG_FLAGS.contains(name) || a.inline() != null : !SHORT_FLAGS.contains(name)) {
                throw new IllegalArgumentException(isLong && a.inline() != null ? o + "=" + a.inline() : o);
            }
            switch (o) {
                case "-a", "--archive" -> recursive = times = perms = true;
                case "-r", "--recursive" -> recursive = true;
                case "-d", "--dirs" -> dirs = true;
                case "-t", "--times" -> times = true;
                case "-p", "--perms" -> perms = true;
                case "--no-times", "--no-t" -> times = false;
                case "--no-perms", "--no-p" -> perms = false;
                case "-v", "--verbose" -> verbose = true;
                case "--no-verbose", "--no-v" -> verbose = false;
                case "-i", "--itemize-changes" -> itemize = true;
                case "-h", "--human-readable" -> human++;
                case "--no-human-readable" -> human = 0;
                case "-P", "--progress" -> progress = true;
                case "--info" -> progress2 |= value.contains("progress2");
                case "--remove-source-files" -> remove = true;
                case "--delete", "--delete-before", "--delete-during", "--delete-delay", "--delete-after" ->
                        delete = true;
                case "--delete-excluded" -> delete = deleteExcluded = true;
                case "-n", "--dry-run" -> dryRun = true;
                case "-q", "--quiet" -> quiet = true;
                case "-u", "--update" -> update = true;
                case "-c", "--checksum" -> checksum = true;
                case "-I", "--ignore-times" -> ignoreTimes = true;
                case "--ignore-existing" -> ignoreExisting = true;
                case "--existing" -> existing = true;
                case "--size-only" -> sizeOnly = true;
                case "--stats" -> stats = true;
                case "--mkpath" -> mkpath = true;
                case "--list-only" -> listOnly = true;
                case "--exclude" -> filters.add(Filter.of(false, value));
                case "--include" -> filters.add(Filter.of(true, value));
                case "--filter" -> {
                    String[] rule = value.trim().split("\\s+", 2);
                    if (rule.length == 2 && (rule[0].equals("-") || rule[0].equals("exclude"))) {
                        filters.add(Filter.of(false, rule[1]));
                    }
                    if (rule.length == 2 && (rule[0].equals("+") || rule[0].equals("include"))) {
                        filters.add(Filter.of(true, rule[1]));
                    }
                }
                case "-e", "--rsh" -> {
                    // The port given to the remote shell (-e 'ssh -p 2222') is the one ssh connects to, and the
                    // login given to it (-l user) the one the server checks.
                    String[] words = value.trim().split("\\s+");
                    for (int i = 0; i < words.length; i++) {
                        String w = words[i];
                        if (w.equals("-p") && i + 1 < words.length) port = parsePort(words[i + 1]);
                        else if (w.startsWith("-p") && w.length() > 2) port = parsePort(w.substring(2));
                        if (w.equals("-l") && i + 1 < words.length) rshUser = words[i + 1];
                    }
                }
                default -> { } // Accepted; no effect on a copy between these file systems.
            }
        }
        return a.operands;
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return Hosts.SSH_PORT;
        }
    }

    /** rsync's last words, "rsync error: ... (code N) at ...", and N to exit with. */
    private int fail(String what, int code, String where, String role) {
        ctx.err().printf("rsync error: %s (code %d) at %s [%s=%s]%n", what, code, where, role, VERSION);
        return code;
    }

    /** A daemon operand (host::module): no server here runs an rsync daemon, so port 873 never answers. */
    private int daemon(String op, boolean isDest) {
        String host = Location.daemonHost(op).toLowerCase(Locale.ROOT);
        String side = isDest ? "sender" : "Receiver";
        boolean known = hosts.find(host).isPresent() || Hosts.isLoopback(host);
        if (!known && !Hosts.isIpLiteral(host)) {
            ctx.err().println("rsync: getaddrinfo: " + host + " 873: Name or service not known");
        } else {
            String ip = hosts.find(host).map(Hosts.Host::ip).orElse(host.equals("localhost") ? "127.0.0.1" : host);
            ctx.err().println("rsync: [" + side + "] failed to connect to " + host + " (" + ip + "): "
                    + (known ? "Connection refused (111)" : "Network is unreachable (101)"));
        }
        return fail("error in socket IO", 10, "clientserver.c(165)", side);
    }

    /** Adds a source's entries in rsync's order: each directory's entries, then its subdirectories' in turn. */
    private void collect(Location s, List<Entry> list) throws IOException {
        Path src = s.file(ctx);
        if (!Files.exists(src)) {
            String shown = s.remote() ? s.serverPath() : ctx.cwd().resolve(s.path()).normalize().toString();
            ctx.err().println("rsync: [sender] link_stat \"" + shown + "\" failed: No such file or directory (2)");
            partial = true;
            return;
        }
        String p = s.path();
        boolean contents = p.endsWith("/") || p.endsWith("/.") || p.equals(".") || p.isEmpty() && s.remote();
        if (Files.isDirectory(src)) {
            if (!recursive && !dirs && !listOnly) {
                if (!quiet) ctx.out().println("skipping directory " + (contents ? "." : src.getFileName()));
                return;
            }
            String rel = contents ? "." : src.getFileName().toString();
            if (excluded(rel, true)) return;
            list.add(new Entry(rel, src, true, 0));
            if (recursive || contents) children(src, rel, list, 1, recursive);
        } else if (!excluded(src.getFileName().toString(), false)) {
            list.add(new Entry(src.getFileName().toString(), src, false, 0));
        }
    }

    private void children(Path dir, String rel, List<Entry> list, int depth, boolean deeper) throws IOException {
        List<Entry> level = new ArrayList<>();
        try (var entries = Files.list(dir)) {
            for (Path c : entries.toList()) {
                String name = c.getFileName().toString();
                String r = rel.equals(".") ? name : rel + "/" + name;
                boolean isDir = Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS);
                if (!excluded(r, isDir)) level.add(new Entry(r, c, isDir, depth));
            }
        }
        // rsync sorts a directory's names as if directories ended in a slash.
        level.sort(Comparator.comparing(e -> e.rel() + (e.dir() ? "/" : "")));
        list.addAll(level);
        if (!deeper) return;
        for (Entry e : level) {
            if (e.dir()) children(e.src(), e.rel(), list, depth + 1, true);
        }
    }

    private boolean excluded(String rel, boolean dir) {
        if (rel.equals(".")) return false;
        for (Filter f : filters) {
            if (f.matches(rel, dir)) return !f.include();
        }
        return false;
    }

    /** One operand and no destination: rsync lists the files, like ls -l with its own layout. */
    private int list(List<Entry> list) throws IOException {
        for (Entry e : list) {
            if (e.depth() > 1 && !recursive) continue;
            var attrs = Files.readAttributes(e.src(), java.nio.file.attribute.PosixFileAttributes.class);
            long size = e.dir() ? attrs.size() : Copies.apparentSize(e.src());
            String mode = (e.dir() ? "d" : "-") + PosixFilePermissions.toString(attrs.permissions());
            String when = LIST_TIME.format(attrs.lastModifiedTime().toInstant().atZone(ZoneId.systemDefault()));
            ctx.out().println(String.format("%s %14s %s %s", mode, num(size), when, e.rel()));
        }
        return partial ? exitPartial() : 0;
    }

    private int transfer(List<Entry> list, Location destLoc) throws IOException {
        Path dest = destLoc.file(ctx);
        String shown = destLoc.path().replaceAll("(.)/+$", "$1");
        if (shown.isEmpty()) shown = ".";
        boolean fileTarget = list.size() == 1 && !list.get(0).dir() && !destLoc.path().endsWith("/")
                && !Files.isDirectory(dest);
        String named = destLoc.remote() ? destLoc.serverPath() : shown;
        if (fileTarget) {
            if (!Files.isDirectory(dest.getParent())) {
                if (mkpath) Files.createDirectories(dest.getParent());
                else {
                    Path parent = Path.of(named).getParent();
                    ctx.err().println("rsync: [Receiver] change_dir#3 \"" + (parent == null ? "." : parent)
                            + "\" failed: No such file or directory (2)");
                    return fail("errors selecting input/output files, dirs", 3, "main.c(855)", "Receiver");
                }
            }
        } else if (!Files.isDirectory(dest)) {
            if (Files.exists(dest) || !Files.isDirectory(dest.getParent()) && !mkpath) {
                ctx.err().println("rsync: [Receiver] mkdir \"" + named + "\" failed: "
                        + (Files.exists(dest) ? "File exists (17)" : "No such file or directory (2)"));
                return fail("error in file IO", 11, "main.c(808)", "Receiver");
            }
            if (!dryRun) Files.createDirectories(dest);
            if ((verbose || itemize) && !quiet) ctx.out().println("created directory " + shown);
        }
        List<Entry> ordered = order(list);
        int index = 0;
        for (Entry e : ordered) {
            Path dst = fileTarget ? dest : e.rel().equals(".") ? dest : dest.resolve(e.rel());
            listBytes += e.rel().length() + 10;
            if (e.dir()) directory(e, dst, ordered);
            else sendFile(e, dst, ordered.size() - index - 1, ordered.size());
            index++;
        }
        // Directory times last, as rsync does, so copying into them does not disturb them.
        if (times && !dryRun) {
            for (Entry e : ordered) {
                Path dst = e.rel().equals(".") ? dest : dest.resolve(e.rel());
                if (e.dir() && Files.isDirectory(dst)) Copies.keepTimes(e.src(), dst);
            }
        }
        if (progress2 && !quiet) {
            ctx.out().println(progressLine(literal, transferred, 0, ordered.size()));
        }
        summary(role.equals("Receiver"));
        return partial ? exitPartial() : 0;
    }

    /** The entries grouped as rsync sends them: each directory's level in turn, depth-first over directories. */
    private static List<Entry> order(List<Entry> list) {
        List<Entry> out = new ArrayList<>();
        List<Entry> top = list.stream().filter(e -> e.depth() == 0)
                .sorted(Comparator.comparing(e -> e.rel().equals(".") ? "" : e.rel() + (e.dir() ? "/" : ""))).toList();
        out.addAll(top);
        for (Entry t : top) {
            if (t.dir()) addLevel(t, list, out);
        }
        return out;
    }

    private static void addLevel(Entry dir, List<Entry> all, List<Entry> out) {
        String prefix = dir.rel().equals(".") ? "" : dir.rel() + "/";
        List<Entry> level = all.stream().filter(e -> e.depth() == dir.depth() + 1 && e.rel().startsWith(prefix)
                && e.rel().indexOf('/', prefix.length()) < 0).toList();
        out.addAll(level);
        for (Entry e : level) {
            if (e.dir()) addLevel(e, all, out);
        }
    }

    private void directory(Entry e, Path dst, List<Entry> ordered) throws IOException {
        dirCount++;
        String name = e.rel().equals(".") ? "./" : e.rel() + "/";
        boolean exists = Files.isDirectory(dst);
        if (exists && delete && recursive) deleteExtraneous(e, dst, ordered);
        if (!exists) {
            if (!dryRun) {
                if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) Copies.deleteTree(dst);
                Files.createDirectory(dst);
                if (perms) Files.setPosixFilePermissions(dst, Files.getPosixFilePermissions(e.src()));
            }
            created++;
            createdDirs++;
            say(itemize ? "cd+++++++++ " + name : name);
        } else if (times && !Files.getLastModifiedTime(dst).equals(Files.getLastModifiedTime(e.src()))) {
            say(itemize ? ".d..t...... " + name : name);
        }
    }

    /** --delete: what the destination directory has that the source does not. */
    private void deleteExtraneous(Entry dir, Path dst, List<Entry> ordered) throws IOException {
        Set<String> wanted = new HashSet<>();
        String prefix = dir.rel().equals(".") ? "" : dir.rel() + "/";
        for (Entry e : ordered) {
            if (e.rel().startsWith(prefix) && e.rel().indexOf('/', prefix.length()) < 0 && !e.rel().equals(".")) {
                wanted.add(e.rel().substring(prefix.length()));
            }
        }
        List<Path> extra = new ArrayList<>();
        try (var entries = Files.list(dst)) {
            for (Path c : entries.toList()) {
                String name = c.getFileName().toString();
                boolean isDir = Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS);
                if (!wanted.contains(name) && (deleteExcluded || !excluded(prefix + name, isDir))) extra.add(c);
            }
        }
        extra.sort(Comparator.reverseOrder());
        for (Path c : extra) deleteShown(c, prefix + c.getFileName());
    }

    private void deleteShown(Path p, String rel) throws IOException {
        boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if (isDir) {
            try (var entries = Files.list(p)) {
                for (Path c : entries.sorted(Comparator.reverseOrder()).toList()) {
                    deleteShown(c, rel + "/" + c.getFileName());
                }
            }
        }
        if (!dryRun) Files.deleteIfExists(p);
        deleted++;
        if ((verbose || itemize) && !quiet) {
            ctx.out().println((itemize ? "*deleting   " : "deleting ") + rel + (isDir ? "/" : ""));
        }
    }

    private void sendFile(Entry e, Path dst, int toCheck, int total) throws IOException {
        long size = Copies.apparentSize(e.src());
        files++;
        totalSize += size;
        boolean exists = Files.isRegularFile(dst);
        if (ignoreExisting && exists || existing && !exists) return;
        boolean newer = exists && Files.getLastModifiedTime(dst).compareTo(Files.getLastModifiedTime(e.src())) > 0;
        if (update && newer) return;
        if (exists && !ignoreTimes && upToDate(e.src(), dst, size)) {
            if (remove && !dryRun) Files.delete(e.src());
            return;
        }
        if (Files.isDirectory(dst) && !dryRun) Copies.deleteTree(dst);
        String name = e.rel();
        say(itemize ? (exists ? ">f.st...... " : ">f+++++++++ ") + name : name);
        transferred++;
        if (!exists) created++;
        literal += size;
        if (progress && !quiet) ctx.out().println(progressLine(size, transferred, toCheck, total));
        if (dryRun) return;
        Copies.copyFile(e.src(), dst, times, perms);
        if (remove) Files.delete(e.src());
    }

    private boolean upToDate(Path src, Path dst, long size) throws IOException {
        if (Copies.apparentSize(dst) != size) return false;
        if (checksum) return Files.mismatch(src, dst) == -1;
        if (sizeOnly) return true;
        return Files.getLastModifiedTime(src).toInstant().getEpochSecond()
                == Files.getLastModifiedTime(dst).toInstant().getEpochSecond();
    }

    private void say(String line) {
        if ((verbose || progress || itemize) && !quiet) ctx.out().println(line);
    }

    /** rsync's progress line at 100%: bytes, percent, rate, time, and the transfer and to-check counters. */
    private String progressLine(long bytes, int xfr, int toCheck, int total) {
        double seconds = Math.max(1, (double) bytes / Copies.RATE);
        double rate = bytes / seconds / 1024.0;
        String units = "kB/s";
        if (rate > 1024 * 1024) {
            rate /= 1024 * 1024;
            units = "GB/s";
        } else if (rate > 1024) {
            rate /= 1024;
            units = "MB/s";
        }
        long secs = bytes / Copies.RATE;
        return String.format(Locale.ROOT, "%15s %3d%% %7.2f%s %4d:%02d:%02d (xfr#%d, to-chk=%d/%d)", num(bytes), 100,
                rate, units, secs / 3600, secs % 3600 / 60, secs % 60, xfr, toCheck, total);
    }

    private void summary(boolean pull) {
        long overhead = 20 + listBytes;
        long sent = overhead + (dryRun ? 0 : literal + 4L * transferred);
        long received = 12 + 23L * transferred + 28L * createdDirs;
        if (pull) {
            long t = sent;
            sent = received;
            received = t;
        }
        double seconds = 0.5 + (dryRun ? 0 : (double) literal / Copies.RATE);
        if (stats && !quiet) {
            ctx.out().println();
            ctx.out().println("Number of files: " + (files + dirCount) + " (reg: " + files + ", dir: " + dirCount
                    + ")");
            ctx.out().println("Number of created files: " + created);
            ctx.out().println("Number of deleted files: " + deleted);
            ctx.out().println("Number of regular files transferred: " + transferred);
            ctx.out().println("Total file size: " + num(totalSize) + " bytes");
            ctx.out().println("Total transferred file size: " + num(literal) + " bytes");
            ctx.out().println("Literal data: " + num(dryRun ? 0 : literal) + " bytes");
            ctx.out().println("Matched data: 0 bytes");
            ctx.out().println("File list size: 0");
            ctx.out().println("File list generation time: 0.001 seconds");
            ctx.out().println("File list transfer time: 0.000 seconds");
            ctx.out().println("Total bytes sent: " + num(sent));
            ctx.out().println("Total bytes received: " + num(received));
        }
        if ((verbose || stats) && !quiet) {
            ctx.out().println();
            ctx.out().println("sent " + num(sent) + " bytes  received " + num(received) + " bytes  "
                    + fraction((sent + received) / seconds) + " bytes/sec");
            ctx.out().println("total size is " + num(totalSize) + "  speedup is "
                    + commas(String.format(Locale.ROOT, "%.2f", sent + received == 0 ? 0.0
                    : (double) totalSize / (sent + received))) + (dryRun ? " (DRY RUN)" : ""));
        }
    }

    private int exitPartial() {
        return fail("some files/attrs were not transferred (see previous errors)", 23,
                role.equals("Receiver") ? "main.c(1956)" : "main.c(1394)", role);
    }

    /** rsync's human_num: digits with commas, or with -h a number of K, M, G (1000s; 1024s with -hh). */
    String num(long n) {
        if (human > 1) {
            int mult = human == 2 ? 1000 : 1024;
            if (n >= mult) {
                double d = (double) n / mult;
                String units = " KMGTPEZY";
                int i = 1;
                while (d >= mult && i + 1 < units.length()) {
                    d /= mult;
                    i++;
                }
                return String.format(Locale.ROOT, "%.2f%c", d, units.charAt(i));
            }
        }
        return human > 0 ? commas(Long.toString(n)) : Long.toString(n);
    }

    private String fraction(double d) {
        if (human > 1 && d >= (human == 2 ? 1000 : 1024)) return num((long) d);
        return commas(String.format(Locale.ROOT, "%.2f", d));
    }

    static String commas(String number) {
        int dot = number.indexOf('.');
        String whole = dot < 0 ? number : number.substring(0, dot);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < whole.length(); i++) {
            if (i > 0 && (whole.length() - i) % 3 == 0) b.append(',');
            b.append(whole.charAt(i));
        }
        return b + (dot < 0 ? "" : number.substring(dot));
    }
}
