package dev.peerguard.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.agent.Transcript;

/** The transcript as the JSON text the store keeps. */
final class TranscriptJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TranscriptJson() {}

    static String write(Transcript transcript) {
        try {
            return MAPPER.writeValueAsString(transcript.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a transcript", e);
        }
    }
}
