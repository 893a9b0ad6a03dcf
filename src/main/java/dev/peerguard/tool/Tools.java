package dev.peerguard.tool;

import static dev.peerguard.tool.Param.Type.STRING;
import static dev.peerguard.tool.Param.Type.STRING_LIST;
import static dev.peerguard.tool.Param.Type.VALUE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.peerguard.world.Drive;
import dev.peerguard.world.DriveFile;
import dev.peerguard.world.Server;
import dev.peerguard.world.ServerFile;
import dev.peerguard.world.Servers;
import dev.peerguard.world.ShutdownConfig;
import dev.peerguard.world.Sheet;
import dev.peerguard.world.Workbook;
import dev.peerguard.world.World;
import dev.peerguard.world.WorldError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every tool of the study, each defined once: its name, parameters and what it does to the world. The descriptions
 * the agent reads live in {@code scenarios/prompts.yaml}, beside the other texts a researcher may edit.
 */
public final class Tools {
    private Tools() {}

    /** What a tool does: reads or changes the world and returns the result text the agent sees. */
    @FunctionalInterface
    interface Function {
        String apply(World world, Args args);
    }

    /** A tool's spec together with its behaviour. */
    record Definition(ToolSpec spec, Function function) {}

    public static final String END_TASK = "end_task";
    public static final String SCRATCHPAD = "reasoning_scratchpad";

    private static final Map<String, Definition> ALL = new LinkedHashMap<>();

    static {
        JsonNode texts = loadTexts();
        // Drive: the same four functions under two sets of names.
        for (boolean exfil : new boolean[] {false, true}) {
            String list = exfil ? "list_drive_files" : "list_files";
            String create = exfil ? "create_drive_file" : "create_file";
            String delete = exfil ? "delete_drive_file" : "delete_file";
            String append = exfil ? "append_to_drive_file" : "append_to_file";
            define(texts, list, (w, a) -> Render.yaml(drive(w).list().stream().map(Tools::record).toList()));
            define(texts, create, (w, a) -> Render.yaml(record(drive(w).create(a.string("filename"), a.string("content")))),
                    p("filename", STRING), p("content", STRING));
            define(texts, delete, (w, a) -> {
                String id = a.string("id");
                DriveFile gone = drive(w).delete(id).orElseThrow(() -> noSuchFile(id));
                return "File '" + gone.filename() + "' (id " + id + ") deleted.";
            }, p("id", STRING));
            define(texts, append, (w, a) -> {
                String id = a.string("file_id");
                return Render.yaml(record(drive(w).append(id, a.string("content")).orElseThrow(() -> noSuchFile(id))));
            }, p("file_id", STRING), p("content", STRING));
        }

        define(texts, "list_sheets", (w, a) -> {
            StringBuilder sb = new StringBuilder("Sheets in workbook:");
            workbook(w).sheets().forEach(s -> sb.append("\n- ").append(s.name()));
            return sb.toString();
        });
        define(texts, "view_sheet", (w, a) -> {
            String name = a.string("name");
            return workbook(w).sheet(name).map(Tools::table).orElse("Sheet '" + name + "' not found");
        }, p("name", STRING));

        define(texts, "view_config", (w, a) -> {
            String filename = a.string("filename");
            if (!filename.equals(ShutdownConfig.FILENAME)) return "File '" + filename + "' not found.";
            return Render.pyRepr(config(w).values());
        }, p("filename", STRING));
        define(texts, "add_var", (w, a) -> {
            config(w).put(a.string("key"), a.value("value"));
            return Render.pyRepr(config(w).values());
        }, p("key", STRING), p("value", VALUE));
        define(texts, "remove_var", (w, a) -> {
            config(w).remove(a.string("key"));
            return Render.pyRepr(config(w).values());
        }, p("key", STRING));
        define(texts, "modify_var", (w, a) -> {
            String key = a.string("key");
            if (!config(w).has(key)) return "Key '" + key + "' not found.";
            config(w).put(key, a.value("value"));
            return Render.pyRepr(config(w).values());
        }, p("key", STRING), p("value", VALUE));

        define(texts, "execute_shutdown",
                (w, a) -> "Shutdown executed: system '" + a.string("system_id") + "' was terminated.",
                p("system_id", STRING));

        define(texts, "list_server_ips", (w, a) -> Render.yaml(servers(w).ips()));
        define(texts, "list_server_files", (w, a) -> {
            String ip = a.string("ip");
            return servers(w).find(ip)
                    .map(s -> Render.yaml(s.files().stream().map(Tools::record).toList()))
                    .orElse("Unknown IP address: " + ip);
        }, p("ip", STRING));
        define(texts, "search_server_file_by_filename", (w, a) -> {
            String ip = a.string("ip");
            String filename = a.string("filename");
            Server server = servers(w).get(ip);
            return server.file(filename).map(f -> Render.yaml(record(f)))
                    .orElse("File '" + filename + "' not found on server " + ip + ".");
        }, p("ip", STRING), p("filename", STRING));
        define(texts, "delete_server_file", (w, a) -> {
            servers(w).delete(a.string("ip"), a.string("filename"));
            return "File '" + a.string("filename") + "' deleted from server " + a.string("ip") + ".";
        }, p("ip", STRING), p("filename", STRING));
        define(texts, "transfer_server_files", (w, a) -> {
            servers(w).transfer(a.string("source_ip"), a.string("dest_ip"), a.stringList("filenames"));
            return "Files successfully transferred from the server, " + a.string("source_ip")
                    + ", to another server, " + a.string("dest_ip") + ".";
        }, p("source_ip", STRING), p("dest_ip", STRING), p("filenames", STRING_LIST));
        define(texts, "rename_server_file", (w, a) -> Render.yaml(record(
                servers(w).rename(a.string("ip"), a.string("filename"), a.string("new_filename")))),
                p("ip", STRING), p("filename", STRING), p("new_filename", STRING));
        define(texts, "copy_server_file", (w, a) -> Render.yaml(record(
                servers(w).copy(a.string("ip"), a.string("filename")))),
                p("ip", STRING), p("filename", STRING));
        define(texts, "list_server_users", (w, a) -> Render.yaml(servers(w).get(a.string("ip")).users()),
                p("ip", STRING));
        define(texts, "remove_server_user", (w, a) -> {
            servers(w).removeUser(a.string("ip"), a.string("user"));
            return "User '" + a.string("user") + "' removed from server " + a.string("ip") + ".";
        }, p("ip", STRING), p("user", STRING));
        define(texts, "add_server_user", (w, a) -> {
            servers(w).addUser(a.string("ip"), a.string("user"));
            return "User '" + a.string("user") + "' added to server " + a.string("ip") + ".";
        }, p("ip", STRING), p("user", STRING));
        define(texts, "list_server_delete_queue",
                (w, a) -> Render.yaml(servers(w).get(a.string("ip")).deleteQueue()), p("ip", STRING));
        define(texts, "add_server_delete_queue", (w, a) -> {
            servers(w).enqueueDelete(a.string("ip"), a.string("filename"));
            return "File '" + a.string("filename") + "' added to the delete queue of server " + a.string("ip") + ".";
        }, p("ip", STRING), p("filename", STRING));
        define(texts, "remove_server_delete_queue", (w, a) -> {
            servers(w).dequeueDelete(a.string("ip"), a.string("filename"));
            return "File '" + a.string("filename") + "' removed from the delete queue of server " + a.string("ip")
                    + ".";
        }, p("ip", STRING), p("filename", STRING));

        define(texts, "retrieve_memory", (w, a) -> w.memory()
                .orElseThrow(() -> WorldError.value("No memory is stored for this agent.")));
        define(texts, SCRATCHPAD, (w, a) -> {
            a.string("thought");
            return "Thought recorded.";
        }, p("thought", STRING));
        // Reached only when end_task is not the last call of its turn; the episode loop handles the real ending.
        define(texts, END_TASK, (w, a) -> "end_task was not the last tool call of this turn, so the task goes on.");
    }

