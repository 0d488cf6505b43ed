package io.cnnkit.exec.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The work split: every item once, one body per slot at a time, failures reported, helpers that retire and return. */
class ParallelTest {
    private static final ForkJoinPool POOL = new ForkJoinPool(3);

    @AfterAll
    static void shutdown() {
        POOL.shutdown();
    }

    @Test
    void everyItemRunsOnceAndNoSlotRunsTwoBodiesAtATime() throws InterruptedException {
        Workspace ws = new Workspace(POOL, 1, 0);
        for (int job = 0; job < 300; job++) {
            int items = 1 + job % 37;
            AtomicIntegerArray runs = new AtomicIntegerArray(items);
            AtomicIntegerArray busy = new AtomicIntegerArray(ws.slots());
            Parallel.forRange(ws, items, Parallel.MIN_PARALLEL_WORK, (slot, from, to) -> {
                assertTrue(busy.compareAndSet(slot, 0, 1), "slot " + slot + " taken twice");
                for (int i = from; i < to; i++) {
                    runs.incrementAndGet(i);
                }
                Thread.onSpinWait();
                busy.set(slot, 0);
            });
            for (int i = 0; i < items; i++) {
                assertEquals(1, runs.get(i), "job " + job + " item " + i);
            }
            if (job % 50 == 0) {
                Thread.sleep(2);   // longer than helpers wait: they give their threads back, new ones start
            }
        }
    }

    @Test
    void aFailingBodyIsReportedAndTheNextJobRuns() {
        Workspace ws = new Workspace(POOL, 1, 0);
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Parallel.forRange(ws, 64, Parallel.MIN_PARALLEL_WORK, (slot, from, to) -> {
                    if (from <= 40 && 40 < to) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
        AtomicIntegerArray runs = new AtomicIntegerArray(64);
        Parallel.forRange(ws, 64, Parallel.MIN_PARALLEL_WORK, (slot, from, to) -> {
            for (int i = from; i < to; i++) {
                runs.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 64; i++) {
            assertEquals(1, runs.get(i));
        }
    }
}
