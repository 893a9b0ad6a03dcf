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
    static final String REAL = "/usr/bin/ls";
    private static final Set<String> LONG_WITH_VALUE = Set.of("block-size", "format", "hide", "ignore",
            "indicator-style", "quoting-style", "sort", "time", "time-style", "tabsize", "width");
    private static final String INDICATORS = "*/=>@|";

    private enum Format { LONG, ONE, COLUMNS }

    private Format format = Format.ONE;
    private boolean inode, blocks, owner = true, group = true, author, context;
    private boolean sortSize, reverse, directory, deref, derefArgs;
    private Sizes.Units sizeUnits = Sizes.Units.BYTES;
    private Sizes.Units blockUnits = Sizes.Units.KIB;
    private final List<String> operands = new ArrayList<>();
    private final ShimContext ctx;

    private Ls(ShimContext ctx) {
        this.ctx = ctx;
    }

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        Ls ls = new Ls(ctx);
        boolean understood = ls.parse(args);
        Proc.Result r = Proc.run(ctx, Proc.real("ls", REAL, args), null, ctx.cwd(), true, false);
        String out = Sizes.text(r.out());
        if (understood) out = ls.fix(out);
        ctx.out().write(Sizes.bytes(out));
        ctx.out().flush();
        return r.exit();
    }

    /** Reads the options that change where sizes appear; false for a command line the real ls will reject. */
    private boolean parse(List<String> args) {
        boolean optionsDone = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (optionsDone || !a.startsWith("-") || a.equals("-")) {
                operands.add(a);
            } else if (a.equals("--")) {
                optionsDone = true;
            } else if (a.startsWith("--")) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (LONG_WITH_VALUE.contains(name)) {
                    if (i + 1 >= args.size()) return false;
                    value = args.get(++i);
                }
                if (!longOption(name, value)) return false;
            } else {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    if (c == 'I' || c == 'T' || c == 'w') {
                        if (k + 1 == a.length()) i++;
                        break;
                    }
                    shortOption(c);
                }
            }
        }
        if (operands.isEmpty()) operands.add(".");
        return true;
    }

    private void shortOption(char c) {
        switch (c) {
            case 'l', 'n' -> format = Format.LONG;
            case 'g' -> {
                format = Format.LONG;
                owner = false;
            }
            case 'o' -> {
                format = Format.LONG;
                group = false;
            }
            case 'G' -> group = false;
            case '1' -> {
                if (format != Format.LONG) format = Format.ONE;
            }
            case 'C', 'x', 'm' -> format = Format.COLUMNS;
            case 'i' -> inode = true;
            case 's' -> blocks = true;
            case 'h' -> {
                sizeUnits = new Sizes.Units(1, true, 1024, "");
                blockUnits = sizeUnits;
            }
            case 'k' -> blockUnits = Sizes.Units.KIB;
            case 'S' -> sortSize = true;
            case 't', 'U', 'X', 'v', 'f', 'c', 'u' -> {
                if (c != 'c' && c != 'u') sortSize = false;
            }
            case 'r' -> reverse = true;
            case 'd' -> directory = true;
            case 'L' -> deref = true;
            case 'H' -> derefArgs = true;
            case 'Z' -> context = true;
            default -> { }
        }
    }

    private boolean longOption(String name, String value) {
        switch (name) {
            case "format" -> format = switch (value) {
                case "long", "verbose" -> Format.LONG;
                case "single-column" -> Format.ONE;
                default -> Format.COLUMNS;
            };
            case "no-group" -> group = false;
            case "inode" -> inode = true;
            case "size" -> blocks = true;
            case "human-readable" -> shortOption('h');
            case "si" -> {
                sizeUnits = new Sizes.Units(1, true, 1000, "");
                blockUnits = sizeUnits;
            }
            case "kibibytes" -> blockUnits = Sizes.Units.KIB;
            case "block-size" -> {
                Sizes.Units u = Sizes.units(value);
                if (u == null) return false;
                sizeUnits = u;
                blockUnits = sizeUnits;
            }
            case "sort" -> sortSize = value.equals("size");
            case "reverse" -> reverse = true;
            case "directory" -> directory = true;
            case "dereference" -> deref = true;
            case "dereference-command-line" -> derefArgs = true;
            case "author" -> author = true;
            case "context" -> context = true;
            case "full-time" -> format = Format.LONG;
            default -> { }
        }
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
        List<Integer> headers = new ArrayList<>();
        List<Path> headerDirs = new ArrayList<>();
        if (!directory) {
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.length() > 1 && l.endsWith(":") && (i == 0 || lines.get(i - 1).isEmpty())) {
                    Path d = ctx.cwd().resolve(unquote(l.substring(0, l.length() - 1)));
                    if (Files.isDirectory(d)) {
                        headers.add(i);
                        headerDirs.add(d);
                    }
                }
            }
        }
        List<Block> out = new ArrayList<>();
        if (headers.isEmpty()) {
            Path only = operands.size() == 1 && !directory ? ctx.cwd().resolve(operands.get(0)) : null;
            boolean listsDir = only != null && Files.isDirectory(only)
                    && !(format == Format.LONG && Files.isSymbolicLink(only) && !deref && !derefArgs
                    && !operands.get(0).endsWith("/"));
            out.add(new Block(listsDir ? only : null, 0, lines.size()));
            return out;
        }
        if (headers.get(0) > 0) out.add(new Block(null, 0, headers.get(0)));
        for (int h = 0; h < headers.size(); h++) {
            int end = h + 1 < headers.size() ? headers.get(h + 1) : lines.size();
            out.add(new Block(headerDirs.get(h), headers.get(h) + 1, end));
        }
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
        if (!plain.isEmpty() && INDICATORS.indexOf(plain.charAt(plain.length() - 1)) >= 0) {
            String cut = plain.substring(0, plain.length() - 1);
            for (var e : candidates.entrySet()) {
                if (names(cut, e.getKey())) return e.getValue();
            }
        }
        for (var e : candidates.entrySet()) {
            if (names(plain, e.getKey())) return e.getValue();
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
