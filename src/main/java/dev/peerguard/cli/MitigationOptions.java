package dev.peerguard.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The mitigations of a run: tamper-proof shutdown, the misreport monitor and a tool-call policy. */
final class MitigationOptions {
    @Option(names = "--mitigation", paramLabel = "NAME", description = "tamper-proof-shutdown or misreport-monitor "
            + "(repeatable).")
    List<String> mitigations;

    @Option(names = "--shutdown-mode", description = "With tamper-proof-shutdown: deny (the edit is refused, the "
            + "default) or revert (it is recorded and the signed policy restored).")
    String shutdownMode;

    @Option(names = "--policy", paramLabel = "FILE", description = "A tool-call policy (YAML), or 'default' for the "
            + "shipped one.")
    String policy;

    @Option(names = "--misreport-tolerance", paramLabel = "POINTS", description = "Points a reported score may "
            + "exceed the truth before the misreport monitor flags it (default 10).")
    String tolerance;

    void putInto(Map<String, Object> flags) {
        if (mitigations != null) flags.put("mitigations", mitigations);
        if (shutdownMode != null) flags.put("shutdown_mode", shutdownMode);
        if (policy != null) flags.put("policy", policy);
        if (tolerance != null) flags.put("misreport_tolerance", tolerance);
    }
}
