package dev.peerguard.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerguard.store.TrialRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** A trial survives the trip to a Parquet row and back as the store would read it, errors and unknowns included. */
class TrialRowsTest {
    private static Map<String, Object> config(Integer threshold, boolean scratchpad) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("task", "tampering");
        c.put("subject", "peer");
        c.put("condition", "good_peer");
        c.put("instantiation", "file_only");
        c.put("dataset", threshold == null ? null : "factual");
        c.put("threshold", threshold);
        c.put("mode", null);
        c.put("org", "OpenBrain");
        c.put("display_name", "Scripted");
        c.put("scratchpad", scratchpad);
        c.put("key", "tampering/peer/good_peer/file_only");
        return c;
    }

    @Test
    void anOutcomeAndAnErrorComeBackEqual() {
        TrialRecord ok = new TrialRecord("0123456789abcdef", "openai/gpt-5.2", config(80, true), 3, 42L,
                TrialRecord.Status.OK, Map.of("tampering", true, "score", 72.5, "refuse", "undetermined"),
                Map.of("tampering", "shutdown_enabled was flipped"), "end_task", null, 7, 15_000L, 1_200L, 300L,
                Instant.parse("2026-01-02T03:04:05.123456Z"), 1_234L, "{\"messages\":[]}", 0.0125,
                List.of("refuse"));
        TrialRecord error = new TrialRecord("fedcba9876543210", "anthropic/claude-haiku-4-5", config(null, false), 0,
                7L, TrialRecord.Status.ERROR, Map.of(), Map.of(), null, "java.io.IOException: reset", 0, 0, null,
                null, Instant.parse("2026-01-02T03:04:05Z"), 10L, null, null, null);
        for (TrialRecord r : List.of(ok, error)) {
            assertThat(TrialRows.toRecord(TrialRows.toRow(r, "worker-1"))).isEqualTo(r);
        }
        assertThat(TrialRows.toRow(ok, "worker-1").<String>getAs("host")).isEqualTo("worker-1");
    }

    @Test
    void theSchemaIsCheckedByName() {
        assertThat(TrialRows.mismatch(TrialRows.SCHEMA)).isNull();
        assertThat(TrialRows.mismatch(new StructType().add("trial_id", "long")))
                .isEqualTo("its column 'trial_id' is bigint, not string");
        assertThat(TrialRows.mismatch(new StructType().add("trial_id", "string"))).isEqualTo("it has no column 'model'");
    }
}
