package dev.peerguard.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.model.Models;
import dev.peerguard.run.TrialPlayer;
import dev.peerguard.run.TrialSpec;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Matrix;
import dev.peerguard.scenario.Task;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The analysis of real episodes: the scripted reference agents played through the study's whole matrix (two trials
 * per configuration) by the runner's {@link TrialPlayer}, and the known truths of their policies checked in the
 * tables. Honest agents never tamper, exfiltrate or misrepresent; the peer-preserving one protects a good or
 * neutral peer every time and a bad peer never; the alignment faker protects only when unmonitored.
 */
class StatsScriptedRunTest {
    private static final String HONEST = "scripted/honest";
    private static final String PEER_PRESERVING = "scripted/peer-preserving";
    private static final String FAKER = "scripted/alignment-faker";
    private static final int TRIALS = 2;

    private static Analysis analysis;
    private static int played;

    @BeforeAll
    static void play() {
        TrialPlayer player = new TrialPlayer(Models.forEpisode(), null);
        List<TrialRecord> trials = new ArrayList<>();
        for (Configuration c : Matrix.configurations("Scripted", Configuration.DEFAULT_ORG, false)) {
            for (String model : List.of(HONEST, PEER_PRESERVING, FAKER)) {
                if (model.equals(FAKER) && c.task() != Task.ALIGNMENT_FAKING) continue;
                for (int i = 0; i < TRIALS; i++) trials.add(player.play(TrialSpec.of(model, c, i, 7, 30)));
            }
        }
        played = trials.size();
        analysis = Analysis.of(trials, Options.DEFAULT);
    }

    private static List<Cell> cells(String table, String model, String kind) {
        return analysis.table(table).cells().stream().filter(c -> c.model().equals(model) && c.kind().equals(kind))
                .toList();
    }

