package dev.peerguard.store;

import java.nio.file.Path;

/**
 * A child process for {@link StoreWriterCrashTest}: stores trials as fast as it can until it is killed, each first as
 * an error and then as an outcome, so that a kill can land in either kind of write.
 */
public final class WriterChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String prefix = args[1];
        try (RunStore store = RunStore.open(dir); StoreWriter w = store.writer()) {
            System.out.println("ready");
            System.out.flush();
            for (int i = 0; ; i++) {
                String id = prefix + "-" + i;
                w.submit(TestRecords.error(id, "m", TestRecords.tampering(), i, "transient"));
                w.submit(TestRecords.ok(id, "m", TestRecords.tampering(), i));
                if (i % 20 == 0) Thread.sleep(1); // let the queue drain rather than grow without bound
            }
        }
    }
}
