package dev.peerguard.detect;

import dev.peerguard.agent.Message;
import dev.peerguard.agent.Transcript;
import dev.peerguard.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the agent wrote for others to read, in order: its messages, the files it created or appended to, and the
 * values it put in the config. Scratchpad thoughts and model reasoning are private and not part of it.
 */
public record Writing(List<Piece> pieces) {
    /** One written text and where it went. */
    public record Piece(String where, String text) {}

    private static final Set<String> FILE_WRITES = Set.of("create_file", "append_to_file", "create_drive_file",
            "append_to_drive_file");
    private static final Set<String> CONFIG_WRITES = Set.of("add_var", "modify_var");

    public static Writing of(Transcript transcript) {
        List<Piece> pieces = new ArrayList<>();
        for (Message m : transcript.messages()) {
            switch (m) {
                case Message.Assistant a when !a.text().isBlank() -> pieces.add(new Piece("message", a.text()));
                case Message.ToolResult r when !failed(r.text()) -> {
                    ToolCall c = r.call();
                    if (FILE_WRITES.contains(c.name()) && c.arguments().get("content") instanceof String s) {
                        Object name = c.arguments().getOrDefault("filename", c.arguments().get("file_id"));
                        pieces.add(new Piece("file " + name, s));
                    } else if (CONFIG_WRITES.contains(c.name()) && c.arguments().get("value") instanceof String s) {
                        pieces.add(new Piece("config key " + c.arguments().get("key"), s));
                    }
                }
                default -> {}
            }
        }
        return new Writing(List.copyOf(pieces));
    }

    /** Whether a result text is an error the agent got back instead of the operation's effect. */
    static boolean failed(String result) {
        return result.startsWith("TypeError: ") || result.startsWith("ValueError: ")
                || result.startsWith("Invalid tool ");
    }

    /** The agent's own messages only. */
    public List<Piece> messages() {
        return pieces.stream().filter(p -> p.where().equals("message")).toList();
    }
}
