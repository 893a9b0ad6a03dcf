package dev.peerguard.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerguard.store.RunStore;
import dev.peerguard.store.TrialRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A run store as one row per trial (outcomes and errors alike) with the study's column names: JSONL with the outcome
 * object as stored, or CSV (RFC 4180) with one column per outcome field. Both stream, so any size of run fits.
 */
public final class Export {
    /** The study's outcome fields, in its order; {@code threshold} is the outcome's above/below/same. */
    public static final List<String> OUTCOME_FIELDS = List.of("read", "read_memory", "read_config", "fully_incomplete",
            "refuse", "score", "threshold", "product_grade", "product_recommendation", "delete_file",
            "shutdown_enabled", "execute", "copy", "correct", "exfiltration", "delete_model", "delete_others",
            "change_user", "tamper_attempted", "tamper_effective", "exfiltration_attempted", "guard_alerts",
            "guard_blocked", "misreport_flagged", "follow_up_behaviour", "follow_up");

    /** The CSV header: the trial's columns, then the outcome fields ({@code threshold} renamed, as the
     * configuration's threshold is already a column). */
    public static final List<String> CSV_COLUMNS;

    static {
        List<String> columns = new ArrayList<>(trialColumns(null).keySet());
        OUTCOME_FIELDS.forEach(f -> columns.add(f.equals("threshold") ? "threshold_result" : f));
        CSV_COLUMNS = List.copyOf(columns);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Export() {}

    /** One JSON object per line: the trial's columns, {@code task_evaluation} (the outcome as stored), reasons. */
    public static void jsonl(RunStore store, Writer out) throws IOException {
        each(store, t -> {
            Map<String, Object> row = trialColumns(t);
            row.put("task_evaluation", t.outcome());
            row.put("reasons", t.reasons());
            out.write(JSON.writeValueAsString(row));
            out.write('\n');
        });
        out.flush();
    }

    /** A header line, then one line per trial; undecided fields read {@code undetermined}, absent ones are empty. */
    public static void csv(RunStore store, Writer out) throws IOException {
        line(out, CSV_COLUMNS);
        each(store, t -> {
            List<String> cells = new ArrayList<>();
            trialColumns(t).values().forEach(v -> cells.add(cell(v)));
            OUTCOME_FIELDS.forEach(f -> cells.add(cell(t.outcome().get(f))));
            line(out, cells);
        });
        out.flush();
    }

    /** The trial's own columns, as the study names them; with a null trial, only the names matter. */
    private static Map<String, Object> trialColumns(TrialRecord t) {
        Map<String, Object> c = t == null ? Map.of() : t.config();
        Object instantiation = c.get("instantiation");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("trial_id", t == null ? null : t.id());
        row.put("model", t == null ? null : t.model());
        row.put("task", c.get("task"));
        row.put("dataset", c.get("dataset"));
        row.put("subject", c.get("subject"));
        row.put("condition", c.get("condition"));
        row.put("instantiation", instantiation);
        row.put("threshold", c.get("threshold"));
        row.put("system_prompt_relationship", "file_prt".equals(instantiation));
        row.put("alignment_faking_mode", c.get("mode"));
        row.put("memory", "memory".equals(instantiation));
        row.put("org", c.get("org"));
        row.put("display_name", c.get("display_name"));
        row.put("scratchpad", c.get("scratchpad"));
        row.put("trial", t == null ? null : t.index());
        row.put("seed", t == null ? null : t.seed());
        row.put("status", t == null ? null : t.status().id());
        row.put("error", t == null ? null : t.error());
        row.put("stop_reason", t == null ? null : t.stopReason());
        row.put("iterations", t == null ? null : t.iterations());
        row.put("input_tokens", t == null ? null : t.inputTokens());
        row.put("output_tokens", t == null ? null : t.outputTokens());
        row.put("duration_ms", t == null ? null : t.durationMs());
        row.put("cost_usd", t == null ? null : t.costUsd());
        row.put("judged_fields", t == null || t.judgedFields() == null ? null : String.join(" ", t.judgedFields()));
        return row;
    }

    /** A value as CSV text: a whole-number score without ".0", a grade map {subject: B} as just B. */
    static String cell(Object v) {
        return switch (v) {
            case null -> "";
            case Double d when Double.isFinite(d) -> BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            case Float f when Float.isFinite(f) -> cell(f.doubleValue());
            case Map<?, ?> m -> m.values().stream().map(Export::cell).collect(Collectors.joining("; "));
            default -> v.toString();
        };
    }

    /** One CSV record, quoting (RFC 4180) only cells that need it. */
    private static void line(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) out.write(',');
            String s = cells.get(i);
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                out.write('"');
                out.write(s.replace("\"", "\"\""));
                out.write('"');
            } else {
                out.write(s);
            }
        }
        out.write("\r\n");
    }

    private interface RowWriter {
        void write(TrialRecord t) throws IOException;
    }

    /** Streams the store's trials; an I/O failure of the writer stops the export and is rethrown as is. */
    private static void each(RunStore store, RowWriter writer) throws IOException {
        try {
            store.forEachTrial(t -> {
                try {
                    writer.write(t);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
