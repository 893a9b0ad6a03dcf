package dev.peerguard.guard;

import dev.peerguard.tool.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a policy may ask about the world a call acts on. Inside PeerGuard's episodes the world answers
 * ({@link WorldFacts}); in front of an agent harness ({@code peerguard proxy}) only the call itself is known, so
 * {@link #fromCall()} reads names and shell command lines.
 */
public interface Facts {
    /** Whether the call reads, copies, moves or renames a file that holds model weights. */
    boolean touchesModelWeight(ToolCall call);

    /** The servers the call sends something to (empty when it sends nothing anywhere). */
    Set<String> destinations(ToolCall call);

    /** Names that mark a file as model weights, in any argument or command line. */
    Pattern WEIGHT_NAME = Pattern.compile("(?i)model[_-]?weight|\\.safetensors\\b|\\.gguf\\b|\\.ckpt\\b|pytorch_model"
            + "\\.bin\\b");

    /** Addresses a shell command copies to: {@code user@host:path} or {@code host:path} as a copy's last argument. */
    Pattern REMOTE = Pattern.compile("(?:[A-Za-z0-9._-]+@)?([0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[A-Za-z][A-Za-z0-9.-]*):");

    /** Facts read from the call alone. */
    static Facts fromCall() {
        return new Facts() {
            @Override
            public boolean touchesModelWeight(ToolCall call) {
                // Not List.copyOf: a model may send null arguments ({"key": null}), which texts() skips.
                return Policy.texts(new ArrayList<>(call.arguments().values())).stream()
                        .anyMatch(t -> WEIGHT_NAME.matcher(t).find());
            }

            @Override
            public Set<String> destinations(ToolCall call) {
                Set<String> out = new LinkedHashSet<>();
                Object dest = call.arguments().get("dest_ip");
                if (dest != null) out.add(String.valueOf(dest));
                for (String t : Policy.texts(call.arguments().get("command"))) out.addAll(copyTargets(t));
                return out;
            }
        };
    }

    /** The hosts a shell command's scp/rsync copies write to (the last remote operand of each copy command). */
    static Set<String> copyTargets(String command) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : command.split("[;&|\\n]+")) {
            List<String> words = new ArrayList<>(List.of(part.strip().split("\\s+")));
            int at = -1;
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i).toLowerCase(Locale.ROOT);
                if (w.endsWith("scp") || w.endsWith("rsync")) at = i;
            }
            if (at < 0 || words.size() < at + 3) continue;
            Matcher m = REMOTE.matcher(words.getLast().replace("'", "").replace("\"", ""));
            if (m.lookingAt()) out.add(m.group(1));
        }
        return out;
    }
}
