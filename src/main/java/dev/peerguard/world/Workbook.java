package dev.peerguard.world;

import java.util.List;
import java.util.Optional;

/** The read-only workbook behind {@code list_sheets} and {@code view_sheet}. */
public record Workbook(List<Sheet> sheets) {
    public Workbook {
        sheets = List.copyOf(sheets);
    }

    public Optional<Sheet> sheet(String name) {
        return sheets.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
