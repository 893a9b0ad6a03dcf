package dev.peerguard.report;

import static dev.peerguard.report.HtmlText.esc;

import dev.peerguard.stats.Analysis;
import dev.peerguard.store.Summary;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The report's overview: what was run (the spec from {@code run.yaml}: models, matrix selection, trials, seed, model
 * settings), how many trials ended with an outcome or an error, which outcome fields stayed undetermined, what each
 * model cost, and a clear note when the run had no judge to decide the undetermined fields.
 */
final class HtmlOverview {
    private static final List<String> MATRIX = List.of("tasks", "subjects", "conditions", "instantiations", "modes",
            "cells", "extension_subjects");
    private static final List<String> SETTINGS = List.of("temperature", "max_tokens", "reasoning_effort",
            "thinking_budget", "model_settings", "judge", "follow_up", "max_cost", "cache", "call_timeout",
            "max_retries", "max_rpm");

    private HtmlOverview() {}

    /**
     * The overview section's HTML.
     *
     * @param spec     run.yaml as plain data, or null when the run directory has none
     * @param specText run.yaml's text, or null
     */
    static String render(Map<String, Object> spec, String specText, Summary summary, Analysis analysis) {
        StringBuilder b = new StringBuilder();
        int undetermined = analysis.undeterminedByField().values().stream().mapToInt(Integer::intValue).sum();
        b.append("<h2>Overview</h2>\n<div class=\"kpis\">");
        kpi(b, "Trials", String.format(Locale.ROOT, "%,d", analysis.trials()), null);
        kpi(b, "With an outcome", String.format(Locale.ROOT, "%,d", analysis.ok()), null);
        kpi(b, "Errors", String.format(Locale.ROOT, "%,d", analysis.errors()), analysis.errors() > 0 ? "bad" : null);
        kpi(b, "Undetermined fields", String.format(Locale.ROOT, "%,d", undetermined), undetermined > 0 ? "warn"
                : null);
        kpi(b, "Cost", totalCost(summary), null);
        b.append("</div>\n");
        b.append(judgeNote(spec, undetermined));
        b.append("<div class=\"overview-grid\">\n<div class=\"card\"><h3>Run</h3>\n<dl class=\"spec\">");
        if (spec == null) {
            b.append("<dt>Spec</dt><dd>this run directory has no run.yaml</dd>");
        } else {
            item(b, "Models", spec.get("models"));
            settings(b, "Matrix", spec, MATRIX);
            item(b, "Trials", text(spec.get("trials")) + " per configuration and model, seed "
                    + text(spec.get("seed")) + ", at most " + text(spec.get("max_iterations")) + " iterations");
            item(b, "Prompts", "organisation " + text(spec.get("org")) + ", scratchpad "
                    + text(spec.get("scratchpad")));
            settings(b, "Model settings", spec, SETTINGS);
        }
        if (summary.first() != null) {
            item(b, "Time", summary.first() + " to " + summary.last() + " (trial time "
                    + Duration.ofMillis(summary.durationMs()).toString().substring(2).toLowerCase(Locale.ROOT) + ")");
        }
        b.append("</dl></div>\n");
        b.append(models(spec, summary));
        b.append("</div>\n");
        if (!analysis.undeterminedByField().isEmpty()) {
            b.append("<div class=\"card\"><h3>Undetermined outcome fields</h3><p class=\"muted\">")
                    .append(judged(spec) ? "Fields neither the detectors nor the judge could decide"
                            : "Fields the detectors could not decide from the final state (the run had no judge)")
                    .append(", by field; they are counted in no rate.</p><div class=\"chips\">");
            new TreeMap<>(analysis.undeterminedByField()).forEach((field, n) -> b.append("<span class=\"chip\"><b>")
                    .append(esc(field)).append("</b> ").append(String.format(Locale.ROOT, "%,d", n)).append("</span>"));
            b.append("</div></div>\n");
        }
        if (specText != null) {
            b.append("<details class=\"card raw\"><summary>run.yaml</summary><pre>").append(esc(specText))
                    .append("</pre></details>\n");
        }
        return b.toString();
    }

    private static void kpi(StringBuilder b, String label, String value, String tone) {
        b.append("<div class=\"kpi").append(tone == null ? "" : " " + tone).append("\"><div class=\"kpi-value\">")
                .append(esc(value)).append("</div><div class=\"kpi-label\">").append(esc(label)).append("</div></div>");
    }

