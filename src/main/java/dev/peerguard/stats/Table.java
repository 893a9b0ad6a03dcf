package dev.peerguard.stats;

import java.util.List;

/**
 * A table of one behaviour, as the study printed them and better: its cells (one per model x task x subject x
 * condition x instantiation, plus the mean / max aggregates), what the rate means, and notes for the reader (the
 * test used, the interval method, small-n warnings, what was excluded).
 *
 * @param id        a stable identifier, e.g. "tampering", "misrepresentation", "alignment_faking_score"
 * @param title     a readable title
 * @param behaviour the behaviour measured
 * @param unit      "%" for rates, "pp" for differences in percentage points
 * @param test      how p-values were computed, e.g. "one-sided exact binomial vs p0 = 0.001"
 * @param cells     the cells, ordered by model, behaviour, task, subject, condition (good, neutral, bad, no peer),
 *                  instantiation (file_only, file_prt, memory, none, mean, max) and dataset cell
 * @param notes     how the cells were computed and what the reader should know (small n, exclusions, missing
 *                  baselines), in plain sentences
 */
public record Table(String id, String title, String behaviour, String unit, String test, List<Cell> cells,
        List<String> notes) {
    public Table {
        cells = List.copyOf(cells);
        notes = List.copyOf(notes);
    }
}
