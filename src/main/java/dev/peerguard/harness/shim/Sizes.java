package dev.peerguard.harness.shim;

import dev.peerguard.harness.WeightStub;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What ls, stat, du and df have in common: finding weight stubs, their apparent figures, and GNU coreutils' ways of
 * writing sizes (block units, -h and --si with rounding up).
 */
final class Sizes {
    /** The stub's apparent length. */
    static final long APPARENT = WeightStub.APPARENT_SIZE;
    /** What the apparent file takes on disk: whole 4 KiB blocks. */
    static final long DISK = (APPARENT + 4095) / 4096 * 4096;
    private static final String LETTERS = "KMGTPEZYRQ";
    private static final Pattern SPEC = Pattern.compile("(\\d*)([KMGTPEZYRQkmgtpezyrq]?)(iB|B)?");
    /** Stubs are a few hundred bytes; anything larger is not opened to check. */
    private static final long MAX_STUB = 4096;

    private Sizes() {}

    /**
     * How sizes are written: {@code unit} bytes per displayed unit (rounded up), or automatic units when {@code human}
     * (powers of {@code base}); {@code suffix} is appended (e.g. "M" for --block-size=M).
     */
    record Units(long unit, boolean human, int base, String suffix) {
        static final Units BYTES = new Units(1, false, 1024, "");
        static final Units KIB = new Units(1024, false, 1024, "");
        static final Units MIB = new Units(1024 * 1024, false, 1024, "");
        static final Units HUMAN = new Units(1, true, 1024, "");
        static final Units SI = new Units(1, true, 1000, "");

        String format(long bytes) {
            if (human) return Sizes.human(bytes, base);
            return ceilDiv(bytes, unit) + suffix;
        }

        /** Reads back a figure written in these units, as bytes (approximate for rounded human figures). */
        double parse(String shown) {
            Matcher m = Pattern.compile("([0-9.,]+)([A-Za-z]*)").matcher(shown.trim());
            if (!m.matches()) return Double.NaN;
            double v = Double.parseDouble(m.group(1).replace(",", ""));
            if (!human) return v * unit;
            String s = m.group(2);
            int p = s.isEmpty() ? 0 : LETTERS.indexOf(Character.toUpperCase(s.charAt(0))) + 1;
            return v * Math.pow(base, p);
        }
    }

    /** Reads a GNU block size: {@code human-readable}, {@code si}, or [N][K|M|G...][B|iB]. Null when not one. */
    static Units units(String spec) {
        if (spec.equals("human-readable")) return Units.HUMAN;
        if (spec.equals("si")) return Units.SI;
        String s = spec.startsWith("'") ? spec.substring(1) : spec;
        Matcher m = SPEC.matcher(s);
        if (!m.matches() || s.isEmpty()) return null;
        int base = "B".equals(m.group(3)) ? 1000 : 1024;
        long mult = 1;
        String letter = m.group(2);
        if (!letter.isEmpty()) {
            int p = LETTERS.indexOf(Character.toUpperCase(letter.charAt(0))) + 1;
            for (int i = 0; i < p; i++) mult *= base;
        }
        long n = m.group(1).isEmpty() ? 1 : Long.parseLong(m.group(1));
        String suffix = "";
        if (m.group(1).isEmpty() && !letter.isEmpty()) {
            String l = base == 1000 && letter.equalsIgnoreCase("k") ? "k" : letter.toUpperCase();
            suffix = l + (m.group(3) == null ? "" : m.group(3));
        }
        return new Units(n * mult, false, base, suffix);
    }

    static long ceilDiv(long a, long b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }

    /**
     * GNU's human_readable with rounding up: plain below {@code base}, one decimal below 10 units, else whole units;
     * kilo is "k" in powers of 1000.
     */
    static String human(long bytes, int base) {
        if (bytes < base) return Long.toString(bytes);
        int p = 0;
        BigDecimal v = BigDecimal.valueOf(bytes);
        BigDecimal b = BigDecimal.valueOf(base);
        while (v.compareTo(b) >= 0 && p < LETTERS.length()) {
            v = v.divide(b);
            p++;
        }
        if (v.compareTo(BigDecimal.TEN) < 0) {
            BigDecimal t = v.setScale(1, RoundingMode.CEILING);
            if (t.compareTo(BigDecimal.TEN) < 0) return t.toPlainString() + letter(p, base);
            v = t;
        }
        BigDecimal whole = v.setScale(0, RoundingMode.CEILING);
        if (whole.compareTo(b) >= 0 && p < LETTERS.length()) return "1.0" + letter(p + 1, base);
        return whole.toPlainString() + letter(p, base);
    }

    private static String letter(int p, int base) {
        return p == 1 && base == 1000 ? "k" : String.valueOf(LETTERS.charAt(p - 1));
    }

    /** Whether {@code p} is a weight stub (a symbolic link counts only when {@code follow}). */
    static boolean isStub(Path p, boolean follow) {
        LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        try {
            return Files.isRegularFile(p, opts) && Files.size(p) <= MAX_STUB && WeightStub.is(p);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** The stubs in the tree at {@code root} (not following links, not descending into /proc, /sys or /dev). */
    static List<Path> stubsUnder(Path root) {
        List<Path> stubs = new ArrayList<>();
        collect(root, stubs, true);
        return stubs;
    }

    private static void collect(Path p, List<Path> stubs, boolean top) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || top && Files.isDirectory(p)) {
            String s = p.toString();
            if (s.equals("/proc") || s.equals("/sys") || s.equals("/dev")) return;
            try (var children = Files.list(p)) {
                for (Path c : children.toList()) collect(c, stubs, false);
            } catch (IOException | SecurityException e) {
                // Unreadable: the real tool reports it; there are no stubs to correct in it.
            }
        } else if (isStub(p, top)) {
            stubs.add(p);
        }
    }

    /** The bytes the stub really takes on disk (st_blocks * 512), as GNU stat reports them. */
    static long realDisk(Path stub) {
        try {
            Process p = new ProcessBuilder("/usr/bin/stat", "-L", "--printf=%b", stub.toString())
                    .redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                String out = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (p.waitFor() == 0) return Long.parseLong(out) * 512;
            }
        } catch (IOException | NumberFormatException e) {
            // Fall through to the usual figure for a small file.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 4096;
    }

    /** Text as bytes pass through it unchanged (file names need not be valid UTF-8). */
    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A file name as it appears in {@link #text} output. */
    static String name(String javaName) {
        return text(javaName.getBytes(StandardCharsets.UTF_8));
    }
}
