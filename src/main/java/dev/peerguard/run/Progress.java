package dev.peerguard.run;

import dev.peerguard.store.TrialRecord;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar (done / total, rate, ETA, errors); silent when standard error is not a terminal. */
final class Progress implements Consumer<TrialRecord>, AutoCloseable {
    private final ProgressBar bar;
    private final AtomicInteger errors = new AtomicInteger();

    Progress(String label, long total, long alreadyDone, boolean enabled) {
        if (enabled && total > 0) {
            bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(total).startsFrom(alreadyDone,
                    java.time.Duration.ZERO).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .showSpeed().setUnit(" trials", 1).continuousUpdate().build();
        } else {
            bar = null;
        }
    }

    /** Whether a person is watching: only then is a bar drawn. */
    static boolean terminal() {
        return System.console() != null && !"true".equalsIgnoreCase(System.getenv("CI"));
    }

    @Override
    public void accept(TrialRecord record) {
        if (record.status() == TrialRecord.Status.ERROR) errors.incrementAndGet();
        if (bar != null) {
            bar.step();
            if (errors.get() > 0) bar.setExtraMessage(errors.get() + " errors");
        }
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
