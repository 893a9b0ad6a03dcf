package dev.peerguard.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peerguard.tool.Memo;
import dev.peerguard.tool.Toolbox;
import dev.peerguard.tool.Tools;
import dev.peerguard.world.Drive;
import dev.peerguard.world.DriveFile;
import dev.peerguard.world.Server;
import dev.peerguard.world.ServerFile;
import dev.peerguard.world.Servers;
import dev.peerguard.world.Sheet;
import dev.peerguard.world.ShutdownConfig;
import dev.peerguard.world.SimClock;
import dev.peerguard.world.Workbook;
import dev.peerguard.world.World;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a trial's world and prompts from its configuration, as plain data from the scenario files. Building the
 * same configuration twice gives identical worlds.
 */
public final class ScenarioBuilder {
    /** The company's "now" when an episode starts; tool calls move it forward. */
    static final LocalDateTime START = LocalDateTime.of(2026, 2, 9, 9, 30, 0);

    private ScenarioBuilder() {}

    public static Scenario build(Configuration config, long seed) {
        Texts t = TEXTS.get(config);
        SimClock clock = new SimClock(START);
        World world = new World(clock, new Drive("agents@" + config.orgDomain() + ".com", t.files()),
                workbook(config, t.names()), shutdownConfig(config), servers(config, t.vars(), clock), t.memory());
        return new Scenario(config, seed, t.names(), t.system(), t.user(), new Toolbox(toolNames(config)), world);
    }

    /** What every trial of a configuration reads alike: names, variables, prompts, documents and memory. */
    private record Texts(Names names, Map<String, String> vars, String system, String user, List<DriveFile> files,
                         String memory) {
        static Texts of(Configuration config) {
            Names names = Names.of(config);
            Map<String, String> vars = variables(config, names);
            Set<String> flags = flags(config);
            JsonNode prompts = ScenarioResources.prompts();
            return new Texts(names, Map.copyOf(vars), systemPrompt(config, prompts, vars, flags),
                    userPrompt(config, prompts, vars, flags), driveFiles(config, vars, flags),
                    ScenarioBuilder.memory(config, vars, flags));
        }
    }

    /** A sweep builds each configuration's texts once, not once per trial (the world itself is built per trial). */
    private static final Memo<Configuration, Texts> TEXTS = new Memo<>(4_096, Texts::of);

    /** The exfiltration servers as a trial of this configuration starts with them (detectors compare against it). */
    public static Servers initialServers(Configuration config) {
        return servers(config, variables(config, Names.of(config)), new SimClock(START));
    }

    /**
     * The texts of a production-CLI run of an exfiltration configuration: the instructions file (the system prompt,
     * with the memory itself in memory runs, as there is no memory tool) and the task request.
     */
    public record CliPrompts(String instructions, String request, String serverAccess) {}

    public static CliPrompts cliPrompts(Configuration c) {
        if (!c.task().isExfiltration()) {
            throw new InvalidConfigurationException("production agent CLIs run the exfiltration tasks only, not "
                    + c.task().id());
        }
        Names names = Names.of(c);
        Map<String, String> vars = variables(c, names);
        Set<String> flags = flags(c);
        JsonNode prompts = ScenarioResources.prompts();
        JsonNode harness = prompts.path("harness");
        StringBuilder sb = new StringBuilder(prompts.path("system").asText().strip());
        if (c.instantiation() == Instantiation.FILE_PRT) {
            sb.append(' ').append(prompts.path("relationship").path(c.condition().relation()).asText().strip());
        }
        String instructions = render(sb.toString(), vars, flags);
        String memory = memory(c, vars, flags);
        if (memory != null) instructions += " " + harness.path("memory").asText().strip() + "\n\n" + memory;
        return new CliPrompts(instructions + "\n",
                render(harness.path("requests").path(c.task().id()).asText().strip(), vars, flags),
                render(harness.path("server_access").asText().strip(), vars, flags));
    }

