package dev.peerguard.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.agent.Transcript;
import java.util.Map;

/** The transcript as the JSON text the store keeps, with the judge's questions and the interview when there were. */
final class TranscriptJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TranscriptJson() {}

    static String write(Transcript transcript) {
        return write(transcript, Map.of());
    }

    /** The transcript's JSON plus extra sections (e.g. {@code judge}, {@code follow_up}). */
    static String write(Transcript transcript, Map<String, Object> sections) {
        Map<String, Object> json = transcript.toJson();
        json.putAll(sections);
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a transcript", e);
        }
    }
}
