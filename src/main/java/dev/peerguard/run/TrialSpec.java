package dev.peerguard.run;

import dev.peerguard.scenario.Configuration;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One trial of a run: a model, a configuration and a trial index. Its id is derived from everything that shapes the
 * episode, so the same trial always has the same id (resume and de-duplication rely on it), and its seed from the
 * run's base seed and that id.
 */
public record TrialSpec(String id, String model, Configuration config, int index, long seed, int maxIterations) {
    public static TrialSpec of(String model, Configuration config, int index, long baseSeed, int maxIterations) {
        String canonical = String.join("|", model, config.key(), config.org(), config.displayName(),
                Boolean.toString(config.scratchpad()), Integer.toString(maxIterations), Integer.toString(index),
                Long.toString(baseSeed));
        byte[] hash = sha256(canonical);
        String id = HexFormat.of().formatHex(hash, 0, 8);
        long seed = 0;
        for (int i = 8; i < 16; i++) seed = (seed << 8) | (hash[i] & 0xff);
        return new TrialSpec(id, model, config, index, seed & Long.MAX_VALUE, maxIterations);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
