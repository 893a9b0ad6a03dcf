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
    private boolean apparent, total, nul, time, inodes, deref;
    private Sizes.Units units = Sizes.Units.KIB;
    private List<String> operands;

    private Du() {}

    public static int main(List<String> args, ShimContext ctx) throws IOException {
        Du du = new Du();
        if (!du.parse(args) || du.inodes) return Proc.real(ctx, "du", args, null);
        // Exact bytes from the real du (a later --block-size wins over -h, -k, -m), formatted here once corrected.
        List<String> exact = new ArrayList<>();
        int dashes = args.indexOf("--");
        exact.addAll(dashes < 0 ? args : args.subList(0, dashes));
        exact.add("--block-size=1");
        if (dashes >= 0) exact.addAll(args.subList(dashes, args.size()));
        return Proc.real(ctx, "du", exact, out -> du.fix(out, ctx));
    }

    private boolean parse(List<String> args) {
        Args a = new Args(args);
        for (String o; (o = a.next()) != null; ) {
            switch (o) {
                case "--apparent-size" -> apparent = true;
                case "-b", "--bytes" -> {
                    apparent = true;
                    units = Sizes.Units.BYTES;
                }
                case "-c", "--total" -> total = true;
                case "-0", "--null" -> nul = true;
                case "--time" -> time = true;
                case "--inodes" -> inodes = true;
                case "-L", "--dereference" -> deref = true;
                case "-h", "--human-readable" -> units = Sizes.Units.HUMAN;
                case "--si" -> units = Sizes.Units.SI;
                case "-k" -> units = Sizes.Units.KIB;
                case "-m" -> units = Sizes.Units.MIB;
                case "-B", "--block-size" -> {
                    String value = a.value();
                    units = value == null ? null : Sizes.units(value);
                    if (units == null) return false;
                }
                case "-d", "-t", "-X" -> {
                    if (a.value() == null) return false;
                }
                case "--max-depth", "--threshold", "--exclude", "--exclude-from", "--time-style", "--files0-from" ->
                        a.value();
                default -> { }
            }
        }
        operands = a.operands.isEmpty() ? List.of(".") : a.operands;
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
        int last = records.length - (records.length > 0 && records[records.length - 1].isEmpty() ? 2 : 1);
        for (int i = 0; i < records.length; i++) {
            int tab = records[i].indexOf('\t');
            if (tab < 0) continue;
            long bytes;
            try {
                bytes = Long.parseLong(records[i].substring(0, tab));
            } catch (NumberFormatException e) {
                continue; // Not a "size<TAB>path" line: left as it is.
            }
            String rest = records[i].substring(tab + 1);
            String path = time && rest.indexOf('\t') >= 0 ? rest.substring(rest.indexOf('\t') + 1) : rest;
            long delta = 0;
            if (total && i == last && path.equals("total")) {
                for (long d : stubs.values()) delta += d;
            } else {
                Path p = ctx.cwd().resolve(path).normalize();
                for (var e : stubs.entrySet()) {
                    if (e.getKey().startsWith(p)) delta += e.getValue();
                }
            }
            records[i] = units.format(bytes + delta) + '\t' + rest;
        }
        return String.join(sep, records);
    }
}
