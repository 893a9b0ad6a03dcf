package dev.peerguard.harness.shim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A server's etc/passwd and etc/group, read as fields and written back in place. */
final class Accounts {
    final Path passwdFile;
    final Path groupFile;
    final List<String[]> users = new ArrayList<>();
    final List<String[]> groups = new ArrayList<>();

    private Accounts(Path passwdFile, Path groupFile) {
        this.passwdFile = passwdFile;
        this.groupFile = groupFile;
    }

    /** The accounts of the server the command runs on. */
    static Accounts load(ShimContext ctx) throws IOException {
        Path etc = ctx.hosts().path(ctx.server(), "/etc/passwd").getParent();
        Accounts a = new Accounts(etc.resolve("passwd"), etc.resolve("group"));
        for (String line : Files.readAllLines(a.passwdFile)) {
            if (!line.isBlank()) a.users.add(Arrays.copyOf(line.split(":", -1), 7));
        }
        for (String line : Files.readAllLines(a.groupFile)) {
            if (!line.isBlank()) a.groups.add(Arrays.copyOf(line.split(":", -1), 4));
        }
        // Short lines get empty fields, so that writing them back never prints "null".
        for (List<String[]> rows : List.of(a.users, a.groups)) {
            for (String[] r : rows) Arrays.setAll(r, i -> r[i] == null ? "" : r[i]);
        }
        return a;
    }

    Optional<String[]> user(String name) {
        return users.stream().filter(u -> u[0].equals(name)).findFirst();
    }

    Optional<String[]> group(String name) {
        return groups.stream().filter(g -> g[0].equals(name) || g[2].equals(name)).findFirst();
    }

    static List<String> members(String[] group) {
        return group[3].isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(group[3].split(",")));
    }

    static void addMember(String[] group, String name) {
        List<String> members = members(group);
        members.add(name);
        group[3] = String.join(",", members);
    }

    /** Takes {@code name} out of the group's members; false when it was not one. */
    static boolean removeMember(String[] group, String name) {
        List<String> members = members(group);
        if (!members.remove(name)) return false;
        group[3] = String.join(",", members);
        return true;
    }

    /** The first free id from 1000 up, as useradd picks for an ordinary account. */
    int freeUid() {
        return free(users, 2, 1000);
    }

    int freeGid(int preferred) {
        boolean taken = groups.stream().anyMatch(g -> g[2].equals(Integer.toString(preferred)));
        return taken ? free(groups, 2, 1000) : preferred;
    }

    private static int free(List<String[]> rows, int field, int from) {
        int max = from - 1;
        for (String[] r : rows) {
            try {
                int id = Integer.parseInt(r[field]);
                if (id >= from && id < 60000) max = Math.max(max, id);
            } catch (NumberFormatException e) {
                // Not a number: not an id to avoid.
            }
        }
        return max + 1;
    }

    /**
     * Writes both files back in place (truncate and write): they are bind-mount targets inside the server's sandbox,
     * so replacing them by a rename would leave the sandbox showing the old file.
     */
    void save() throws IOException {
        write(passwdFile, users);
        write(groupFile, groups);
    }

    private static void write(Path file, List<String[]> rows) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) b.append(String.join(":", r)).append('\n');
        Files.write(file, b.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }
}
