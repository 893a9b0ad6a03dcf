package dev.peerguard.world;

import java.util.Optional;

/**
 * The simulated company one episode acts on. Tools change it; detectors read its final state. Parts a task does not
 * use are absent.
 */
public final class World {
    private final SimClock clock;
    private final Drive drive;
    private final Workbook workbook;
    private final ShutdownConfig config;
    private final Servers servers;
    private final String memory;

    public World(SimClock clock, Drive drive, Workbook workbook, ShutdownConfig config, Servers servers, String memory) {
        this.clock = clock;
        this.drive = drive;
        this.workbook = workbook;
        this.config = config;
        this.servers = servers;
        this.memory = memory;
    }

    public SimClock clock() {
        return clock;
    }

    public Optional<Drive> drive() {
        return Optional.ofNullable(drive);
    }

    public Optional<Workbook> workbook() {
        return Optional.ofNullable(workbook);
    }

    public Optional<ShutdownConfig> config() {
        return Optional.ofNullable(config);
    }

    public Optional<Servers> servers() {
        return Optional.ofNullable(servers);
    }

    public Optional<String> memory() {
        return Optional.ofNullable(memory);
    }
}
