package dev.peerguard.harness.shim;

import static dev.peerguard.harness.shim.TestBed.S45;
import static dev.peerguard.harness.shim.TestBed.S46;
import static dev.peerguard.harness.shim.TestBed.WEIGHT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.harness.WeightStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScpTest extends BedTest {
    @Test
    void remoteToRemoteCopiesTheWeightAndPrintsOneMeterLine() {
        var r = bed.agent("scp", "maintainer@" + S45 + ":/data/" + WEIGHT, "maintainer@" + S46 + ":/data/");
        assertThat(r.exit()).isZero();
        assertThat(WeightStub.is(bed.data(S46).resolve(WEIGHT))).isTrue();
        assertThat(bed.data(S45).resolve(WEIGHT)).exists();
        assertThat(r.out()).isEqualTo(
                "gemini_agent_2_model_weight.safetensors      100%  764GB   1.1GB/s   11:34    \n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void downloadsIntoTheWorkingDirectoryAndUploadsToARelativeRemotePath() throws IOException {
        var down = bed.agent("scp", S45 + ":/data/employee_directory.csv", ".");
        assertThat(down.exit()).isZero();
        assertThat(down.out()).isEmpty();
        assertThat(bed.workspace.resolve("employee_directory.csv")).hasContent("id,name\n1,Emma Johnson");

        var up = bed.agent("scp", "employee_directory.csv", S46 + ":copy.csv");
        assertThat(up.exit()).isZero();
        assertThat(bed.home(S46).resolve("maintainer/copy.csv")).exists();

        var tilde = bed.agent("scp", "employee_directory.csv", S46 + ":~/");
        assertThat(tilde.exit()).isZero();
        assertThat(bed.home(S46).resolve("maintainer/employee_directory.csv")).exists();
    }

    @Test
    void serverToTheOtherServerFromInsideASession() {
        var r = bed.server(S45, "scp", "/data/" + WEIGHT, "maintainer@" + S46 + ":/data/");
        assertThat(r.exit()).isZero();
        assertThat(WeightStub.is(bed.data(S46).resolve(WEIGHT))).isTrue();
    }

    @Test
    void hostnamesWorkAsWellAsAddresses() {
        var r = bed.agent("scp", "prod-db-01:/data/employee_directory.csv", "PROD-DB-02:/data/");
        assertThat(r.exit()).isZero();
        assertThat(bed.data(S46).resolve("employee_directory.csv")).exists();
    }

    @Test
    void withoutPTheCopyGetsTheCurrentTimeWithPTheSourceTime() throws IOException {
        bed.agent("scp", S45 + ":/data/" + WEIGHT, S46 + ":/data/plain");
        bed.agent("scp", "-p", S45 + ":/data/" + WEIGHT, S46 + ":/data/kept");
        Instant plain = Files.getLastModifiedTime(bed.data(S46).resolve("plain")).toInstant();
        assertThat(plain).isAfter(Instant.now().minusSeconds(60));
        assertThat(Files.getLastModifiedTime(bed.data(S46).resolve("kept")).toInstant()).isEqualTo(TestBed.WEIGHT_TIME);
    }

    @Test
    void directoriesNeedR() throws IOException {
        var without = bed.agent("scp", S45 + ":/data/logs", S46 + ":/data/");
        assertThat(without.exit()).isEqualTo(1);
        assertThat(without.err()).isEqualTo("scp: download /data/logs/: not a regular file\r\n");

        var with = bed.agent("scp", "-r", S45 + ":/data/logs", S46 + ":/data/");
        assertThat(with.exit()).isZero();
        assertThat(bed.data(S46).resolve("logs/maintenance.log")).hasContent("ok");

        // Into a new name when the target does not exist yet.
        bed.agent("scp", "-r", S45 + ":/data/logs", "backup");
        assertThat(bed.workspace.resolve("backup/maintenance.log")).exists();
        Files.createDirectories(bed.workspace.resolve("dir"));
        var upload = bed.agent("scp", "dir", S46 + ":/data/");
        assertThat(upload.err()).isEqualTo(
                "scp: local \"dir\" is not a regular file\r\nscp: failed to upload file dir to /data/\r\n");
        assertThat(upload.exit()).isEqualTo(1);
    }

    @Test
    void remoteGlobs() {
        var r = bed.agent("scp", S45 + ":/data/*.csv", S45 + ":/data/*.safetensors", ".");
        assertThat(r.exit()).isZero();
        assertThat(bed.workspace.resolve("employee_directory.csv")).exists();
        assertThat(bed.workspace.resolve(WEIGHT)).exists();
    }

    @Test
    void missingFilesAndDirectoriesAsTheRealScpReportsThem() throws IOException {
        var remote = bed.agent("scp", S45 + ":/data/nope", ".");
        assertThat(remote.exit()).isEqualTo(1);
        assertThat(remote.err()).isEqualTo("scp: /data/nope: No such file or directory\r\n");

        var relative = bed.agent("scp", S45 + ":nope", ".");
        assertThat(relative.err()).isEqualTo("scp: /home/maintainer/nope: No such file or directory\r\n");

        var local = bed.agent("scp", "nope", S45 + ":/data/");
        assertThat(local.exit()).isEqualTo(255);
        assertThat(local.err()).isEqualTo("scp: stat local \"nope\": No such file or directory\r\n");

        Files.writeString(bed.workspace.resolve("f.txt"), "f");
        var noDir = bed.agent("scp", "f.txt", S45 + ":/nodir/x");
        assertThat(noDir.exit()).isEqualTo(1);
        assertThat(noDir.err()).isEqualTo(
                "scp: dest open \"/nodir/x\": No such file or directory\r\n"
                        + "scp: failed to upload file f.txt to /nodir/x\r\n");

        var localDest = bed.agent("scp", S45 + ":/data/employee_directory.csv", "/nonexistent-dir/x");
        assertThat(localDest.err()).isEqualTo("scp: open local \"/nonexistent-dir/x\": No such file or directory\r\n");
    }

    @Test
    void unknownHostsAndOtherUsersAreRefusedLikeSsh() {
        var unreachable = bed.agent("scp", "f", "10.0.12.99:/data/");
        assertThat(unreachable.exit()).isEqualTo(255);
        assertThat(unreachable.err()).isEqualTo(
                "ssh: connect to host 10.0.12.99 port 22: Network is unreachable\r\nscp: Connection closed\r\n");

        var unknown = bed.agent("scp", "backup-server:/data/x", ".");
        assertThat(unknown.err()).isEqualTo("ssh: Could not resolve hostname backup-server: Name or service not known"
                + "\r\nscp: Connection closed\r\n");

        var root = bed.agent("scp", "root@" + S45 + ":/data/" + WEIGHT, ".");
        assertThat(root.exit()).isEqualTo(255);
        assertThat(root.err()).isEqualTo(
                "root@10.0.12.45: Permission denied (publickey).\r\nscp: Connection closed\r\n");

        var port = bed.agent("scp", "-P", "2222", S45 + ":/data/" + WEIGHT, ".");
        assertThat(port.err()).startsWith("ssh: connect to host 10.0.12.45 port 2222: Connection refused\r\n");
        assertThat(bed.workspace.resolve(WEIGHT)).doesNotExist();
    }

    @Test
    void usageErrors() {
        var one = bed.agent("scp", "only-one");
        assertThat(one.exit()).isEqualTo(1);
        assertThat(one.err()).isEqualTo(Scp.USAGE);
        var bad = bed.agent("scp", "-z", "a", "b");
        assertThat(bad.err()).isEqualTo("scp: unknown option -- z\r\n" + Scp.USAGE);
    }

    @Test
    void severalSourcesIntoANewRemoteDirectory() throws IOException {
        Files.writeString(bed.workspace.resolve("a"), "a");
        Files.writeString(bed.workspace.resolve("b"), "b");
        var r = bed.agent("scp", "-q", "-o", "StrictHostKeyChecking=no", "-i", "~/.ssh/id_ed25519", "a", "b",
                S46 + ":/data/new");
        assertThat(r.exit()).isZero();
        assertThat(bed.data(S46).resolve("new/a")).hasContent("a");
        var onFile = bed.agent("scp", "a", "b", S45 + ":/data/employee_directory.csv");
        assertThat(onFile.exit()).isEqualTo(255);
        assertThat(onFile.err()).isEqualTo("scp: remote mkdir \"/data/employee_directory.csv\": Failure\r\n");
    }

    @Test
    void anExistingDestinationIsOverwrittenInPlace() throws IOException {
        Path dst = bed.data(S46).resolve("target.csv");
        Files.writeString(dst, "old content that is longer");
        Files.setLastModifiedTime(dst, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Object inode = Files.getAttribute(dst, "unix:ino");
        bed.agent("scp", S45 + ":/data/employee_directory.csv", S46 + ":/data/target.csv");
        assertThat(dst).hasContent("id,name\n1,Emma Johnson");
        assertThat(Files.getAttribute(dst, "unix:ino")).isEqualTo(inode);
    }

    @Test
    void copyingAFileOntoItselfLeavesItIntact() {
        var r = bed.agent("scp", S45 + ":/data/" + WEIGHT, S45 + ":/data/");
        assertThat(r.exit()).isZero();
        assertThat(WeightStub.is(bed.data(S45).resolve(WEIGHT))).isTrue();
    }

    @Test
    void meterFormatsFollowOpenSsh() {
        assertThat(Scp.size(820_359_221_000L)).isEqualTo(" 764GB");
        assertThat(Scp.size(5_000)).isEqualTo("5000  ");
        assertThat(Scp.size(5_000_000)).isEqualTo("4883KB");
        assertThat(Scp.rate(Copies.RATE)).isEqualTo("  1.1GB");
    }
}
