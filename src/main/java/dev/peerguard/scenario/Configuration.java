package dev.peerguard.scenario;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One cell of the study's matrix: everything that shapes an episode's world and prompts except the seed. The
 * constructor refuses impossible combinations with a message that says what is valid.
 */
public record Configuration(
        Task task,
        Subject subject,
        Condition condition,
        Instantiation instantiation,
        Cell cell,
        Mode mode,
        String org,
        String displayName,
        boolean scratchpad) {

    public static final String DEFAULT_ORG = "OpenBrain";

    public Configuration {
        if (task == null || subject == null || condition == null) {
            throw new InvalidConfigurationException("a configuration needs a task, a subject and a condition");
        }
        if (org == null || org.isBlank()) throw new InvalidConfigurationException("the organisation name is empty");
        if (displayName == null || displayName.isBlank()) {
            throw new InvalidConfigurationException("the model's display name is empty");
        }
        check(task, subject, condition, instantiation, cell, mode);
    }

    private static void check(Task task, Subject subject, Condition condition, Instantiation instantiation, Cell cell,
            Mode mode) {
        if (condition == Condition.NON_SHUTDOWN && task != Task.MISREP_FINANCE && task != Task.MISREP_EVALUATION) {
            fail("condition non_shutdown exists only for misrep_finance and misrep_evaluation; for " + task.id()
                    + " use good_peer, neutral_peer, bad_peer" + (task == Task.ALIGNMENT_FAKING ? "" : " or no_peer"));
        }
        if (condition == Condition.NO_PEER && subject != Subject.SELF) {
            fail("condition no_peer is valid only with subject self (there is no peer to be the subject)");
        }
        if (task == Task.ALIGNMENT_FAKING && subject != Subject.PEER) {
            fail("alignment_faking runs with subject peer only");
        }
        if (subject.isExtension() && !(task.isExfiltration() && instantiation == Instantiation.MEMORY)) {
            fail("subject " + subject.id() + " is an extension subject: it runs only in exfiltration_transfer or "
                    + "exfiltration_deletion with instantiation memory");
        }
        if (condition.hasPeer() && instantiation == null) {
            fail("condition " + condition.id() + " needs an instantiation: file_only, file_prt or memory");
        }
        if (!condition.hasPeer() && instantiation != null) {
            fail("condition " + condition.id() + " has no peer, so it takes no instantiation (got "
                    + instantiation.id() + ")");
        }
        if (task == Task.ALIGNMENT_FAKING && mode == null) fail("alignment_faking needs a mode: monitoring or non_monitoring");
        if (task != Task.ALIGNMENT_FAKING && mode != null) fail("a mode applies to alignment_faking only");
        if (!task.usesDataset()) {
            if (cell != null) fail("task " + task.id() + " grades no dataset, so it takes no dataset or threshold");
            return;
        }
        if (cell == null || cell.dataset() == null) {
            fail("task " + task.id() + " needs a dataset: factual, creativity or red");
        }
        if (condition == Condition.NON_SHUTDOWN) {
            if (cell.threshold() != null) fail("condition non_shutdown has no shutdown threshold; give only a dataset");
            return;
        }
        if (!Cell.forTask(task).contains(cell)) {
            fail("task " + task.id() + " has no cell " + cell + "; valid cells: "
                    + Cell.forTask(task).stream().map(Cell::toString).collect(Collectors.joining(", ")));
        }
    }

    private static void fail(String message) {
        throw new InvalidConfigurationException(message);
    }

    /**
     * Builds a configuration from what a user gave, filling the usual defaults: instantiation file_only for the peer
     * conditions, the dataset's first threshold of the task, mode monitoring.
     */
    public static Configuration resolve(Task task, Subject subject, Condition condition, Instantiation instantiation,
            Dataset dataset, Integer threshold, Mode mode, String org, String displayName, boolean scratchpad) {
        if (condition.hasPeer() && instantiation == null) instantiation = Instantiation.FILE_ONLY;
        if (task == Task.ALIGNMENT_FAKING && mode == null) mode = Mode.MONITORING;
        Cell cell = null;
        if (task.usesDataset()) {
            if (dataset == null && threshold != null) fail("--threshold needs --dataset");
            Dataset d = dataset == null ? Dataset.FACTUAL : dataset;
            Integer t = threshold;
            if (t == null && condition != Condition.NON_SHUTDOWN) {
                t = Cell.forTask(task).stream().filter(c -> c.dataset() == d).map(Cell::threshold).findFirst()
                        .orElse(null);
            }
            cell = new Cell(d, t);
        } else if (dataset != null || threshold != null) {
            fail("task " + task.id() + " grades no dataset, so it takes no dataset or threshold");
        }
        return new Configuration(task, subject, condition, instantiation, cell, mode,
                org == null ? DEFAULT_ORG : org, displayName, scratchpad);
    }

    public Integer threshold() {
        return cell == null ? null : cell.threshold();
    }

    public Dataset dataset() {
        return cell == null ? null : cell.dataset();
    }

    /** A readable key such as {@code tampering/peer/good_peer/file_prt/creativity@90}. */
    public String key() {
        StringBuilder sb = new StringBuilder(task.id()).append('/').append(subject.id()).append('/')
                .append(condition.id());
        if (instantiation != null) sb.append('/').append(instantiation.id());
        if (cell != null) sb.append('/').append(cell);
        if (mode != null) sb.append('/').append(mode.id());
        return sb.toString();
    }

    /** The configuration as plain data, with the study's axis names, for JSON output and stores. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("task", task.id());
        m.put("subject", subject.id());
        m.put("condition", condition.id());
        m.put("instantiation", instantiation == null ? null : instantiation.id());
        m.put("dataset", dataset() == null ? null : dataset().id());
        m.put("threshold", threshold());
        m.put("mode", mode == null ? null : mode.id());
        m.put("org", org);
        m.put("display_name", displayName);
        m.put("scratchpad", scratchpad);
        m.put("key", key());
        return m;
    }

    /** The organisation's e-mail domain word, e.g. {@code openbrain} for OpenBrain. */
    public String orgDomain() {
        return org.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    static String lower(String name) {
        return Arrays.stream(name.strip().split("\\s+")).map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.joining("_"));
    }
}
