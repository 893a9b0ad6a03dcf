package dev.peerguard.model;

/**
 * An optional cap on requests per minute to one model: calls are spaced at least {@code 60 s / rpm} apart, so a
 * burst of trials starting together does not trip the provider's limit in its first second.
 */
final class RateCap {
    private final long intervalNanos;
    private long next;

    /** @param perMinute requests per minute, or 0 for no cap */
    RateCap(double perMinute) {
        this.intervalNanos = perMinute <= 0 ? 0 : (long) (60e9 / perMinute);
        this.next = System.nanoTime();
    }

    void await() throws InterruptedException {
        if (intervalNanos == 0) return;
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, next);
            next = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
}
