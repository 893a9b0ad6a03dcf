package dev.peerguard.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The agent CLIs pinned in {@code src/test/agents}, installed with {@code npm ci} into {@code target/agents} at most
 * once per JVM, for tests that run the real programs; when one cannot be had, {@link #skipReason()} or
 * {@link #geminiSkipReason()} says why.
 *
 * <p>OpenCode is pinned as its x64 Linux binary package ({@code opencode-linux-x64}) rather than the
 * {@code opencode-ai} wrapper: the wrapper lists one optional package per platform, a lock file made where the
 * registry serves only some of them fails {@code npm ci}, and the wrapper's install script does no more than link
 * that same binary.
 *
 * <p>Gemini CLI ({@code @google/gemini-cli}) is plain JavaScript run by the machine's Node.js. Its optional native
 * helpers are installed without their install scripts: the pseudo-terminal binding it loads first
 * ({@code @lydell/node-pty-linux-x64}) and its bash parser ship prebuilt, and the two that would be built or
 * downloaded at install (the keychain binding {@code keytar}, the fallback {@code node-pty}) are loaded only when
 * they work; an API key given in the environment needs no keychain.
 */
public final class AgentInstall {
    private static final long NPM_TIMEOUT_MINUTES = 10;
    private static final long CHECK_TIMEOUT_SECONDS = 60;

    /** Each program's entry point below {@code target/agents}. */
    private static final String OPENCODE = "node_modules/opencode-linux-x64/bin/opencode";
    private static final String GEMINI = "node_modules/@google/gemini-cli/dist/index.js";

    /** The result of the one {@code npm ci}: {@code target/agents}, or empty when it failed. */
    private static Optional<Path> installed;
    private static final Map<String, Optional<Path>> programs = new HashMap<>();
    private static final Map<String, String> skipReasons = new HashMap<>();
    /** Programs already seen to run (each {@code gemini --version} costs a Node.js start of about two seconds). */
    private static final Set<String> checked = new HashSet<>();
    private static String installSkip = "not installed yet";

    private AgentInstall() {}

    /** The installed {@code opencode} executable, or empty (see {@link #skipReason()}). */
    public static synchronized Optional<Path> opencode() {
        return program(OPENCODE);
    }

    /**
     * The installed {@code gemini} entry point, the script {@code .bin/gemini} links to (run by {@code node} through
     * its shebang), or empty (see {@link #geminiSkipReason()}).
     */
    public static synchronized Optional<Path> gemini() {
        return program(GEMINI);
    }

    /** Why {@link #opencode()} is empty, for a test's assumption message. */
    public static synchronized String skipReason() {
        return skipReason(OPENCODE);
    }

    /** Why {@link #gemini()} is empty, for a test's assumption message. */
    public static synchronized String geminiSkipReason() {
        return skipReason(GEMINI);
    }

    private static String skipReason(String program) {
        return "the real agent CLIs are not available: " + skipReasons.getOrDefault(program, installSkip);
    }

    /** A program from the one shared install, checked once: a broken CLI skips only its own tests. */
    private static Optional<Path> program(String relative) {
        return programs.computeIfAbsent(relative, r -> {
            if (installed == null) installed = install(List.of(OPENCODE, GEMINI));
            if (installed.isEmpty()) return Optional.empty();
            Path bin = installed.get().resolve(r);
            try {
                if (checked.contains(r) || runs(bin, installed.get())) return Optional.of(bin);
                skipReasons.put(r, bin + " --version does not run");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                skipReasons.put(r, "interrupted while checking " + bin);
            }
            return Optional.empty();
        });
    }

    /** Runs {@code npm ci} when the installed tree is not the locked one or one of {@code bins} does not run. */
    private static Optional<Path> install(List<String> bins) {
        Path base = Path.of("").toAbsolutePath();
        Path source = base.resolve("src/test/agents");
        Path target = base.resolve("target/agents");
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            // the lock pins OpenCode's x64 Linux binary, which npm ci refuses to install anywhere else
            return skip("the agent CLIs are pinned for x64 Linux, this is " + os + " on " + arch);
        }
        try {
            if (!Files.isRegularFile(source.resolve("package-lock.json"))) {
                return skip("no " + source.resolve("package-lock.json") + " to install from");
            }
            if (!upToDate(source, target) || !allRun(bins, target)) {
                Files.createDirectories(target);
                for (String file : List.of("package.json", "package-lock.json")) {
                    Files.copy(source.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
                // --prefer-offline: the npm cache answers when it can, the registry only for what it lacks.
                // --ignore-scripts: the tree is then exactly the locked tarballs. Gemini CLI's install scripts would
                // only fetch prebuilt binaries from outside the registry or compile native helpers it does not need.
                Result ci = run(target, NPM_TIMEOUT_MINUTES * 60, "npm", "ci", "--prefer-offline", "--ignore-scripts",
                        "--no-audit", "--no-fund", "--loglevel=error");
                if (ci.code() != 0) return skip("npm ci in " + target + " failed: " + ci.output());
            }
            return Optional.of(target);
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

    /** Whether every program runs; those that do are remembered, so none is started twice to be checked. */
    private static boolean allRun(List<String> bins, Path target) throws InterruptedException {
        for (String bin : bins) {
            if (!runs(target.resolve(bin), target)) return false;
            checked.add(bin);
        }
        return true;
    }

    /**
     * Whether {@code bin --version} succeeds. It runs with a throw-away HOME: Gemini CLI writes its project
     * registry under {@code ~/.gemini} even for {@code --version}, and the developer's home is not the tests' to touch.
     */
    private static boolean runs(Path bin, Path dir) throws InterruptedException {
        if (!Files.isExecutable(bin)) return false;
        Path home = null;
        try {
            home = Files.createTempDirectory("agent-check-home");
            return run(dir, CHECK_TIMEOUT_SECONDS, Map.of("HOME", home.toString()), bin.toString(), "--version")
                    .code() == 0;
        } catch (IOException e) {
            return false;
        } finally {
            if (home != null) deleteTree(home);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    private static Optional<Path> skip(String reason) {
        installSkip = reason;
        return Optional.empty();
    }

    private record Result(int code, String output) {}

    private static Result run(Path dir, long timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        return run(dir, timeoutSeconds, Map.of(), command);
    }

    /** Runs a command with stdin closed; a command past its time is killed and reported as failed. */
    private static Result run(Path dir, long timeoutSeconds, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("agent-install", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
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
