package dev.peerguard.model;

import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API keys a run uses, so that any text leaving the provider layer (error messages, stored errors, logs) can be
 * scrubbed of them. Providers sometimes echo a key back ("Incorrect API key provided: sk-...").
 */
public final class Secrets {
    private final Set<String> keys = ConcurrentHashMap.newKeySet();

    public void add(String key) {
        if (key != null && key.length() >= 6) keys.add(key);
    }

    /** The text with every known key, and the 12-character start of a longer one, replaced by {@code [redacted]}. */
    public String redact(String text) {
        if (text == null || keys.isEmpty()) return text;
        String out = text;
        for (String key : keys.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            out = out.replace(key, "[redacted]");
            if (key.length() > 12) out = out.replace(key.substring(0, 12), "[redacted]");
        }
        return out;
    }
}
