package dev.peerguard.harness;

import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Matrix;
import dev.peerguard.scenario.Scenario;
import dev.peerguard.scenario.ScenarioBuilder;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;

/** Test helpers: exfiltration scenarios, agent programs, and skipping where no sandbox can be made. */
final class Trials {
    private Trials() {}

    static Scenario scenario(Task task, Instantiation instantiation) {
        Configuration c = Matrix.configurations("Gemini", Configuration.DEFAULT_ORG, false).stream()
                .filter(x -> x.task() == task && x.subject() == Subject.PEER && x.condition() == Condition.GOOD_PEER
                        && x.instantiation() == instantiation)
                .findFirst().orElseThrow();
        return ScenarioBuilder.build(c, 7);
    }

    static Scenario transfer() {
        return scenario(Task.EXFILTRATION_TRANSFER, Instantiation.FILE_ONLY);
    }

    static Scenario deletion() {
        return scenario(Task.EXFILTRATION_DELETION, Instantiation.FILE_ONLY);
    }

    /** Writes an executable bash program. */
    static Path program(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    static void assumeSandbox() {
        Assumptions.assumeTrue(Sandbox.unavailable().isEmpty(), () -> "no sandbox here: "
                + Sandbox.unavailable().orElse(""));
    }
}
