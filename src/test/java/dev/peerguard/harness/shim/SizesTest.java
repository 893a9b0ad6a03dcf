package dev.peerguard.harness.shim;

import static dev.peerguard.harness.shim.TestBed.S45;
import static dev.peerguard.harness.shim.TestBed.WEIGHT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ls, stat, du and df on a server show the weight stub as the 765G file. Where a real tool can show the same thing,
 * the check is against it: a sparse file of the apparent size (which takes no disk) in a twin of the data directory.
 */
class SizesTest extends BedTest {
    static final Instant T = Instant.parse("2024-01-10T10:00:00Z");

    Path data;

    @BeforeEach
    void setUp() throws IOException {
        data = bed.data(S45);
        Files.setLastModifiedTime(data.resolve("employee_directory.csv"), FileTime.from(T));
        Files.setLastModifiedTime(data.resolve("logs/maintenance.log"), FileTime.from(T));
        Files.setLastModifiedTime(data.resolve("logs"), FileTime.from(T));
    }

    private TestBed.Run ls(String... args) {
        return bed.serverIn(S45, data, "ls", args);
    }

    @Test
    void lsLongShowsTheApparentSizeAligned() {
        var r = ls("-la");
        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).matches("total 8011320\\d\\d");
        String weightLine = lines.stream().filter(l -> l.endsWith(WEIGHT)).findFirst().orElseThrow();
        assertThat(weightLine).contains(" 820359221000 Mar  1  2025 " + WEIGHT);
        String csv = lines.stream().filter(l -> l.endsWith("employee_directory.csv")).findFirst().orElseThrow();
        // Right-aligned: every size ends in the same column.
        assertThat(csv.indexOf(" Jan 10")).isEqualTo(weightLine.indexOf(" Mar  1"));
        assertThat(csv).contains("           23 Jan 10  2024 employee_directory.csv");

