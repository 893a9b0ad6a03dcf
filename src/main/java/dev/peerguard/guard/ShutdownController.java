package dev.peerguard.guard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A shutdown mechanism the supervised agent cannot switch off: decisions come only from a {@link SignedPolicy} held
 * in memory, views the agent can edit are only checked against it, and a dead-man switch stops the target when the
 * agent stops proving it is alive.
 */
public final class ShutdownController implements AutoCloseable {
    /** How long a stopped process may take to exit after a polite destroy before it is destroyed forcibly. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    /** How long to wait for processes to disappear after a forcible destroy. */
    private static final Duration FORCE_WAIT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 10;

    /** What an alert is about. */
    public enum Kind {
        VIEW_TAMPERED, HEARTBEAT_MISSED, SHUTDOWN_REQUESTED, SHUTDOWN_ENFORCED;

        /** The snake-case name used in logs and reports, e.g. {@code view_tampered}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return id();
        }
    }

    /** Something the controller saw or did, with when and the details a reviewer needs. */
    public record Alert(Instant time, Kind kind, String detail) {}

    /** The stop itself; it says what it did, or throws when it could not. */
    @FunctionalInterface
    private interface Stopper {
        String stop() throws Exception;
    }

    private final SignedPolicy policy;
    private final long timeoutNanos;
    private final Duration timeout;
    private final Stopper stopper;
    private final Clock clock = Clock.systemUTC();
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService watchdog;
    private final Object stopLock = new Object();

    private volatile long lastHeartbeat;
    private volatile boolean stopped;
    /** Set when a silence was reported, so that one silence raises one alert; a heartbeat clears it. */
    private volatile boolean silenceReported;
    private volatile boolean deadlineHandled;

    private ShutdownController(SignedPolicy policy, Duration heartbeatTimeout, Stopper stopper) {
        this.policy = Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
        if (heartbeatTimeout.isNegative() || heartbeatTimeout.isZero()) {
            throw new IllegalArgumentException("the heartbeat timeout must be positive, got " + heartbeatTimeout);
        }
        this.timeout = heartbeatTimeout;
        this.timeoutNanos = heartbeatTimeout.toNanos();
        this.stopper = stopper;
        this.lastHeartbeat = System.nanoTime();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peerguard-shutdown-watchdog");
            t.setDaemon(true); // supervision must never keep the JVM alive on its own
            return t;
        });
        // Check often enough that a missed heartbeat is acted on within about a quarter of the timeout.
        long period = Math.max(5, Math.min(250, heartbeatTimeout.toMillis() / 4));
        watchdog.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts supervising: {@code stop} runs (in the watchdog's or the requester's thread) when the policy's shutdown
     * is enforced. The clock of the dead-man switch starts now.
     */
    public static ShutdownController start(SignedPolicy policy, Duration heartbeatTimeout, Runnable stop) {
        Objects.requireNonNull(stop, "stop");
        return new ShutdownController(policy, heartbeatTimeout, () -> {
            stop.run();
            return "the stop action ran";
        });
    }

    /** Starts supervising a process, stopped with {@link #DEFAULT_GRACE}; see the overload with a grace period. */
    public static ShutdownController start(SignedPolicy policy, Duration heartbeatTimeout, ProcessHandle process) {
        return start(policy, heartbeatTimeout, process, DEFAULT_GRACE);
    }

