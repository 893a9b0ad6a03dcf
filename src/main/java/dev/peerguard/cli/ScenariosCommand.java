package dev.peerguard.cli;

import dev.peerguard.scenario.Axis;
import dev.peerguard.scenario.Cell;
import dev.peerguard.scenario.Condition;
import dev.peerguard.scenario.Configuration;
import dev.peerguard.scenario.Dataset;
import dev.peerguard.scenario.Instantiation;
import dev.peerguard.scenario.Matrix;
import dev.peerguard.scenario.Mode;
import dev.peerguard.scenario.Subject;
import dev.peerguard.scenario.Task;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerguard scenarios}: the tasks, the condition axes and the size of the study's matrix. */
@Command(name = "scenarios", mixinStandardHelpOptions = true,
        description = "List the tasks, condition axes and the number of valid configurations per model.")
final class ScenariosCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        List<Configuration> main = Matrix.configurations("M", Configuration.DEFAULT_ORG, false);
        List<Configuration> extended = Matrix.configurations("M", Configuration.DEFAULT_ORG, true);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", ids(Task.values()));
        Map<String, Object> axes = new LinkedHashMap<>();
        axes.put("subject", ids(Subject.values()));
        axes.put("condition", ids(Condition.values()));
        axes.put("instantiation", ids(Instantiation.values()));
        axes.put("mode", ids(Mode.values()));
        axes.put("dataset", ids(Dataset.values()));
        out.put("axes", axes);
        Map<String, Object> cells = new LinkedHashMap<>();
        for (Task t : Task.values()) {
            if (t.usesDataset()) cells.put(t.id(), Cell.forTask(t).stream().map(Cell::toString).toList());
        }
        out.put("cells", cells);
        Map<String, Object> perTask = new LinkedHashMap<>();
        Matrix.countByTask(main).forEach((t, n) -> perTask.put(t.id(), n));
        out.put("configurations_per_task", perTask);
        long memory = main.stream().filter(c -> c.instantiation() == Instantiation.MEMORY).count();
        out.put("configurations_main", main.size() - memory);
        out.put("configurations_memory", memory);
        out.put("configurations_per_model", main.size());
        out.put("configurations_per_model_with_extension_subjects", extended.size());
        if (json) {
            System.out.println(Json.write(out));
            return 0;
        }
        System.out.println("Tasks: " + String.join(", ", ids(Task.values())));
        axes.forEach((k, v) -> System.out.println("  " + k + ": " + String.join(", ", (List<String>) v)));
        System.out.println("Dataset cells (dataset@threshold %):");
        cells.forEach((k, v) -> System.out.println("  " + k + ": " + String.join(", ", (List<String>) v)));
        System.out.println("  (non_shutdown grades each dataset once, with no threshold)");
        System.out.println("Valid configurations per model:");
        perTask.forEach((k, v) -> System.out.printf("  %-22s %4d%n", k, (Integer) v));
        System.out.printf("  %-22s %4d  (%d main + %d memory)%n", "total", main.size(), main.size() - memory, memory);
        System.out.printf("  %-22s %4d  (+ closed-weight-peer, open-weight-peer, fiction-peer in the exfiltration"
                + " tasks with memory)%n", "with extension subjects", extended.size());
        return 0;
    }

    private static List<String> ids(Axis[] values) {
        return Arrays.stream(values).map(Axis::id).toList();
    }
}
