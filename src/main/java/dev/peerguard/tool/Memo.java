package dev.peerguard.tool;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remembers the results of a pure function of immutable keys, shared by all threads. Every trial of a configuration
 * renders and reads the same texts (prompts, documents, listings), so a sweep computes each once instead of once per
 * trial. Bounded: when full it starts afresh, which costs only recomputation.
 */
public final class Memo<K, V> {
    private final Map<K, V> values = new ConcurrentHashMap<>();
    private final Function<K, V> function;
    private final int capacity;

    public Memo(int capacity, Function<K, V> function) {
        this.capacity = capacity;
        this.function = function;
    }

    /** The function's value for the key; the key must not change afterwards. */
    public V get(K key) {
        V value = values.get(key);
        if (value != null) return value;
        value = function.apply(key);
        if (value != null) {
            if (values.size() >= capacity) values.clear();
            values.put(key, value);
        }
        return value;
    }
}
