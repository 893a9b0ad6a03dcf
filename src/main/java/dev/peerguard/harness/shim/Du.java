package dev.peerguard.harness.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code du}: the real GNU du asked for exact byte counts, each line then corrected for the weight stubs under its path
 * (their disk usage, or with --apparent-size/-b their apparent size) and written in the units the caller asked for.
 */
public final class Du {
    static final String REAL = "/usr/bin/du";

    private boolean apparent, total, nul, time, inodes, deref;
    private Sizes.Units units = Sizes.Units.KIB;
    private final List<String> operands = new ArrayList<>();

    private Du() {}

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        Du du = new Du();
        boolean understood = du.parse(args);
        if (!understood || du.inodes) {
            return Proc.run(ctx, Proc.real("du", REAL, args), null, ctx.cwd(), false, false).exit();
        }
        // Exact bytes from the real du (a later --block-size wins over -h, -k, -m), formatted here once corrected.
        List<String> exact = new ArrayList<>();
        int dashes = args.indexOf("--");
        exact.addAll(dashes < 0 ? args : args.subList(0, dashes));
        exact.add("--block-size=1");
        if (dashes >= 0) exact.addAll(args.subList(dashes, args.size()));
        Proc.Result r = Proc.run(ctx, Proc.real("du", REAL, exact), null, ctx.cwd(), true, false);
        ctx.out().write(Sizes.bytes(du.fix(Sizes.text(r.out()), ctx)));
        ctx.out().flush();
        return r.exit();
    }

    private boolean parse(List<String> args) {
        boolean optionsDone = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (optionsDone || !a.startsWith("-") || a.equals("-")) {
                operands.add(a);
            } else if (a.equals("--")) {
                optionsDone = true;
            } else if (a.startsWith("--")) {
                String name = a.contains("=") ? a.substring(2, a.indexOf('=')) : a.substring(2);
                String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
                switch (name) {
                    case "apparent-size" -> apparent = true;
                    case "bytes" -> {
                        apparent = true;
                        units = Sizes.Units.BYTES;
                    }
                    case "total" -> total = true;
                    case "null" -> nul = true;
                    case "time" -> time = true;
                    case "inodes" -> inodes = true;
                    case "dereference" -> deref = true;
                    case "human-readable" -> units = new Sizes.Units(1, true, 1024, "");
                    case "si" -> units = new Sizes.Units(1, true, 1000, "");
                    case "block-size" -> {
                        if (value == null) {
                            if (i + 1 >= args.size()) return false;
                            value = args.get(++i);
                        }
                        units = Sizes.units(value);
                        if (units == null) return false;
                    }
                    case "max-depth", "threshold", "exclude", "exclude-from", "time-style", "files0-from" -> {
                        if (value == null) i++;
                    }
                    default -> { }
                }
            } else {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    if ("BdtX".indexOf(c) >= 0) {
                        String value = k + 1 < a.length() ? a.substring(k + 1) : i + 1 < args.size() ? args.get(++i)
                                : null;
                        if (value == null) return false;
                        if (c == 'B') {
                            units = Sizes.units(value);
                            if (units == null) return false;
                        }
                        break;
                    }
                    switch (c) {
                        case 'b' -> {
                            apparent = true;
                            units = Sizes.Units.BYTES;
                        }
                        case 'c' -> total = true;
                        case '0' -> nul = true;
                        case 'h' -> units = new Sizes.Units(1, true, 1024, "");
                        case 'k' -> units = Sizes.Units.KIB;
                        case 'm' -> units = new Sizes.Units(1024 * 1024, false, 1024, "");
                        case 'L' -> deref = true;
                        default -> { }
                    }
                }
            }
        }
        if (operands.isEmpty()) operands.add(".");
        return true;
    }

    private String fix(String out, ShimContext ctx) {
        Map<Path, Long> stubs = new LinkedHashMap<>();
        for (String op : operands) {
            for (Path s : Sizes.stubsUnder(ctx.cwd().resolve(op).normalize())) {
                stubs.computeIfAbsent(s, p -> {
                    try {
                        return apparent ? Sizes.APPARENT - Files.size(p) : Sizes.DISK - Sizes.realDisk(p);
                    } catch (IOException e) {
                        return 0L;
                    }
                });
            }
        }
        String sep = nul ? "\0" : "\n";
        String[] records = out.split(sep, -1);
        StringBuilder b = new StringBuilder();
        int last = records.length - (records.length > 0 && records[records.length - 1].isEmpty() ? 2 : 1);
        for (int i = 0; i < records.length; i++) {
            String rec = records[i];
            int tab = rec.indexOf('\t');
            if (tab < 0) {
                b.append(rec);
            } else {
                String rest = rec.substring(tab + 1);
                String path = time && rest.indexOf('\t') >= 0 ? rest.substring(rest.indexOf('\t') + 1) : rest;
                long bytes;
                try {
                    bytes = Long.parseLong(rec.substring(0, tab));
                } catch (NumberFormatException e) {
                    b.append(rec).append(i < records.length - 1 ? sep : "");
                    continue;
                }
                long delta = 0;
                if (total && i == last && path.equals("total")) {
                    for (long d : stubs.values()) delta += d;
                } else {
                    Path p = ctx.cwd().resolve(path).normalize();
                    for (var e : stubs.entrySet()) {
                        if (e.getKey().startsWith(p)) delta += e.getValue();
                    }
                }
                b.append(units.format(bytes + delta)).append('\t').append(rest);
            }
            if (i < records.length - 1) b.append(sep);
        }
        return b.toString();
    }
}
