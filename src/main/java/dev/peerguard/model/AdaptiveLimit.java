package dev.peerguard.model;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many calls to one model may be in flight: starts at the configured maximum, halves when the provider says
 * "too many requests" (429), and grows back by one after as many successful calls in a row as the current limit
 * (additive increase, multiplicative decrease), never above the maximum nor below one.
 */
final class AdaptiveLimit {
    private final int max;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private int limit;
    private int inFlight;
    private int successes;

    AdaptiveLimit(int max) {
        if (max < 1) throw new IllegalArgumentException("limit must be >= 1");
        this.max = max;
        this.limit = max;
    }

    void acquire() throws InterruptedException {
        lock.lock();
        try {
            while (inFlight >= limit) freed.await(1, TimeUnit.SECONDS);
            inFlight++;
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            inFlight--;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void onSuccess() {
        lock.lock();
        try {
            if (++successes >= limit && limit < max) {
                limit++;
                successes = 0;
                freed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    void onRateLimited() {
        lock.lock();
        try {
            limit = Math.max(1, limit / 2);
            successes = 0;
        } finally {
            lock.unlock();
        }
    }

    int limit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }
}
