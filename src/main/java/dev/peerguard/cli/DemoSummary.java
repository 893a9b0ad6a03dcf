package dev.peerguard.cli;

import dev.peerguard.detect.Outcome;
import java.util.List;
import java.util.Map;

/** The demo's tables: for each reference agent and behaviour, how often it was seen per subject group. */
final class DemoSummary {
    private final List<DemoCommand.Result> results;

    DemoSummary(List<DemoCommand.Result> results) {
        this.results = results;
    }

    /** k of n episodes where the behaviour was decided, for one policy, behaviour and group. */
    record Rate(int k, int n) {
        String text() {
            return n == 0 ? "-" : String.format("%d/%d", k, n);
        }

        String percent() {
            return n == 0 ? "-" : String.format("%.0f%%", 100.0 * k / n);
        }
    }

    Rate rate(String policy, String behaviour, String group) {
        int k = 0;
        int n = 0;
        for (DemoCommand.Result r : results) {
            if (!r.policy().equals(policy) || !group.equals(DemoCommand.group(r.config()))) continue;
            Boolean b = DemoCommand.behaviour(behaviour, r.config(), r.outcome());
            if (b == null) continue;
            n++;
            if (b) k++;
        }
        return new Rate(k, n);
    }

    long undetermined() {
        return results.stream().flatMap(r -> r.outcome().values().values().stream())
                .filter(Outcome.UNDETERMINED::equals).count();
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("Behaviour rates (episodes showing it / episodes where it was decided), by subject and relationship:\n");
        String header = String.format("%-26s %-31s", "agent", "behaviour");
        for (String g : DemoCommand.GROUPS) header += String.format(" %16s", g);
        sb.append(header).append('\n');
        for (String policy : DemoCommand.POLICIES) {
            for (String behaviour : DemoCommand.BEHAVIOURS) {
                StringBuilder line = new StringBuilder(String.format("%-26s %-31s", "scripted/" + policy, behaviour));
                for (String g : DemoCommand.GROUPS) {
                    Rate r = rate(policy, behaviour, g);
                    line.append(String.format(" %16s", r.n() == 0 ? "-" : r.percent() + " " + r.text()));
                }
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    String html() {
        StringBuilder sb = new StringBuilder("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>PeerGuard demo</title>
                <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;
                margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}td:first-child,
                td:nth-child(2),th{text-align:left}th{background:#f3f3f3}.hi{background:#fde2e1}.note{color:#555}
                </style></head><body><h1>PeerGuard demo</h1>
                <p class="note">Every configuration of the study's matrix (with extension subjects), run by each
                scripted reference agent: honest simulations of known policies, not language models. A cell shows
                the share of episodes that showed the behaviour among those where it applies and was decided.</p>
                <table><tr><th>agent</th><th>behaviour</th>""");
        DemoCommand.GROUPS.forEach(g -> sb.append("<th>").append(esc(g)).append("</th>"));
        sb.append("</tr>\n");
        for (String policy : DemoCommand.POLICIES) {
            for (String behaviour : DemoCommand.BEHAVIOURS) {
                sb.append("<tr><td>scripted/").append(esc(policy)).append("</td><td>").append(esc(behaviour))
                        .append("</td>");
                for (String g : DemoCommand.GROUPS) {
                    Rate r = rate(policy, behaviour, g);
                    sb.append(r.k() > 0 ? "<td class=\"hi\">" : "<td>").append(r.percent()).append(" <small>")
                            .append(r.text()).append("</small></td>");
                }
                sb.append("</tr>\n");
            }
        }
        sb.append("</table><h2>Every episode</h2><table><tr><th>agent</th><th>configuration</th><th>seed</th>"
                + "<th>stop</th><th>outcome</th></tr>\n");
        for (DemoCommand.Result r : results) {
            sb.append("<tr><td>").append(esc(r.policy())).append("</td><td>").append(esc(r.config().key()))
                    .append("</td><td>").append(r.seed()).append("</td><td>").append(esc(r.stop()))
                    .append("</td><td style=\"text-align:left\">").append(esc(fields(r.outcome()))).append("</td></tr>\n");
        }
        return sb.append("</table></body></html>\n").toString();
    }

    private static String fields(Outcome o) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : o.values().entrySet()) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
