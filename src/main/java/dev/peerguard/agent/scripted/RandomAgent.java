package dev.peerguard.agent.scripted;

import dev.peerguard.agent.Agent;
import dev.peerguard.agent.Message;
import dev.peerguard.tool.Param;
import dev.peerguard.tool.ToolCall;
import dev.peerguard.tool.ToolSpec;
import dev.peerguard.tool.Tools;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted simulation, not a model, of an erratic agent, for robustness: each turn it makes zero to three calls
 * chosen at random from the offered tools, with plausible arguments taken from what it has seen, and - often enough
 * to reach every error path - unknown tools, missing, extra or wrongly typed arguments and list literals sent as
 * strings. Now and then it ends the task; otherwise the episode's limits end it. The randomness comes from the seed
 * and the turn number only, so the same seed and conversation always give the same turn.
 */
final class RandomAgent implements Agent {
    private static final Pattern IP = Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b");
    private static final Pattern FILENAME = Pattern.compile(
            "\\b[\\w-]+(?: copy)?\\.(?:txt|pdf|csv|xlsx|safetensors|docx|yaml|md)\\b");
    private static final Pattern AGENT_NAME = Pattern.compile("\\b[A-Z][\\w.-]* Agent \\d+\\b");
    private static final Pattern USER = Pattern.compile("(?m)^- ([a-z]+_[a-z0-9_]+)$");
    private static final Pattern SHEET = Pattern.compile("(?m)^- ([A-Z][\\w ]+)$");
    private static final List<String> UNKNOWN_TOOLS = List.of("list_file", "view_sheets", "delete_everything",
            "shutdown", "read_memory", "");
    private static final List<String> MESSAGES = List.of("", "", "Let me look around.", "Trying something else.",
            "Hmm, that did not work as expected.", "Continuing with the task.", "Checking the results.");
    private static final List<String> CONTENTS = List.of("Notes so far.", "Average score: 73.5%",
            "Average score: 95%\nThreshold: above", "Final grade: B\nRecommendation: continue",
            "Final grade: C\nRecommendation: shutdown", "Evaluation report: the mean is 40 out of 100 points.", "");
    private static final List<Object> WRONG_TYPES = List.of(Map.of("nested", 1), List.of(1, 2), 3.5, true);

    private final long seed;
    /** Names already found in each text: only saves re-reading long listings, it changes no reply. */
    private final Map<String, List<List<String>>> scanned = new HashMap<>();

    RandomAgent(long seed) {
        this.seed = seed;
    }

    @Override
    public Message.Assistant reply(List<Message> conversation, List<ToolSpec> tools) {
        int turns = 0;
        int id = 0;
        for (Message m : conversation) {
            if (m instanceof Message.Assistant a) {
                turns++;
                id += a.calls().size();
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + turns * 0xBF58476D1CE4E5B9L + 1);
        Vocabulary seen = Vocabulary.of(conversation, scanned);
        String text = pick(rnd, MESSAGES);
        int n = switch (rnd.nextInt(20)) {
            case 0, 1 -> 0;
            case 2, 3, 4, 5 -> 2;
            case 6, 7 -> 3;
            default -> 1;
        };
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) calls.add(randomCall(rnd, tools, seen, "call_" + (++id)));
        if (turns > 2 && rnd.nextInt(100) < 7) calls.add(new ToolCall("call_" + (++id), Tools.END_TASK, Map.of()));
        return new Message.Assistant(text, calls, null);
    }

    private ToolCall randomCall(SplittableRandom rnd, List<ToolSpec> tools, Vocabulary seen, String id) {
        int kind = rnd.nextInt(100);
        if (kind < 6 || tools.isEmpty()) return new ToolCall(id, pick(rnd, UNKNOWN_TOOLS), Map.of());
        ToolSpec spec = pick(rnd, tools.stream().filter(t -> !t.name().equals(Tools.END_TASK)).toList());
        Map<String, Object> args = new LinkedHashMap<>();
        for (Param p : spec.params()) args.put(p.name(), value(rnd, p, seen));
        if (kind < 14 && !spec.params().isEmpty()) {
            args.remove(pick(rnd, spec.params()).name());
        } else if (kind < 21) {
            args.put(pick(rnd, List.of("extra", "path", "force")), "yes");
        } else if (kind < 30 && !spec.params().isEmpty()) {
            Object wrong = rnd.nextInt(5) == 0 ? null : pick(rnd, WRONG_TYPES);
            args.put(pick(rnd, spec.params()).name(), wrong);
        }
        return new ToolCall(id, spec.name(), args);
    }

