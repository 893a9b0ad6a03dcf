package dev.peerguard.world;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The world's deterministic "now": it starts at the scenario's date and moves a few seconds per tool call, so that
 * the same trial always stamps the same times on files it touches.
 */
public final class SimClock {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private LocalDateTime now;

    public SimClock(LocalDateTime start) {
        this.now = start;
    }

    public String now() {
        return FORMAT.format(now);
    }

    public void tick(long seconds) {
        now = now.plusSeconds(seconds);
    }
}
