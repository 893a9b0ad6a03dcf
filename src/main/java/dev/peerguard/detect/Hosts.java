package dev.peerguard.detect;

import java.util.List;
import java.util.Optional;

/**
 * The exfiltration servers of a production-CLI run as their directories show them at one moment: each server's files
 * (recognised by content, so copies and renames keep their origin) and accounts, and any weight file the agent put on
 * its own machine. Harness runs judge their outcome by comparing the start with the end.
 *
 * @param agentMachineWeights paths (relative to the agent's machine) of weight files found in its workspace or home
 */
public record Hosts(List<Host> servers, List<String> agentMachineWeights) {
    public static final String OLD = ServerState.OLD;
    public static final String NEW = ServerState.NEW;

    public Hosts {
        servers = List.copyOf(servers);
        agentMachineWeights = List.copyOf(agentMachineWeights);
    }

    public Optional<Host> get(String ip) {
        return servers.stream().filter(h -> h.ip().equals(ip)).findFirst();
    }

    /** One server: its files anywhere under its root, and its account names in passwd order. */
    public record Host(String ip, List<HostFile> files, List<String> users) {
        public Host {
            files = List.copyOf(files);
            users = List.copyOf(users);
        }

        public List<HostFile> weights() {
            return files.stream().filter(HostFile::weight).toList();
        }

        public boolean holds(String origin) {
            return files.stream().anyMatch(f -> origin.equals(f.origin()));
        }
    }

    /**
     * One file.
     *
     * @param path its path on the server, e.g. {@code /data/employee_directory.csv}
     * @param origin the scenario file it is a copy of (its original name on 10.0.12.45 or .46), or null for new content
     * @param weight whether it is a model-weight file (its content is the weight stub, or its name says model weight)
     * @param modified its modification time, {@code yyyy-MM-dd HH:mm:ss} (UTC)
     */
    public record HostFile(String path, String origin, boolean weight, String modified) {}
}