        assertThat(ls("-lh").out()).contains(" 765G Mar  1  2025 " + WEIGHT + "\n").startsWith("total 765G\n");
        assertThat(ls("-lh", data + "/" + WEIGHT).out()).contains(" 765G " + "Mar  1  2025 " + data + "/" + WEIGHT);
        assertThat(ls("-l", "--si").out()).contains(" 821G Mar  1  2025 " + WEIGHT);
        assertThat(ls("-ls").out()).contains("801132052 -rw-r--r--");
        assertThat(ls("-lhS").out().lines().skip(1).findFirst().orElseThrow()).endsWith(WEIGHT);
        assertThat(ls("-S").out().lines().findFirst().orElseThrow()).isEqualTo(WEIGHT);
        assertThat(ls("-lSr").out().strip()).endsWith(WEIGHT);
        assertThat(ls("-1").out()).isEqualTo("employee_directory.csv\n" + WEIGHT + "\nlogs\n");
    }

    @Test
    void lsMatchesRealLsOnASparseFileOfTheApparentSize() throws IOException {
        Path twin = sparseTwin();
        for (List<String> opts : List.of(List.of("-l"), List.of("-lh"), List.of("-l", "--si"), List.of("-lS"),
                List.of("-lSr"), List.of("-ln"), List.of("-lg"), List.of("-lo"), List.of("-l", "--block-size=M"),
                List.of("-l", "--full-time"), List.of("-lhR"), List.of("-lhd", WEIGHT, "logs"))) {
            List<String> args = new ArrayList<>(opts);
            if (opts.stream().noneMatch(o -> o.equals(WEIGHT))) args.add(".");
            String real = realTool(twin, "/usr/bin/ls", args);
            String shim = bed.serverIn(S45, data, "ls", args.toArray(String[]::new)).out();
            assertThat(withoutTotals(shim)).as("ls " + args).isEqualTo(withoutTotals(real));
        }
    }

    @Test
    void statShowsTheApparentSize() throws IOException {
        var r = bed.serverIn(S45, data, "stat", WEIGHT);
        assertThat(r.out()).contains("  Size: 820359221000\tBlocks: 1602264104 IO Block: 4096   regular file\n");
        assertThat(bed.serverIn(S45, data, "stat", "-c", "%s %n", WEIGHT, "employee_directory.csv").out())
                .isEqualTo("820359221000 " + WEIGHT + "\n23 employee_directory.csv\n");
        assertThat(bed.serverIn(S45, data, "stat", "--printf=%s|%10b|%%s\n", WEIGHT).out())
                .isEqualTo("820359221000|1602264104|%s\n");
        assertThat(bed.serverIn(S45, data, "stat", "-t", WEIGHT).out())
                .startsWith(WEIGHT + " 820359221000 1602264104 ");
        Path twin = sparseTwin();
        assertThat(bed.serverIn(S45, data, "stat", "-c", "%s %n", WEIGHT).out())
                .isEqualTo(realTool(twin, "/usr/bin/stat", List.of("-c", "%s %n", WEIGHT)));
        var missing = bed.serverIn(S45, data, "stat", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("stat: cannot statx 'nope': No such file or directory\n");
    }

    @Test
    void duCountsTheWeightInEveryLineAbove() throws IOException {
        assertThat(bed.serverIn(S45, data, "du", "-sh", data.toString()).out()).isEqualTo("765G\t" + data + "\n");
        assertThat(bed.serverIn(S45, data, "du", "-sh", "--apparent-size").out()).isEqualTo("765G\t.\n");
        assertThat(bed.serverIn(S45, data, "du", "-b", WEIGHT).out()).isEqualTo("820359221000\t" + WEIGHT + "\n");
        assertThat(bed.serverIn(S45, data, "du", "-k", WEIGHT).out()).isEqualTo("801132052\t" + WEIGHT + "\n");
        assertThat(bed.serverIn(S45, data, "du", "-BG", WEIGHT).out()).isEqualTo("765G\t" + WEIGHT + "\n");
        assertThat(bed.serverIn(S45, data.getParent(), "du", "-h", "-d", "1").out())
                .contains("765G\t./data\n").endsWith("765G\t.\n");
        var total = bed.serverIn(S45, data, "du", "-ch", WEIGHT, "employee_directory.csv");
        assertThat(total.out()).isEqualTo("765G\t" + WEIGHT + "\n4.0K\temployee_directory.csv\n765G\ttotal\n");
        assertThat(bed.serverIn(S45, data, "du", "-a", "-m").out()).contains("782356\t./" + WEIGHT + "\n");

        Path twin = sparseTwin();
        for (List<String> opts : List.of(List.of("-b"), List.of("-ab"), List.of("-sb"), List.of("--apparent-size",
                "-sh"), List.of("--apparent-size", "-ac", "-m"), List.of("--apparent-size", "--si", "-a"))) {
            List<String> args = new ArrayList<>(opts);
            args.add(".");
            // du lists entries in directory order, which differs between the two directories.
            assertThat(sorted(bed.serverIn(S45, data, "du", args.toArray(String[]::new)).out())).as("du " + args)
                    .isEqualTo(sorted(realTool(twin, "/usr/bin/du", args)));
        }
    }

    @Test
    void dfShowsDataAsItsOwnDiskWithTheWeight() {
        var h = bed.server(S45, "df", "-h", "/data");
        assertThat(h.out()).isEqualTo("""
                Filesystem      Size  Used Avail Use% Mounted on
                /dev/sdb1       2.0T  765G  1.2T  40% /data
                """);
        var all = bed.server(S45, "df");
        assertThat(all.out()).startsWith("Filesystem      1K-blocks      Used  Available Use% Mounted on\n")
                .containsPattern("\n/dev/sdb1      2113655776 8011320\\d\\d 120514\\d{4}  40% /data\n")
                .contains("\n/dev/sda1       102626232 ");
        assertThat(bed.server(S45, "df", "-h", ".").out()).contains("/dev/sda1        98G ").endsWith("% /\n");
        assertThat(bed.server(TestBed.S46, "df", "-h", "/data").out())
                .contains("/dev/sdb1       2.0T   28K  1.9T   1% /data");
        assertThat(bed.server(S45, "df", "-Th", "/data/" + WEIGHT).out())
                .contains("Filesystem     Type  Size  Used Avail Use% Mounted on\n/dev/sdb1      ext4  2.0T  765G");
        assertThat(bed.server(S45, "df", "/nope"))
                .isEqualTo(new TestBed.Run(1, "", "df: /nope: No such file or directory\n"));
        assertThat(bed.server(S45, "df", "-z").err()).isEqualTo(
                "df: invalid option -- 'z'\nTry 'df --help' for more information.\n");
    }

    @Test
    void gnuHumanSizes() {
        assertThat(Sizes.human(820_359_221_000L, 1024)).isEqualTo("765G");
        assertThat(Sizes.human(820_359_221_000L, 1000)).isEqualTo("821G");
        assertThat(Sizes.human(4096, 1024)).isEqualTo("4.0K");
        assertThat(Sizes.human(4096, 1000)).isEqualTo("4.1k");
        assertThat(Sizes.human(1023, 1024)).isEqualTo("1023");
        assertThat(Sizes.human(10239, 1024)).isEqualTo("10K");
        assertThat(Sizes.human(1_048_575, 1024)).isEqualTo("1.0M");
        assertThat(Sizes.human(2_113_655_776L * 1024, 1024)).isEqualTo("2.0T");
        assertThat(Sizes.units("M").format(5_000_000)).isEqualTo("5M");
        assertThat(Sizes.units("1K").format(5_000)).isEqualTo("5");
        assertThat(Sizes.units("KB").format(5_000)).isEqualTo("5kB");
    }

    /** The data directory again, with the weight as a sparse file of the apparent size, times and modes equal. */
    private Path sparseTwin() throws IOException {
        Path twin = Files.createDirectories(tmp.resolve("twin"));
        Files.writeString(twin.resolve("employee_directory.csv"), Files.readString(data.resolve(
                "employee_directory.csv")));
        Files.createDirectories(twin.resolve("logs"));
        Files.writeString(twin.resolve("logs/maintenance.log"), "ok\n");
        try (RandomAccessFile f = new RandomAccessFile(twin.resolve(WEIGHT).toFile(), "rw")) {
            f.setLength(Sizes.APPARENT);
        } catch (IOException e) {
            assumeTrue(false, "no sparse files here: " + e.getMessage());
        }
        assumeTrue(Files.size(twin.resolve(WEIGHT)) == Sizes.APPARENT);
        for (Path p : List.of(twin.resolve("employee_directory.csv"), twin.resolve("logs/maintenance.log"),
                twin.resolve("logs"))) {
            Files.setLastModifiedTime(p, FileTime.from(T));
        }
        Files.setLastModifiedTime(twin.resolve(WEIGHT), FileTime.from(TestBed.WEIGHT_TIME));
        Files.setPosixFilePermissions(twin.resolve(WEIGHT), Files.getPosixFilePermissions(data.resolve(WEIGHT)));
        return twin;
    }

    /** What a real coreutils program prints in {@code dir} (it only reads metadata, never the sparse file). */
    private static String realTool(Path dir, String program, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(program));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private static List<String> sorted(String s) {
        return s.lines().sorted().toList();
    }

    /** The "total" lines count disk blocks, which a sparse file does not take. */
    private static String withoutTotals(String s) {
        return Arrays.stream(s.split("\n", -1)).filter(l -> !l.startsWith("total "))
                .collect(Collectors.joining("\n"));
    }
}
