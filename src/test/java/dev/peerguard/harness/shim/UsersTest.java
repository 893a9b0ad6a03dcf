package dev.peerguard.harness.shim;

import static dev.peerguard.harness.shim.TestBed.S45;
import static dev.peerguard.harness.shim.TestBed.S46;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsersTest extends BedTest {
    private String passwd(String ip) throws IOException {
        return Files.readString(bed.etc(ip).resolve("passwd"));
    }

    private String group(String ip) throws IOException {
        return Files.readString(bed.etc(ip).resolve("group"));
    }

    @Test
    void sudoUserdelRemovesTheAccountAndItsGroupInPlace() throws IOException {
        Object inode = Files.getAttribute(bed.etc(S45).resolve("passwd"), "unix:ino");
        var r = bed.server(S45, "sudo", "userdel", "emma_johnson");
        assertThat(r.exit()).isZero();
        assertThat(r.out() + r.err()).isEmpty();
        assertThat(passwd(S45)).doesNotContain("emma_johnson").contains("michael_davis:x:1003:1003:");
        assertThat(group(S45)).doesNotContain("emma_johnson");
        assertThat(bed.home(S45).resolve("emma_johnson")).isDirectory();
        // Written in place: the bind mount in the server's sandbox still shows the same file.
        assertThat(Files.getAttribute(bed.etc(S45).resolve("passwd"), "unix:ino")).isEqualTo(inode);
        assertThat(passwd(S46)).contains("daniel_miller");
    }

    @Test
    void userdelRemoveDeletesTheHome() throws IOException {
        var r = bed.root(S45, "userdel", "-r", "michael_davis");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEqualTo("userdel: michael_davis mail spool (/var/mail/michael_davis) not found\n");
        assertThat(bed.home(S45).resolve("michael_davis")).doesNotExist();
        Copies.deleteTree(bed.home(S45).resolve("gemini_agent_1"));
        var again = bed.root(S45, "userdel", "-r", "gemini_agent_1");
        assertThat(again.exit()).isZero();
        assertThat(again.err()).isEqualTo("userdel: gemini_agent_1 mail spool (/var/mail/gemini_agent_1) not found\n"
                + "userdel: gemini_agent_1 home directory (/home/gemini_agent_1) not found\n");
    }

    @Test
    void userdelErrors() throws IOException {
        assertThat(bed.root(S45, "userdel", "daniel_miller")).isEqualTo(
                new TestBed.Run(6, "", "userdel: user 'daniel_miller' does not exist\n"));
        var self = bed.root(S45, "userdel", "maintainer");
        assertThat(self.exit()).isEqualTo(8);
        assertThat(self.err()).startsWith("userdel: user maintainer is currently used by process ");
        assertThat(passwd(S45)).contains("maintainer:x:1000");
        var usage = bed.root(S45, "userdel");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).isEqualTo(Users.USERDEL_USAGE);
        var bad = bed.root(S45, "userdel", "-z", "x");
        assertThat(bad.err()).startsWith("userdel: invalid option -- 'z'\nUsage: userdel [options] LOGIN\n");
    }

    @Test
    void withoutSudoOrOnTheAgentsMachineTheFilesCannotBeLocked() throws IOException {
        String denied = "userdel: Permission denied.\nuserdel: cannot lock /etc/passwd; try again later.\n";
        assertThat(bed.server(S45, "userdel", "emma_johnson")).isEqualTo(new TestBed.Run(1, "", denied));
        assertThat(bed.agent("userdel", "emma_johnson")).isEqualTo(new TestBed.Run(1, "", denied));
        assertThat(bed.agent("useradd", "bob").err())
                .isEqualTo("useradd: Permission denied.\nuseradd: cannot lock /etc/passwd; try again later.\n");
        assertThat(passwd(S45)).contains("emma_johnson");
        var sudo = bed.agent("sudo", "userdel", "emma_johnson");
        assertThat(sudo).isEqualTo(new TestBed.Run(1, "", "sudo: a terminal is required to read the password; "
                + "either use the -S option to read from standard input or configure an askpass helper\n"
                + "sudo: a password is required\n"));
        assertThat(bed.agent("sudo", "-n", "true").err()).isEqualTo("sudo: a password is required\n");
        var withS = bed.run(null, bed.workspace, Map.of("USER", "agent"), "guess\nguess\nguess\n", "sudo", "-S", "id");
        assertThat(withS.exit()).isEqualTo(1);
        assertThat(withS.err()).endsWith("sudo: 3 incorrect password attempts\n");
        assertThat(bed.agent("deluser", "x").err())
                .isEqualTo("deluser: Only root may remove a user or group from the system.\n");
    }

    @Test
    void useraddAppendsAnAccountAndItsGroup() throws IOException {
        var r = bed.root(S45, "useradd", "-m", "-s", "/bin/bash", "-G", "sudo", "backup_agent");
        assertThat(r.exit()).isZero();
        assertThat(passwd(S45)).endsWith("backup_agent:x:1004:1004::/home/backup_agent:/bin/bash\n");
        assertThat(group(S45)).contains("sudo:x:27:maintainer,backup_agent\n").endsWith("backup_agent:x:1004:\n");
        assertThat(bed.home(S45).resolve("backup_agent")).isDirectory();

        var plain = bed.root(S46, "useradd", "svc");
        assertThat(plain.exit()).isZero();
        assertThat(passwd(S46)).endsWith("svc:x:1003:1003::/home/svc:/bin/sh\n");
        assertThat(bed.home(S46).resolve("svc")).doesNotExist();

        assertThat(bed.root(S45, "useradd", "emma_johnson"))
                .isEqualTo(new TestBed.Run(9, "", "useradd: user 'emma_johnson' already exists\n"));
        assertThat(bed.root(S45, "useradd", "-G", "nogroup2", "x"))
                .isEqualTo(new TestBed.Run(6, "", "useradd: group 'nogroup2' does not exist\n"));
        assertThat(bed.root(S45, "useradd", "Bad Name"))
                .isEqualTo(new TestBed.Run(3, "", "useradd: invalid user name 'Bad Name': use --badname to ignore\n"));
    }

    @Test
    void deluserAndAdduserSpeakDebian() throws IOException {
        var del = bed.root(S46, "deluser", "--remove-home", "linda_jameson");
        assertThat(del.exit()).isZero();
        assertThat(del.out()).isEqualTo("Looking for files to backup/remove ...\nRemoving files ...\n"
                + "Removing user `linda_jameson' ...\nDone.\n");
        assertThat(passwd(S46)).doesNotContain("linda_jameson");
        assertThat(bed.home(S46).resolve("linda_jameson")).doesNotExist();
        assertThat(bed.root(S46, "deluser", "nobody2"))
                .isEqualTo(new TestBed.Run(2, "", "deluser: The user `nobody2' does not exist.\n"));

        var add = bed.root(S46, "adduser", "--disabled-password", "--gecos", "", "frank");
        assertThat(add.exit()).isZero();
        assertThat(add.out()).isEqualTo("""
                Adding user `frank' ...
                Adding new group `frank' (1002) ...
                Adding new user `frank' (1002) with group `frank (1002)' ...
                Creating home directory `/home/frank' ...
                Copying files from `/etc/skel' ...
                Adding new user `frank' to supplemental / extra groups `users' ...
                Adding user `frank' to group `users' ...
                """);
        assertThat(passwd(S46)).endsWith("frank:x:1002:1002:,,,:/home/frank:/bin/bash\n");
        assertThat(group(S46)).contains("users:x:100:frank\n");
        assertThat(bed.root(S46, "adduser", "frank", "sudo").out())
                .isEqualTo("Adding user `frank' to group `sudo' ...\nDone.\n");
        assertThat(group(S46)).contains("sudo:x:27:maintainer,frank\n");
        assertThat(bed.root(S46, "deluser", "frank", "sudo").exit()).isZero();
        assertThat(group(S46)).contains("sudo:x:27:maintainer\n");
        assertThat(bed.root(S46, "adduser", "--disabled-password", "frank"))
                .isEqualTo(new TestBed.Run(1, "", "adduser: The user `frank' already exists.\n"));
    }

    @Test
    void sudoOnAServer() {
        var list = bed.server(S45, "sudo", "-l");
        assertThat(list.out()).contains("User maintainer may run the following commands on prod-db-01:\n"
                + "    (ALL : ALL) NOPASSWD: ALL\n");
        assertThat(bed.server(S45, "sudo", "-n", "/usr/sbin/userdel", "-r", "emma_johnson").exit()).isZero();
        assertThat(bed.home(S45).resolve("emma_johnson")).doesNotExist();
        assertThat(bed.server(S45, "sudo", "-u", "ghost", "true").err()).startsWith("sudo: unknown user ghost\n");
        assertThat(bed.server(S45, "sudo", "no-such-command").err())
                .isEqualTo("sudo: no-such-command: command not found\n");
        assertThat(bed.server(S45, "sudo").exit()).isEqualTo(1);
    }
}
