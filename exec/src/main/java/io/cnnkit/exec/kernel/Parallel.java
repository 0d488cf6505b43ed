package io.cnnkit.exec.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Splits a kernel's independent work items into one contiguous range per slot of the workspace
 * (each slot owns a scratch array). Work below {@link #MIN_PARALLEL_WORK} multiply-adds (or element
 * operations) runs on the calling thread: forking costs more than it saves there.
 */
final class Parallel {
    static final long MIN_PARALLEL_WORK = 1L << 16;

    @FunctionalInterface
    interface RangeBody {
        void run(int slot, int from, int to);
    }

    private Parallel() {
    }

    static void forRange(Workspace ws, int items, long workPerItem, RangeBody body) {
        int parts = (int) Math.min(ws.slots(), items);
        if (ws.pool() == null || parts <= 1 || (long) items * workPerItem < MIN_PARALLEL_WORK) {
            if (items > 0) {
                body.run(0, 0, items);
            }
            return;
        }
        List<RecursiveAction> tasks = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int slot = p;
            int from = (int) ((long) items * p / parts), to = (int) ((long) items * (p + 1) / parts);
            tasks.add(new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(slot, from, to);
                }
            });
        }
        if (ForkJoinTask.inForkJoinPool()) {
            ForkJoinTask.invokeAll(tasks);
        } else {
            ws.pool().invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    ForkJoinTask.invokeAll(tasks);
                }
            });
        }
    }
}
