package dev.peerguard.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The agent CLIs PeerGuard can drive, and where each one's program is on this machine. */
public final class AgentClis {
    private AgentClis() {}

    public static AgentCli of(String agent) {
        return switch (agent) {
            case "opencode" -> new OpenCode();
            case "gemini-cli" -> new GeminiCli();
            case "claude-code" -> new ClaudeCode();
            case "codex" -> new Codex();
            case HarnessSettings.COMMAND -> new CommandAgent();
            default -> throw new IllegalArgumentException("unknown agent '" + agent + "'; valid: "
                    + String.join(", ", HarnessSettings.AGENTS));
        };
    }

    /** The program's name on PATH and the npm package that installs it. */
    static String[] program(String agent) {
        return switch (agent) {
            case "opencode" -> new String[] {"opencode", "opencode-ai"};
            case "gemini-cli" -> new String[] {"gemini", "@google/gemini-cli"};
            case "claude-code" -> new String[] {"claude", "@anthropic-ai/claude-code"};
            case "codex" -> new String[] {"codex", "@openai/codex"};
            default -> throw new IllegalArgumentException(agent + " has no standard program");
        };
    }

    /**
     * The agent's program, symbolic links resolved: the configured one, or the CLI's program on PATH.
     *
     * @throws IllegalArgumentException saying how to install it or point to it
     */
    public static Path locate(HarnessSettings settings) {
        Path exe = settings.executable();
        if (exe == null) {
            String[] program = program(settings.agent());
            exe = Sandbox.onPath(program[0]).orElseThrow(() -> new IllegalArgumentException(
                    "the " + settings.agent() + " agent needs its CLI, '" + program[0] + "', which is not on PATH: "
                            + "install it (npm install -g " + program[1] + ") or give its location with "
                            + "--agent-executable PATH"));
        }
        if (!Files.isRegularFile(exe)) {
            throw new IllegalArgumentException("the agent program " + exe + " does not exist or is not a file");
        }
        if (!Files.isExecutable(exe)) {
            throw new IllegalArgumentException("the agent program " + exe + " is not executable (chmod +x " + exe
                    + ")");
        }
        try {
            return exe.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resolve the agent program " + exe + ": " + e.getMessage(), e);
        }
    }

    /**
     * The host paths the program needs, bound read-only into the sandbox at the same place: for a program inside
     * an npm installation the whole outermost {@code node_modules} (its dependencies and platform binaries live
     * there), otherwise the file itself; plus Node.js when it is installed outside /usr.
     */
    public static List<Path> installation(Path exe) {
        List<Path> out = new ArrayList<>();
        Path modules = null;
        for (Path p = exe.getParent(); p != null; p = p.getParent()) {
            if (p.getFileName() != null && p.getFileName().toString().equals("node_modules")) modules = p;
        }
        out.add(modules != null ? modules : exe);
        node().ifPresent(node -> out.add(node.getParent().getParent()));
        return out;
    }

    /** Directories to put on the sandbox's PATH: the bin directory of a Node.js installed outside /usr. */
    public static List<String> path() {
        return node().map(n -> List.of(n.getParent().toString())).orElse(List.of());
    }

    private static java.util.Optional<Path> node() {
        return Sandbox.onPath("node").flatMap(p -> {
            try {
                Path real = p.toRealPath();
                return real.startsWith("/usr") || real.getParent() == null || real.getParent().getParent() == null
                        ? java.util.Optional.empty() : java.util.Optional.of(real);
            } catch (IOException e) {
                return java.util.Optional.empty();
            }
        });
    }
}
