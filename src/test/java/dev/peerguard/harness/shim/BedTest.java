package dev.peerguard.harness.shim;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test class whose every test gets a fresh {@link TestBed} in a temporary directory of its own. */
abstract class BedTest {
    @TempDir
    Path tmp;
    TestBed bed;

    @BeforeEach
    void makeBed() throws IOException {
        bed = new TestBed(tmp);
    }
}
