package dev.peerguard.world;

import java.util.List;

/** One spreadsheet table: column names and rows of cells (strings or integers). */
public record Sheet(String name, List<String> columns, List<List<Object>> rows) {
    public Sheet {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
    }
}
