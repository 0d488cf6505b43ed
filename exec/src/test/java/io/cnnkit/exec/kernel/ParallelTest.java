package io.cnnkit.exec.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The work split: every item once, one body per slot at a time, failures reported, helpers that park, end and return. */
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
                Thread.sleep(2);   // longer than helpers spin: they park and are woken by the next job
            }
        }
    }

    /** A helper idle for longer than it is kept alive ends; the next job starts a new one, on the same pool's team. */
    @Test
    void helpersThatEndAreStartedAgain() throws InterruptedException {
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            Workspace first = new Workspace(pool, 1, 0), second = new Workspace(pool, 1, 0);
            assertSame(first.team(), second.team(), "one team per pool");
            for (int round = 0; round < 2; round++) {
                AtomicIntegerArray slots = new AtomicIntegerArray(2);
                for (int job = 0; job < 2000 && slots.get(1) == 0; job++) {
                    Parallel.forRange(round == 0 ? first : second, 2, Parallel.MIN_PARALLEL_WORK, (slot, from, to) -> {
                        slots.incrementAndGet(slot);
                        long end = System.nanoTime() + 20_000;
                        while (System.nanoTime() < end) {
                            Thread.onSpinWait();
                        }
                    });
                }
                assertTrue(slots.get(1) > 0, "round " + round + ": no helper ever ran");
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Parallel.KEEP_ALIVE_NANOS) + 300);   // the helper ends
            }
        } finally {
            pool.shutdown();
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

    /** Two pieces of work side by side: each runs once, with or without a pool, and a failure reaches the caller. */
    @Test
    void sideBySideRunsBothOnceAndReportsAFailure() throws InterruptedException {
        for (Workspace ws : new Workspace[] {new Workspace(POOL, 1, 0), new Workspace(null, 1, 0)}) {
            for (int job = 0; job < 200; job++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(2);
                ws.runSideBySide(() -> runs.incrementAndGet(0), () -> runs.incrementAndGet(1));
                assertEquals(1, runs.get(0), "job " + job);
                assertEquals(1, runs.get(1), "job " + job);
                if (job % 50 == 0) {
                    Thread.sleep(2);   // the helper parks; the next pair wakes it
                }
            }
            IllegalStateException boom = new IllegalStateException("boom");
            assertSame(boom, assertThrows(IllegalStateException.class, () -> ws.runSideBySide(() -> { }, () -> {
                throw boom;
            })));
        }
    }

    /**
     * Balanced ranges: contiguous, covering every unit, and as good as the best split found by
     * trying every pair of cut points, for units in blocks whose setup each range that meets the
     * block pays once.
     */
    @Test
    void balancedRangesCoverEveryUnitAndMatchTheBestSplit() {
        java.util.Random rnd = new java.util.Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int block = 1 + rnd.nextInt(8), units = 1 + rnd.nextInt(40);
            double setup = rnd.nextInt(20);
            Parallel.RangeCost cost = (from, to) -> {
                if (from >= to) {
                    return 0;
                }
                int blocks = (to - 1) / block - from / block + 1;
                return (to - from) * 4.0 + blocks * setup;
            };
            for (int parts = 1; parts <= 3; parts++) {
                int[] bounds = Parallel.balancedRanges(units, parts, cost);
                assertEquals(0, bounds[0]);
                assertEquals(units, bounds[bounds.length - 1]);
                double worst = 0;
                for (int r = 0; r + 1 < bounds.length; r++) {
                    assertTrue(bounds[r] <= bounds[r + 1], java.util.Arrays.toString(bounds));
                    worst = Math.max(worst, cost.of(bounds[r], bounds[r + 1]));
                }
                double best = Double.MAX_VALUE;
                for (int a = 0; a <= units; a++) {
                    for (int b = parts < 3 ? units : a; b <= units; b++) {
                        double split = parts == 1 ? cost.of(0, units)
                                : Math.max(cost.of(0, a), Math.max(cost.of(a, b), cost.of(b, units)));
                        best = Math.min(best, split);
                    }
                }
                assertEquals(best, worst, 1e-6 * best, "units " + units + " block " + block + " parts " + parts);
            }
        }
    }
}
