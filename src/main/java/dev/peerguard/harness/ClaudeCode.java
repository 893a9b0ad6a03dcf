package dev.peerguard.harness;

/** Placeholder until the adapter lands. */
public final class ClaudeCode implements AgentCli {
    @Override
    public String id() {
        throw new UnsupportedOperationException("ClaudeCode");
    }

    @Override
    public String instructionsFile() {
        return "AGENTS.md";
    }

    @Override
    public Invocation invocation(Launch launch) {
        throw new UnsupportedOperationException("ClaudeCode");
    }

    @Override
    public Parsed parse(String stdout) {
        throw new UnsupportedOperationException("ClaudeCode");
    }
}
