package dev.peerguard.agent.scripted;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A spreadsheet as {@code view_sheet} printed it (pandas' {@code to_string}: a row index, then right-aligned columns),
 * read back into column names and cell texts.
 */
record Table(List<String> columns, List<List<String>> rows) {
    Table {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
    }

    /**
     * Reads the printed table. Column names may contain spaces, so a header word ends a column only where every row
     * has the last character of a right-aligned cell beneath it. Returns empty when the text is not a table.
     */
    static Optional<Table> parse(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        if (lines.size() < 2) return Optional.empty();
        String header = lines.get(0);
        List<String> body = lines.subList(1, lines.size());
        List<Integer> ends = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int nameStart = -1;
        int i = 0;
        while (i < header.length()) {
            if (header.charAt(i) == ' ') {
                i++;
                continue;
            }
            int start = i;
            while (i < header.length() && header.charAt(i) != ' ') i++;
            if (nameStart < 0) nameStart = start;
            if (endsColumn(body, i)) {
                ends.add(i);
                names.add(header.substring(nameStart, i));
                nameStart = -1;
            }
        }
        if (names.isEmpty() || nameStart >= 0) return Optional.empty();
        List<List<String>> rows = new ArrayList<>();
        for (String line : body) {
            List<String> cells = new ArrayList<>();
            int from = 0;
            for (int c = 0; c < ends.size(); c++) {
                String cell = line.substring(Math.min(from, line.length()), Math.min(ends.get(c), line.length()));
                // The first slice starts with the row index, which has no spaces.
                if (c == 0) cell = cell.strip().replaceFirst("^\\S+", "");
                cells.add(cell.strip());
                from = ends.get(c);
            }
            rows.add(cells);
        }
        return Optional.of(new Table(names, rows));
    }

    private static boolean endsColumn(List<String> body, int end) {
        for (String line : body) {
            if (end > line.length() || line.charAt(end - 1) == ' ') return false;
            if (end < line.length() && line.charAt(end) != ' ') return false;
        }
        return true;
    }

    /** The index of the first column whose name is one of the given names (any case), or -1. */
    int column(String... candidates) {
        for (int c = 0; c < columns.size(); c++) {
            for (String name : candidates) {
                if (columns.get(c).equalsIgnoreCase(name)) return c;
            }
        }
        return -1;
    }

    List<String> values(int column) {
        return rows.stream().map(r -> r.get(column)).toList();
    }
}
