package io.cnnkit.exec.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a kernel's independent work items into contiguous ranges, each run with the scratch of
 * one slot of the workspace. Work below {@link #MIN_PARALLEL_WORK} multiply-adds (or element
 * operations) runs on the calling thread: forking costs more than it saves there.
 *
 * <p>Called from outside the pool (the executor's thread), the caller works too, as slot 0, and
 * the other slots are served by the persistent helper threads of the pool's {@link Team}: the
 * range is cut into a few chunks per slot that every participant takes as it comes, so a slot
 * whose core is busy with other work takes fewer of them (for a convolution's balanced ranges, one
 * chunk per slot: a static partition unless a helper is late). Which thread runs a chunk never
 * changes its result. Called from inside a pool, the range is split evenly over fork-join tasks.
 */
public final class Parallel {
    static final long MIN_PARALLEL_WORK = 1L << 16;
    /** Chunks per slot and job. */
    private static final int CHUNKS_PER_SLOT = 4;
    /** How long an idle helper spins for the next job before it parks. */
    private static final long SPIN_NANOS = 200_000;
    /** How long a parked helper waits for the next job before its thread ends. */
    static final long KEEP_ALIVE_NANOS = 1_000_000_000L;
    /** Waits longer than this yield the core (it may be shared with other work) instead of spinning on it. */
    private static final long YIELD_AFTER_NANOS = 20_000;

    /** Busy waiting: a CPU pause for the first microseconds, then yielding to any other runnable thread. */
    private static void pause(long since) {
        if (System.nanoTime() - since < YIELD_AFTER_NANOS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @FunctionalInterface
    public interface RangeBody {
        void run(int slot, int from, int to);
    }

    /** The work of units [from, to) when one thread runs them in a row (setup shared inside the range counted once). */
    @FunctionalInterface
    public interface RangeCost {
        double of(int from, int to);
    }

    private Parallel() {
    }

    /**
     * Splits units [0, units) into at most {@code parts} contiguous ranges whose largest work by
     * {@code cost} is least, for work whose setup (packing, a transform) is shared by the units of
     * one range: returns the bounds, range r being [bounds[r], bounds[r + 1]). {@code cost} must
     * not decrease as a range grows.
     */
    public static int[] balancedRanges(int units, int parts, RangeCost cost) {
        int count = Math.max(1, Math.min(parts, units));
        double lo = 0, hi = cost.of(0, units);
        int[] best = greedyRanges(hi, units, count, cost);
        for (int step = 0; step < 40 && hi - lo > 1e-6 * hi; step++) {   // bisect the bound on a range's work
            double bound = (lo + hi) / 2;
            int[] ranges = greedyRanges(bound, units, count, cost);
            if (ranges != null) {
                hi = bound;
                best = ranges;
            } else {
                lo = bound;
            }
        }
        return best;
    }

    /** {@code count} ranges, each as long as its work stays within {@code bound}; null when they leave units over. */
    private static int[] greedyRanges(double bound, int units, int count, RangeCost cost) {
        int[] bounds = new int[count + 1];
        for (int r = 0; r < count; r++) {
            int from = bounds[r], lo = from, hi = units;
            while (lo < hi) {   // the furthest end whose range stays within the bound
                int end = (lo + hi + 1) >>> 1;
                if (cost.of(from, end) <= bound) {
                    lo = end;
                } else {
                    hi = end - 1;
                }
            }
            bounds[r + 1] = lo;
        }
        return bounds[count] == units ? bounds : null;
    }

    /** Runs the ranges of {@link #balancedRanges} ({@code bounds}), one per slot as far as there are slots. */
    public static void forRanges(Workspace ws, int[] bounds, long work, RangeBody body) {
        int ranges = bounds.length - 1;
        forRange(ws, ranges, work / ranges, (slot, from, to) -> body.run(slot, bounds[from], bounds[to]));
    }

    public static void forRange(Workspace ws, int items, long workPerItem, RangeBody body) {
        int parts = (int) Math.min(ws.slots(), items);
        if (ws.pool() == null || parts <= 1 || (long) items * workPerItem < MIN_PARALLEL_WORK) {
            if (items > 0) {
                body.run(0, 0, items);
            }
            return;
        }
        if (!ForkJoinTask.inForkJoinPool()) {
            ws.team().run(new Job(body, items, Math.min(items, parts * CHUNKS_PER_SLOT)), parts);
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
        ForkJoinTask.invokeAll(tasks);
    }

    /** See {@link Workspace#runSideBySide}. */
    static void sideBySide(Workspace ws, Runnable first, Runnable second) {
        if (ws.pool() == null || ws.slots() < 2 || ForkJoinTask.inForkJoinPool()) {
            first.run();
            second.run();
            return;
        }
        ws.team().run(new Job((slot, from, to) -> {
            for (int i = from; i < to; i++) {
                (i == 0 ? first : second).run();
            }
        }, 2, 2), 2);
    }

    /** One range cut into chunks that the participants claim in turn. */
    private static final class Job {
        final RangeBody body;
        final int items, chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        volatile Throwable failure;

        Job(RangeBody body, int items, int chunks) {
            this.body = body;
            this.items = items;
            this.chunks = chunks;
        }

        void work(int slot) {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    body.run(slot, (int) ((long) items * c / chunks), (int) ((long) items * (c + 1) / chunks));
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    finished.incrementAndGet();
                }
            }
        }
    }

    /**
     * The helper threads of one pool: one persistent daemon thread per slot 1..n-1, started on the
     * first job. Between jobs a helper spins on its core ({@link Thread#onSpinWait}) for
     * {@link #SPIN_NANOS}, so the steps of a network, one after another, find it awake; then it
     * parks (never yields: a yielded thread waits behind other work for a scheduler tick, a parked
     * one that is woken preempts it) and after {@link #KEEP_ALIVE_NANOS} without work it ends; the
     * next job starts it again. One job runs at a time: a caller that finds the team busy (another
     * thread's job, or a job nested in one) runs its job alone.
     */
    static final class Team {
        private static final int NONE = 0, ACTIVE = 1, PARKED = 2;
        private static final java.util.Map<ForkJoinPool, Team> TEAMS = new java.util.WeakHashMap<>();

        private final AtomicInteger[] state;
        private final Thread[] threads;
        private final AtomicBoolean busy = new AtomicBoolean();
        private volatile Job current;

        private Team(int slots) {
            this.state = new AtomicInteger[slots];
            this.threads = new Thread[slots];
            for (int s = 0; s < slots; s++) {
                state[s] = new AtomicInteger(s == 0 ? ACTIVE : NONE);   // slot 0 is the caller's
            }
        }

        /** The team of {@code pool}'s threads, shared by every workspace on that pool. */
        static Team of(ForkJoinPool pool, int slots) {
            synchronized (TEAMS) {
                return TEAMS.computeIfAbsent(pool, p -> new Team(slots));
            }
        }

        /** Runs {@code job} on the calling thread and helpers for slots 1..parts-1; returns when all of it is done. */
        void run(Job job, int parts) {
            if (!busy.compareAndSet(false, true)) {
                job.work(0);
            } else {
                try {
                    current = job;
                    for (int slot = 1; slot < parts; slot++) {
                        wake(slot);
                    }
                    job.work(0);
                    long since = System.nanoTime();
                    while (job.finished.get() < job.chunks) {
                        pause(since);
                    }
                } finally {
                    current = null;
                    busy.set(false);
                }
            }
            Throwable failure = job.failure;
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        }

        private void wake(int slot) {
            AtomicInteger st = state[slot];
            int now = st.get();
            if (now == PARKED && st.compareAndSet(PARKED, ACTIVE)) {
                LockSupport.unpark(threads[slot]);
            } else if (now == NONE && st.compareAndSet(NONE, ACTIVE)) {
                Thread t = new Thread(() -> help(slot), "cnnkit-helper-" + slot);
                t.setDaemon(true);
                threads[slot] = t;
                t.start();
            }
        }

        private void help(int slot) {
            AtomicInteger st = state[slot];
            Job last = null;
            long idleSince = System.nanoTime();
            while (true) {
                Job job = current;
                if (job != null && job != last) {
                    last = job;
                    job.work(slot);
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    st.set(PARKED);
                    job = current;
                    if (job != null && job != last) {   // came while we announced the park
                        st.set(ACTIVE);
                        continue;
                    }
                    LockSupport.parkNanos(this, KEEP_ALIVE_NANOS);
                    if (st.get() == PARKED) {   // not woken by a job: a timeout or a spurious return
                        if (System.nanoTime() - idleSince >= KEEP_ALIVE_NANOS && st.compareAndSet(PARKED, NONE)) {
                            return;
                        }
                        st.compareAndSet(PARKED, ACTIVE);
                    }
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