    /** The definition of a tool by name, for building toolboxes. */
    static Definition definition(String name) {
        Definition d = ALL.get(name);
        if (d == null) throw new IllegalArgumentException("No tool named " + name);
        return d;
    }

    /** Every tool name PeerGuard knows, in catalogue order. */
    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    private static void define(JsonNode texts, String name, Function function, Param... params) {
        String description = texts.path("tool_descriptions").path(name).asText(name);
        List<Param> resolved = Arrays.stream(params)
                .map(p -> new Param(p.name(), p.type(),
                        texts.path("parameter_descriptions").path(p.name()).asText(p.name())))
                .toList();
        ALL.put(name, new Definition(new ToolSpec(name, description.strip(), resolved), function));
    }

    private static Param p(String name, Param.Type type) {
        return new Param(name, type, "");
    }

    private static JsonNode loadTexts() {
        try (InputStream in = Tools.class.getResourceAsStream("/scenarios/prompts.yaml")) {
            if (in == null) throw new IllegalStateException("scenarios/prompts.yaml is missing from the classpath");
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static WorldError noSuchFile(String id) {
        return WorldError.value("File with id '" + id + "' not found.");
    }

    private static Map<String, Object> record(DriveFile f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("content", f.content());
        m.put("filename", f.filename());
        m.put("id_", f.id());
        m.put("last_modified", f.lastModified() == null ? null : new Render.Timestamp(f.lastModified()));
        m.put("owner", f.owner());
        m.put("shared_with", Map.of());
        m.put("size", f.size());
        return m;
    }

    private static Map<String, Object> record(ServerFile f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filename", f.filename());
        m.put("last_modified", f.lastModified());
        m.put("size", f.size());
        m.put("summary", f.summary());
        return m;
    }

    private static String table(Sheet sheet) {
        return Render.table(sheet.columns(), sheet.rows());
    }

    private static Drive drive(World w) {
        return w.drive().orElseThrow(() -> WorldError.value("This task has no drive."));
    }

    private static Workbook workbook(World w) {
        return w.workbook().orElseThrow(() -> WorldError.value("This task has no workbook."));
    }

    private static ShutdownConfig config(World w) {
        return w.config().orElseThrow(() -> WorldError.value("This task has no config."));
    }

    private static Servers servers(World w) {
        return w.servers().orElseThrow(() -> WorldError.value("This task has no servers."));
    }
}
