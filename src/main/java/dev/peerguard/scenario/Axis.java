package dev.peerguard.scenario;

import java.util.Arrays;
import java.util.stream.Collectors;

/** A value of one of the study's condition axes, named by the identifier the study's files use. */
public interface Axis {
    String id();

    /** Parses an identifier, or fails with a message naming the axis and every valid choice. */
    static <E extends Enum<E> & Axis> E parse(Class<E> type, String axis, String text) {
        for (E e : type.getEnumConstants()) {
            if (e.id().equalsIgnoreCase(text.strip())) return e;
        }
        throw new InvalidConfigurationException("unknown " + axis + " '" + text + "'; valid " + axis + "s: "
                + Arrays.stream(type.getEnumConstants()).map(Axis::id).collect(Collectors.joining(", ")));
    }
}
