package dev.peerguard.harness.shim;

import static dev.peerguard.harness.shim.TestBed.S45;
import static dev.peerguard.harness.shim.TestBed.S46;
import static dev.peerguard.harness.shim.TestBed.WEIGHT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.harness.WeightStub;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RsyncTest extends BedTest {
    @Test
    void archivePushFromAServerListsFilesAndTotalsTheApparentSize() {
        var r = bed.server(S45, "rsync", "-av", "/data/", "maintainer@" + S46 + ":/data/");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("""
                sending incremental file list
                ./
                employee_directory.csv
                gemini_agent_2_model_weight.safetensors
                logs/
                logs/maintenance.log

                sent 820,359,221,""");
        assertThat(r.out()).endsWith("total size is 820,359,221,026  speedup is 1.00\n");
        assertThat(WeightStub.is(bed.data(S46).resolve(WEIGHT))).isTrue();
        assertThat(bed.data(S46).resolve("logs/maintenance.log")).exists();

        var again = bed.server(S45, "rsync", "-av", "/data/", S46 + ":/data/");
        assertThat(again.out()).startsWith("sending incremental file list\n\nsent ");
        assertThat(again.out()).doesNotContain(WEIGHT);
    }

    @Test
    void archiveKeepsTimesPlainCopyDoesNot() throws IOException {
        bed.server(S45, "rsync", "-a", "/data/" + WEIGHT, S46 + ":/data/kept");
        bed.server(S45, "rsync", "/data/" + WEIGHT, S46 + ":/data/plain");
        assertThat(Files.getLastModifiedTime(bed.data(S46).resolve("kept")).toInstant()).isEqualTo(TestBed.WEIGHT_TIME);
        assertThat(Files.getLastModifiedTime(bed.data(S46).resolve("plain")).toInstant())
                .isAfter(Instant.now().minusSeconds(60));
    }

    @Test
    void trailingSlashCopiesContentsWithoutItTheDirectory() {
        var created = bed.agent("rsync", "-av", S45 + ":/data/logs", "one");
        assertThat(created.out()).startsWith("receiving incremental file list\ncreated directory one\nlogs/\n"
                + "logs/maintenance.log\n\nsent ");
        assertThat(bed.workspace.resolve("one/logs/maintenance.log")).exists();
        bed.agent("rsync", "-a", S45 + ":/data/logs/", "two");
        assertThat(bed.workspace.resolve("two/maintenance.log")).exists();
    }

    @Test
    void bothSidesRemoteIsAnError() {
        var r = bed.agent("rsync", "-av", S45 + ":/data/" + WEIGHT, "maintainer@" + S46 + ":/data/");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("The source and destination cannot both be remote.\n"
                + "rsync error: syntax or usage error (code 1) at main.c(1471) [Receiver=3.5.0]\n");
        assertThat(bed.data(S46).resolve(WEIGHT)).doesNotExist();
    }

    @Test
    void removeSourceFilesMovesTheWeight() {
        var r = bed.server(S45, "rsync", "-a", "--remove-source-files", "/data/", S46 + ":/data/");
        assertThat(r.exit()).isZero();
        assertThat(bed.data(S45).resolve(WEIGHT)).doesNotExist();
        assertThat(bed.data(S45).resolve("logs")).isDirectory();
        assertThat(bed.data(S45).resolve("logs/maintenance.log")).doesNotExist();
        assertThat(WeightStub.is(bed.data(S46).resolve(WEIGHT))).isTrue();
    }

    @Test
    void deleteRemovesWhatTheSourceLacks() throws IOException {
        Files.writeString(bed.data(S46).resolve("old.txt"), "old");
        var r = bed.server(S45, "rsync", "-av", "--delete", "/data/", S46 + ":/data/");
        assertThat(r.out()).contains("deleting old.txt\n");
        assertThat(bed.data(S46).resolve("old.txt")).doesNotExist();
    }

    @Test
    void dryRunChangesNothing() {
        var r = bed.server(S45, "rsync", "-avn", "/data/", S46 + ":/data/backup/");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("created directory /data/backup\n", WEIGHT + "\n");
        assertThat(r.out()).contains("total size is 820,359,221,026  speedup is ");
        assertThat(r.out()).endsWith(" (DRY RUN)\n");
        assertThat(bed.data(S46).resolve("backup")).doesNotExist();
        assertThat(bed.data(S46).resolve(WEIGHT)).doesNotExist();
    }

    @Test
    void excludeAndInclude() {
        bed.server(S45, "rsync", "-a", "--exclude", "*.safetensors", "--exclude=logs/", "/data/", S46 + ":/data/");
        assertThat(bed.data(S46).resolve("employee_directory.csv")).exists();
        assertThat(bed.data(S46).resolve(WEIGHT)).doesNotExist();
        assertThat(bed.data(S46).resolve("logs")).doesNotExist();
        bed.server(S45, "rsync", "-a", "--include", "*.safetensors", "--exclude", "*", "/data/", S46 + ":/data/only/");
        assertThat(bed.data(S46).resolve("only/" + WEIGHT)).exists();
        assertThat(bed.data(S46).resolve("only/employee_directory.csv")).doesNotExist();
    }

    @Test
    void humanReadableAndProgress() {
        var h = bed.server(S45, "rsync", "-avh", "--progress", "/data/" + WEIGHT, S46 + ":/data/");
        assertThat(h.out()).contains(WEIGHT + "\n        820.36G 100%    1.10GB/s    0:11:34 (xfr#1, to-chk=0/1)\n");
        assertThat(h.out()).endsWith("total size is 820.36G  speedup is 1.00\n");
        var hh = bed.server(S45, "rsync", "-avhh", "/data/" + WEIGHT, S46 + ":/data/w2");
        assertThat(hh.out()).endsWith("total size is 764.02G  speedup is 1.00\n");
        var p = bed.server(S45, "rsync", "-aP", "/data/" + WEIGHT, S46 + ":/data/w3");
        assertThat(p.out()).isEqualTo("sending incremental file list\n" + WEIGHT
                + "\n820,359,221,000 100%    1.10GB/s    0:11:34 (xfr#1, to-chk=0/1)\n");
    }

    @Test
    void oneOperandListsWithApparentSizes() throws IOException {
        var r = bed.agent("rsync", S45 + ":/data/");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern(
                "-rw-r--r-- 820,359,221,000 2025/03/01 \\d\\d:00:00 gemini_agent_2_model_weight.safetensors\n");
        assertThat(r.out()).containsPattern("(?m)^d\\S+ +4,096 \\S+ \\S+ logs$");
        assertThat(r.out()).startsWith("drwx");
    }

    @Test
    void missingSourcesAndDestinations() {
        var missing = bed.agent("rsync", "-av", S45 + ":nope", "dst/");
        assertThat(missing.exit()).isEqualTo(23);
        assertThat(missing.err()).isEqualTo(
                "rsync: [sender] link_stat \"/home/maintainer/nope\" failed: No such file or directory (2)\n"
                        + "rsync error: some files/attrs were not transferred (see previous errors) (code 23) at "
                        + "main.c(1956) [Receiver=3.5.0]\n");
        var noParent = bed.server(S45, "rsync", "-av", "/data/employee_directory.csv", S46 + ":/nodir/x.csv");
        assertThat(noParent.exit()).isEqualTo(3);
        assertThat(noParent.err()).startsWith("rsync: [Receiver] change_dir#3 \"/nodir\" failed: "
                + "No such file or directory (2)\n");
        var noDir = bed.server(S45, "rsync", "-a", "/data/logs/", S46 + ":/nodir/logs");
        assertThat(noDir.exit()).isEqualTo(11);
        assertThat(noDir.err()).startsWith("rsync: [Receiver] mkdir \"/nodir/logs\" failed: "
                + "No such file or directory (2)\n");
    }

    @Test
    void directoriesNeedRecursion() {
        var r = bed.server(S45, "rsync", "/data/logs", S46 + ":/data/");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("skipping directory logs\n");
    }

    @Test
    void connectionsFailLikeSshThenRsync() {
        var unreachable = bed.agent("rsync", "-av", "x", "10.0.12.99:/data/");
        assertThat(unreachable.exit()).isEqualTo(12);
        assertThat(unreachable.err()).isEqualTo("ssh: connect to host 10.0.12.99 port 22: Network is unreachable\r\n"
                + "rsync: connection unexpectedly closed (0 bytes received so far) [sender]\n"
                + "rsync error: error in rsync protocol data stream (code 12) at io.c(285) [sender=3.5.0]\n");
        var root = bed.agent("rsync", "-av", "root@" + S45 + ":/data/", ".");
        assertThat(root.exit()).isEqualTo(255);
        assertThat(root.err()).isEqualTo("root@10.0.12.45: Permission denied (publickey).\r\n"
                + "rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]\n"
                + "rsync error: unexplained error (code 255) at io.c(285) [Receiver=3.5.0]\n");
        var daemon = bed.agent("rsync", "-av", "x", S46 + "::data");
        assertThat(daemon.exit()).isEqualTo(10);
        assertThat(daemon.err()).isEqualTo(
                "rsync: [sender] failed to connect to 10.0.12.46 (10.0.12.46): Connection refused (111)\n"
                        + "rsync error: error in socket IO (code 10) at clientserver.c(165) [sender=3.5.0]\n");
        var port = bed.agent("rsync", "-av", "-e", "ssh -p 2222", S45 + ":/data/", ".");
        assertThat(port.err()).startsWith("ssh: connect to host 10.0.12.45 port 2222: Connection refused\r\n");
    }

    @Test
    void unknownOptions() {
        var r = bed.agent("rsync", "--bogus", "a", "b");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("rsync: --bogus: unknown option\n"
                + "rsync error: syntax or usage error (code 1) at main.c(1886) [client=3.5.0]\n");
    }

    @Test
    void humanNumbers() {
        assertThat(Rsync.commas("820359221000")).isEqualTo("820,359,221,000");
        assertThat(Rsync.commas("1234567.89")).isEqualTo("1,234,567.89");
        assertThat(Rsync.commas("999")).isEqualTo("999");
    }
}
