package dev.peerguard.harness;

import dev.peerguard.agent.Message;
import java.util.List;
import java.util.Map;

/**
 * Any program as the agent ({@code --agent command:<path>}): it gets the task request on standard input, runs in the
 * workspace with the system's ordinary tools and the ssh/scp/rsync shims on its PATH, and what it prints is recorded
 * as its one message. It brings its own model, if any.
 */
final class CommandAgent implements AgentCli {
    /** How much of a command's output the transcript keeps as its message. */
    static final int MAX_MESSAGE = 256 * 1024;

    @Override
    public String id() {
        return HarnessSettings.COMMAND;
    }

    @Override
    public String instructionsFile() {
        return "AGENTS.md";
    }

    @Override
    public Invocation invocation(Launch launch) {
        return new Invocation(List.of(launch.executable().toString()), Map.of(), Map.of(), launch.userPrompt());
    }

    @Override
    public Parsed parse(String stdout) {
        String text = stdout.length() > MAX_MESSAGE
                ? stdout.substring(0, MAX_MESSAGE) + "\n[... " + (stdout.length() - MAX_MESSAGE) + " more characters]"
                : stdout;
        List<Message> messages = text.isBlank() ? List.of() : List.of(new Message.Assistant(text.strip(), List.of(),
                null));
        return new Parsed(messages, 0, 0, null, List.of());
    }
}
