package io.cnnkit.train.grad;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.gemm.Gemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The backward passes of the layers that carry the multiply-adds, on exec's SGEMM micro-kernels,
 * and max pooling's and relu's. A convolution's weight gradient is one of {@link DotWeightGradient}
 * (few channels, stride 1), {@link WinogradWeightGradient} (3x3 stride 1 on maps with enough
 * tiles), {@link BatchWeightGradient} (small maps, the whole batch at once),
 * {@link ShiftedWeightGradient} (many channels, stride 1, where the cost model prefers it) and
 * {@link ConvWeightGradient} (register tiles over im2row); its input
 * gradient is a transposed forward convolution ({@link TransposedConv}) at stride 1 with many
 * channels, else dcols = Wᵀ·dY [K x P] per group through {@link Gemm}, scattered back by col2im.
 * Dense: dX = dY·W, dW = dYᵀ·X.
 *
 * <p>Images are cut into fixed chunks of {@link #CHUNK}, run in parallel on the pool; each chunk
 * sums its own weight gradient and the chunks' sums are added in chunk order, so the result is
 * the same bit for bit on any number of threads.
 */
public final class FastBackward {
    /** Images per parallel chunk: fixed, so that the order of the weight-gradient sums does not depend on the threads. */
    static final int CHUNK = 4;
    /** Output positions per GEMM of a strided input gradient, at least one image's. */
    private static final int GEMM_COLUMNS = 512;
    private static final VectorSpecies<Float> S = Simd.S;
    private static final boolean SCALAR = Boolean.getBoolean(KernelOptions.SCALAR_PROPERTY);

    private FastBackward() {
    }

    /** {@code pool} may be null (the calling thread does everything). */
    static Gradients backward(Op op, Tensor x, Tensor dy, Map<String, Tensor> params, ForkJoinPool pool) {
        return ReferenceBackward.backwardFast(op, List.of(x), null, dy, params, Saved.NONE, pool, true);
    }

    static Gradients dense(Op.Dense d, Tensor x, Tensor dy, Tensor weight, Buffers buffers) {
        int n = x.dim(0), in = x.size() / n, units = d.units();
        Tensor dx = buffers.any(x.shape());
        Tensor dw = buffers.any(weight.shape());
        Gemm.multiply(n, in, units, dy.data(), dy.offset(), false, weight.data(), weight.offset(), false,
                dx.data(), dx.offset(), false);
        Gemm.multiply(units, in, n, dy.data(), dy.offset(), true, x.data(), x.offset(), false,
                dw.data(), dw.offset(), false);
        Map<String, Tensor> params = d.bias() ? Map.of("weight", dw, "bias", sumRows(dy, n, units))
                : Map.of("weight", dw);
        return new Gradients(List.of(dx), params);
    }

    static Gradients conv(Op.Conv c, Tensor x, Tensor dy, Tensor weight, ForkJoinPool pool) {
        return conv(c, x, dy, weight, pool, true, Buffers.NONE);
    }

    /** {@code inputGradient} false skips dx (left zero): a layer reading the network's input needs none. */
    static Gradients conv(Op.Conv c, Tensor x, Tensor dy, Tensor weight, ForkJoinPool pool, boolean inputGradient,
                          Buffers buffers) {
        return conv(c, x, dy, weight, pool, inputGradient, buffers, null, BatchWeightGradient.MAX_FLOATS);
    }

    /**
     * As above, with the transposed convolution's kernel already prepared for these weights (null:
     * prepared here, where one is used), the whole batch's weight gradient in one pass where its
     * packed im2row has at most {@code batchFloats}.
     */
    static Gradients conv(Op.Conv c, Tensor x, Tensor dy, Tensor weight, ForkJoinPool pool, boolean inputGradient,
                          Buffers buffers, Kernel transposedKernel, long batchFloats) {
        int n = x.dim(0), cin = x.dim(1);
        Geometry w = Geometry.of(c, x, dy);
        int groups = c.groups(), cinG = cin / groups, coutG = c.filters() / groups;
        int k = cinG * w.kh() * w.kw(), positions = w.outH() * w.outW();
        Op.Conv transposed = inputGradient ? TransposedConv.of(c, w, cin) : null;
        boolean gemmDataGradient = inputGradient && transposed == null;
        // the transposed convolution writes every element; col2im adds into zeros, each chunk's
        // images zeroed by its task (no input gradient: all zero)
        Tensor dx = inputGradient ? buffers.any(x.shape()) : buffers.zeros(x.shape());
        WeightGradientMethod method = DotWeightGradient.pays(coutG, cinG, w) ? WeightGradientMethod.DOT
                : WinogradWeightGradient.pays(n, w) ? WeightGradientMethod.WINOGRAD
                : BatchWeightGradient.fits(n, coutG, cinG, w, batchFloats) ? WeightGradientMethod.BATCH
                : ShiftedWeightGradient.pays(coutG, cinG, w) ? WeightGradientMethod.SHIFTED : WeightGradientMethod.IM2ROW;
        int chunks = (n + CHUNK - 1) / CHUNK;
        // the whole batch's form writes every element; the chunks' sums are added into zeros
        boolean chunkedWeights = !method.wholeBatch;
        Tensor dw = chunkedWeights ? buffers.zeros(weight.shape()) : buffers.any(weight.shape());
        float[] sum = dw.data();
        for (int g = 0; g < groups; g++) {
            if (method == WeightGradientMethod.BATCH) {
                BatchWeightGradient.compute(x.data(), x.offset(), cin, dy.data(), dy.offset(), c.filters(), n, g, cinG,
                        coutG, w, sum, g * coutG * k, pool);
            } else if (method == WeightGradientMethod.WINOGRAD) {
                WinogradWeightGradient.compute(WinogradWeightGradient.TILE, x.data(), x.offset(), cin, dy.data(),
                        dy.offset(), c.filters(), n, g, cinG, coutG, w, sum, g * coutG * k, pool);
            }
        }
        // one thread: one set of scratch arrays, each chunk's sum added as soon as it is done (in chunk
        // order, as the threads' sums are added after them: the same result bit for bit)
        boolean sequential = pool == null || chunks == 1;
        ConvScratch shared = sequential ? new ConvScratch(weight.size(), coutG, cinG, k, w, method) : null;
        float[][] partial = new float[chunks][];
        List<Runnable> work = new ArrayList<>();
        for (int chunk = 0; chunk < chunks && (chunkedWeights || gemmDataGradient); chunk++) {
            int first = chunk * CHUNK, count = Math.min(n, first + CHUNK) - first, slot = chunk;
            work.add(() -> {
                ConvScratch scratch = sequential ? shared : new ConvScratch(weight.size(), coutG, cinG, k, w, method);
                float[] part = scratch.part;
                if (chunkedWeights) {
                    java.util.Arrays.fill(part, 0f);
                }
                for (int g = 0; g < groups && chunkedWeights; g++) {
                    if (method == WeightGradientMethod.DOT) {
                        scratch.dot.add(x.data(), x.offset(), cin, dy.data(), dy.offset(), c.filters(), first, count,
                                g, part, g * coutG * k);
                    } else if (method == WeightGradientMethod.SHIFTED) {
                        scratch.shifted.reset();
                        scratch.shifted.add(x.data(), x.offset(), cin, dy.data(), dy.offset(), c.filters(), first,
                                count, g);
                        scratch.shifted.addTo(part, g * coutG * k);
                    } else {
                        scratch.im2row.reset();
                        scratch.im2row.add(x.data(), x.offset(), cin, dy.data(), dy.offset(), c.filters(), first,
                                count, g, cinG, w);
                        scratch.im2row.addTo(part, g * coutG * k);
                    }
                }
                if (!chunkedWeights) {
                    // the weight gradient is done; only the input gradient below
                } else if (sequential) {
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += part[i];
                    }
                } else {
                    partial[slot] = part;
                }
                if (!gemmDataGradient) {
                    return;
                }
                int image = cin * w.inH() * w.inW();
                java.util.Arrays.fill(dx.data(), dx.offset() + first * image, dx.offset() + (first + count) * image, 0f);
                // a few of the chunk's images side by side (columns [i * positions, (i + 1) * positions) are
                // image b0 + i), enough to fill the tiles' columns but few enough that dcols stays in cache
                int together = Math.max(1, Math.min(count, GEMM_COLUMNS / positions));
                for (int b0 = first; b0 < first + count; b0 += together) {
                    int images = Math.min(together, first + count - b0), width = images * positions;
                    float[] dcols = scratch.columns(k * width), dyRows = scratch.dyRows(coutG * width);
                    for (int g = 0; g < groups; g++) {
                        for (int i = 0; i < images; i++) {
                            for (int co = 0; co < coutG; co++) {
                                System.arraycopy(dy.data(), dy.offset() + ((b0 + i) * c.filters() + g * coutG + co)
                                        * positions, dyRows, co * width + i * positions, positions);
                            }
                        }
                        Gemm.multiply(k, width, coutG, weight.data(), weight.offset() + g * coutG * k, true, dyRows, 0,
                                false, dcols, 0, false);
                        for (int i = 0; i < images; i++) {
                            col2im(dcols, i * positions, width, cinG, w, dx.data(),
                                    dx.offset() + ((b0 + i) * cin + g * cinG) * w.inH() * w.inW());
                        }
                    }
                }
            });
        }
        run(work, pool);
        if (transposed != null) {
            TransposedConv.run(transposed, c, dy, weight, dx, pool, transposedKernel);
        }
        if (!sequential && chunkedWeights) {
            // blocks of elements in parallel, each element summed over the chunks in chunk order
            List<Runnable> adds = new ArrayList<>();
            for (int start = 0; start < sum.length; start += FastLayers.BLOCK * 4) {
                int from = start, to = Math.min(sum.length, start + FastLayers.BLOCK * 4);
                adds.add(() -> {
                    for (float[] p : partial) {
                        for (int i = from; i < to; i++) {
                            sum[i] += p[i];
                        }
                    }
                });
            }
            run(adds, pool);
        }
        if (!c.bias()) {
            return new Gradients(List.of(dx), Map.of("weight", dw));
        }
        Tensor db = Tensor.zeros(c.filters());
        for (int b = 0; b < n; b++) {
            for (int co = 0; co < c.filters(); co++) {
                double s = 0;
                int base = dy.offset() + (b * c.filters() + co) * positions;
                for (int p = 0; p < positions; p++) {
                    s += dy.data()[base + p];
                }
                db.set(co, (float) (db.get(co) + s));
            }
        }
        return new Gradients(List.of(dx), Map.of("weight", dw, "bias", db));
    }

    /**
     * How {@link #conv} computes the weight gradient: dot products for few channels, else register
     * tiles: in Winograd's transform space where that pays (3x3 stride 1), over the whole batch where
     * its operands fit, else per chunk (shifted or im2row).
     */
    private enum WeightGradientMethod {
        DOT(false), SHIFTED(false), IM2ROW(false), BATCH(true), WINOGRAD(true);

        /** Computed once over the whole batch before the chunks, rather than summed from per-chunk parts. */
        final boolean wholeBatch;

        WeightGradientMethod(boolean wholeBatch) {
            this.wholeBatch = wholeBatch;
        }
    }

    /** What one worker of {@link #conv} writes besides the gradients: its chunk's weight-gradient sum and products. */
    private static final class ConvScratch {
        final float[] part;
        final DotWeightGradient dot;
        final ShiftedWeightGradient shifted;
        final ConvWeightGradient im2row;
        private float[] columns, dyRows;

        ConvScratch(int weights, int coutG, int cinG, int k, Geometry w, WeightGradientMethod method) {
            this.part = method.wholeBatch ? null : new float[weights];
            this.dot = method == WeightGradientMethod.DOT ? new DotWeightGradient(coutG, cinG, w, CHUNK) : null;
            this.shifted = method == WeightGradientMethod.SHIFTED ? new ShiftedWeightGradient(coutG, cinG, w) : null;
            this.im2row = method == WeightGradientMethod.IM2ROW ? new ConvWeightGradient(coutG, k) : null;
        }

        float[] columns(int size) {
            if (columns == null || columns.length < size) {
                columns = new float[size];
            }
            return columns;
        }

        float[] dyRows(int size) {
            if (dyRows == null || dyRows.length < size) {
                dyRows = new float[size];
            }
            return dyRows;
        }
    }

    /** Runs the tasks on the pool (or here), in any order; they write disjoint memory. */
    static void run(List<Runnable> work, ForkJoinPool pool) {
        if (pool == null || work.size() == 1) {
            work.forEach(Runnable::run);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>();
        for (Runnable r : work) {
            tasks.add(ForkJoinTask.adapt(r));
        }
        pool.submit(() -> ForkJoinTask.invokeAll(tasks)).join();
    }

    /**
     * The transpose of im2col, cols[(ci·kh + ky)·kw + kx][column + oy·outW + ox] = x[ci][iy][ix] in rows of
     * {@code stride} columns: adds each column value back to the input position it was read from.
     */
    static void col2im(float[] cols, int column, int stride, int channels, Geometry w, float[] dx, int base) {
        int row = 0, inW = w.inW(), sw = w.sw();
        for (int ci = 0; ci < channels; ci++) {
            int plane = base + ci * w.inH() * inW;
            for (int ky = 0; ky < w.kh(); ky++) {
                for (int kx = 0; kx < w.kw(); kx++, row++) {
                    // the outputs ox whose ix = ox·sw - padLeft + kx·dw lies in [0, inW): no test per element
                    int shift = kx * w.dw() - w.padLeft();
                    int first = Math.max(0, -Math.floorDiv(shift, sw));
                    int last = Math.min(w.outW() - 1, Math.floorDiv(inW - 1 - shift, sw));
                    int at = row * stride + column;
                    for (int oy = 0; oy < w.outH(); oy++, at += w.outW()) {
                        int iy = w.inY(oy, ky);
                        if (iy < 0 || iy >= w.inH() || first > last) {
                            continue;
                        }
                        int line = plane + iy * inW + shift;
                        if (sw == 1) {
                            for (int ox = first; ox <= last; ox++) {
                                dx[line + ox] += cols[at + ox];
                            }
                        } else {
                            for (int ox = first; ox <= last; ox++) {
                                dx[line + ox * sw] += cols[at + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Max pooling (and global max pooling) on the arrays: each output's gradient to the first
     * maximum of its window (PyTorch's tie rule, as {@link ReferenceBackward#maxPool}), summed in
     * float. With the forward's output {@code y} the window is scanned only up to the first element
     * equal to the maximum (the same element; a NaN maximum takes the full scan), and the window's
     * rows and columns inside the map are computed once per output row and column instead of tested
     * per element.
     * Planes in parallel blocks on {@code pool}.
     */
    static Tensor maxPool(Geometry w, Tensor x, Tensor y, Tensor dy, ForkJoinPool pool, Buffers buffers) {
        int planes = x.dim(0) * x.dim(1), inH = w.inH(), inW = w.inW(), outH = w.outH(), outW = w.outW();
        Tensor dx = buffers.any(x.shape()); // each block zeroes its planes
        float[] xs = x.data(), g = dx.data(), d = dy.data(), ys = y == null ? null : y.data();
        int xo = x.offset(), dyo = dy.offset(), yo = y == null ? 0 : y.offset();
        int perBlock = Math.max(1, FastLayers.BLOCK / Math.max(1, inH * inW));
        // 2x2 and 3x3 windows without dilation, the common ones, unrolled where they lie inside the map
        int small = w.dh() == 1 && w.dw() == 1 && w.kh() == w.kw() && (w.kh() == 2 || w.kh() == 3) ? w.kh() : 0;
        // the window's rows (columns) inside the map per output row (column): divisions once, not per output
        int[] kyLo = new int[outH], kyHi = new int[outH], kxLo = new int[outW], kxHi = new int[outW];
        for (int oy = 0; oy < outH; oy++) {
            int y0 = oy * w.sh() - w.padTop();
            kyLo[oy] = Math.max(0, ceilDiv(-y0, w.dh()));
            kyHi[oy] = Math.min(w.kh(), ceilDiv(inH - y0, w.dh()));
        }
        for (int ox = 0; ox < outW; ox++) {
            int x0 = ox * w.sw() - w.padLeft();
            kxLo[ox] = Math.max(0, ceilDiv(-x0, w.dw()));
            kxHi[ox] = Math.min(w.kw(), ceilDiv(inW - x0, w.dw()));
        }
        // 3x3 stride 2 (ResNet's) with the forward's output: the outputs whose windows lie inside the
        // map, whole vectors of them, compare the window's taps as vectors over deinterleaved rows
        int oxA = 0;
        while (oxA < outW && (kxLo[oxA] != 0 || kxHi[oxA] != w.kw())) {
            oxA++;
        }
        int oxB = oxA;
        while (oxB < outW && kxLo[oxB] == 0 && kxHi[oxB] == w.kw()) {
            oxB++;
        }
        int vectorOutputs = ys != null && !SCALAR && small == 3 && w.sh() == 2 && w.sw() == 2
                ? (oxB - oxA) - (oxB - oxA) % S.length() : 0;
        int firstVector = oxA;
        List<Runnable> work = new ArrayList<>();
        for (int start = 0; start < planes; start += perBlock) {
            int from = start, to = Math.min(planes, start + perBlock);
            work.add(() -> {
                java.util.Arrays.fill(g, from * inH * inW, to * inH * inW, 0f);
                float[] even = new float[vectorOutputs + 1], odd = new float[vectorOutputs], taps = new float[vectorOutputs];
                for (int pl = from; pl < to; pl++) {
                    int plane = xo + pl * inH * inW, out = pl * outH * outW;
                    for (int oy = 0; oy < outH; oy++) {
                        int y0 = oy * w.sh() - w.padTop();
                        boolean vectorRow = vectorOutputs > 0 && kyLo[oy] == 0 && kyHi[oy] == 3;
                        if (vectorRow) {
                            int x0 = firstVector * 2 - w.padLeft();
                            windowTaps(xs, plane + y0 * inW + x0, inW, ys, yo + out + oy * outW + firstVector,
                                    vectorOutputs, even, odd, taps);
                        }
                        for (int ox = 0; ox < outW; ox++) {
                            if (vectorRow && ox == firstVector) {
                                int base = pl * inH * inW + y0 * inW + firstVector * 2 - w.padLeft();
                                for (int v = 0; v < vectorOutputs; v++) {
                                    int o = out + oy * outW + ox + v, t = (int) taps[v];
                                    int at = t >= 0 ? base + 2 * v + (t / 3) * inW + t % 3
                                            : pl * inH * inW + firstMax(xs, plane, w, y0, (ox + v) * 2 - w.padLeft(),
                                                    0, 3, 0, 3);
                                    g[at] += d[dyo + o];
                                }
                                ox += vectorOutputs - 1;
                                continue;
                            }
                            int x0 = ox * w.sw() - w.padLeft();
                            int o = out + oy * outW + ox;
                            float target = ys == null ? Float.NaN : ys[yo + o];
                            boolean whole = kyLo[oy] == 0 && kyHi[oy] == w.kh() && kxLo[ox] == 0 && kxHi[ox] == w.kw();
                            int at = target != target
                                    ? firstMax(xs, plane, w, y0, x0, kyLo[oy], kyHi[oy], kxLo[ox], kxHi[ox])
                                    : whole && small != 0 ? firstEqualSmall(xs, plane, inW, y0 * inW + x0, small, target)
                                    : firstEqual(xs, plane, w, y0, x0, kyLo[oy], kyHi[oy], kxLo[ox], kxHi[ox], target);
                            if (at < 0) { // not found: a maximum the forward computed otherwise (NaN inputs)
                                at = firstMax(xs, plane, w, y0, x0, kyLo[oy], kyHi[oy], kxLo[ox], kxHi[ox]);
                            }
                            if (at >= 0) {
                                g[pl * inH * inW + at] += d[dyo + o];
                            }
                        }
                    }
                }
            });
        }
        run(work, pool);
        return dx;
    }

    /**
     * For {@code count} adjacent 3x3 stride-2 windows starting at {@code at} (all inside the map),
     * the first tap (ky·3 + kx) equal to the output {@code ys[y + i]}, or -1: each of the three rows
     * split into its even and odd columns, so that tap kx of output i is even[i], odd[i], even[i + 1].
     */
    private static void windowTaps(float[] xs, int at, int inW, float[] ys, int y, int count, float[] even,
                                   float[] odd, float[] taps) {
        int lanes = S.length();
        for (int i = 0; i < count; i += lanes) {
            FloatVector.fromArray(S, ys, y + i).intoArray(taps, i); // the targets until the taps replace them
        }
        float[] found = new float[lanes];
        for (int i = 0; i < count; i += lanes) {
            FloatVector target = FloatVector.fromArray(S, taps, i), tap = FloatVector.broadcast(S, -1f);
            for (int ky = 2; ky >= 0; ky--) {
                int row = at + ky * inW;
                for (int j = i; j < i + lanes; j++) {
                    even[j] = xs[row + 2 * j];
                    odd[j] = xs[row + 2 * j + 1];
                }
                even[i + lanes] = xs[row + 2 * (i + lanes)];
                // backwards through the window, so that the first match in row-major order is kept
                tap = tap.blend(ky * 3 + 2, FloatVector.fromArray(S, even, i + 1).eq(target));
                tap = tap.blend(ky * 3 + 1, FloatVector.fromArray(S, odd, i).eq(target));
                tap = tap.blend(ky * 3, FloatVector.fromArray(S, even, i).eq(target));
            }
            tap.intoArray(found, 0);
            System.arraycopy(found, 0, taps, i, lanes);
        }
    }

    /**
     * The window's first element equal to {@code target} (offset in the plane), else -1. Scanned
     * backwards without an early exit, so that the last match kept is the first one and the
     * compiler can use conditional moves: which element holds the maximum is random, and a loop
     * exit on it mispredicted on most windows.
     */
    private static int firstEqual(float[] xs, int plane, Geometry w, int y0, int x0, int kyLo, int kyHi, int kxLo,
                                  int kxHi, float target) {
        int inW = w.inW(), dh = w.dh(), dw = w.dw(), at = -1;
        for (int ky = kyHi - 1; ky >= kyLo; ky--) {
            int row = (y0 + ky * dh) * inW + x0;
            for (int kx = kxHi - 1; kx >= kxLo; kx--) {
                int e = row + kx * dw;
                at = xs[plane + e] == target ? e : at;
            }
        }
        return at;
    }

    /**
     * {@link #firstEqual} for a whole k x k window (k = 2 or 3, no dilation) starting at {@code at}
     * in the plane, unrolled: independent compares and a short chain of conditional moves. -1 if
     * no element equals the target.
     */
    private static int firstEqualSmall(float[] xs, int plane, int inW, int at, int k, float target) {
        int r0 = at, r1 = at + inW, r2 = r1 + inW, p = plane;
        int found = -1;
        // backwards through the window in row-major order, so that the first match is the one kept
        if (k == 3) {
            found = xs[p + r2 + 2] == target ? r2 + 2 : found;
            found = xs[p + r2 + 1] == target ? r2 + 1 : found;
            found = xs[p + r2] == target ? r2 : found;
            found = xs[p + r1 + 2] == target ? r1 + 2 : found;
        }
        found = xs[p + r1 + 1] == target ? r1 + 1 : found;
        found = xs[p + r1] == target ? r1 : found;
        if (k == 3) {
            found = xs[p + r0 + 2] == target ? r0 + 2 : found;
        }
        found = xs[p + r0 + 1] == target ? r0 + 1 : found;
        return xs[p + r0] == target ? r0 : found;
    }

    /** The window's first maximum (a NaN: the last NaN), as the reference; -1 for an empty window. */
    private static int firstMax(float[] xs, int plane, Geometry w, int y0, int x0, int kyLo, int kyHi, int kxLo,
                                int kxHi) {
        int inW = w.inW(), dh = w.dh(), dw = w.dw(), at = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int row = (y0 + ky * dh) * inW + x0;
            for (int kx = kxLo; kx < kxHi; kx++) {
                float v = xs[plane + row + kx * dw];
                if (at < 0 || v > max || v != v) {
                    max = v;
                    at = row + kx * dw;
                }
            }
        }
        return at;
    }

    /** ⌈a / b⌉ for b > 0. */
    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /** relu on the arrays: dy where x > 0, else 0 (NaN: 0), in vectors, in blocks on {@code pool}. */
    static Tensor relu(Tensor x, Tensor dy, ForkJoinPool pool, Buffers buffers) {
        Tensor dx = buffers.any(x.shape());
        float[] xs = x.data(), d = dy.data(), g = dx.data();
        int xo = x.offset(), dyo = dy.offset(), size = dx.size();
        List<Runnable> work = new ArrayList<>();
        // blocks of whole vectors, so that no block but the last has a scalar tail
        int block = FastLayers.BLOCK * 4;
        for (int start = 0; start < size; start += block) {
            int from = start, to = Math.min(size, start + block);
            work.add(() -> {
                int i = from;
                if (!SCALAR) {
                    FloatVector zero = FloatVector.zero(S);
                    for (int end = to - (to - from) % S.length(); i < end; i += S.length()) {
                        FloatVector xv = FloatVector.fromArray(S, xs, xo + i);
                        zero.blend(FloatVector.fromArray(S, d, dyo + i), xv.compare(VectorOperators.GT, 0f))
                                .intoArray(g, i);
                    }
                }
                for (; i < to; i++) {
                    g[i] = xs[xo + i] > 0 ? d[dyo + i] : 0f;
                }
            });
        }
        run(work, pool);
        return dx;
    }

    /** Column sums of a [rows x cols] matrix, in double. */
    private static Tensor sumRows(Tensor m, int rows, int cols) {
        Tensor out = Tensor.zeros(cols);
        for (int j = 0; j < cols; j++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += m.get(r * cols + j);
            }
            out.set(j, (float) s);
        }
        return out;
    }
}