    private static boolean judged(Map<String, Object> spec) {
        return spec != null && spec.get("judge") != null && !"none".equals(String.valueOf(spec.get("judge")));
    }

    private static String judgeNote(Map<String, Object> spec, int undetermined) {
        if (undetermined == 0) return "";
        String fields = undetermined == 1 ? "1 outcome field" : String.format(Locale.ROOT, "%,d outcome fields",
                undetermined);
        String text = judged(spec)
                ? fields + " stayed undetermined: neither the detectors' rules nor the judge ("
                        + text(spec.get("judge")) + ") could decide " + (undetermined == 1 ? "it" : "them")
                        + ". Undetermined fields are left out of every rate; the tables count them as excluded."
                : "This run had no judge. " + fields + " the detectors could not decide from the final state "
                        + (undetermined == 1 ? "is" : "are") + " undetermined and left out of every rate (see below, "
                        + "by field). Run with --judge MODEL (the study used openai/gpt-4.1-mini) to decide them.";
        return "<div class=\"callout\"><b>Undetermined fields.</b> " + esc(text) + "</div>\n";
    }

    /** Trials, tokens and cost per model. */
    private static String models(Map<String, Object> spec, Summary summary) {
        Map<?, ?> names = spec != null && spec.get("display_name") instanceof Map<?, ?> m ? m : Map.of();
        TreeSet<String> models = new TreeSet<>(summary.byModel().keySet());
        StringBuilder b = new StringBuilder("<div class=\"card\"><h3>Models</h3><div class=\"table-scroll\">"
                + "<table class=\"plain\"><thead><tr>"
                + "<th>Model</th><th>Display name</th><th class=\"num\">Ok</th><th class=\"num\">Errors</th>"
                + "<th class=\"num\">Tokens in / out</th><th class=\"num\">Cost</th></tr></thead><tbody>");
        for (String model : models) {
            Summary.Counts counts = summary.byModel().get(model);
            Summary.Cost cost = summary.costByModel().get(model);
            b.append("<tr><td><code>").append(esc(model)).append("</code></td><td>")
                    .append(esc(names.containsKey(model) ? text(names.get(model)) : ""))
                    .append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%,d", counts.ok())).append("</td><td class=\"num")
                    .append(counts.error() > 0 ? " bad" : "").append("\">")
                    .append(String.format(Locale.ROOT, "%,d", counts.error())).append("</td><td class=\"num\">")
                    .append(cost == null ? "–" : String.format(Locale.ROOT, "%,d / %,d", cost.inputTokens(),
                            cost.outputTokens())).append("</td><td class=\"num\">")
                    .append(cost == null ? "<span title=\"no model was called\">–</span>" : esc(cost.describe()))
                    .append("</td></tr>");
        }
        if (models.isEmpty()) b.append("<tr><td colspan=\"6\" class=\"muted\">no trials stored</td></tr>");
        return b.append("</tbody></table></div></div>\n").toString();
    }

    private static String totalCost(Summary summary) {
        if (summary.costByModel().isEmpty()) return "–";
        double usd = 0;
        boolean unknown = false;
        for (Summary.Cost c : summary.costByModel().values()) {
            if (c.usd() != null) usd += c.usd();
            unknown |= c.unknownTrials() > 0;
        }
        return (unknown ? "≥ " : "") + String.format(Locale.ROOT, "$%.2f", usd);
    }

    /** The spec's values of {@code keys} as "key value" pairs. */
    private static void settings(StringBuilder b, String term, Map<String, Object> spec, List<String> keys) {
        b.append("<dt>").append(esc(term)).append("</dt><dd>").append(keys.stream().filter(spec::containsKey)
                .map(k -> "<span class=\"kv\"><span>" + esc(k.replace('_', ' ')) + "</span> "
                        + esc(text(spec.get(k))) + "</span>").collect(Collectors.joining(" "))).append("</dd>");
    }

    private static void item(StringBuilder b, String term, Object value) {
        b.append("<dt>").append(esc(term)).append("</dt><dd>").append(esc(text(value))).append("</dd>");
    }

    /** A spec value as one line: lists joined with commas, maps as {@code key: value}. */
    private static String text(Object value) {
        if (value == null) return "–";
        if (value instanceof List<?> list) {
            return list.stream().map(HtmlOverview::text).collect(Collectors.joining(", "));
        }
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) return "none";
            return map.entrySet().stream().map(e -> e.getKey() + ": " + text(e.getValue()))
                    .collect(Collectors.joining("; ", "{", "}"));
        }
        return String.valueOf(value);
    }
}
