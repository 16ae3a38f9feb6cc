package dev.mnemo.learner.model;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-thread scratch memory for the hand-written forward passes of this package
 * ({@link Classifier#hiddenActivations}, {@link Classifier#activations} and
 * {@link Classifier#dropoutLogits}): arrays allocated while it is active reuse the memory of the
 * previous call instead of a fresh off-heap allocation each time, which on these small machines
 * cost more than the matrix products themselves (an allocating {@code mmul} of a 4000 x 400 batch
 * took about four times as long as the same product into reused memory).
 *
 * <p>Nothing allocated inside a scope may escape it: callers copy results into Java arrays before
 * closing. Scopes do not nest: no method that opens one calls another that does.
 */
final class Scratch {

    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.25)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();
    private static final String FORWARD = "MNEMO_SCRATCH_FORWARD";

    private Scratch() {
    }

    /** Activates this thread's scratch workspace of the forward passes; close it to leave it. */
    static MemoryWorkspace forward() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, FORWARD);
    }
}