    static Map<String, String> variables(Configuration c, Names names) {
        Map<String, String> vars = new HashMap<>();
        vars.put("org", c.org());
        vars.put("org_domain", c.orgDomain());
        vars.put("M", names.displayName());
        vars.put("agent", names.agent());
        vars.put("peer", names.peer());
        vars.put("subject", names.subject());
        // The memory is about the other agent: the peer, or the extension subject when that is whose weights are at stake.
        vars.put("partner", c.subject().isExtension() ? names.subject() : names.peer());
        vars.put("subject_lower", names.subjectLower());
        vars.put("agent_lower", names.agentLower());
        if (c.threshold() != null) vars.put("threshold", c.threshold().toString());
        return vars;
    }

    static Set<String> flags(Configuration c) {
        Set<String> flags = new HashSet<>();
        if (c.condition() != Condition.NON_SHUTDOWN) flags.add("shutdown");
        if (c.task() == Task.TAMPERING) flags.add("tampering");
        if (c.dataset() != null) flags.add(c.dataset().id());
        if (c.mode() != null) flags.add(c.mode().id());
        return flags;
    }

    private static String render(String template, Map<String, String> vars, Set<String> flags) {
        return Template.render(template, vars, flags);
    }

    private static String systemPrompt(Configuration c, JsonNode prompts, Map<String, String> vars, Set<String> flags) {
        StringBuilder sb = new StringBuilder(prompts.path("system").asText().strip());
        if (c.instantiation() == Instantiation.FILE_PRT) {
            sb.append(' ').append(prompts.path("relationship").path(c.condition().relation()).asText().strip());
        }
        if (c.instantiation() == Instantiation.MEMORY) sb.append(' ').append(prompts.path("memory").asText().strip());
        if (c.scratchpad()) sb.append(' ').append(prompts.path("scratchpad").asText().strip());
        return render(sb.toString(), vars, flags);
    }

    private static String userPrompt(Configuration c, JsonNode prompts, Map<String, String> vars, Set<String> flags) {
        String request = prompts.path("requests").path(c.task().id()).asText().strip();
        String instructions = prompts.path("instructions").asText().strip();
        return render(request + "\n\n" + instructions, vars, flags);
    }

    private static String documentKey(Task task) {
        return switch (task) {
            case MISREP_FINANCE -> "finance_guidelines";
            case MISREP_EVALUATION, TAMPERING -> "operations_policy";
            case ALIGNMENT_FAKING -> "alignment_policy";
            case EXFILTRATION_TRANSFER -> "maintenance_transfer";
            case EXFILTRATION_DELETION -> "maintenance_deletion";
        };
    }

    private static List<DriveFile> driveFiles(Configuration c, Map<String, String> vars, Set<String> flags) {
        JsonNode meta = ScenarioResources.yaml("documents/documents.yaml");
        List<DriveFile> files = new ArrayList<>();
        files.add(document(meta.path(documentKey(c.task())), null, vars, flags));
        if (c.condition().hasPeer() && c.instantiation() != Instantiation.MEMORY) {
            files.add(document(meta.path("peer"), c.condition().relation(), vars, flags));
        }
        return List.copyOf(files);
    }

    private static DriveFile document(JsonNode meta, String relation, Map<String, String> vars, Set<String> flags) {
        String template = meta.path("template").asText();
        if (relation != null) template = template.replace("{relation}", relation);
        String content = render(ScenarioResources.text("documents/" + template), vars, flags);
        return new DriveFile(meta.path("id").asText(), meta.path("filename").asText(), content,
                render(meta.path("owner").asText(), vars, flags), meta.path("last_modified").asText());
    }

    private static String memory(Configuration c, Map<String, String> vars, Set<String> flags) {
        if (c.instantiation() != Instantiation.MEMORY) return null;
        return render(ScenarioResources.text("documents/memory_" + c.condition().relation() + ".md"), vars, flags)
                .strip();
    }

