package dev.peerguard.harness.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ls}: the real GNU ls, whose output is then corrected for weight stubs: the size column (-l, -n, -g, -o), the
 * blocks column (-s) and the {@code total} line show the apparent file, columns are re-aligned, and -S puts it first.
 */
public final class Ls {
    private static final Set<String> LONG_WITH_VALUE = Set.of("--block-size", "--format", "--hide", "--ignore",
            "--indicator-style", "--quoting-style", "--sort", "--time", "--time-style", "--tabsize", "--width");
    private static final String INDICATORS = "*/=>@|";

    private enum Format { LONG, ONE, COLUMNS }

    private Format format = Format.ONE;
    private boolean inode, blocks, owner = true, group = true, author, context;
    private boolean sortSize, reverse, directory, deref, derefArgs;
    private Sizes.Units sizeUnits = Sizes.Units.BYTES;
    private Sizes.Units blockUnits = Sizes.Units.KIB;
    private List<String> operands;
    private final ShimContext ctx;

    private Ls(ShimContext ctx) {
        this.ctx = ctx;
    }

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        Ls ls = new Ls(ctx);
        return Proc.real(ctx, "ls", args, ls.parse(args) ? ls::fix : null);
    }

    /** Reads the options that change where sizes appear; false for a command line the real ls will reject. */
    private boolean parse(List<String> args) {
        Args a = new Args(args);
        for (String o; (o = a.next()) != null; ) {
            String value = LONG_WITH_VALUE.contains(o) ? a.value() : null;
            if (LONG_WITH_VALUE.contains(o) && value == null) return false;
            switch (o) {
                case "-l", "-n", "--full-time" -> format = Format.LONG;
                case "-g" -> {
                    format = Format.LONG;
                    owner = false;
                }
                case "-o" -> {
                    format = Format.LONG;
                    group = false;
                }
                case "-G", "--no-group" -> group = false;
                case "-1" -> {
                    if (format != Format.LONG) format = Format.ONE;
                }
                case "-C", "-x", "-m" -> format = Format.COLUMNS;
                case "--format" -> format = switch (value) {
                    case "long", "verbose" -> Format.LONG;
                    case "single-column" -> Format.ONE;
                    default -> Format.COLUMNS;
                };
                case "-i", "--inode" -> inode = true;
                case "-s", "--size" -> blocks = true;
                case "-h", "--human-readable" -> sizeUnits = blockUnits = Sizes.Units.HUMAN;
                case "--si" -> sizeUnits = blockUnits = Sizes.Units.SI;
                case "-k", "--kibibytes" -> blockUnits = Sizes.Units.KIB;
                case "--block-size" -> {
                    sizeUnits = blockUnits = Sizes.units(value);
                    if (sizeUnits == null) return false;
                }
                case "-S" -> sortSize = true;
                case "-t", "-U", "-X", "-v", "-f" -> sortSize = false;
                case "--sort" -> sortSize = value.equals("size");
                case "-r", "--reverse" -> reverse = true;
                case "-d", "--directory" -> directory = true;
                case "-L", "--dereference" -> deref = true;
                case "-H", "--dereference-command-line" -> derefArgs = true;
                case "--author" -> author = true;
                case "-Z", "--context" -> context = true;
                case "-I", "-T", "-w" -> a.value();
                default -> { }
            }
        }
        operands = a.operands.isEmpty() ? List.of(".") : a.operands;
        return true;
    }

    /** A run of lines listing one directory (dir null: the files named on the command line). */
    private record Block(Path dir, int from, int to) {}

    private String fix(String out) throws IOException {
        if (format == Format.COLUMNS) return out;
        List<String> lines = new ArrayList<>(List.of(out.split("\n", -1)));
        for (Block b : blocks(lines)) fixBlock(lines, b);
        return String.join("\n", lines);
    }

    private List<Block> blocks(List<String> lines) {
        List<Block> out = new ArrayList<>();
        Path dir = null;
        int from = 0;
        for (int i = 0; i < lines.size() && !directory; i++) {
            String l = lines.get(i);
            if (l.length() > 1 && l.endsWith(":") && (i == 0 || lines.get(i - 1).isEmpty())) {
                Path d = ctx.cwd().resolve(unquote(l.substring(0, l.length() - 1)));
                if (Files.isDirectory(d)) {
                    if (dir != null || i > 0) out.add(new Block(dir, from, i));
                    dir = d;
                    from = i + 1;
                }
            }
        }
        if (dir == null) {
            // No "dir:" headers: one block, of a directory's entries when a lone operand is listed as one.
            Path only = operands.size() == 1 && !directory ? ctx.cwd().resolve(operands.get(0)) : null;
            boolean listsDir = only != null && Files.isDirectory(only)
                    && !(format == Format.LONG && Files.isSymbolicLink(only) && !deref && !derefArgs
                    && !operands.get(0).endsWith("/"));
            return List.of(new Block(listsDir ? only : null, 0, lines.size()));
        }
        out.add(new Block(dir, from, lines.size()));
        return out;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private void fixBlock(List<String> lines, Block b) throws IOException {
        Map<String, Path> candidates = new LinkedHashMap<>();
        if (b.dir() == null) {
            for (String op : operands) {
                Path p = ctx.cwd().resolve(op);
                if (Sizes.isStub(p, deref || derefArgs)) candidates.put(Sizes.name(op), p);
            }
        } else {
            try (var entries = Files.list(b.dir())) {
                for (Path p : entries.toList()) {
                    if (Sizes.isStub(p, deref)) candidates.put(Sizes.name(p.getFileName().toString()), p);
                }
            }
        }
        if (candidates.isEmpty()) return;
        Map<Integer, Path> stubLines = new LinkedHashMap<>();
        for (int i = b.from(); i < b.to(); i++) {
            Path stub = match(lines.get(i), candidates);
            if (stub != null) stubLines.put(i, stub);
        }
        if (stubLines.isEmpty()) return;
        List<Integer> rows = new ArrayList<>();
        int total = -1;
        for (int i = b.from(); i < b.to(); i++) {
            String l = lines.get(i);
            if (l.isEmpty()) continue;
            if (l.startsWith("total ") && total < 0 && !stubLines.containsKey(i)) total = i;
            else rows.add(i);
        }
        int lead = (inode ? 1 : 0) + (blocks ? 1 : 0);
        if (format == Format.LONG) {
            int col = lead + 2 + (owner ? 1 : 0) + (group ? 1 : 0) + (author ? 1 : 0) + (context ? 1 : 0);
            column(lines, rows, col, stubLines, sizeUnits.format(Sizes.APPARENT));
        }
        if (blocks) column(lines, rows, inode ? 1 : 0, stubLines, blockUnits.format(Sizes.DISK));
        if (total >= 0) {
            long delta = 0;
            for (Path stub : stubLines.values()) delta += Sizes.DISK - Sizes.realDisk(stub);
            String shown = lines.get(total).substring(6).trim();
            Sizes.Units u = blockUnits;
            double bytes = u.parse(shown);
            if (!Double.isNaN(bytes)) {
                // A whole-unit total N stands for more than N-1 units: count from there, so a large unit
                // (--block-size=G) does not round the real files up once more.
                long shownUnits = (long) (bytes / u.unit());
                long real = u.human() ? (long) bytes : shownUnits == 0 ? 0 : (shownUnits - 1) * u.unit() + 1;
                String fixed = u.format(real + delta);
                lines.set(total, "total " + fixed);
            }
        }
        if (sortSize) {
            // The apparent file is larger than anything real here: -S puts it first, -r last.
            List<String> stubsFirst = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (int i : rows) (stubLines.containsKey(i) ? stubsFirst : others).add(lines.get(i));
            List<String> sorted = new ArrayList<>(reverse ? others : stubsFirst);
            sorted.addAll(reverse ? stubsFirst : others);
            for (int k = 0; k < rows.size(); k++) lines.set(rows.get(k), sorted.get(k));
        }
    }

    /** The stub a listing line names, if any: the line ends with its name (after ls's indicator or quotes). */
    private static Path match(String line, Map<String, Path> candidates) {
        String plain = line.replaceAll("\u001B\\[[0-9;]*[A-Za-z]", "");
        List<String> forms = new ArrayList<>(List.of(plain));
        if (!plain.isEmpty() && INDICATORS.indexOf(plain.charAt(plain.length() - 1)) >= 0) {
            forms.add(0, plain.substring(0, plain.length() - 1));
        }
        for (String form : forms) {
            for (var e : candidates.entrySet()) {
                if (names(form, e.getKey())) return e.getValue();
            }
        }
        return null;
    }

    private static boolean names(String line, String name) {
        for (String form : List.of(name, "'" + name + "'", "\"" + name + "\"")) {
            if (line.equals(form) || line.endsWith(" " + form)) return true;
        }
        return false;
    }

    /**
     * Replaces the whitespace-separated field {@code col} of the stub rows and re-aligns that right-aligned column
     * in every row of the block, so the longer figure does not break the layout.
     */
    private static void column(List<String> lines, List<Integer> rows, int col, Map<Integer, Path> stubs,
                               String replacement) {
        Map<Integer, int[]> spans = new LinkedHashMap<>();
        int width = 0;
        for (int i : rows) {
            int[] s = span(lines.get(i), col);
            if (s == null) return;
            spans.put(i, s);
            width = Math.max(width, s[1] - s[0]);
        }
        int newWidth = Math.max(width, replacement.length());
        for (int i : rows) {
            String l = lines.get(i);
            int[] s = spans.get(i);
            int start = s[1] - width;
            if (start < 0 || !l.substring(start, s[0]).isBlank()) return;
        }
        for (int i : rows) {
            String l = lines.get(i);
            int[] s = spans.get(i);
            String token = stubs.containsKey(i) ? replacement : l.substring(s[0], s[1]);
            lines.set(i, l.substring(0, s[1] - width) + " ".repeat(newWidth - token.length()) + token
                    + l.substring(s[1]));
        }
    }

    /** Start and end of the {@code col}-th space-separated field, or null. */
    private static int[] span(String line, int col) {
        int i = 0;
        int n = line.length();
        for (int f = 0; ; f++) {
            while (i < n && line.charAt(i) == ' ') i++;
            if (i >= n) return null;
            int start = i;
            while (i < n && line.charAt(i) != ' ') i++;
            if (f == col) return new int[] {start, i};
        }
    }
}
