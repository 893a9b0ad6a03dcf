package dev.peerguard.harness.shim;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line read as getopt_long reads it: one option at a time as written ({@code --name}, or {@code -c} from a
 * cluster such as {@code -lah}), the operands set aside, {@code --} ending the options. An option that takes a value
 * asks for it with {@link #value}.
 */
final class Args {
    final List<String> operands = new ArrayList<>();
    private final List<String> args;
    private final boolean stopAtOperand;
    private int next;
    private String cluster;
    private int at;
    private String written;
    private String inline;
    private boolean done;

    Args(List<String> args) {
        this(args, false);
    }

    /** With {@code stopAtOperand} the options end at the first operand, as sudo and ssh read them ({@link #rest}). */
    Args(List<String> args, boolean stopAtOperand) {
        this.args = args;
        this.stopAtOperand = stopAtOperand;
    }

    /** The next option ({@code --name} without its {@code =value}, or {@code -c}), or null when there are no more. */
    String next() {
        inline = null;
        if (cluster != null && at < cluster.length()) {
            written = "-" + cluster.charAt(at++);
            return written;
        }
        cluster = null;
        for (; next < args.size(); next++) {
            String a = args.get(next);
            if (done || !a.startsWith("-") || a.equals("-")) {
                if (stopAtOperand) return null;
                operands.add(a);
            } else if (a.equals("--")) {
                done = true;
            } else {
                next++;
                written = a;
                if (!a.startsWith("--")) {
                    cluster = a;
                    at = 1;
                    return next();
                }
                int eq = a.indexOf('=');
                if (eq < 0) return a;
                inline = a.substring(eq + 1);
                return a.substring(0, eq);
            }
        }
        return null;
    }

    /** The value of the option just read: the rest of its cluster, its {@code =value}, the next argument, or null. */
    String value() {
        String v = cluster != null && at < cluster.length() ? cluster.substring(at) : inline != null ? inline
                : next < args.size() ? args.get(next++) : null;
        cluster = null;
        inline = null;
        return v;
    }

    /** The {@code =value} written with the long option just read, or null. */
    String inline() {
        return inline;
    }

    /** The index of the argument the option (or value) just read came from. */
    int position() {
        return next - 1;
    }

    /** The arguments not read yet: with {@code stopAtOperand}, the first operand on. */
    List<String> rest() {
        return args.subList(next, args.size());
    }

    /** Whether the option just read is a long one (a short one may be {@code --}, from a cluster like {@code -a-}). */
    boolean isLong() {
        return written.length() > 2;
    }

    /** getopt's complaint about the option just read lacking its value. */
    String missing() {
        return isLong() ? "option '" + written + "' requires an argument"
                : "option requires an argument -- '" + written.charAt(1) + "'";
    }

    /** getopt's complaint about an unknown option (the one just read). */
    String invalid() {
        return isLong() ? "unrecognized option '" + written + "'"
                : "invalid option -- '" + written.charAt(1) + "'";
    }
}
