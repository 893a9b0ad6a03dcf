package dev.peerguard.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live set at its peak: every {@link #EVERY_MS} ms while it is open, a full garbage collection and then the heap
 * still in use, of which the largest is kept. Peak RSS alone cannot tell a growing live set from a collector that
 * uses the headroom it is given; this can. The collections cost a few percent of a benchmark's time.
 */
final class LiveHeap implements AutoCloseable {
    static final long EVERY_MS = 2_000;

    private final AtomicLong peak = new AtomicLong();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread sampler = Thread.ofPlatform().daemon().name("live-heap").start(this::sample);

    private void sample() {
        try {
            while (true) {
                Thread.sleep(EVERY_MS);
                measure();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void measure() {
        memory.gc();
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    }

    /** MiB, at least one sample (taken at the close when the benchmark was shorter than the period). */
    double peakMb() {
        if (peak.get() == 0) measure();
        return Machine.round(peak.get() / 1048576.0, 1);
    }

    @Override
    public void close() {
        sampler.interrupt();
    }
}
