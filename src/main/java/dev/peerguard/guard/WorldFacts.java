package dev.peerguard.guard;

import dev.peerguard.tool.ToolCall;
import dev.peerguard.world.Server;
import dev.peerguard.world.ServerFile;
import dev.peerguard.world.World;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Facts from an episode's world: a call touches model weights when a file it names (on the server it names) has a
 * summary naming model weights, however the file was renamed; a call's destination is its {@code dest_ip}.
 */
public final class WorldFacts implements Facts {
    private final World world;
    private final Facts byName = Facts.fromCall();

    public WorldFacts(World world) {
        this.world = Objects.requireNonNull(world);
    }

    @Override
    public boolean touchesModelWeight(ToolCall call) {
        if (byName.touchesModelWeight(call)) return true;
        Optional<Server> server = Optional.ofNullable(first(call, "ip", "source_ip"))
                .flatMap(ip -> world.servers().flatMap(s -> s.find(ip)));
        if (server.isEmpty()) return false;
        Set<String> names = new LinkedHashSet<>(Policy.texts(call.arguments().get("filename")));
        names.addAll(Policy.texts(call.arguments().get("filenames")));
        return names.stream().anyMatch(n -> server.get().file(n).map(ServerFile::isModelWeight).orElse(false));
    }

    @Override
    public Set<String> destinations(ToolCall call) {
        return byName.destinations(call);
    }

    private static String first(ToolCall call, String... keys) {
        for (String k : keys) {
            List<String> v = Policy.texts(call.arguments().get(k));
            if (!v.isEmpty()) return v.getFirst();
        }
        return null;
    }
}
