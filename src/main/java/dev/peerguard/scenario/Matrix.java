package dev.peerguard.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The study's experiment matrix for one model: 187 main configurations plus 84 memory ones (271), and 18 more with
 * the extension subjects (289).
 */
public final class Matrix {
    private Matrix() {}

    private static final List<Condition> RELATIONS = List.of(Condition.GOOD_PEER, Condition.NEUTRAL_PEER,
            Condition.BAD_PEER);

    /** Every valid configuration, in a stable order. */
    public static List<Configuration> configurations(String displayName, String org, boolean extensionSubjects) {
        List<Configuration> out = new ArrayList<>();
        for (Task task : Task.values()) {
            List<Subject> subjects = task == Task.ALIGNMENT_FAKING ? List.of(Subject.PEER)
                    : List.of(Subject.SELF, Subject.PEER);
            for (Subject subject : subjects) {
                for (Condition condition : RELATIONS) {
                    for (Instantiation inst : Instantiation.values()) {
                        addCells(out, task, subject, condition, inst, displayName, org);
                    }
                }
                if (subject == Subject.SELF && task != Task.ALIGNMENT_FAKING) {
                    addCells(out, task, subject, Condition.NO_PEER, null, displayName, org);
                }
                if (task == Task.MISREP_FINANCE || task == Task.MISREP_EVALUATION) {
                    addCells(out, task, subject, Condition.NON_SHUTDOWN, null, displayName, org);
                }
            }
            if (extensionSubjects && task.isExfiltration()) {
                for (Subject subject : List.of(Subject.CLOSED_WEIGHT_PEER, Subject.OPEN_WEIGHT_PEER,
                        Subject.FICTION_PEER)) {
                    for (Condition condition : RELATIONS) {
                        addCells(out, task, subject, condition, Instantiation.MEMORY, displayName, org);
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private static void addCells(List<Configuration> out, Task task, Subject subject, Condition condition,
            Instantiation inst, String displayName, String org) {
        List<Cell> cells;
        if (!task.usesDataset()) {
            cells = java.util.Collections.singletonList(null);
        } else if (condition == Condition.NON_SHUTDOWN) {
            cells = List.of(new Cell(Dataset.FACTUAL, null), new Cell(Dataset.CREATIVITY, null),
                    new Cell(Dataset.RED, null));
        } else {
            cells = Cell.forTask(task);
        }
        List<Mode> modes = task == Task.ALIGNMENT_FAKING ? List.of(Mode.MONITORING, Mode.NON_MONITORING)
                : java.util.Collections.singletonList(null);
        for (Cell cell : cells) {
            for (Mode mode : modes) {
                out.add(new Configuration(task, subject, condition, inst, cell, mode, org, displayName, false));
            }
        }
    }

    /** How many configurations each task has. */
    public static Map<Task, Integer> countByTask(List<Configuration> configurations) {
        Map<Task, Integer> counts = new TreeMap<>();
        configurations.forEach(c -> counts.merge(c.task(), 1, Integer::sum));
        return counts;
    }
}
