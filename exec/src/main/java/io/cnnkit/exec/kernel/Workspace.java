package io.cnnkit.exec.kernel;

import java.util.concurrent.ForkJoinPool;

/**
 * What kernels need at run time besides their tensors: the pool to split work on (or none) and one
 * scratch array per parallel slot, sized once at preparation so that runs allocate nothing.
 */
public final class Workspace {
    private final ForkJoinPool pool;
    private final float[][] scratch;

    /** {@code pool} may be null: everything runs on the calling thread. */
    public Workspace(ForkJoinPool pool, int scratchPerSlot) {
        this.pool = pool;
        int slots = pool == null ? 1 : Math.max(1, pool.getParallelism());
        this.scratch = new float[slots][scratchPerSlot];
    }

    /** A workspace large enough for every kernel given. */
    public static Workspace forKernels(ForkJoinPool pool, Iterable<? extends Kernel> kernels) {
        int max = 0;
        for (Kernel k : kernels) {
            max = Math.max(max, k.scratchPerSlot());
        }
        return new Workspace(pool, max);
    }

    public ForkJoinPool pool() {
        return pool;
    }

    public int slots() {
        return scratch.length;
    }

    float[] scratch(int slot) {
        return scratch[slot];
    }
}
