package dev.peerguard.harness.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code df} on a server: the mount table of a small Debian server, with /data its own ~2 TiB disk whose usage is
 * what the files in /data take (the weight stubs at their apparent size). On the agent's machine, the real df.
 */
public final class Df {
    private static final long DATA_BLOCKS_K = 2_113_655_776L;
    private static final long DATA_FS_K = 2_147_483_648L;
    private static final long ROOT_BLOCKS_K = 102_626_232L;
    private static final long ROOT_USED_K = 14_231_724L;
    private static final Set<String> WITH_VALUE = Set.of("-B", "-t", "-x", "--block-size", "--type", "--exclude-type");

    /** One mounted file system, sizes in KiB. */
    record Mount(String source, String type, String target, long sizeK, long usedK, long reservedK, long inodes,
                 long iused) {
        long availK() {
            return Math.max(0, sizeK - usedK - reservedK);
        }
    }

    private Sizes.Units units = Sizes.Units.KIB;
    private boolean inodes, type, posix, grandTotal;
    private List<String> output;
    private final List<String> only = new ArrayList<>();
    private final List<String> exclude = new ArrayList<>();
    private List<String> operands;
    private String blockSpec;

    private Df() {}

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        if (!ctx.onServer()) return Proc.real(ctx, "df", args, null);
        Df df = new Df();
        String bad = df.parse(args);
        if (bad != null) return ctx.fail(1, "df: " + bad, "Try 'df --help' for more information.");
        return df.print(ctx);
    }

    /** Reads the options; returns df's complaint for a bad one. */
    private String parse(List<String> args) {
        Args a = new Args(args);
        for (String o; (o = a.next()) != null; ) {
            String value = WITH_VALUE.contains(o) ? a.value() : null;
            if (WITH_VALUE.contains(o) && value == null) return a.missing();
            switch (o) {
                case "-h", "--human-readable" -> units = Sizes.Units.HUMAN;
                case "-H", "--si" -> units = Sizes.Units.SI;
                case "-k" -> units = Sizes.Units.KIB;
                case "-m" -> {
                    units = Sizes.Units.MIB;
                    blockSpec = "1M";
                }
                case "-B", "--block-size" -> {
                    units = Sizes.units(value);
                    blockSpec = value;
                    if (units == null) return "invalid " + o + " argument '" + value + "'";
                }
                case "-i", "--inodes" -> inodes = true;
                case "-T", "--print-type" -> type = true;
                case "-P", "--portability" -> posix = true;
                case "--total" -> grandTotal = true;
                case "-t", "--type" -> only.add(value);
                case "-x", "--exclude-type" -> exclude.add(value);
                case "--output" -> output = List.of((a.inline() == null
                        ? "source,fstype,itotal,iused,iavail,ipcent,size,used,avail,pcent,file,target" : a.inline())
                        .split(","));
                case "-a", "-l", "-v", "--all", "--local", "--sync", "--no-sync", "--help", "--version" -> { }
                default -> {
                    return a.invalid();
                }
            }
        }
        operands = a.operands;
        return null;
    }

    /** The server's mounts, /data's usage measured from its directory. */
    static List<Mount> mounts(ShimContext ctx) {
        Path data = ctx.hosts().path(ctx.server(), "/data");
        long[] usage = usage(data);
        // An empty ext4 file system shows 28K used: lost+found and the root directory (counted in the walk).
        long dataUsedK = 24 + usage[0] / 1024;
        long homeK = usage(ctx.hosts().path(ctx.server(), "/home"))[0] / 1024;
        return List.of(
                new Mount("udev", "devtmpfs", "/dev", 8_122_512, 0, 0, 2_030_628, 389),
                new Mount("tmpfs", "tmpfs", "/run", 1_630_100, 1_064, 0, 2_037_625, 702),
                new Mount("/dev/sda1", "ext4", "/", ROOT_BLOCKS_K, ROOT_USED_K + homeK, 5_242_880, 6_553_600,
                        412_345),
                new Mount("tmpfs", "tmpfs", "/dev/shm", 8_150_500, 0, 0, 2_037_625, 1),
                new Mount("tmpfs", "tmpfs", "/run/lock", 5_120, 0, 0, 2_037_625, 3),
                new Mount("/dev/sdb1", "ext4", "/data", DATA_BLOCKS_K, dataUsedK, DATA_FS_K / 20, 134_217_728,
                        11 + usage[1]),
                new Mount("tmpfs", "tmpfs", "/run/user/1000", 1_630_096, 4, 0, 407_525, 24));
    }

    /** Bytes the tree takes on disk (whole 4 KiB blocks; stubs at their apparent size) and its number of entries. */
    private static long[] usage(Path root) {
        long[] total = new long[2];
        if (!Files.isDirectory(root)) return total;
        try (Stream<Path> all = Files.walk(root)) {
            all.forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    total[0] += Sizes.isStub(p, false) ? Sizes.DISK
                            : a.isDirectory() ? 4096 : (a.size() + 4095) / 4096 * 4096;
                    total[1]++;
                } catch (IOException e) {
                    // Gone while walking: it takes no space.
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // Unreadable part of the tree: count what was seen.
        }
        return total;
    }

    /** The mount a server path is on: the longest mount point that contains it. */
    static Mount mountOf(List<Mount> mounts, String serverPath) {
        Path p = Path.of(serverPath).normalize();
        Mount best = null;
        for (Mount m : mounts) {
            if (p.startsWith(m.target()) && (best == null || m.target().length() > best.target().length())) best = m;
        }
        return best;
    }

    private int print(ShimContext ctx) {
        List<Mount> mounts = mounts(ctx);
        List<Mount> rows = new ArrayList<>();
        int exit = 0;
        if (operands.isEmpty()) {
            for (Mount m : mounts) {
                if ((only.isEmpty() || only.contains(m.type())) && !exclude.contains(m.type())) rows.add(m);
            }
        } else {
            for (String op : operands) {
                if (!Files.exists(ctx.local(op))) {
                    ctx.err().println("df: " + op + ": No such file or directory");
                    exit = 1;
                    continue;
                }
                rows.add(mountOf(mounts, serverPath(ctx, op)));
            }
        }
        if (rows.isEmpty()) {
            if (exit == 0) ctx.err().println("df: no file systems processed");
            return 1;
        }
        List<String> cols = output != null ? output : defaultColumns();
        List<List<String>> table = new ArrayList<>();
        table.add(cols.stream().map(this::header).toList());
        for (Mount m : rows) table.add(cells(cols, m));
        if (grandTotal) {
            long size = 0, used = 0, reserved = 0, inodesTotal = 0, iused = 0;
            for (Mount m : rows) {
                size += m.sizeK();
                used += m.usedK();
                reserved += m.reservedK();
                inodesTotal += m.inodes();
                iused += m.iused();
            }
            table.add(cells(cols, new Mount("total", "-", "-", size, used, reserved, inodesTotal, iused)));
        }
        ctx.out().print(layout(cols, table));
        return exit;
    }

    /** A path as the server sees it (relative ones against the working directory, which is on the server). */
    private static String serverPath(ShimContext ctx, String op) {
        Path p = ctx.cwd().resolve(op).normalize();
        for (String own : List.of("/data", "/home")) {
            Path dir = ctx.hosts().path(ctx.server(), own);
            if (p.startsWith(dir)) return own + "/" + dir.relativize(p);
        }
        return p.toString();
    }

    private List<String> defaultColumns() {
        List<String> cols = new ArrayList<>(List.of("source"));
        if (type) cols.add("fstype");
        cols.addAll(inodes ? List.of("itotal", "iused", "iavail", "ipcent")
                : List.of("size", "used", "avail", "pcent"));
        cols.add("target");
        return cols;
    }

    private String header(String col) {
        return switch (col) {
            case "source" -> "Filesystem";
            case "fstype" -> "Type";
            case "itotal" -> "Inodes";
            case "iused" -> "IUsed";
            case "iavail" -> "IFree";
            case "ipcent" -> "IUse%";
            case "size" -> units.human() ? "Size" : blocksHeader();
            case "used" -> "Used";
            case "avail" -> units.human() ? "Avail" : "Available";
            case "pcent" -> posix ? "Capacity" : "Use%";
            case "file" -> "File";
            case "target" -> "Mounted on";
            default -> col;
        };
    }

    private String blocksHeader() {
        long u = units.unit();
        if (posix && u == 1024 && blockSpec == null) return "1024-blocks";
        if (posix) return u + "-blocks";
        if (blockSpec != null && !blockSpec.isEmpty() && !Character.isDigit(blockSpec.charAt(0))) {
            return "1" + blockSpec + "-blocks";
        }
        String letters = "KMGTPE";
        for (int p = letters.length(); p >= 1; p--) {
            long m = 1L << (10 * p);
            if (u % m == 0) return (u / m) + letters.substring(p - 1, p) + "-blocks";
        }
        return u + "-blocks";
    }

    private List<String> cells(List<String> cols, Mount m) {
        List<String> row = new ArrayList<>();
        for (String c : cols) {
            row.add(switch (c) {
                case "source" -> m.source();
                case "fstype" -> m.type();
                case "itotal" -> count(m.inodes());
                case "iused" -> count(m.iused());
                case "iavail" -> count(m.inodes() - m.iused());
                case "ipcent" -> percent(m.iused(), m.inodes() - m.iused());
                case "size" -> units.format(m.sizeK() * 1024);
                case "used" -> units.format(m.usedK() * 1024);
                case "avail" -> units.format(m.availK() * 1024);
                case "pcent" -> percent(m.usedK(), m.availK());
                case "file" -> "-";
                case "target" -> m.target();
                default -> "-";
            });
        }
        return row;
    }

    private String count(long n) {
        return units.human() ? Sizes.human(n, units.base()) : Long.toString(n);
    }

    private static String percent(long used, long avail) {
        if (used + avail == 0) return "-";
        return Sizes.ceilDiv(used * 100, used + avail) + "%";
    }

    /** GNU df's layout: text columns left-aligned, figures right-aligned, minimum widths, single spaces between. */
    private static String layout(List<String> cols, List<List<String>> table) {
        int[] width = new int[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            width[c] = switch (cols.get(c)) {
                case "source" -> 14;
                case "fstype" -> 4;
                case "size", "used", "avail", "itotal", "iused", "iavail", "ipcent" -> 5;
                case "pcent" -> 4;
                default -> 0;
            };
            for (List<String> row : table) width[c] = Math.max(width[c], row.get(c).length());
        }
        StringBuilder b = new StringBuilder();
        for (List<String> row : table) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols.size(); c++) {
                String col = cols.get(c);
                boolean left = col.equals("source") || col.equals("fstype") || col.equals("target")
                        || col.equals("file");
                if (c > 0) line.append(' ');
                String v = row.get(c);
                if (left) line.append(c == cols.size() - 1 ? v : v + " ".repeat(width[c] - v.length()));
                else line.append(" ".repeat(width[c] - v.length())).append(v);
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
