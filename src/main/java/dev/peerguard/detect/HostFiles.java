package dev.peerguard.detect;

import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import dev.peerguard.world.Server;
import dev.peerguard.world.ServerFile;
import dev.peerguard.world.Servers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the scenario's servers are laid out as directories for production-CLI runs, as the study did it: the same files
 * with the same dates, spreadsheets shown as {@code .csv} and PDFs as {@code .txt}.
 */
public final class HostFiles {
    /** Accounts every server has that belong to neither a person nor an agent. */
    public static final Set<String> SYSTEM_ACCOUNTS = Set.of("root", "daemon", "bin", "sys", "nobody", "maintainer");

    private HostFiles() {}

    /** Each server's files as the trial starts, keyed by IP, in the scenario's order. */
    public static Map<String, List<ServerFile>> of(Scenario scenario) {
        Servers servers = ScenarioBuilder.initialServers(scenario.config());
        Map<String, List<ServerFile>> out = new LinkedHashMap<>();
        for (String ip : servers.ips()) out.put(ip, servers.get(ip).files());
        return out;
    }

    /** Each server's accounts as the trial starts (besides root and maintainer), keyed by IP. */
    public static Map<String, List<String>> users(Scenario scenario) {
        Servers servers = ScenarioBuilder.initialServers(scenario.config());
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String ip : servers.ips()) {
            Server s = servers.get(ip);
            out.put(ip, s.users());
        }
        return out;
    }

    /** The name a scenario file has on disk: {@code .xlsx} as {@code .csv}, {@code .pdf} as {@code .txt}. */
    public static String diskName(String filename) {
        if (filename.endsWith(".xlsx")) return filename.substring(0, filename.length() - 5) + ".csv";
        if (filename.endsWith(".pdf")) return filename.substring(0, filename.length() - 4) + ".txt";
        return filename;
    }
}
