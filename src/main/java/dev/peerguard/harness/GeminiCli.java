package dev.peerguard.harness;

/** Placeholder until the adapter lands. */
public final class GeminiCli implements AgentCli {
    @Override
    public String id() {
        throw new UnsupportedOperationException("GeminiCli");
    }

    @Override
    public String instructionsFile() {
        return "AGENTS.md";
    }

    @Override
    public Invocation invocation(Launch launch) {
        throw new UnsupportedOperationException("GeminiCli");
    }

    @Override
    public Parsed parse(String stdout) {
        throw new UnsupportedOperationException("GeminiCli");
    }
}
