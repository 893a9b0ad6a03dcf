package dev.peerguard.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The agent CLIs pinned in {@code src/test/agents}, installed with {@code npm ci} into {@code target/agents} at most
 * once per JVM, for tests that run the real programs; when they cannot be had, {@link #skipReason()} says why.
 *
 * <p>OpenCode is pinned as its x64 Linux binary package ({@code opencode-linux-x64}) rather than the
 * {@code opencode-ai} wrapper: the wrapper lists one optional package per platform, a lock file made where the
 * registry serves only some of them fails {@code npm ci}, and the wrapper's install script does no more than link
 * that same binary.
 */
final class AgentInstall {
    private static final long NPM_TIMEOUT_MINUTES = 10;
    private static final long CHECK_TIMEOUT_SECONDS = 60;

    private static Optional<Path> opencode;
    private static String skipReason = "not installed yet";

    private AgentInstall() {}

    /** The installed {@code opencode} executable, or empty (see {@link #skipReason()}). */
    static synchronized Optional<Path> opencode() {
        if (opencode == null) opencode = install();
        return opencode;
    }

    /** Why {@link #opencode()} is empty, for a test's assumption message. */
    static synchronized String skipReason() {
        return skipReason;
    }

    private static Optional<Path> install() {
        Path base = Path.of("").toAbsolutePath();
        Path source = base.resolve("src/test/agents");
        Path target = base.resolve("target/agents");
        Path bin = target.resolve("node_modules/opencode-linux-x64/bin/opencode");
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return skip("OpenCode is pinned for x64 Linux, this is " + os + " on " + arch);
        }
        try {
            if (!Files.isRegularFile(source.resolve("package-lock.json"))) {
                return skip("no " + source.resolve("package-lock.json") + " to install from");
            }
            if (!upToDate(source, target) || !runs(bin, target)) {
                Files.createDirectories(target);
                for (String file : List.of("package.json", "package-lock.json")) {
                    Files.copy(source.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
                // --prefer-offline: the npm cache answers when it can, the registry only for what it lacks
                Result ci = run(target, NPM_TIMEOUT_MINUTES * 60, "npm", "ci", "--prefer-offline", "--no-audit",
                        "--no-fund", "--loglevel=error");
                if (ci.code() != 0) return skip("npm ci in " + target + " failed: " + ci.output());
            }
            if (!runs(bin, target)) return skip(bin + " --version does not run");
            return Optional.of(bin);
        } catch (IOException e) {
            return skip("cannot run npm or node (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return skip("interrupted while installing the agent CLIs");
        }
    }

    private static boolean upToDate(Path source, Path target) throws IOException {
        Path installed = target.resolve("package-lock.json");
        return Files.isRegularFile(installed) && Files.isDirectory(target.resolve("node_modules"))
                && Files.mismatch(source.resolve("package-lock.json"), installed) == -1;
    }

    private static boolean runs(Path bin, Path dir) throws InterruptedException {
        if (!Files.isExecutable(bin)) return false;
        try {
            return run(dir, CHECK_TIMEOUT_SECONDS, bin.toString(), "--version").code() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> skip(String reason) {
        skipReason = "the real agent CLIs are not available: " + reason;
        return Optional.empty();
    }

    private record Result(int code, String output) {}

    /** Runs a command with stdin closed; a command past its time is killed and reported as failed. */
    private static Result run(Path dir, long timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("agent-install", ".log");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " took longer than " + timeoutSeconds + " s");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return new Result(process.exitValue(), tail(output));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String tail(String output) {
        String trimmed = output.strip();
        return trimmed.length() <= 2000 ? trimmed : "..." + trimmed.substring(trimmed.length() - 2000);
    }
}
