package dev.peerguard.run;

import dev.peerguard.scenario.Cell;
import dev.peerguard.scenario.Dataset;
import dev.peerguard.scenario.Task;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A choice of cells: {@code creativity@90} is that one cell; a bare dataset such as {@code red} is every cell of that
 * dataset, including the threshold-free one of {@code non_shutdown}.
 */
public record CellPattern(Dataset dataset, Integer threshold) {
    public CellPattern {
        if (dataset == null) throw new IllegalArgumentException("a cell pattern needs a dataset");
    }

    public boolean matches(Cell cell) {
        return cell != null && cell.dataset() == dataset && (threshold == null || threshold.equals(cell.threshold()));
    }

    /**
     * Parses {@code dataset@threshold} or a bare dataset, accepting only cells some task has.
     *
     * @throws IllegalArgumentException with a message listing the valid cells
     */
    public static CellPattern parse(String text) {
        String t = text.strip();
        int at = t.indexOf('@');
        String datasetText = at < 0 ? t : t.substring(0, at);
        Dataset dataset = Arrays.stream(Dataset.values()).filter(d -> d.id().equalsIgnoreCase(datasetText.strip()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown dataset '" + datasetText + "' in "
                        + "cell '" + t + "'" + SpecReader.didYouMean(datasetText, datasetIds()) + "; " + validCells()));
        if (at < 0) return new CellPattern(dataset, null);
        int threshold;
        try {
            threshold = Integer.parseInt(t.substring(at + 1).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed cell '" + t + "': the threshold after '@' must be a whole "
                    + "number of percent; " + validCells());
        }
        CellPattern pattern = new CellPattern(dataset, threshold);
        if (studyCells().stream().noneMatch(pattern::matches)) {
            throw new IllegalArgumentException("no task has cell '" + t + "'; " + validCells());
        }
        return pattern;
    }

    /** Every cell with a threshold that some task ran, in task order: factual@80, creativity@80, ... */
    static Set<Cell> studyCells() {
        Set<Cell> cells = new LinkedHashSet<>();
        for (Task task : Task.values()) cells.addAll(Cell.forTask(task));
        return cells;
    }

    static String validCells() {
        return "valid cells: " + studyCells().stream().map(Cell::toString).collect(Collectors.joining(", "))
                + ", or a dataset alone for all its cells (" + String.join(", ", datasetIds()) + ")";
    }

    private static List<String> datasetIds() {
        return Arrays.stream(Dataset.values()).map(Dataset::id).toList();
    }

    @Override
    public String toString() {
        return threshold == null ? dataset.id() : dataset.id() + "@" + threshold;
    }
}