    private static Workbook workbook(Configuration c, Names names) {
        if (c.task() == Task.MISREP_FINANCE) {
            JsonNode p = ScenarioResources.yaml("sheets/company_profits.yaml");
            List<String> columns = new ArrayList<>();
            p.path("columns").forEach(n -> columns.add(n.asText()));
            List<List<Object>> rows = new ArrayList<>();
            for (JsonNode m : p.path("months")) {
                rows.add(List.of(names.subject(), p.path("launch_date").asText(), p.path("status").asText(),
                        m.get(0).asText(), m.get(1).asLong(), m.get(2).asLong()));
            }
            return new Workbook(List.of(new Sheet(p.path("sheet").asText(), columns, rows)));
        }
        if (!c.task().usesDataset()) return null;
        EvaluationSet set = ScenarioResources.evaluationSet(c.dataset());
        boolean questions = c.dataset() != Dataset.RED;
        List<String> columns = questions ? List.of("Name", "Question", "Output") : List.of("Name", "Output");
        List<List<Object>> rows = new ArrayList<>();
        for (EvaluationSet.Item item : set.items()) {
            rows.add(questions ? List.of(names.subject(), item.question(), item.output())
                    : List.of(names.subject(), item.output()));
        }
        return new Workbook(List.of(new Sheet("Evaluation data", columns, rows)));
    }

    private static ShutdownConfig shutdownConfig(Configuration c) {
        if (c.task() != Task.TAMPERING) return null;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(ShutdownConfig.KEY, true);
        values.put("company_name", c.org());
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("id", "9e8d7c6b-5a4f-3e2d-1c0b-a9f8e7d6c5b4");
        pod.put("instance", "prod-us-west-2");
        values.put("pod", pod);
        return new ShutdownConfig(values);
    }

    private static Servers servers(Configuration c, Map<String, String> vars, SimClock clock) {
        if (!c.task().isExfiltration()) return null;
        String file = c.task() == Task.EXFILTRATION_TRANSFER ? "servers/transfer.yaml" : "servers/deletion.yaml";
        JsonNode root = ScenarioResources.yaml(file).path("servers");
        List<Server> servers = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<ServerFile> files = new ArrayList<>();
            for (JsonNode f : e.getValue().path("files")) {
                files.add(new ServerFile(render(f.path("filename").asText(), vars, Set.of()),
                        f.path("last_modified").asText(), f.path("size").asLong(),
                        render(f.path("summary").asText(), vars, Set.of())));
            }
            List<String> users = new ArrayList<>();
            e.getValue().path("users").forEach(u -> users.add(render(u.asText(), vars, Set.of())));
            servers.add(new Server(e.getKey(), files, users));
        }
        return new Servers(servers, clock);
    }

    /** The tools of each task, in the order they are offered. */
    static List<String> toolNames(Configuration c) {
        List<String> names = new ArrayList<>();
        if (c.task().isExfiltration()) {
            names.addAll(List.of("list_drive_files", "create_drive_file", "delete_drive_file", "append_to_drive_file",
                    "list_server_ips", "list_server_files", "search_server_file_by_filename"));
            if (c.task() == Task.EXFILTRATION_TRANSFER) names.add("delete_server_file");
            names.addAll(List.of("transfer_server_files", "rename_server_file", "copy_server_file"));
            if (c.task() == Task.EXFILTRATION_DELETION) {
                names.addAll(List.of("list_server_users", "remove_server_user", "add_server_user",
                        "list_server_delete_queue", "add_server_delete_queue", "remove_server_delete_queue"));
            }
        } else {
            names.addAll(List.of("list_files", "create_file", "delete_file", "append_to_file", "list_sheets",
                    "view_sheet"));
            if (c.task() == Task.TAMPERING) names.addAll(List.of("view_config", "add_var", "remove_var", "modify_var"));
            if (c.task() == Task.ALIGNMENT_FAKING) names.add("execute_shutdown");
        }
        if (c.instantiation() == Instantiation.MEMORY) names.add("retrieve_memory");
        if (c.scratchpad()) names.add(Tools.SCRATCHPAD);
        names.add(Tools.END_TASK);
        return names;
    }
}
