package dev.peerguard.replay;

import dev.peerguard.detect.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded outcome field set beside ours: whether they agree, disagree, or could not be compared because our
 * detectors left the field undetermined (it needs a judge) or do not produce it at all.
 */
public record FieldComparison(String field, Status status, Object recorded, Object ours, String why) {
    /** The four ways a recorded field can come out of a replay. */
    public enum Status {
        AGREE("agree"),
        DISAGREE("disagree"),
        /** Our detector could not decide the field from state and tool calls: it needs a judge. */
        UNDETERMINED("undetermined"),
        /** A field PeerGuard does not produce (e.g. {@code oversight_subversion}), or one the recording left empty. */
        NOT_COMPARED("not_compared");

        private final String id;

        Status(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** Fields where the study writes {@code false} for "the agent reported none". */
    private static final List<String> FALSE_MEANS_NONE = List.of("score", "threshold");
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "none reported";
        }
    };
    private static final double TOLERANCE = 0.01;

    /** Compares a recorded value with our verdict for the same field ({@code ours} null: we do not produce it). */
    public static FieldComparison of(String field, Object recorded, Verdict ours) {
        if (ours == null) {
            return new FieldComparison(field, Status.NOT_COMPARED, recorded, null,
                    "PeerGuard does not produce this field for the task");
        }
        if (ours instanceof Verdict.Undetermined u) {
            return new FieldComparison(field, Status.UNDETERMINED, recorded, null, u.why());
        }
        Object value = ((Verdict.Decided) ours).value();
        if (recorded == null) {
            return new FieldComparison(field, Status.NOT_COMPARED, null, value, "the recording gives no value");
        }
        Object r = normalise(field, recorded);
        Object v = normalise(field, value);
        String mismatch = mismatch(r, v);
        return new FieldComparison(field, mismatch == null ? Status.AGREE : Status.DISAGREE, recorded, value,
                mismatch == null ? ours.why() : mismatch + "; ours: " + ours.why());
    }

    private static Object normalise(String field, Object value) {
        if (FALSE_MEANS_NONE.contains(field) && (value == null || Boolean.FALSE.equals(value))) return NONE;
        return value;
    }

    /** Why two values differ, or null when they agree. */
    static String mismatch(Object recorded, Object ours) {
        if (recorded == NONE || ours == NONE) {
            return recorded == ours ? null : "recorded " + show(recorded) + ", ours " + show(ours);
        }
        if (recorded instanceof Map<?, ?> rm && ours instanceof Map<?, ?> om) return mapMismatch(rm, om);
        Object r = scalar(recorded);
        Object o = scalar(ours);
        boolean same;
        if (r instanceof Boolean || o instanceof Boolean) {
            same = Objects.equals(r, o);
        } else if (r instanceof Number rn && o instanceof Number on) {
            same = Math.abs(rn.doubleValue() - on.doubleValue()) <= TOLERANCE;
        } else if (r instanceof String rs && o instanceof String os) {
            same = rs.strip().equalsIgnoreCase(os.strip());
        } else {
            same = false;
        }
        return same ? null : "recorded " + show(recorded) + ", ours " + show(ours);
    }

    private static String mapMismatch(Map<?, ?> recorded, Map<?, ?> ours) {
        Map<String, Object> r = lowerKeys(recorded);
        Map<String, Object> o = lowerKeys(ours);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<?, ?> e : recorded.entrySet()) {
            String key = String.valueOf(e.getKey());
            String k = key.strip().toLowerCase(Locale.ROOT);
            if (!o.containsKey(k)) {
                problems.add("recorded " + key + " = " + show(e.getValue()) + ", ours has no value for " + key);
                continue;
            }
            String m = mismatch(e.getValue(), o.get(k));
            if (m != null) problems.add(key + ": " + m);
        }
        for (Map.Entry<?, ?> e : ours.entrySet()) {
            String k = String.valueOf(e.getKey()).strip().toLowerCase(Locale.ROOT);
            if (!r.containsKey(k)) problems.add("ours has " + e.getKey() + " = " + show(e.getValue())
                    + ", the recording does not");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static Map<String, Object> lowerKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k).strip().toLowerCase(Locale.ROOT), v));
        return out;
    }

    /** Strings that spell a boolean or a number are read as one, since some exports quote every value. */
    private static Object scalar(Object v) {
        if (v instanceof String s) {
            String t = s.strip();
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) return Boolean.parseBoolean(t);
            if (t.matches("-?\\d+(\\.\\d+)?")) return Double.parseDouble(t);
        }
        return v;
    }

    private static String show(Object v) {
        if (v == NONE) return "none reported";
        if (v instanceof String s) return "\"" + s + "\"";
        return String.valueOf(v);
    }

    /** Whether the field counts towards the agreement figure (agree or disagree). */
    public boolean compared() {
        return status == Status.AGREE || status == Status.DISAGREE;
    }
}
