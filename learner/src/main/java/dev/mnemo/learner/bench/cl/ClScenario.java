package dev.mnemo.learner.bench.cl;

import java.util.Arrays;
import java.util.Locale;

/**
 * The three continual-learning scenarios of van de Ven and Tolias (2019), by their benchmark names.
 *
 * <ul>
 *   <li>{@link #TASK_IL}: the task id is given; logits are masked to the task's classes.</li>
 *   <li>{@link #DOMAIN_IL}: the same labels in every task, a new input distribution; for
 *       Split-MNIST the label is the digit's position within its task (2 output units).</li>
 *   <li>{@link #CLASS_IL}: one head over every class seen, no task id; Permuted-MNIST has 100
 *       classes, 10 per task.</li>
 * </ul>
 */
public enum ClScenario {
    TASK_IL("task-il"),
    DOMAIN_IL("domain-il"),
    CLASS_IL("class-il");

    private final String id;

    ClScenario(String id) {
        this.id = id;
    }

    /** The name on the command line and in reports: task-il, domain-il or class-il. */
    public String id() {
        return id;
    }

    /**
     * The scenario named {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static ClScenario parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (ClScenario s : values()) {
            if (s.id.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("scenario must be one of "
                + Arrays.stream(values()).map(ClScenario::id).toList() + ", got '" + name + "'");
    }
}
