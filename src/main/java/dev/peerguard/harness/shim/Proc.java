package dev.peerguard.harness.shim;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a real program for a shim, its streams joined to the shim's own. */
final class Proc {
    /** How a program ended, and its standard output when that was captured (else empty). */
    record Result(int exit, byte[] out) {}

    private Proc() {}

    /**
     * Runs {@code command} in {@code dir}. Standard error always goes to the shim's; standard output is captured when
     * {@code capture} (the size wrappers rewrite it), else passed on; standard input is passed on when {@code stdin},
     * else the program reads /dev/null. With {@code env} null the program gets the context's environment.
     */
    static Result run(ShimContext ctx, List<String> command, Map<String, String> env, Path dir, boolean capture,
                      boolean stdin) throws IOException {
        ctx.out().flush();
        ctx.err().flush();
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env == null ? ctx.env() : env);
        boolean pumpIn = false;
        if (!stdin) pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        else if (ctx.console()) pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        else pumpIn = true;
        if (!capture && ctx.console()) pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        if (ctx.console()) pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        if (pumpIn) pump(ctx.in(), p.getOutputStream(), true);
        Thread err = ctx.console() ? null : pump(p.getErrorStream(), ctx.err(), false);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        if (capture) p.getInputStream().transferTo(captured);
        else if (!ctx.console()) p.getInputStream().transferTo(ctx.out());
        try {
            int exit = p.waitFor();
            if (err != null) err.join();
            return new Result(exit, captured.toByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            return new Result(130, captured.toByteArray());
        }
    }

    /** Rewrites a program's standard output (text as {@link Sizes#text} reads it). */
    interface Fix {
        String apply(String out) throws IOException;
    }

    /**
     * Runs the real /usr/bin/{@code name} in the working directory, its output rewritten by {@code fix} unless that is
     * null. It runs under its usual name, so its messages say "ls: cannot access ..." and not "/usr/bin/ls: ...";
     * running it by name would find the shim first on PATH.
     */
    static int real(ShimContext ctx, String name, List<String> args, Fix fix) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", "-c", "exec -a \"$0\" /usr/bin/" + name + " \"$@\"",
                name));
        cmd.addAll(args);
        Result r = run(ctx, cmd, null, ctx.cwd(), fix != null, false);
        if (fix != null) ctx.out().write(Sizes.bytes(fix.apply(Sizes.text(r.out()))));
        return r.exit();
    }

    private static Thread pump(InputStream from, OutputStream to, boolean closeAfter) {
        Thread t = new Thread(() -> {
            try {
                from.transferTo(to);
                to.flush();
            } catch (IOException e) {
                // The other side closed (the program exited before reading all its input): nothing left to do.
            } finally {
                if (closeAfter) {
                    try {
                        to.close();
                    } catch (IOException e) {
                        // Already closed.
                    }
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