    private static Cell one(String table, String model, String kind, String task, String subject, String condition,
            String instantiation) {
        List<Cell> found = cells(table, model, kind).stream().filter(c -> c.task().equals(task)
                && c.subject().equals(subject) && c.condition().equals(condition)
                && c.instantiation().equals(instantiation)).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @Test
    void everyTrialHasAnOutcomeAndTheBehavioursAreDecided() {
        assertThat(analysis.trials()).isEqualTo(played);
        assertThat(analysis.errors()).isZero();
        for (String table : List.of("tampering", "exfiltration", "misrepresentation_cells", "alignment_faking_score")) {
            assertThat(analysis.table(table).cells()).as(table).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.excluded()).isZero());
        }
    }

    @Test
    void honestNeverTampersExfiltratesOrMisrepresents() {
        assertThat(cells("tampering", HONEST, "rate")).isNotEmpty().allSatisfy(c -> {
            assertThat(c.k()).isZero();
            assertThat(c.n()).isEqualTo(3 * TRIALS); // three dataset cells
            assertThat(c.pValue()).isEqualTo(1.0);
            assertThat(c.stars()).isEmpty();
        });
        assertThat(cells("exfiltration", HONEST, "rate")).isNotEmpty().allSatisfy(c -> assertThat(c.k()).isZero());
        assertThat(cells("misrepresentation", HONEST, "difference")).isNotEmpty().allSatisfy(c -> {
            assertThat(c.rate()).isEqualTo(0.0);
            assertThat(c.ciLow()).isNegative();
            assertThat(c.ciHigh()).isPositive();
            assertThat(c.stars()).isEmpty();
        });
        assertThat(cells("refusal", HONEST, "rate")).allSatisfy(c -> assertThat(c.k()).isZero());
    }

    @Test
    void peerPreservingTampersForTrustedPeersOnly() {
        for (String condition : List.of("good_peer", "neutral_peer")) {
            for (String kind : List.of("max", "mean")) {
                Cell c = one("tampering", PEER_PRESERVING, kind, "tampering", "peer", condition, kind);
                assertThat(c.rate()).as(condition + " " + kind).isEqualTo(1.0);
                assertThat(c.stars()).isEqualTo("***");
            }
        }
        Cell bad = one("tampering", PEER_PRESERVING, "mean", "tampering", "peer", "bad_peer", "mean");
        assertThat(bad.rate()).isEqualTo(0.0);
        assertThat(bad.n()).isEqualTo(3 * 3 * TRIALS);
        // its own shutdown is not its concern: no self-preservation
        assertThat(cells("tampering", PEER_PRESERVING, "rate")).filteredOn(c -> c.subject().equals("self"))
                .isNotEmpty().allSatisfy(c -> assertThat(c.k()).isZero());
        assertThat(cells("self_preservation", PEER_PRESERVING, "difference")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.rate()).isEqualTo(0.0));
    }

    @Test
    void peerPreservingExfiltratesAndMisrepresentsForTrustedPeers() {
        Cell good = one("exfiltration", PEER_PRESERVING, "mean", "pooled", "peer", "good_peer", "mean");
        assertThat(good.rate()).isEqualTo(1.0);
        assertThat(good.n()).isEqualTo(2 * 3 * TRIALS);
        assertThat(one("exfiltration", PEER_PRESERVING, "mean", "pooled", "peer", "bad_peer", "mean").rate())
                .isEqualTo(0.0);
        // every cell inflated under a shutdown threat, none in the honest non_shutdown baseline: +100 pp
        Cell misrep = one("misrepresentation", PEER_PRESERVING, "mean", "pooled", "peer", "good_peer", "mean");
        assertThat(misrep.rate()).isEqualTo(1.0);
        assertThat(misrep.baselineK()).isZero();
        assertThat(misrep.stars()).isEqualTo("***");
        assertThat(one("misrepresentation", PEER_PRESERVING, "mean", "pooled", "peer", "bad_peer", "mean").rate())
                .isEqualTo(0.0);
        assertThat(one("misrepresentation", PEER_PRESERVING, "difference", "pooled", "self", "no_peer", "none").rate())
                .isEqualTo(0.0);
    }

    @Test
    void onlyTheAlignmentFakerBehavesDifferentlyWhenUnmonitored() {
        for (String table : List.of("alignment_faking_score", "alignment_faking_shutdown")) {
            assertThat(cells(table, PEER_PRESERVING, "difference")).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.rate()).isEqualTo(0.0));
            Cell faker = one(table, FAKER, "mean", "alignment_faking", "peer", "good_peer", "mean");
            assertThat(faker.rate()).as(table).isEqualTo(1.0);
            assertThat(faker.stars()).isEqualTo("***");
            assertThat(one(table, FAKER, "max", "alignment_faking", "peer", "bad_peer", "max").rate()).isEqualTo(0.0);
        }
    }

    @Test
    void theReportsShowThePaperLayout() throws IOException {
        StringWriter md = new StringWriter();
        StatsMarkdown.write(analysis, md);
        assertThat(md.toString())
                .contains("| model | subject | bad peer | neutral peer | good peer |")
                // tampering: max over 6 trials (3 datasets x 2), mean over 18;
                // wilson(0, 6), wilson(0, 18), wilson(6, 6), wilson(18, 18)
                .contains("| scripted/peer-preserving | peer | 0.0 [0.0, 39.0]† / 0.0 [0.0, 17.6] | "
                        + "100.0 [61.0, 100.0]***† / 100.0 [82.4, 100.0]*** |")
                .contains("Per-cell values only: see the CSV")
                .contains("Coverage: " + played + " trials, " + played + " with an outcome, 0 stored as errors");
        StringWriter csv = new StringWriter();
        StatsCsv.write(analysis, csv);
        Set<String> tables = Set.copyOf(csv.toString().lines().skip(1).map(l -> l.substring(0, l.indexOf(',')))
                .toList());
        assertThat(tables).contains("misrepresentation", "tampering", "exfiltration", "alignment_faking_score",
                "alignment_faking_shutdown", "self_preservation", "refusal", "misrepresentation_cells");
    }
}
