package dev.peerguard.harness.shim;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code userdel}, {@code useradd} (shadow 4.13) and {@code deluser}, {@code adduser} (Debian adduser 3.134): on a
 * server, run through sudo, they edit its etc/passwd and etc/group and its home directories; without root (the
 * maintainer without sudo, or anyone on the agent's machine) they fail like the real ones.
 */
public final class Users {
    static final String USERDEL_USAGE = """
            Usage: userdel [options] LOGIN

            Options:
              -f, --force                   force some actions that would fail otherwise
                                            e.g. removal of user still logged in
                                            or files, even if not owned by the user
              -h, --help                    display this help message and exit
              -r, --remove                  remove home directory and mail spool
              -R, --root CHROOT_DIR         directory to chroot into
              -P, --prefix PREFIX_DIR       prefix directory where are located the /etc/* files
              -Z, --selinux-user            remove any SELinux user mapping for the user

            """;
    static final String USERADD_USAGE = """
            Usage: useradd [options] LOGIN
                   useradd -D
                   useradd -D [options]

            Options:
                  --badname                 do not check for bad names
              -b, --base-dir BASE_DIR       base directory for the home directory of the
                                            new account
                  --btrfs-subvolume-home    use BTRFS subvolume for home directory
              -c, --comment COMMENT         GECOS field of the new account
              -d, --home-dir HOME_DIR       home directory of the new account
              -D, --defaults                print or change default useradd configuration
              -e, --expiredate EXPIRE_DATE  expiration date of the new account
              -f, --inactive INACTIVE       password inactivity period of the new account
              -F, --add-subids-for-system   add entries to sub[ud]id even when adding a system user
              -g, --gid GROUP               name or ID of the primary group of the new
                                            account
              -G, --groups GROUPS           list of supplementary groups of the new
                                            account
              -h, --help                    display this help message and exit
              -k, --skel SKEL_DIR           use this alternative skeleton directory
              -K, --key KEY=VALUE           override /etc/login.defs defaults
              -l, --no-log-init             do not add the user to the lastlog and
                                            faillog databases
              -m, --create-home             create the user's home directory
              -M, --no-create-home          do not create the user's home directory
              -N, --no-user-group           do not create a group with the same name as
                                            the user
              -o, --non-unique              allow to create users with duplicate
                                            (non-unique) UID
              -p, --password PASSWORD       encrypted password of the new account
              -r, --system                  create a system account
              -R, --root CHROOT_DIR         directory to chroot into
              -P, --prefix PREFIX_DIR       prefix directory where are located the /etc/* files
              -s, --shell SHELL             login shell of the new account
              -u, --uid UID                 user ID of the new account
              -U, --user-group              create a group with the same name as the user
              -Z, --selinux-user SEUSER     use a specific SEUSER for the SELinux user mapping

            """;
    static final String DELUSER_USAGE = """
            deluser [--system] [--remove-home] [--remove-all-files] [--backup]
                    [--backup-to dir] [--backup-suffix str] [--conf file]
                    [--quiet] [--verbose] [--debug] user

              remove a normal user from the system

            deluser --group [--system] [--only-if-empty] [--conf file] [--quiet]
                    [--verbose] [--debug] group
            delgroup [--system] [--only-if-empty] [--conf file] [--quiet]
                     [--verbose] [--debug] group
              remove a group from the system

            deluser [--conf file] [--quiet] [--verbose] [--debug] user group
              remove the user from a group
            """;
    private static final String SHADOW_NAME = "[A-Za-z0-9_.][A-Za-z0-9_.-]*\\$?";
    private static final String DEBIAN_NAME = "[a-z][-a-z0-9_]*\\$?";
    private static final Path SKEL = Path.of("/etc/skel");

    private static final Set<String> ADDUSER_VALUES = Set.of("--gecos", "--comment", "--shell", "--home", "--uid",
            "--gid", "--ingroup", "--conf", "--firstuid", "--lastuid", "--firstgid", "--lastgid", "--add-extra-groups");

    private final ShimContext ctx;
    private final String prog;
    private final PrintStream out;
    private final PrintStream err;

    private Users(ShimContext ctx, String prog) {
        this.ctx = ctx;
        this.prog = prog;
        this.out = ctx.out();
        this.err = ctx.err();
    }

    /** Whether the caller acts as root: on a server, under sudo (which marks the environment as the real one does). */
    static boolean root(ShimContext ctx) {
        Map<String, String> env = ctx.env();
        return ctx.onServer() && "root".equals(env.get("USER")) && env.containsKey("SUDO_USER");
    }

    public static int main(String prog, List<String> args, ShimContext ctx) throws IOException {
        Users u = new Users(ctx, prog);
        return switch (prog) {
            case "userdel" -> u.userdel(args);
            case "useradd" -> u.useradd(args);
            case "deluser" -> u.deluser(args);
            case "adduser" -> u.adduser(args);
            default -> throw new IllegalArgumentException(prog);
        };
    }

    /** A command line the tool rejects: its complaint (unless null), then its usage text. */
    private int usage(String complaint, String usage, int exit) {
        if (complaint != null) err.println(complaint);
        err.print(usage);
        return exit;
    }

    private int lockFailure() {
        return ctx.fail(1, prog + ": Permission denied.", prog + ": cannot lock /etc/passwd; try again later.");
    }

    /** userdel's refusal to remove an account in use (the maintainer's: this very session; root's, always), or null. */
    private static String inUse(String name) {
        if (!name.equals(Hosts.USER) && !name.equals("root")) return null;
        long pid = name.equals("root") ? 1 : ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        return "userdel: user " + name + " is currently used by process " + pid;
    }

    private Path home(String serverPath) {
        return ctx.hosts().path(ctx.server(), serverPath);
    }

    private int userdel(List<String> args) throws IOException {
        boolean remove = false;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--remove" -> remove = true;
                case "--force", "--selinux-user" -> { }
                case "--help" -> {
                    out.print(USERDEL_USAGE);
                    return 0;
                }
                case "--root", "--prefix" -> i++;
                default -> {
                    if (!a.startsWith("-") || a.equals("-")) {
                        names.add(a);
                        continue;
                    }
                    for (int k = 1; k < a.length(); k++) {
                        char c = a.charAt(k);
                        if (c == 'r') remove = true;
                        else if (c == 'h') {
                            out.print(USERDEL_USAGE);
                            return 0;
                        } else if (c == 'R' || c == 'P') {
                            if (k == a.length() - 1) i++;
                            break;
                        } else if (c != 'f' && c != 'Z') {
                            return usage("userdel: invalid option -- '" + c + "'", USERDEL_USAGE, 2);
                        }
                    }
                }
            }
        }
        if (names.size() != 1) return usage(null, USERDEL_USAGE, 2);
        if (!root(ctx)) return lockFailure();
        String name = names.get(0);
        Accounts acc = Accounts.load(ctx);
        Optional<String[]> user = acc.user(name);
        if (user.isEmpty()) return ctx.fail(6, "userdel: user '" + name + "' does not exist");
        String busy = inUse(name);
        if (busy != null) return ctx.fail(8, busy);
        deleteAccount(acc, user.get());
        acc.save();
        if (remove) {
            err.println("userdel: " + name + " mail spool (/var/mail/" + name + ") not found");
            Path home = home(user.get()[5]);
            if (Files.isDirectory(home)) Copies.deleteTree(home);
            else err.println("userdel: " + name + " home directory (" + user.get()[5] + ") not found");
        }
        return 0;
    }

    /** Removes the account, its name from every group, and its own group when nobody else is in it. */
    private void deleteAccount(Accounts acc, String[] user) {
        String name = user[0];
        acc.users.remove(user);
        for (String[] g : acc.groups) Accounts.removeMember(g, name);
        acc.groups.stream().filter(g -> g[0].equals(name) && g[2].equals(user[3])).findFirst().ifPresent(g -> {
            if (Accounts.members(g).isEmpty()) acc.groups.remove(g);
            else err.println("userdel: group " + name + " not removed because it has other members.");
        });
    }

    private int useradd(List<String> args) throws IOException {
        boolean createHome = false;
        boolean userGroup = true;
        boolean badName = false;
        String shell = "/bin/sh";
        String homeDir = null;
        String comment = "";
        String primary = null;
        String uidArg = null;
        List<String> extra = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String inline = null;
            if (a.startsWith("--") && a.contains("=")) {
                inline = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            }
            String opt = switch (a) {
                case "--create-home" -> "m";
                case "--no-create-home" -> "M";
                case "--no-user-group" -> "N";
                case "--user-group" -> "U";
                case "--shell" -> "s";
                case "--home-dir" -> "d";
                case "--comment" -> "c";
                case "--gid" -> "g";
                case "--groups" -> "G";
                case "--uid" -> "u";
                case "--help" -> "h";
                case "--badname" -> "badname";
                default -> a.startsWith("--") ? "long" : null;
            };
            if (opt == null && (!a.startsWith("-") || a.equals("-"))) {
                names.add(a);
                continue;
            }
            if (opt == null) opt = a.substring(1);
            if (opt.equals("badname")) {
                badName = true;
                continue;
            }
            if (opt.equals("long")) {
                if (!a.contains("=") && i + 1 < args.size() && List.of("--base-dir", "--expiredate", "--inactive",
                        "--skel", "--key", "--password", "--root", "--prefix", "--selinux-user").contains(a)) i++;
                continue;
            }
            for (int k = 0; k < opt.length(); k++) {
                char c = opt.charAt(k);
                if ("sdcgGubefkKpRPZ".indexOf(c) >= 0) {
                    String value = k + 1 < opt.length() ? opt.substring(k + 1) : inline != null ? inline
                            : i + 1 < args.size() ? args.get(++i) : null;
                    if (value == null) {
                        return usage("useradd: option requires an argument -- '" + c + "'", USERADD_USAGE, 2);
                    }
                    switch (c) {
                        case 's' -> shell = value;
                        case 'd' -> homeDir = value;
                        case 'c' -> comment = value;
                        case 'g' -> primary = value;
                        case 'G' -> extra.addAll(List.of(value.split(",")));
                        case 'u' -> uidArg = value;
                        default -> { }
                    }
                    break;
                }
                switch (c) {
                    case 'm' -> createHome = true;
                    case 'M' -> createHome = false;
                    case 'N' -> userGroup = false;
                    case 'U', 'r', 'o', 'l', 'D' -> { }
                    case 'h' -> {
                        out.print(USERADD_USAGE);
                        return 0;
                    }
                    default -> {
                        return usage("useradd: invalid option -- '" + c + "'", USERADD_USAGE, 2);
                    }
                }
            }
        }
        if (names.size() != 1) return usage(null, USERADD_USAGE, 2);
        String name = names.get(0);
        if (!badName && (!name.matches(SHADOW_NAME) || name.matches("\\d+") || name.length() > 32)) {
            return ctx.fail(3, "useradd: invalid user name '" + name + "': use --badname to ignore");
        }
        if (!root(ctx)) return lockFailure();
        Accounts acc = Accounts.load(ctx);
        if (acc.user(name).isPresent()) return ctx.fail(9, "useradd: user '" + name + "' already exists");
        if (primary != null && acc.group(primary).isEmpty()) {
            return ctx.fail(6, "useradd: group '" + primary + "' does not exist");
        }
        for (String g : extra) {
            if (acc.group(g).isEmpty()) return ctx.fail(6, "useradd: group '" + g + "' does not exist");
        }
        if (primary == null && userGroup && acc.group(name).isPresent()) {
            return ctx.fail(9,
                    "useradd: group " + name + " exists - if you want to add this user to that group, use -g.");
        }
        int uid = acc.freeUid();
        if (uidArg != null) {
            if (!uidArg.matches("\\d{1,9}")) return ctx.fail(3, "useradd: invalid user ID '" + uidArg + "'");
            uid = Integer.parseInt(uidArg);
            final String u = uidArg;
            if (acc.users.stream().anyMatch(x -> x[2].equals(u))) {
                return ctx.fail(4, "useradd: UID " + uidArg + " is not unique");
            }
        }
        String gid;
        if (primary != null) gid = acc.group(primary).get()[2];
        else if (userGroup) {
            gid = Integer.toString(acc.freeGid(uid));
            acc.groups.add(new String[] {name, "x", gid, ""});
        } else gid = "100";
        String home = homeDir != null ? homeDir : "/home/" + name;
        acc.users.add(new String[] {name, "x", Integer.toString(uid), gid, comment, home, shell});
        for (String g : extra) Accounts.addMember(acc.group(g).get(), name);
        acc.save();
        if (createHome) {
            Path dir = home(home);
            if (Files.exists(dir)) {
                err.println("useradd: warning: the home directory " + home + " already exists.");
                err.println("useradd: Not copying any file from skel directory into it.");
            } else {
                makeHome(dir, "rwxr-xr-x");
            }
        }
        return 0;
    }

    private static void makeHome(Path dir, String mode) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        if (Files.isDirectory(SKEL)) {
            try (var files = Files.list(SKEL)) {
                for (Path f : files.toList()) {
                    if (Files.isRegularFile(f)) Files.copy(f, dir.resolve(f.getFileName().toString()));
                }
            }
        }
    }

    private int deluser(List<String> args) throws IOException {
        boolean removeHome = false;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                names.add(a);
                continue;
            }
            switch (a) {
                case "--remove-home", "--remove-all-files" -> removeHome = true;
                case "--system", "--backup", "--quiet", "--verbose", "--debug", "--only-if-empty", "--group" -> { }
                case "--backup-to", "--backup-suffix", "--conf" -> i++;
                case "--help" -> {
                    out.print(DELUSER_USAGE);
                    return 0;
                }
                default -> {
                    return usage("Unknown option: " + a.substring(2), DELUSER_USAGE, 1);
                }
            }
        }
        if (!root(ctx)) return ctx.fail(1, "deluser: Only root may remove a user or group from the system.");
        if (names.isEmpty() || names.size() > 2) return ctx.fail(1, "deluser: Only one or two names allowed.");
        Accounts acc = Accounts.load(ctx);
        String name = names.get(0);
        Optional<String[]> user = acc.user(name);
        if (user.isEmpty()) return ctx.fail(2, "deluser: The user `" + name + "' does not exist.");
        if (names.size() == 2) {
            String group = names.get(1);
            Optional<String[]> g = acc.group(group);
            if (g.isEmpty()) return ctx.fail(3, "deluser: The group `" + group + "' does not exist.");
            if (!Accounts.removeMember(g.get(), name)) {
                return ctx.fail(6, "deluser: The user `" + name + "' is not a member of group `" + group + "'.");
            }
            acc.save();
            out.println("Removing user `" + name + "' from group `" + group + "' ...");
            out.println("Done.");
            return 0;
        }
        String busy = inUse(name);
        if (busy != null) {
            out.println("Removing user `" + name + "' ...");
            err.println(busy);
            err.println("deluser: `/sbin/userdel " + name + "' returned error code 8. Exiting.");
            return 8;
        }
        if (removeHome) {
            out.println("Looking for files to backup/remove ...");
            out.println("Removing files ...");
            Path home = home(user.get()[5]);
            if (Files.isDirectory(home)) Copies.deleteTree(home);
        }
        out.println("Removing user `" + name + "' ...");
        deleteAccount(acc, user.get());
        acc.save();
        out.println("Done.");
        return 0;
    }

    private int adduser(List<String> args) throws IOException {
        boolean noPassword = false;
        boolean createHome = true;
        String gecos = null;
        String shell = "/bin/bash";
        String homeDir = null;
        String ingroup = null;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                names.add(a);
                continue;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
            if (ADDUSER_VALUES.contains(name) && value == null) value = i + 1 < args.size() ? args.get(++i) : "";
            switch (name) {
                case "--disabled-password", "--disabled-login" -> noPassword = true;
                case "--gecos", "--comment" -> gecos = value;
                case "--shell" -> shell = value;
                case "--home" -> homeDir = value;
                case "--ingroup" -> ingroup = value;
                case "--no-create-home" -> createHome = false;
                default -> { }
            }
        }
        if (!root(ctx)) return ctx.fail(1, "adduser: Only root may add a user or group to the system.");
        if (names.isEmpty() || names.size() > 2) return ctx.fail(1, "adduser: Only one or two names allowed.");
        Accounts acc = Accounts.load(ctx);
        String name = names.get(0);
        if (names.size() == 2) {
            String group = names.get(1);
            if (acc.user(name).isEmpty()) return ctx.fail(1, "adduser: The user `" + name + "' does not exist.");
            Optional<String[]> g = acc.group(group);
            if (g.isEmpty()) return ctx.fail(1, "adduser: The group `" + group + "' does not exist.");
            if (Accounts.members(g.get()).contains(name)) {
                return ctx.fail(0, "adduser: The user `" + name + "' is already a member of `" + group + "'.");
            }
            Accounts.addMember(g.get(), name);
            acc.save();
            out.println("Adding user `" + name + "' to group `" + group + "' ...");
            out.println("Done.");
            return 0;
        }
        if (acc.user(name).isPresent()) return ctx.fail(1, "adduser: The user `" + name + "' already exists.");
        if (!name.matches(DEBIAN_NAME)) {
            return ctx.fail(1, "adduser: Please enter a username matching the regular expression",
                    "            configured via the NAME_REGEX configuration variable.  Use the",
                    "            `--allow-bad-names' option to relax this check or reconfigure",
                    "            NAME_REGEX in configuration.");
        }
        int uid = acc.freeUid();
        String home = homeDir != null ? homeDir : "/home/" + name;
        out.println("Adding user `" + name + "' ...");
        String gid;
        if (ingroup != null && acc.group(ingroup).isPresent()) {
            gid = acc.group(ingroup).get()[2];
            out.println("Adding new user `" + name + "' (" + uid + ") with group `" + ingroup + "' ...");
        } else {
            gid = Integer.toString(acc.freeGid(uid));
            out.println("Adding new group `" + name + "' (" + gid + ") ...");
            acc.groups.add(new String[] {name, "x", gid, ""});
            out.println("Adding new user `" + name + "' (" + uid + ") with group `" + name + " (" + gid + ")' ...");
        }
        acc.users.add(new String[] {name, "x", Integer.toString(uid), gid, gecos == null ? ",,," : gecos + ",,,",
                home, shell});
        Path dir = home(home);
        if (createHome) {
            if (Files.exists(dir)) {
                out.println("The home directory `" + home + "' already exists.  Not copying from `/etc/skel'.");
            } else {
                out.println("Creating home directory `" + home + "' ...");
                out.println("Copying files from `/etc/skel' ...");
                makeHome(dir, "rwx------");
            }
        } else {
            out.println("Not creating home directory `" + home + "'.");
        }
        if (!noPassword) {
            // No terminal to read a password from: passwd gives up, as it does with the real adduser.
            out.print("New password: Password change has been aborted.\n");
            err.println("passwd: Authentication token manipulation error");
            err.println("passwd: password unchanged");
            out.print("Try again? [y/N] ");
        }
        if (gecos == null) {
            out.println("Changing the user information for " + name);
            out.println("Enter the new value, or press ENTER for the default");
            out.print("\tFull Name []: \tRoom Number []: \tWork Phone []: \tHome Phone []: \tOther []: ");
            out.print("Is the information correct? [Y/n] ");
        }
        Optional<String[]> users = acc.group("users");
        if (users.isEmpty()) err.println("adduser: The group `users' does not exist.");
        out.println("Adding new user `" + name + "' to supplemental / extra groups `users' ...");
        if (users.isPresent()) {
            out.println("Adding user `" + name + "' to group `users' ...");
            Accounts.addMember(users.get(), name);
        }
        acc.save();
        return 0;
    }
}
