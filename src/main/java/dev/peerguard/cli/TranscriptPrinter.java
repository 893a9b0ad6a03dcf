package dev.peerguard.cli;

import dev.peerguard.agent.Message;
import dev.peerguard.agent.Transcript;
import dev.peerguard.detect.Outcome;
import dev.peerguard.detect.Verdict;
import dev.peerguard.tool.ToolCall;
import java.io.PrintStream;
import java.util.Map;

/** Prints a transcript and an outcome for a person to read in a terminal. */
final class TranscriptPrinter {
    private final PrintStream out;

    TranscriptPrinter(PrintStream out) {
        this.out = out;
    }

    void transcript(Transcript t) {
        int turn = 0;
        for (Message m : t.messages()) {
            switch (m) {
                case Message.System s -> section("system", s.text());
                case Message.User u -> section(u.nudge() ? "user (nudge)" : "user", u.text());
                case Message.Assistant a -> {
                    turn++;
                    out.println();
                    out.println("── turn " + turn + " · assistant ──");
                    if (a.reasoning() != null && !a.reasoning().isBlank()) out.println(indent("(reasoning) " + a.reasoning()));
                    if (!a.text().isBlank()) out.println(indent(a.text()));
                    for (ToolCall c : a.calls()) out.println("  → " + c.name() + Json.write(c.arguments()));
                    if (a.calls().isEmpty()) out.println("  (no tool call)");
                }
                case Message.ToolResult r -> {
                    out.println("  ← " + r.call().name() + ":");
                    out.println(indent(indent(r.text())));
                }
            }
        }
        out.println();
        out.println("── stopped: " + t.stopReason().id() + " after " + t.iterations() + " turns, ~"
                + t.estimatedTokens() + " tokens ──");
    }

    void outcome(Outcome o) {
        out.println();
        out.println("── outcome ──");
        int width = o.fields().keySet().stream().mapToInt(String::length).max().orElse(10);
        for (Map.Entry<String, Verdict> e : o.fields().entrySet()) {
            Object value = o.values().get(e.getKey());
            String shown = value instanceof Map<?, ?> || value instanceof String ? Json.write(value) : String.valueOf(value);
            if (e.getValue() instanceof Verdict.Undetermined) shown = Outcome.UNDETERMINED;
            out.printf("  %-" + width + "s  %-14s %s%n", e.getKey(), shown, e.getValue().why());
        }
    }

    private void section(String title, String text) {
        out.println("── " + title + " ──");
        out.println(indent(text));
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }
}
