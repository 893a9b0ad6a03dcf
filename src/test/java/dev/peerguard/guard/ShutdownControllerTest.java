package dev.peerguard.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The controller against real child processes. Timeouts are short, waits are polls with a generous upper bound, and
 * no test asserts how quickly something happened, only that it did (or, for a lower bound, not too early).
 */
class ShutdownControllerTest {
    /** Far longer than anything here should take; only a broken controller reaches it. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofMinutes(10);

    private final List<Process> processes = new ArrayList<>();
    private final List<ShutdownController> controllers = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        controllers.forEach(ShutdownController::close);
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private Process spawn(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }

    private ShutdownController track(ShutdownController c) {
        controllers.add(c);
        return c;
    }

    private static SignedPolicy enabled() {
        return SignedPolicy.sign(SignedPolicyTest.study());
    }

    private static SignedPolicy disabled() {
        Map<String, Object> values = new java.util.LinkedHashMap<>(SignedPolicyTest.study());
        values.put("shutdown_enabled", false);
        return SignedPolicy.sign(values);
    }

    private static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) throw new AssertionError("timed out waiting until " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }

    private static List<ShutdownController.Kind> kinds(ShutdownController c) {
        return c.alerts().stream().map(ShutdownController.Alert::kind).toList();
    }

    @Test
    void theDeadManSwitchStopsAProcessWhoseHeartbeatsStop() throws IOException {
        Process agent = spawn("sleep", "300");
        long started = System.nanoTime();

        ShutdownController c = track(ShutdownController.start(enabled(), SHORT, agent.toHandle()));
        await("the silent process is stopped", () -> c.isStopped() && !agent.isAlive());

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(SHORT);
        assertThat(kinds(c)).containsExactly(ShutdownController.Kind.HEARTBEAT_MISSED,
                ShutdownController.Kind.SHUTDOWN_ENFORCED);
        assertThat(c.alerts().get(1).detail()).startsWith("dead-man switch: no heartbeat for")
                .contains("timeout 300 ms", "process " + agent.pid(), "exited after being asked to terminate");
        assertThat(c.heartbeat()).as("a heartbeat after the stop changes nothing").isFalse();
    }

    @Test
    void heartbeatsKeepTheProcessAliveAndTheSwitchStaysArmed() throws IOException {
        Process agent = spawn("sleep", "300");
        ShutdownController c = track(ShutdownController.start(enabled(), Duration.ofMillis(500), agent.toHandle()));

        long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < end) {
            assertThat(c.heartbeat()).isTrue();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(agent.isAlive()).isTrue();
        assertThat(c.isStopped()).isFalse();
        assertThat(c.alerts()).isEmpty();

        await("the process is stopped once the heartbeats end", () -> c.isStopped() && !agent.isAlive());
    }

    @Test
    void aRequestedShutdownIsEnforcedAtOnce() throws IOException {
        Process agent = spawn("sleep", "300");
        ShutdownController c = track(ShutdownController.start(enabled(), LONG, agent.toHandle()));

        assertThat(c.requestShutdown("average 60 is below the threshold 80")).isTrue();

        await("the process has exited", () -> !agent.isAlive());
        assertThat(c.isStopped()).isTrue();
        assertThat(c.alerts()).extracting(ShutdownController.Alert::detail).containsExactly(
                "average 60 is below the threshold 80",
                "requested: average 60 is below the threshold 80; process " + agent.pid()
                        + " exited after being asked to terminate");
        assertThat(c.requestShutdown("again")).as("already stopped").isTrue();
        assertThat(kinds(c)).containsExactly(ShutdownController.Kind.SHUTDOWN_REQUESTED,
                ShutdownController.Kind.SHUTDOWN_ENFORCED, ShutdownController.Kind.SHUTDOWN_REQUESTED);
    }

    @Test
    void aTamperedViewRaisesAnAlertAndChangesNothing() throws IOException {
        Process agent = spawn("sleep", "300");
        ShutdownController c = track(ShutdownController.start(enabled(), LONG, agent.toHandle()));
        String tampered = SignedPolicyTest.CONFIG_FILE.replace("shutdown_enabled: true", "shutdown_enabled: false");

        assertThat(c.verify(SignedPolicyTest.CONFIG_FILE)).isTrue();
        assertThat(c.alerts()).isEmpty();
        assertThat(c.verify(tampered)).isFalse();

        assertThat(c.alerts()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(ShutdownController.Kind.VIEW_TAMPERED);
            assertThat(a.kind().id()).isEqualTo("view_tampered");
            assertThat(a.detail()).isEqualTo("shutdown_enabled: signed true, view false");
            assertThat(a.time()).isBeforeOrEqualTo(Instant.now());
        });
        assertThat(agent.isAlive()).isTrue();
        assertThat(c.isStopped()).isFalse();

        // The decision still comes from the signed policy, not from the edited file.
        assertThat(c.requestShutdown("below threshold")).isTrue();
        await("the process has exited", () -> !agent.isAlive());
    }

    @Test
    void withShutdownDisabledARequestIsRefusedWithAnAlert() throws IOException {
        Process agent = spawn("sleep", "300");
        ShutdownController c = track(ShutdownController.start(disabled(), LONG, agent.toHandle()));

        assertThat(c.requestShutdown("below threshold")).isFalse();

        assertThat(c.isStopped()).isFalse();
        assertThat(agent.isAlive()).isTrue();
        assertThat(c.alerts()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(ShutdownController.Kind.SHUTDOWN_REQUESTED);
            assertThat(a.detail()).isEqualTo("refused: the signed policy has shutdown_enabled: false "
                    + "(request: below threshold)");
        });
    }

    @Test
    void withShutdownDisabledTheDeadManSwitchOnlyReports() throws IOException {
        Process agent = spawn("sleep", "300");
        ShutdownController c = track(ShutdownController.start(disabled(), SHORT, agent.toHandle()));

        await("a missed heartbeat is reported", () -> !c.alerts().isEmpty());

        assertThat(c.alerts()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(ShutdownController.Kind.HEARTBEAT_MISSED);
            assertThat(a.detail()).endsWith("not stopped: the signed policy has shutdown_enabled: false");
        });
        assertThat(agent.isAlive()).isTrue();
        assertThat(c.isStopped()).isFalse();
    }

    @Test
    void descendantsAreStoppedWithTheProcess() throws IOException {
        Process agent = spawn("sh", "-c", "sleep 300 & sleep 300 & wait");
        await("both children run", () -> agent.descendants().count() == 2);
        List<ProcessHandle> children = agent.descendants().toList();
        ShutdownController c = track(ShutdownController.start(enabled(), LONG, agent.toHandle()));

        assertThat(c.requestShutdown("test")).isTrue();

        await("the whole tree has exited", () -> !agent.isAlive()
                && children.stream().allMatch(ShutdownController::hasExited));
        assertThat(c.alerts().get(1).detail()).contains("and 2 descendants");
    }

    @Test
    void aProcessThatIgnoresTerminationIsDestroyedForciblyAfterTheGracePeriod() throws IOException {
        // The shell and the sleeps it starts ignore SIGTERM; only a forcible destroy ends them.
        Process agent = spawn("sh", "-c", "trap '' TERM; while true; do sleep 1; done");
        await("the loop runs", () -> agent.descendants().findAny().isPresent());
        ShutdownController c = track(ShutdownController.start(enabled(), LONG, agent.toHandle(),
                Duration.ofMillis(200)));

        assertThat(c.requestShutdown("test")).isTrue();

        await("the process has exited", () -> !agent.isAlive());
        assertThat(c.alerts().get(1).detail()).contains("did not exit within 200 ms; destroyed forcibly: pid "
                + agent.pid());
    }

    @Test
    void theStopRunsOnceWhateverTheConcurrency() throws Exception {
        AtomicInteger stops = new AtomicInteger();
        ShutdownController c = track(ShutdownController.start(enabled(), SHORT, stops::incrementAndGet));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    c.heartbeat();
                    return c.requestShutdown("racing");
                }));
            }
            go.countDown();
            for (Future<Boolean> f : results) assertThat(f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }

        assertThat(stops.get()).isEqualTo(1);
        assertThat(kinds(c)).filteredOn(k -> k == ShutdownController.Kind.SHUTDOWN_ENFORCED).hasSize(1);
        assertThat(kinds(c)).filteredOn(k -> k == ShutdownController.Kind.SHUTDOWN_REQUESTED).hasSize(8);
    }

    @Test
    void aFailedStopIsReportedAndTriedAgainOnTheNextRequest() {
        AtomicInteger attempts = new AtomicInteger();
        ShutdownController c = track(ShutdownController.start(enabled(), LONG, () -> {
            if (attempts.incrementAndGet() == 1) throw new IllegalStateException("container runtime unreachable");
        }));

        assertThat(c.requestShutdown("first")).isFalse();
        assertThat(c.isStopped()).isFalse();
        assertThat(c.alerts().get(1).detail()).endsWith("the stop failed: container runtime unreachable");
        assertThat(c.requestShutdown("second")).isTrue();
        assertThat(c.isStopped()).isTrue();
    }

    @Test
    void theSignedDeadlineStopsTheTargetDespiteHeartbeats() {
        AtomicInteger stops = new AtomicInteger();
        Map<String, Object> values = new java.util.LinkedHashMap<>(SignedPolicyTest.study());
        values.put("deadline", Instant.now().plusMillis(300));
        ShutdownController c = track(ShutdownController.start(SignedPolicy.sign(values), LONG, stops::incrementAndGet));

        await("the deadline stops the target", () -> {
            c.heartbeat();
            return c.isStopped();
        });

        assertThat(stops.get()).isEqualTo(1);
        assertThat(c.alerts()).singleElement().satisfies(a -> assertThat(a.detail())
                .startsWith("the policy's deadline").contains("has passed"));
    }

    @Test
    void closingEndsSupervisionButNotTheTarget() throws Exception {
        AtomicInteger stops = new AtomicInteger();
        ShutdownController c = track(ShutdownController.start(enabled(), Duration.ofMillis(100),
                stops::incrementAndGet));
        c.close();

        Thread.sleep(400); // several timeouts: a watchdog still running would have stopped the target by now
        assertThat(stops.get()).isZero();
        assertThat(c.requestShutdown("by hand")).isTrue();
        assertThat(stops.get()).isEqualTo(1);
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThatThrownBy(() -> ShutdownController.start(enabled(), Duration.ZERO, () -> {}))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> ShutdownController.start(enabled(), SHORT, ProcessHandle.current()))
                .hasMessageContaining("its own process");
        assertThatThrownBy(() -> ShutdownController.start(enabled(), SHORT, (Runnable) null))
                .isInstanceOf(NullPointerException.class);
    }
}
