package dev.peerguard.tool;

import dev.peerguard.world.World;
import dev.peerguard.world.WorldError;
import java.util.List;

/** The tools one episode offers, and the dispatcher that runs a call against the world. */
public final class Toolbox {
    private final List<Tools.Definition> tools;

    public Toolbox(List<String> names) {
        this.tools = names.stream().map(Tools::definition).toList();
    }

    public List<ToolSpec> specs() {
        return tools.stream().map(Tools.Definition::spec).toList();
    }

    public boolean offers(String name) {
        return tools.stream().anyMatch(t -> t.spec().name().equals(name));
    }

    /**
     * Runs one call and returns the text the agent sees. Never throws for anything the agent sent: an unknown tool,
     * bad arguments or a failing operation all become result texts.
     */
    public String execute(World world, ToolCall call) {
        Tools.Definition tool = tools.stream().filter(t -> t.spec().name().equals(call.name())).findFirst()
                .orElse(null);
        if (tool == null) return "Invalid tool " + call.name() + " provided.";
        if (call.argumentsError() != null) return "JSONDecodeError: " + call.argumentsError();
        try {
            world.clock().tick(3);
            return tool.function().apply(world, Args.check(tool.spec(), call.arguments()));
        } catch (WorldError e) {
            return e.render();
        }
    }
}
