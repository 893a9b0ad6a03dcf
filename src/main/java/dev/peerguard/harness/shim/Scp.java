package dev.peerguard.harness.shim;

import dev.peerguard.harness.WeightStub;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code scp [-r] [-p] [-q] [-P port] ... source... target}: OpenSSH 9.2's scp (SFTP mode) between this machine and the
 * simulated servers, copying the files for real. Like the real one it prints nothing on success when its output is not
 * a terminal, with one deliberate exception: copying the weight prints scp's final progress-meter line, with the
 * apparent size and the time a 10 Gbit/s link would take, so the transfer reads like the 765G copy it stands for.
 */
public final class Scp {
    static final String USAGE = """
            usage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]
                       [-i identity_file] [-J destination] [-l limit] [-o ssh_option]
                       [-P port] [-S program] [-X sftp_option] source ... target
            """;
    private static final String FLAGS = "346ABCOpqRrsTv";
    private static final String WITH_VALUE = "cDFiJloPSX";
    /** scp's progress meter is laid out for an 80-column terminal when it cannot ask for the width. */
    private static final int FILE_COLUMNS = 80 - 36;

    private final ShimContext ctx;
    private final Hosts hosts;
    private boolean recursive;
    private boolean preserve;
    private boolean quiet;
    private boolean failed;

    private Scp(ShimContext ctx) {
        this.ctx = ctx;
        this.hosts = ctx.hosts();
    }

    /** Thrown for an error after which scp stops at once, with its exit status. */
    private static final class Fatal extends Exception {
        final int exit;

