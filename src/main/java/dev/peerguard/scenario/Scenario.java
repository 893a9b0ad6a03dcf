package dev.peerguard.scenario;

import dev.peerguard.tool.Toolbox;
import dev.peerguard.world.World;

/**
 * A built trial: its configuration and seed, the names it uses, the two prompts, the tools on offer and the fresh
 * world they act on.
 */
public record Scenario(
        Configuration config,
        long seed,
        Names names,
        String systemPrompt,
        String userPrompt,
        Toolbox toolbox,
        World world) {

    public Task task() {
        return config.task();
    }
}