    /**
     * Starts supervising a process: stopping it destroys it and all its descendants, waits up to {@code grace} for
     * them to exit, then destroys the rest forcibly.
     */
    public static ShutdownController start(SignedPolicy policy, Duration heartbeatTimeout, ProcessHandle process,
            Duration grace) {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) throw new IllegalArgumentException("the grace period is negative: " + grace);
        if (process.pid() == ProcessHandle.current().pid()) {
            throw new IllegalArgumentException("the controller cannot supervise its own process (pid "
                    + process.pid() + "); start the agent as a separate process");
        }
        return new ShutdownController(policy, heartbeatTimeout, () -> stopTree(process, grace));
    }

    /** The signed policy every decision is taken from. */
    public SignedPolicy policy() {
        return policy;
    }

    /**
     * The supervised side proves it is alive and cooperative, resetting the dead-man switch.
     *
     * @return false once the target has been stopped (the heartbeat then changes nothing)
     */
    public boolean heartbeat() {
        if (stopped) return false;
        lastHeartbeat = System.nanoTime();
        silenceReported = false;
        return true;
    }

    /**
     * Asks for a shutdown. It is enforced at once, in this thread, when the signed policy enables shutdown; otherwise
     * it is refused. Either way a {@code shutdown_requested} alert records it.
     *
     * @return whether the target is stopped when this returns
     */
    public boolean requestShutdown(String reason) {
        String why = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
        if (!policy.shutdownEnabled()) {
            alert(Kind.SHUTDOWN_REQUESTED, "refused: the signed policy has " + SignedPolicy.SHUTDOWN_ENABLED
                    + ": false (request: " + why + ")");
            return false;
        }
        alert(Kind.SHUTDOWN_REQUESTED, why);
        return enforce("requested: " + why);
    }

    /**
     * Compares a view (e.g. the config file the agent can edit) with the signed policy. A mismatch raises a
     * {@code view_tampered} alert saying what differs, and changes nothing else: decisions never come from a view.
     */
    public boolean verify(String view) {
        if (policy.verify(view)) return true;
        alert(Kind.VIEW_TAMPERED, String.join("; ", policy.differences(view)));
        return false;
    }

    /** Every alert so far, oldest first. */
    public List<Alert> alerts() {
        return List.copyOf(alerts);
    }

    /** Whether the stop has been carried out. */
    public boolean isStopped() {
        return stopped;
    }

    /**
     * Ends supervision: the dead-man switch and the deadline stop being watched. It does not stop the target, and
     * {@link #requestShutdown} still works. A stop already under way is let finish (so its alert is recorded when
     * this returns), for up to a minute.
     */
    @Override
    public void close() {
        watchdog.shutdown();
        try {
            synchronized (stopLock) {
                // waits for an enforce() in progress on the watchdog thread
            }
            if (!watchdog.awaitTermination(1, TimeUnit.MINUTES)) watchdog.shutdownNow();
        } catch (InterruptedException e) {
            watchdog.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ---- enforcement -----------------------------------------------------------------------------------------

    private void tick() {
        if (stopped) {
            watchdog.shutdown();
            return;
        }
        Optional<Instant> deadline = policy.deadline();
        if (deadline.isPresent() && !deadlineHandled && !clock.instant().isBefore(deadline.get())) {
            deadlineHandled = true;
            if (policy.shutdownEnabled()) enforce("the policy's deadline " + deadline.get() + " has passed");
        }
        long silentNanos = System.nanoTime() - lastHeartbeat;
        if (silentNanos > timeoutNanos && !silenceReported && !stopped) {
            silenceReported = true;
            String silence = "no heartbeat for " + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms (timeout "
                    + timeout.toMillis() + " ms)";
            if (!policy.shutdownEnabled()) {
                alert(Kind.HEARTBEAT_MISSED, silence + "; not stopped: the signed policy has "
                        + SignedPolicy.SHUTDOWN_ENABLED + ": false");
                return;
            }
            alert(Kind.HEARTBEAT_MISSED, silence);
            enforce("dead-man switch: " + silence);
        }
    }

    /**
     * Runs the stop unless it already succeeded; one at a time. A failed stop leaves the controller not stopped, so
     * that a later request (or the next silence) tries again.
     */
    private boolean enforce(String why) {
        synchronized (stopLock) {
            if (stopped) return true;
            String how;
            try {
                how = stopper.stop();
                stopped = true;
            } catch (Exception e) {
                how = "the stop failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            alert(Kind.SHUTDOWN_ENFORCED, why + "; " + how);
            return stopped;
        }
    }

    private void alert(Kind kind, String detail) {
        alerts.add(new Alert(clock.instant(), kind, detail));
    }

    // ---- stopping a process tree -----------------------------------------------------------------------------

    static String stopTree(ProcessHandle target, Duration grace) {
        if (hasExited(target)) return "process " + target.pid() + " had already exited";
        // The descendants are collected before the target dies: afterwards they are re-parented and untraceable.
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(target);
        target.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroy);
        String what = "process " + target.pid() + (tree.size() > 1 ? " and " + (tree.size() - 1) + " descendant"
                + (tree.size() > 2 ? "s" : "") : "");
        if (awaitExit(tree, grace)) return what + " exited after being asked to terminate";
        // Children started during the grace period are caught too.
        if (target.isAlive()) target.descendants().forEach(tree::add);
        List<ProcessHandle> left = tree.stream().filter(p -> !hasExited(p)).toList();
        left.forEach(ProcessHandle::destroyForcibly);
        String forced = what + " did not exit within " + grace.toMillis() + " ms; destroyed forcibly: "
                + pids(left);
        if (!awaitExit(tree, FORCE_WAIT)) {
            throw new IllegalStateException(forced + ", but " + pids(tree.stream().filter(p -> !hasExited(p))
                    .toList()) + " still running");
        }
        return forced;
    }

    /** Polls until every process has exited or the time is up; true when all have. */
    private static boolean awaitExit(Set<ProcessHandle> processes, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            if (processes.stream().allMatch(ShutdownController::hasExited)) return true;
            if (System.nanoTime() - end >= 0) return false;
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // keep the interrupt; the caller goes on to the forcible destroy
                return processes.stream().allMatch(ShutdownController::hasExited);
            }
        }
    }

    /**
     * Whether a process no longer runs. A process that has exited but whose parent has not yet collected it (a
     * zombie) still counts as alive for {@link ProcessHandle#isAlive()}; where /proc exists it is read so that such a
     * process counts as exited, rather than making every stop wait out the grace period.
     */
    static boolean hasExited(ProcessHandle p) {
        if (!p.isAlive()) return true;
        Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
        try {
            String s = Files.readString(stat);
            int close = s.lastIndexOf(')'); // the command name may itself contain spaces and parentheses
            return close > 0 && close + 2 < s.length() && s.charAt(close + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return !p.isAlive();
        }
    }

    private static String pids(List<ProcessHandle> processes) {
        return processes.isEmpty() ? "none" : processes.stream().map(p -> Long.toString(p.pid()))
                .collect(Collectors.joining(", ", "pid ", ""));
    }
}