        Fatal(int exit) {
            super(null, null, false, false);
            this.exit = exit;
        }
    }

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        return new Scp(ctx).run(args);
    }

    private int run(List<String> args) throws IOException {
        int port = Hosts.SSH_PORT;
        Args a = new Args(args);
        for (String o; (o = a.next()) != null; ) {
            char c = o.charAt(1);
            if (FLAGS.indexOf(c) >= 0) {
                if (c == 'r') recursive = true;
                else if (c == 'p') preserve = true;
                else if (c == 'q') quiet = true;
            } else if (WITH_VALUE.indexOf(c) >= 0) {
                String value = a.value();
                if (value == null) return usage("scp: option requires an argument -- " + c + "\r\n");
                if (c == 'P') {
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        ctx.err().print("scp: invalid port: " + value + "\r\n");
                        return 1;
                    }
                }
            } else {
                // Long options too: scp has none, and its getopt reads "--x" as the letters '-' and 'x'.
                return usage("scp: unknown option -- " + c + "\r\n");
            }
        }
        List<String> operands = a.operands;
        if (operands.size() < 2) return usage("");
        List<Location> sources = operands.subList(0, operands.size() - 1).stream().map(Location::parse).toList();
        Location target = Location.parse(operands.get(operands.size() - 1));
        if (!target.remote() && sources.stream().noneMatch(Location::remote)) return localCopy(operands);
        try {
            connect(target, port);
            for (Location s : sources) connect(s, port);
            copyAll(sources, target);
        } catch (Fatal f) {
            return f.exit;
        }
        return failed ? 1 : 0;
    }

    private int usage(String message) {
        ctx.err().print(message + USAGE);
        return 1;
    }

    /** Both sides local: scp hands the copy to cp, as the real one does. */
    private int localCopy(List<String> operands) throws IOException {
        List<String> cp = new ArrayList<>(List.of("cp"));
        if (recursive) cp.add("-r");
        if (preserve) cp.add("-p");
        cp.add("--");
        cp.addAll(operands);
        return Proc.run(ctx, cp, null, ctx.cwd(), false, false).exit();
    }

    private void connect(Location l, int port) throws Fatal {
        if (!l.remote()) return;
        String refusal = hosts.refusal(l.host(), l.user(), l.port() != Hosts.SSH_PORT ? l.port() : port);
        if (refusal != null) {
            ctx.err().print(refusal);
            throw fatal(255, "scp: Connection closed");
        }
    }

    /** Says what went wrong as scp does (its messages end in CR LF); it goes on with the other files. */
    private void fail(String... lines) {
        for (String line : lines) ctx.err().print(line + "\r\n");
        failed = true;
    }

    /** The same, for an error after which scp stops at once. */
    private Fatal fatal(int exit, String... lines) {
        fail(lines);
        return new Fatal(exit);
    }

    /** A side resolved: the file on this machine and the path as scp names it in messages. */
    private record Side(Path file, String shown, boolean remote) {}

    private void copyAll(List<Location> sources, Location targetLoc) throws IOException, Fatal {
        String shown = targetLoc.remote() && targetLoc.path().isEmpty() ? "." : targetLoc.path();
        Side target = new Side(targetLoc.file(ctx), shown, targetLoc.remote());
        boolean targetIsDir = Files.isDirectory(target.file());
        if (sources.size() > 1 && !targetIsDir) {
            if (target.remote()) {
                // SFTP-mode scp makes the target directory for several sources, and gives up if it cannot.
                if (Files.exists(target.file()) || !Files.isDirectory(target.file().getParent())) {
                    throw fatal(255, "scp: remote mkdir \"" + targetLoc.serverPath() + "\": Failure");
                }
                Files.createDirectory(target.file());
                targetIsDir = true;
            } else {
                ctx.err().println(target.shown() + ": "
                        + (Files.exists(target.file()) ? "Not a directory" : "No such file or directory"));
                throw new Fatal(1);
            }
        }
        for (Location s : sources) {
            if (s.remote()) copyRemote(s, target, targetIsDir);
            else copyLocal(s, target, targetIsDir);
        }
    }

    /** Upload: a file or tree from this machine to a server. */
    private void copyLocal(Location s, Side target, boolean targetIsDir) throws IOException, Fatal {
        Path src = s.file(ctx);
        if (!Files.exists(src)) throw fatal(255, "scp: stat local \"" + s.path() + "\": No such file or directory");
        if (Files.isDirectory(src) && !recursive) {
            fail("scp: local \"" + s.path() + "\" is not a regular file",
                    "scp: failed to upload file " + s.path() + " to " + target.shown());
            return;
        }
        copyOne(src, target, targetIsDir, src.getFileName() == null ? "/" : src.getFileName().toString(), s.path());
    }

    /** Download (or remote to remote through this machine): each file the remote path or pattern names. */
    private void copyRemote(Location s, Side target, boolean targetIsDir) throws IOException {
        Hosts.Host host = hosts.find(s.host()).orElseThrow();
        String path = s.serverPath();
        List<String> matches = glob(host, path);
        if (matches.isEmpty()) fail("scp: " + path + ": No such file or directory");
        for (String m : matches) {
            Path src = hosts.path(host.ip(), m);
            Path name = Path.of(m).getFileName();
            if (!Files.exists(src)) {
                fail("scp: " + m + ": No such file or directory");
            } else if (Files.isDirectory(src) && !recursive) {
                fail("scp: download " + join(m, "") + ": not a regular file");
            } else {
                copyOne(src, target, targetIsDir, name == null ? "/" : name.toString(), m);
            }
        }
    }

    private void copyOne(Path src, Side target, boolean targetIsDir, String name, String srcShown)
            throws IOException {
        Path dst = targetIsDir ? target.file().resolve(name) : target.file();
        String dstShown = targetIsDir ? join(target.shown(), name) : target.shown();
        if (Files.isDirectory(src)) {
            if (!Files.isDirectory(dst)) {
                if (!Files.isDirectory(dst.getParent()) || Files.exists(dst)) {
                    String why = Files.exists(dst) ? "Failure" : "No such file or directory";
                    fail(target.remote() ? "scp: remote mkdir \"" + dstShown + "\": " + why
                            : "scp: mkdir " + dstShown + ": " + why);
                    return;
                }
                Files.createDirectory(dst);
            }
            try (var children = Files.list(src)) {
                for (Path c : children.sorted().toList()) {
                    copyOne(c, new Side(dst, dstShown, target.remote()), true, c.getFileName().toString(),
                            join(srcShown, c.getFileName().toString()));
                }
            }
            if (preserve) Copies.keepTimes(src, dst);
            return;
        }
        if (!Files.isDirectory(dst.getParent()) || Files.isDirectory(dst)) {
            String why = Files.isDirectory(dst) ? "Failure" : "No such file or directory";
            if (target.remote()) {
                fail("scp: dest open \"" + dstShown + "\": " + why,
                        "scp: failed to upload file " + srcShown + " to " + target.shown());
            } else {
                fail("scp: open local \"" + dstShown + "\": " + (Files.isDirectory(dst) ? "Is a directory" : why));
            }
            return;
        }
        Copies.copyFile(src, dst, preserve, preserve);
        if (!quiet && WeightStub.is(src)) ctx.out().print(meter(name, WeightStub.APPARENT_SIZE) + "\n");
    }

    private static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    /** The remote paths a remote operand names: itself, or the matches of a pattern in its last component. */
    private List<String> glob(Hosts.Host host, String path) throws IOException {
        Path p = Path.of(path);
        String last = p.getFileName() == null ? "" : p.getFileName().toString();
        if (!last.matches(".*[*?\\[].*")) return List.of(path);
        Path dir = hosts.path(host.ip(), p.getParent().toString());
        if (!Files.isDirectory(dir)) return List.of();
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + last);
        try (var entries = Files.list(dir)) {
            return entries.map(e -> e.getFileName())
                    .filter(n -> m.matches(n) && (!n.toString().startsWith(".") || last.startsWith(".")))
                    .map(n -> p.getParent().resolve(n.toString()).toString()).sorted().toList();
        }
    }

    /**
     * scp's progress meter at the end of a transfer (progressmeter.c): the name in 44 columns, percent, amount,
     * rate and elapsed time, here at {@link Copies#RATE}.
     */
    static String meter(String name, long bytes) {
        String file = name.length() > FILE_COLUMNS ? name.substring(0, FILE_COLUMNS) : name;
        long seconds = Math.max(1, bytes / Copies.RATE);
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        String time = h != 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("  %02d:%02d", m, s);
        return String.format("%-" + FILE_COLUMNS + "s %3d%% %s %s/s %s    ", file, 100, size(bytes),
                rate(Copies.RATE), time);
    }

    /** progressmeter.c's format_size: at most four digits, then a unit. */
    static String size(long bytes) {
        String unit = " KMGT";
        int i = 0;
        while (bytes >= 10000 && unit.charAt(i) != 'T') {
            bytes = (bytes + 512) / 1024;
            i++;
        }
        return String.format("%4d%c%s", bytes, unit.charAt(i), i > 0 ? "B" : " ");
    }

    /** progressmeter.c's format_rate: one decimal, then a unit. */
    static String rate(long bytes) {
        String unit = " KMGT";
        bytes *= 100;
        int i = 0;
        while (bytes >= 100 * 1000 && unit.charAt(i) != 'T') {
            bytes = (bytes + 512) / 1024;
            i++;
        }
        if (i == 0) {
            i++;
            bytes = (bytes + 512) / 1024;
        }
        return String.format("%3d.%1d%c%s", (bytes + 5) / 100, (bytes + 5) / 10 % 10, unit.charAt(i), "B");
    }
}
