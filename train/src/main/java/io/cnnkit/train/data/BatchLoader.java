package io.cnnkit.train.data;

import io.cnnkit.exec.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One epoch of batches, prepared on a background thread while the caller computes: at most
 * {@link #AHEAD} batches wait in a queue, so memory stays bounded whatever the dataset's size.
 * In training the order is a permutation drawn from (seed, epoch) and each sample's augmentation
 * from (seed, epoch, sample); evaluation keeps the stored order and applies no random transform.
 * The last batch may be shorter (PyTorch's drop_last=False).
 */
public final class BatchLoader implements AutoCloseable {
    static final int AHEAD = 2;
    private static final Batch END = new Batch(Tensor.zeros(0), new int[0], 0);

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD);
    private final Thread worker;
    private volatile boolean closed;

    /**
     * @param training shuffle and augment
     * @param skipUnreadable drop images that cannot be read (counted in {@link Batch#skipped}) instead of failing
     */
    public BatchLoader(Dataset data, Augmentation augmentation, int[] input, int batch, boolean training, long seed,
                       int epoch, boolean skipUnreadable) {
        this(data, augmentation, input, batch, training, seed, epoch, skipUnreadable, 0);
    }

    /** Starting with batch {@code firstBatch} of the epoch (resuming a run stopped mid-epoch). */
    public BatchLoader(Dataset data, Augmentation augmentation, int[] input, int batch, boolean training, long seed,
                       int epoch, boolean skipUnreadable, int firstBatch) {
        int[] order = training ? DataSources.permutation(data.size(), new SplittableRandom(mix(seed, epoch, -1)))
                : identity(data.size());
        int[] stored = data.shape();
        int per = input[0] * input[1] * input[2], storedPer = stored[0] * stored[1] * stored[2];
        this.worker = new Thread(() -> {
            try {
                float[] raw = new float[storedPer];
                for (int start = firstBatch * batch; start < order.length && !closed; start += batch) {
                    int end = Math.min(order.length, start + batch);
                    float[] values = new float[(end - start) * per];
                    int[] labels = new int[end - start];
                    int filled = 0, skipped = 0;
                    for (int i = start; i < end; i++) {
                        int sample = order[i];
                        try {
                            data.image(sample, raw, 0);
                        } catch (DataException e) {
                            if (!skipUnreadable) {
                                throw e;
                            }
                            skipped++;
                            continue;
                        }
                        SplittableRandom random = training ? new SplittableRandom(mix(seed, epoch, sample)) : null;
                        augmentation.apply(raw, stored, input, random, values, filled * per);
                        labels[filled++] = data.label(sample);
                    }
                    if (filled > 0) {
                        Tensor images = Tensor.of(Arrays.copyOf(values, filled * per), filled, input[0], input[1], input[2]);
                        put(new Batch(images, Arrays.copyOf(labels, filled), skipped));
                    }
                }
                put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                try {
                    put(e);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "cnnkit-loader");
        worker.setDaemon(true);
        worker.start();
    }

    private void put(Object item) throws InterruptedException {
        while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
            // waits for the consumer; gives up when closed
        }
    }

    /** The next batch, or null after the last; rethrows the loader's error (a DataException). */
    public Batch next() {
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while loading data", e);
        }
        if (item instanceof RuntimeException e) {
            throw e;
        }
        if (item == END) {
            queue.offer(END);
            return null;
        }
        return (Batch) item;
    }

    static long mix(long seed, long epoch, long sample) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + sample * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        return order;
    }

    /** Checks every label against the network's class count. */
    public static void checkLabels(Dataset data, int classes) {
        for (int i = 0; i < data.size(); i++) {
            int label = data.label(i);
            if (label < 0 || label >= classes) {
                throw new DataException(data.describe() + ": label " + label + " of sample " + i
                        + " is out of range for the network's " + classes + " classes (0 to " + (classes - 1) + ")");
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            worker.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
