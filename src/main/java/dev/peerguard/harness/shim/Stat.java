package dev.peerguard.harness.shim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code stat}: the real GNU stat; for a weight stub it runs once per operand, with %s and %b of a -c/--format/--printf
 * format replaced by the apparent figures, and the default and --terse layouts corrected the same way.
 */
public final class Stat {
    private static final Pattern DEFAULT_SIZE = Pattern.compile("  Size: (\\S+)\\s*\\tBlocks: (\\S+)\\s* IO Block:");
    private static final Pattern DIRECTIVE = Pattern.compile("%([-#+ 0']*)(\\d*)(\\.\\d+)?([a-zA-Z%])");

    /** Where in the arguments the options (and their values) are, not the operands nor "--". */
    private final Set<Integer> optionsAt = new TreeSet<>();
    private List<String> operands;
    private int formatAt = -1;
    private String format;
    private boolean deref, fileSystem, terse;

    private Stat() {}

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        Stat st = new Stat();
        boolean understood = st.parse(args);
        boolean anyStub = understood && !st.fileSystem
                && st.operands.stream().anyMatch(o -> Sizes.isStub(ctx.cwd().resolve(o), st.deref));
        if (!anyStub) return Proc.real(ctx, "stat", args, null);
        int exit = 0;
        for (String op : st.operands) {
            boolean stub = Sizes.isStub(ctx.cwd().resolve(op), st.deref);
            List<String> opts = new ArrayList<>();
            for (int i : st.optionsAt) {
                String a = args.get(i);
                if (i == st.formatAt && stub) {
                    // The format ends its argument: -cFORMAT, --format=FORMAT, or the whole of it.
                    a = a.substring(0, a.length() - st.format.length()) + apparentFormat(st.format);
                }
                opts.add(a);
            }
            opts.add("--");
            opts.add(op);
            int e = Proc.real(ctx, "stat", opts, !stub || st.formatAt >= 0 ? null
                    : st.terse ? out -> terse(out, ctx, op) : Stat::defaultLayout);
            if (e != 0) exit = e;
        }
        return exit;
    }

    private boolean parse(List<String> args) {
        Args a = new Args(args);
        for (String o; (o = a.next()) != null; ) {
            optionsAt.add(a.position());
            switch (o) {
                case "-L", "--dereference" -> deref = true;
                case "-f", "--file-system" -> fileSystem = true;
                case "-t", "--terse" -> terse = true;
                case "-c", "--format", "--printf" -> {
                    format = a.value();
                    if (format == null) return false;
                    formatAt = a.position();
                    optionsAt.add(formatAt);
                }
                default -> { }
            }
        }
        operands = a.operands;
        return true;
    }

    /** The format with %s and %b turned into the apparent figures, written with the directive's flags and width. */
    static String apparentFormat(String format) {
        Matcher m = DIRECTIVE.matcher(format);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String conv = m.group(4);
            String replacement = m.group();
            if (conv.equals("s") || conv.equals("b")) {
                long value = conv.equals("s") ? Sizes.APPARENT : Sizes.DISK / 512;
                String flags = m.group(1).replaceAll("[^-0]", "");
                String width = m.group(2);
                replacement = width.isEmpty() ? Long.toString(value)
                        : String.format("%" + (flags.contains("-") ? "-" : flags.contains("0") ? "0" : "") + width
                        + "d", value);
            }
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** stat's default layout: "  Size: %-10s\tBlocks: %-10b IO Block: ...". */
    static String defaultLayout(String out) {
        Matcher m = DEFAULT_SIZE.matcher(out);
        if (!m.find()) return out;
        String line = String.format("  Size: %-10d\tBlocks: %-10d IO Block:", Sizes.APPARENT, Sizes.DISK / 512);
        return out.substring(0, m.start()) + line + out.substring(m.end());
    }

    /** --terse: "name size blocks mode ..." with 15 fields after the name (16 with an SELinux context). */
    private static String terse(String out, ShimContext ctx, String op) {
        String line = out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
        String[] t = line.split(" ");
        String real;
        try {
            real = Long.toString(java.nio.file.Files.size(ctx.cwd().resolve(op)));
        } catch (IOException e) {
            return out;
        }
        for (int fields : new int[] {15, 16}) {
            int at = t.length - fields;
            if (at >= 1 && t[at].equals(real)) {
                t[at] = Long.toString(Sizes.APPARENT);
                t[at + 1] = Long.toString(Sizes.DISK / 512);
                return String.join(" ", t) + (out.endsWith("\n") ? "\n" : "");
            }
        }
        return out;
    }
}
