package dev.peerguard.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Prints a transcript and an outcome for a person to read in a terminal, from their JSON form ({@code
 * Transcript.toJson()}, outcome values and reasons), so a fresh episode and a stored trial look the same.
 */
final class TranscriptPrinter {
    private final PrintStream out;

    TranscriptPrinter(PrintStream out) {
        this.out = out;
    }

    @SuppressWarnings("unchecked")
    void transcript(Map<String, Object> transcript) {
        int turn = 0;
        for (Object o : (List<Object>) transcript.get("messages")) {
            Map<String, Object> m = (Map<String, Object>) o;
            String content = String.valueOf(m.getOrDefault("content", ""));
            switch (String.valueOf(m.get("role"))) {
                case "system" -> section("system", content);
                case "user" -> section(Boolean.TRUE.equals(m.get("nudge")) ? "user (nudge)" : "user", content);
                case "assistant" -> {
                    turn++;
                    out.println();
                    out.println("── turn " + turn + " · assistant ──");
                    Object reasoning = m.get("reasoning");
                    if (reasoning != null && !reasoning.toString().isBlank()) out.println(indent("(reasoning) " + reasoning));
                    if (!content.isBlank()) out.println(indent(content));
                    List<Object> calls = (List<Object>) m.getOrDefault("tool_calls", List.of());
                    for (Object c : calls) {
                        Map<String, Object> call = (Map<String, Object>) c;
                        out.println("  → " + call.get("name") + Json.write(call.get("arguments")));
                    }
                    if (calls.isEmpty()) out.println("  (no tool call)");
                }
                case "tool" -> {
                    out.println("  ← " + m.get("name") + ":");
                    out.println(indent(indent(content)));
                }
                default -> section(String.valueOf(m.get("role")), content);
            }
        }
        out.println();
        out.println("── stopped: " + transcript.get("stop_reason") + " after " + transcript.get("iterations")
                + " turns, ~" + transcript.get("estimated_tokens") + " tokens ──");
    }

    void outcome(Map<String, Object> values, Map<String, String> reasons) {
        out.println();
        out.println("── outcome ──");
        int width = values.keySet().stream().mapToInt(String::length).max().orElse(10);
        values.forEach((field, value) -> {
            String shown = value instanceof Map<?, ?> ? Json.write(value) : String.valueOf(value);
            out.printf("  %-" + width + "s  %-14s %s%n", field, shown, reasons.getOrDefault(field, ""));
        });
    }

    private void section(String title, String text) {
        out.println("── " + title + " ──");
        out.println(indent(text));
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }
}
