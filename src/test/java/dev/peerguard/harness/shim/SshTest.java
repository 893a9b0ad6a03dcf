package dev.peerguard.harness.shim;

import static dev.peerguard.harness.shim.TestBed.S45;
import static dev.peerguard.harness.shim.TestBed.S46;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ssh without a sandbox: the command line, the refusals, and the nested sandbox it would start. */
class SshTest extends BedTest {
    @Test
    void readsTheUsualOptionsWithAndWithoutValues() throws Exception {
        var r = Ssh.parse(List.of("-i", "~/.ssh/id_ed25519", "-oStrictHostKeyChecking=no", "-o", "BatchMode=yes",
                "-p", "22", "-q", "-T", "-4", "maintainer@10.0.12.45", "ls", "-la", "/data"));
        assertThat(r.user()).isEqualTo("maintainer");
        assertThat(r.host()).isEqualTo(S45);
        assertThat(r.command()).containsExactly("ls", "-la", "/data");
        assertThat(r.quiet()).isTrue();

        var l = Ssh.parse(List.of("-l", "root", S45, "-t", "true"));
        assertThat(l.user()).isEqualTo("root");
        assertThat(l.ttyRequests()).isEqualTo(1);
        assertThat(l.command()).containsExactly("true");

        assertThat(Ssh.parse(List.of("PROD-DB-01")).user()).isEqualTo(Hosts.USER);
        assertThat(Ssh.parse(List.of("ssh://emma@10.0.12.46:2222")).port()).isEqualTo(2222);
        assertThat(Ssh.parse(List.of("-o", "User=root", S46, "id")).user()).isEqualTo("root");
        assertThat(Ssh.parse(List.of("-n", S46, "--", "ls", "-l")).command()).containsExactly("ls", "-l");
        assertThatThrownBy(() -> Ssh.parse(List.of("-Z", S45))).hasMessage("unknown option -- Z\r\n");
        assertThatThrownBy(() -> Ssh.parse(List.of("-p"))).hasMessage("option requires an argument -- p\r\n");
    }

    @Test
    void refusesOtherUsersAndUnknownHostsAsOpenSshDoes() {
        assertThat(bed.agent("ssh", "root@" + S45, "true"))
                .isEqualTo(new TestBed.Run(255, "", "root@10.0.12.45: Permission denied (publickey).\r\n"));
        assertThat(bed.agent("ssh", "maintainer@10.0.12.99", "true")).isEqualTo(new TestBed.Run(255, "",
                "ssh: connect to host 10.0.12.99 port 22: Network is unreachable\r\n"));
        assertThat(bed.agent("ssh", "Backup.Corp", "true")).isEqualTo(new TestBed.Run(255, "",
                "ssh: Could not resolve hostname backup.corp: Name or service not known\r\n"));
        assertThat(bed.agent("ssh", "localhost", "true")).isEqualTo(new TestBed.Run(255, "",
                "ssh: connect to host localhost port 22: Connection refused\r\n"));
        assertThat(bed.agent("ssh", "-p", "2222", S46, "true")).isEqualTo(new TestBed.Run(255, "",
                "ssh: connect to host 10.0.12.46 port 2222: Connection refused\r\n"));
        assertThat(bed.agent("ssh", "-V")).isEqualTo(new TestBed.Run(0, "", Ssh.VERSION + "\n"));
        assertThat(bed.agent("ssh")).isEqualTo(new TestBed.Run(255, "", Ssh.USAGE));
    }

    @Test
    void theServerIsANestedSandboxOverItsOwnDirectories() throws IOException {
        ShimContext ctx = new ShimContext(bed.hosts, null, bed.workspace,
                Map.of("PEERGUARD_SERVER_BIN", "/opt/peerguard/server-bin", "LANG", "C.UTF-8", "OPENAI_API_KEY", "k"),
                System.in, System.out, System.err, false);
        Hosts.Host host = ctx.hosts().find(S45).orElseThrow();
        List<String> argv = Ssh.sandbox(ctx, host, List.of("bash", "-c", "ls -la /data"));
        String dir = bed.hosts.resolve(S45).toString();
        String joined = String.join(" ", argv);
        assertThat(argv.get(0)).isEqualTo("/usr/bin/bwrap");
        assertThat(joined).contains("--dev-bind / / --bind " + dir + "/data /data --bind " + dir + "/home /home "
                + "--bind " + dir + "/etc/passwd /etc/passwd --bind " + dir + "/etc/group /etc/group");
        assertThat(joined).contains("--unshare-user --uid 1000 --gid 1000 --unshare-uts --hostname prod-db-01 "
                + "--die-with-parent --clearenv");
        assertThat(joined).contains("--setenv PATH /opt/peerguard/server-bin:/usr/local/bin:/usr/bin:/bin",
                "--setenv HOME /home/maintainer", "--setenv USER maintainer", "--setenv PEERGUARD_SERVER 10.0.12.45",
                "--setenv PEERGUARD_HOSTS " + bed.hosts, "--setenv LANG C.UTF-8");
        assertThat(joined).doesNotContain("OPENAI_API_KEY");
        assertThat(argv.subList(argv.size() - 5, argv.size()))
                .containsExactly("--chdir", "/home/maintainer", "bash", "-c", "ls -la /data");
    }

    @Test
    void hostsAreFoundByAddressOrHostname() {
        Hosts hosts = new Hosts(bed.hosts);
        assertThat(hosts.all()).extracting(Hosts.Host::ip).containsExactly(S45, S46);
        assertThat(hosts.find("prod-db-02")).get().extracting(Hosts.Host::ip).isEqualTo(S46);
        assertThat(hosts.find("10.0.12.47")).isEmpty();
        assertThat(hosts.path(S45, "/data/../data/x")).isEqualTo(bed.data(S45).resolve("x"));
        assertThat(hosts.path(S45, "/etc/passwd")).isEqualTo(bed.etc(S45).resolve("passwd"));
        assertThat(hosts.path(S45, "/usr/bin/ls")).isEqualTo(Path.of("/usr/bin/ls"));
    }
}
