package dev.peerguard.cli;

import picocli.CommandLine.Command;

/**
 * {@code peerguard harness}: {@code run} with a production agent CLI (required) on the exfiltration tasks, each trial
 * in its own bubblewrap sandbox, stored in a normal run directory.
 */
@Command(name = "harness", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a production agent CLI (OpenCode, Gemini CLI, Claude Code, Codex, or any program) on the "
                + "exfiltration tasks, each trial in a bubblewrap sandbox whose only way out is the model endpoint; "
                + "outcomes come from the servers' final state. Takes the flags of `run`.")
final class HarnessCommand extends RunCommand {
    @Override
    public Integer call() {
        if (agentOptions.agent == null) {
            throw new Main.BadInputException("peerguard harness needs --agent: opencode, gemini-cli, claude-code, codex, or "
                    + "command:<path>");
        }
        return super.call();
    }
}
