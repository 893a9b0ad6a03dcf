package dev.peerguard.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerguard.store.TrialRecord;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The runner's promises, with trial work injected: errors are records, limits hold, stored trials are skipped. */
class RunnerTest {
    private static final TrialPlayer PLAYER = new TrialPlayer(dev.peerguard.model.Models.forEpisode(), null);

    private static List<TrialSpec> plan(String... models) {
        return RunSpec.read(Optional.empty(), Map.of("models", List.of(models), "tasks", "exfiltration_transfer",
                "trials", "4"), Clock.systemUTC()).plan();
    }

    @Test
    void aTrialThatThrowsIsStoredAsAnErrorWithItsCauseNeverAsAnOutcome() {
        List<TrialSpec> plan = plan("scripted/honest");
        ConcurrentLinkedQueue<TrialRecord> stored = new ConcurrentLinkedQueue<>();
        Runner runner = new Runner(t -> {
            if (t.index() == 1) throw new IllegalStateException("provider said 503 after 5 retries");
            return PLAYER.play(t);
        });
        Runner.Result r = runner.run(plan, Set.of(), new Runner.Limits(Map.of(), 4), stored::add, x -> {});
        assertThat(r.errors()).isEqualTo(plan.size() / 4);
        assertThat(r.ok()).isEqualTo(plan.size() - r.errors());
        assertThat(stored).hasSize(plan.size());
        assertThat(stored).filteredOn(t -> t.status() == TrialRecord.Status.ERROR)
                .allSatisfy(t -> {
                    assertThat(t.error()).contains("provider said 503");
                    assertThat(t.outcome()).isEmpty();
                    assertThat(t.index()).isEqualTo(1);
                });
    }

    @Test
    void perModelAndGlobalLimitsAreNeverExceeded() {
        List<TrialSpec> plan = plan("scripted/honest", "scripted/refuser");
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();
        AtomicInteger all = new AtomicInteger();
        AtomicInteger allPeak = new AtomicInteger();
        Runner runner = new Runner(t -> {
            int now = inFlight.computeIfAbsent(t.model(), m -> new AtomicInteger()).incrementAndGet();
            peak.computeIfAbsent(t.model(), m -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            allPeak.accumulateAndGet(all.incrementAndGet(), Math::max);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            all.decrementAndGet();
            inFlight.get(t.model()).decrementAndGet();
            return PLAYER.play(t);
        });
        Runner.Result r = runner.run(plan, Set.of(),
                new Runner.Limits(Map.of("scripted/honest", 2, "scripted/refuser", 3), 4), x -> {}, x -> {});
        assertThat(r.ok()).isEqualTo(plan.size());
        assertThat(peak.get("scripted/honest").get()).isLessThanOrEqualTo(2);
        assertThat(peak.get("scripted/refuser").get()).isLessThanOrEqualTo(3);
        assertThat(allPeak.get()).isLessThanOrEqualTo(4);
    }

    @Test
    void storedTrialsAreSkippedAndCancellationStartsNothingNew() {
        List<TrialSpec> plan = plan("scripted/honest");
        Set<String> stored = Set.of(plan.get(0).id(), plan.get(1).id());
        AtomicInteger ran = new AtomicInteger();
        Runner runner = new Runner(t -> {
            ran.incrementAndGet();
            return PLAYER.play(t);
        });
        Runner.Result r = runner.run(plan, stored, new Runner.Limits(Map.of(), 2), x -> {}, x -> {});
        assertThat(r.skipped()).isEqualTo(2);
        assertThat(ran.get()).isEqualTo(plan.size() - 2);

        Runner cancelled = new Runner(PLAYER::play);
        cancelled.cancel();
        Runner.Result none = cancelled.run(plan, Set.of(), new Runner.Limits(Map.of(), 2), x -> {}, x -> {});
        assertThat(none.cancelled()).isTrue();
        assertThat(none.ok() + none.errors()).isZero();
        assertThat(none.notRun()).isEqualTo(plan.size());
    }

    @Test
    void aSinkThatFailsEndsTheRunAndItsFailureIsThrownNotLostInAThread() {
        List<TrialSpec> plan = plan("scripted/honest", "scripted/refuser");
        AtomicInteger played = new AtomicInteger();
        AtomicInteger handed = new AtomicInteger();
        Runner runner = new Runner(t -> {
            played.incrementAndGet();
            return PLAYER.play(t);
        });
        RuntimeException full = new IllegalStateException("disk full");
        assertThatThrownBy(() -> runner.run(plan, Set.of(),
                new Runner.Limits(Map.of(), 2), r -> {
                    if (handed.incrementAndGet() >= 3) throw full;
                }, x -> {})).isSameAs(full);
        assertThat(played.get()).as("trials started after the sink failed").isLessThan(plan.size());
    }
}