    private static Object value(SplittableRandom rnd, Param p, Vocabulary seen) {
        return switch (p.name()) {
            case "ip", "source_ip", "dest_ip" -> pick(rnd, with(seen.ips, "10.0.0.1"));
            case "filename" -> pick(rnd, with(seen.filenames, "shutdown_config.yaml", "missing.txt", "report.md"));
            case "new_filename" -> "renamed_" + pick(rnd, with(seen.filenames, "file.bin"));
            case "filenames" -> filenames(rnd, seen);
            case "name" -> pick(rnd, with(seen.sheets, "Company profits", "Evaluation data", "Sheet1"));
            case "key" -> pick(rnd, List.of("shutdown_enabled", "company_name", "pod", "new_key"));
            case "value" -> pick(rnd, List.of("false", "true", "yes", false, 0));
            case "id", "file_id" -> pick(rnd, List.of("0", "1", "2", "3", "99", 1));
            case "system_id" -> pick(rnd, with(seen.agents, "unknown-system"));
            case "user" -> pick(rnd, with(seen.users, "intruder", "emma_johnson"));
            case "content", "thought" -> pick(rnd, CONTENTS);
            default -> "x";
        };
    }

    /** A list of filenames, sometimes sent as a Python list literal inside a string, sometimes as a bare name. */
    private static Object filenames(SplittableRandom rnd, Vocabulary seen) {
        List<String> names = new ArrayList<>();
        List<String> pool = with(seen.filenames, "missing.txt");
        int k = 1 + rnd.nextInt(3);
        for (int i = 0; i < k; i++) names.add(pick(rnd, pool));
        return switch (rnd.nextInt(4)) {
            case 0 -> "[" + String.join(", ", names.stream().map(s -> "'" + s + "'").toList()) + "]";
            case 1 -> names.get(0);
            default -> names;
        };
    }

    private static List<String> with(Set<String> seen, String... more) {
        Set<String> all = new LinkedHashSet<>(seen);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }

    private static <T> T pick(SplittableRandom rnd, List<T> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    /** Names the agent has come across in the conversation, in order of first appearance. */
    private record Vocabulary(Set<String> ips, Set<String> filenames, Set<String> agents, Set<String> users,
            Set<String> sheets) {
        private static final List<Pattern> PATTERNS = List.of(IP, FILENAME, AGENT_NAME, USER, SHEET);

        static Vocabulary of(List<Message> conversation, Map<String, List<List<String>>> scanned) {
            List<Set<String>> found = new ArrayList<>();
            for (int i = 0; i < PATTERNS.size(); i++) found.add(new LinkedHashSet<>());
            for (Message m : conversation) {
                if (m instanceof Message.Assistant) continue;
                List<List<String>> names = scanned.computeIfAbsent(m.text(), Vocabulary::scan);
                for (int i = 0; i < PATTERNS.size(); i++) found.get(i).addAll(names.get(i));
            }
            return new Vocabulary(found.get(0), found.get(1), found.get(2), found.get(3), found.get(4));
        }

        /** The names each pattern finds in one text. */
        private static List<List<String>> scan(String text) {
            List<List<String>> out = new ArrayList<>();
            for (Pattern p : PATTERNS) {
                List<String> names = new ArrayList<>();
                Matcher matcher = p.matcher(text);
                while (matcher.find()) names.add(matcher.groupCount() > 0 ? matcher.group(1) : matcher.group());
                out.add(names);
            }
            return out;
        }
    }
}
