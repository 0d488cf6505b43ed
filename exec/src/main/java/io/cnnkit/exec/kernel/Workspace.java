package io.cnnkit.exec.kernel;

import java.util.concurrent.ForkJoinPool;

/**
 * What kernels need at run time besides their tensors: the pool to split work on (or none) and one
 * scratch array per parallel slot, sized once at preparation so that runs allocate nothing.
 */
public final class Workspace {
    private final ForkJoinPool pool;
    private final float[][] scratch;
    private final float[] shared;
    private final Parallel.Team team;

    /** {@code pool} may be null: everything runs on the calling thread. */
    public Workspace(ForkJoinPool pool, int scratchPerSlot, int sharedScratch) {
        this.pool = pool;
        int slots = pool == null ? 1 : Math.max(1, pool.getParallelism());
        this.scratch = new float[slots][];
        for (int s = 0; s < slots; s++) {
            scratch[s] = Align.floats(scratchPerSlot);
        }
        this.shared = Align.floats(sharedScratch);
        this.team = pool == null ? null : Parallel.Team.of(pool, slots);
    }

    /** A workspace large enough for {@code kernel}. */
    public static Workspace forKernel(ForkJoinPool pool, Kernel kernel) {
        return new Workspace(pool, kernel.scratchPerSlot(), kernel.sharedScratch());
    }

    /** A workspace large enough for every kernel given. */
    public static Workspace forKernels(ForkJoinPool pool, Iterable<? extends Kernel> kernels) {
        int perSlot = 0;
        int shared = 0;
        for (Kernel k : kernels) {
            perSlot = Math.max(perSlot, k.scratchPerSlot());
            shared = Math.max(shared, k.sharedScratch());
        }
        return new Workspace(pool, perSlot, shared);
    }

    public ForkJoinPool pool() {
        return pool;
    }

    /**
     * Runs two independent pieces of work side by side, the calling thread and one helper of this
     * workspace taking one each (the caller both, if the helper is not there in time); returns when
     * both are done. The helper is the one that serves the kernels' parallel work, so no third
     * thread competes for the cores (a task submitted to the pool used to run beside a helper
     * still spinning after the previous step).
     */
    public void runSideBySide(Runnable first, Runnable second) {
        Parallel.sideBySide(this, first, second);
    }

    public int slots() {
        return scratch.length;
    }

    /** The slot's scratch: kernels use it from index {@link Align#FLOATS} on. */
    public float[] scratch(int slot) {
        return scratch[slot];
    }

    Parallel.Team team() {
        return team;
    }

    /** The shared scratch: kernels use it from index {@link Align#FLOATS} on. */
    public float[] shared() {
        return shared;
    }
}
