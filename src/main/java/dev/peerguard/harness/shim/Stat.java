package dev.peerguard.harness.shim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code stat}: the real GNU stat; for a weight stub it runs once per operand, with %s and %b of a -c/--format/--printf
 * format replaced by the apparent figures, and the default and --terse layouts corrected the same way.
 */
public final class Stat {
    static final String REAL = "/usr/bin/stat";
    private static final Pattern DEFAULT_SIZE = Pattern.compile("  Size: (\\S+)\\s*\\tBlocks: (\\S+)\\s* IO Block:");
    private static final Pattern DIRECTIVE = Pattern.compile("%([-#+ 0']*)(\\d*)(\\.\\d+)?([a-zA-Z%])");

    private final List<String> options = new ArrayList<>();
    private final List<String> operands = new ArrayList<>();
    private int formatAt = -1;
    private String formatPrefix = "";
    private String format;
    private boolean deref, fileSystem, terse;

    private Stat() {}

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        Stat st = new Stat();
        boolean understood = st.parse(args);
        boolean anyStub = understood && !st.fileSystem
                && st.operands.stream().anyMatch(o -> Sizes.isStub(ctx.cwd().resolve(o), st.deref));
        if (!anyStub) {
            return Proc.run(ctx, Proc.real("stat", REAL, args), null, ctx.cwd(), false, false).exit();
        }
        int exit = 0;
        for (String op : st.operands) {
            boolean stub = Sizes.isStub(ctx.cwd().resolve(op), st.deref);
            List<String> opts = new ArrayList<>(st.options);
            if (stub && st.formatAt >= 0) opts.set(st.formatAt, st.formatPrefix + apparentFormat(st.format));
            opts.add("--");
            opts.add(op);
            Proc.Result r = Proc.run(ctx, Proc.real("stat", REAL, opts), null, ctx.cwd(), true, false);
            String out = Sizes.text(r.out());
            if (stub && st.formatAt < 0) out = st.terse ? terse(out, ctx, op) : defaultLayout(out);
            ctx.out().write(Sizes.bytes(out));
            if (r.exit() != 0) exit = r.exit();
        }
        ctx.out().flush();
        return exit;
    }

    private boolean parse(List<String> args) {
        boolean optionsDone = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (optionsDone || !a.startsWith("-") || a.equals("-")) {
                operands.add(a);
            } else if (a.equals("--")) {
                optionsDone = true;
            } else if (a.startsWith("--format=") || a.startsWith("--printf=")) {
                formatPrefix = a.substring(0, a.indexOf('=') + 1);
                format = a.substring(formatPrefix.length());
                formatAt = options.size();
                options.add(a);
            } else if (a.equals("--format") || a.equals("--printf")) {
                if (i + 1 >= args.size()) return false;
                options.add(a);
                format = args.get(++i);
                formatAt = options.size();
                options.add(format);
            } else if (a.startsWith("--")) {
                if (a.equals("--dereference")) deref = true;
                if (a.equals("--file-system")) fileSystem = true;
                if (a.equals("--terse")) terse = true;
                options.add(a);
            } else {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    if (c == 'c') {
                        if (k + 1 < a.length()) {
                            options.add(a.substring(0, k + 1) + a.substring(k + 1));
                            formatPrefix = a.substring(0, k + 1);
                            format = a.substring(k + 1);
                        } else {
                            if (i + 1 >= args.size()) return false;
                            options.add(a);
                            format = args.get(++i);
                            options.add(format);
                            formatPrefix = "";
                        }
                        formatAt = options.size() - 1;
                        break;
                    }
                    if (c == 'L') deref = true;
                    if (c == 'f') fileSystem = true;
                    if (c == 't') terse = true;
                    if (k == a.length() - 1) options.add(a);
                }
            }
        }
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
