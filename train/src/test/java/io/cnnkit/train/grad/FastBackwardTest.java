package io.cnnkit.train.grad;

import static io.cnnkit.train.grad.ReferenceBackwardTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.ReferenceKernels;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GEMM backward of conv and dense equals autograd on the fixtures, at 1 and 2 threads, and
 * equals the reference backward on a batch of 9 (three chunks, one short), bit for bit across threads.
 */
class FastBackwardTest {

    @ParameterizedTest(name = "{0} on {1} threads")
    @CsvSource({"conv_groups, 1", "conv_groups, 2", "conv_depthwise, 2", "conv_dense, 1", "conv_dense, 2",
                "dense_vector, 1", "dense_vector, 2"})
    void matchesAutograd(String name, int threads) {
        ReferenceBackwardTest.Case c = ReferenceBackwardTest.Case.load(name);
        ForkJoinPool pool = threads == 1 ? null : new ForkJoinPool(threads);
        try {
            Gradients g = FastBackward.backward(c.op(), c.inputs().get(0), c.tensors().get("dy"), c.params(), pool);
            assertClose(name + " d input", c.tensors().get("grad.in.0"), g.inputs().get(0));
            for (String p : g.params().keySet()) {
                assertClose(name + " d " + p, c.tensors().get("grad.param." + p), g.params().get(p));
            }
        } finally {
            if (pool != null) {
                pool.shutdown();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"maxpool_ceil_ties", "maxpool_pad_dilation", "globalmaxpool_ties", "relu", "linear"})
    void poolingReluAndLinearMatchAutograd(String name) {
        ReferenceBackwardTest.Case c = ReferenceBackwardTest.Case.load(name);
        Tensor x = c.inputs().get(0);
        Tensor y = ReferenceKernels.run(c.op(), c.inputs(), c.params());
        Gradients g = ReferenceBackward.backwardFast(c.op(), c.inputs(), y, c.tensors().get("dy"), c.params(),
                Saved.NONE, null, true);
        assertClose(name + " d input", c.tensors().get("grad.in.0"), g.inputs().get(0));
        assertArrayEquals(x.shape(), g.inputs().get(0).shape());
        for (String p : g.params().keySet()) {
            assertClose(name + " d " + p, c.tensors().get("grad.param." + p), g.params().get(p));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"conv_groups", "conv_dense"})
    void largerBatchEqualsReferenceAndIgnoresThreads(String name) {
        ReferenceBackwardTest.Case c = ReferenceBackwardTest.Case.load(name);
        int[] shape = c.inputs().get(0).shape();
        shape[0] = 9;
        Random random = new Random(7);
        Tensor x = Tensor.zeros(shape);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, (float) random.nextGaussian());
        }
        Tensor y = ReferenceKernels.run(c.op(), List.of(x), c.params());
        Tensor dy = Tensor.zeros(y.shape());
        for (int i = 0; i < dy.size(); i++) {
            dy.set(i, (float) random.nextGaussian());
        }
        Gradients expected = ReferenceBackward.backward(c.op(), List.of(x), y, dy, c.params(), Saved.NONE);
        Gradients one = FastBackward.backward(c.op(), x, dy, c.params(), null);
        ForkJoinPool pool = new ForkJoinPool(2);
        Gradients two = FastBackward.backward(c.op(), x, dy, c.params(), pool);
        pool.shutdown();
        assertClose(name + " d input", expected.inputs().get(0), one.inputs().get(0));
        for (Map.Entry<String, Tensor> e : expected.params().entrySet()) {
            assertClose(name + " d " + e.getKey(), e.getValue(), one.params().get(e.getKey()));
            assertArrayEquals(one.params().get(e.getKey()).toArray(), two.params().get(e.getKey()).toArray());
        }
        assertArrayEquals(one.inputs().get(0).toArray(), two.inputs().get(0).toArray());
    }

    /** inH, inW, kh, kw, sh, sw, dh, dw, top, left, bottom, right: odd sizes, strides, dilations, asymmetric pads. */
    static Geometry geometry(String spec) {
        int[] v = java.util.Arrays.stream(spec.split(",")).mapToInt(Integer::parseInt).toArray();
        int inH = v[0], inW = v[1], kh = v[2], kw = v[3], sh = v[4], sw = v[5], dh = v[6], dw = v[7];
        int top = v[8], left = v[9], bottom = v[10], right = v[11];
        int outH = (inH + top + bottom - dh * (kh - 1) - 1) / sh + 1, outW = (inW + left + right - dw * (kw - 1) - 1) / sw + 1;
        return new Geometry(inH, inW, kh, kw, sh, sw, dh, dw, top, left, bottom, right, outH, outW);
    }

    /**
     * The conv backward equals the reference on odd windows and on groups, over a batch of 9 whose
     * positions cross the weight gradient's blocks, and is the same bit for bit on 2 threads: with
     * few channels (weight gradient as dot products, input gradient by GEMM and col2im) and with many
     * (register tiles per chunk of images and over the whole batch; at stride 1 the input gradient
     * as a transposed forward convolution).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void convEqualsReferenceOnOddWindows(String spec) {
        Geometry w = geometry(spec);
        Random random = new Random(spec.hashCode());
        for (int[] channels : new int[][] {{4, 6}, {48, 32}}) {
            for (int groups : new int[] {1, 2}) {
                int cin = channels[0], cout = channels[1];
                Op.Conv c = new Op.Conv(cout, new Size2(w.kh(), w.kw()), new Size2(w.sh(), w.sw()),
                        new Padding.Explicit(w.padTop(), w.padLeft(), w.padBottom(), w.padRight()),
                        new Size2(w.dh(), w.dw()), groups, true);
                Tensor x = gaussian(random, 9, cin, w.inH(), w.inW());
                Tensor weight = gaussian(random, cout, cin / groups, w.kh(), w.kw());
                Tensor dy = gaussian(random, 9, cout, w.outH(), w.outW());
                Map<String, Tensor> params = Map.of("weight", weight, "bias", gaussian(random, cout));
                Tensor dx = Tensor.zeros(x.shape());
                Map<String, Tensor> expected = new java.util.HashMap<>();
                ReferenceBackward.conv(c, x, dy, params, dx, expected);
                // per chunk of images, and over the whole batch at once
                for (long batchFloats : new long[] {0, BatchWeightGradient.MAX_FLOATS}) {
                    Gradients one = FastBackward.conv(c, x, dy, weight, null, true, Buffers.NONE, null, batchFloats);
                    ForkJoinPool pool = new ForkJoinPool(2);
                    Gradients two = FastBackward.conv(c, x, dy, weight, pool, true,
                            dirty(x.shape(), weight.shape()), null, batchFloats);
                    pool.shutdown();
                    String what = spec + " " + cin + "->" + cout + " groups " + groups + " batch " + batchFloats;
                    assertClose(what + " d input", dx, one.inputs().get(0));
                    assertClose(what + " d weight", expected.get("weight"), one.params().get("weight"));
                    assertClose(what + " d bias", expected.get("bias"), one.params().get("bias"));
                    assertArrayEquals(one.inputs().get(0).toArray(), two.inputs().get(0).toArray(), what);
                    assertArrayEquals(one.params().get("weight").toArray(), two.params().get("weight").toArray(), what);
                }
            }
        }
    }

    /**
     * The weight gradient over shifted transposes (which the cost model picks for many channels on
     * large maps only) equals the reference on the stride-1 windows, for 13 input and 7 output
     * channels (panels partly filled), summed over two calls, with and without groups.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void shiftedWeightGradientEqualsReference(String spec) {
        Geometry w = geometry(spec);
        if (w.sh() != 1 || w.sw() != 1) {
            return;
        }
        Random random = new Random(spec.hashCode());
        for (int groups : new int[] {1, 2}) {
            int cin = 13 * groups, cout = 7 * groups;
            Op.Conv c = new Op.Conv(cout, new Size2(w.kh(), w.kw()), Size2.square(1),
                    new Padding.Explicit(w.padTop(), w.padLeft(), w.padBottom(), w.padRight()), new Size2(w.dh(), w.dw()),
                    groups, false);
            Tensor x = gaussian(random, 3, cin, w.inH(), w.inW());
            Tensor weight = gaussian(random, cout, 13, w.kh(), w.kw());
            Tensor dy = gaussian(random, 3, cout, w.outH(), w.outW());
            Map<String, Tensor> expected = new java.util.HashMap<>();
            ReferenceBackward.conv(c, x, dy, Map.of("weight", weight), Tensor.zeros(x.shape()), expected);
            Tensor dw = Tensor.zeros(weight.shape());
            ShiftedWeightGradient shifted = new ShiftedWeightGradient(7, 13, w);
            for (int g = 0; g < groups; g++) {
                shifted.reset();
                shifted.add(x.data(), 0, cin, dy.data(), 0, cout, 0, 2, g);
                shifted.add(x.data(), 0, cin, dy.data(), 0, cout, 2, 1, g);
                shifted.addTo(dw.data(), g * 7 * 13 * w.kh() * w.kw());
            }
            assertClose(spec + " groups " + groups, expected.get("weight"), dw);
        }
    }

    /**
     * Max pooling's backward, with the forward's output (scan to the first element equal to the
     * maximum; in 3x3 stride-2 rows wide enough, vectors of windows) and without (full scan), equals
     * the reference on odd windows with many ties and a few NaNs, on 1 and 2 threads, bit for bit alike.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("poolWindows")
    void maxPoolEqualsReferenceWithTies(String spec) {
        Geometry w = geometry(spec);
        if (Math.max(w.padTop(), w.padBottom()) > w.kh() / 2 || Math.max(w.padLeft(), w.padRight()) > w.kw() / 2) {
            return; // no max pooling: a window would see only padding
        }
        Op.MaxPool op = new Op.MaxPool(new Size2(w.kh(), w.kw()), new Size2(w.sh(), w.sw()),
                new Padding.Explicit(w.padTop(), w.padLeft(), w.padBottom(), w.padRight()), new Size2(w.dh(), w.dw()),
                false);
        Random random = new Random(spec.hashCode());
        Tensor x = gaussian(random, 3, 5, w.inH(), w.inW());
        for (int i = 0; i < x.size(); i++) {
            x.set(i, Math.round(x.get(i) * 2) / 2f); // few distinct values: ties in most windows
        }
        x.set(x.size() / 3, Float.NaN);
        x.set(x.size() / 2 + 1, Float.NaN);
        Tensor y = ReferenceKernels.run(op, List.of(x), Map.of());
        Tensor dy = gaussian(random, y.shape());
        Tensor expected = Tensor.zeros(x.shape());
        ReferenceBackward.maxPool(op, x, dy, expected);
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            float[] scan = FastBackward.maxPool(w, x, null, dy, null, Buffers.NONE).toArray();
            for (Tensor output : java.util.Arrays.asList(y, null)) {
                Tensor one = FastBackward.maxPool(w, x, output, dy, null, Buffers.NONE);
                assertClose(spec, expected, one);
                assertArrayEquals(scan, one.toArray(), spec);
                assertArrayEquals(scan, FastBackward.maxPool(w, x, output, dy, pool, dirty(x.shape())).toArray(),
                        spec);
            }
        } finally {
            pool.shutdown();
        }
    }

    /** relu's backward over several parallel blocks and a scalar tail: dy where x > 0, else 0, NaN included. */
    @org.junit.jupiter.api.Test
    void reluOverBlocksEqualsDefinition() {
        Random random = new Random(3);
        Tensor x = gaussian(random, 3, 5, 131, 101), dy = gaussian(random, x.shape());
        x.set(7, Float.NaN);
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            for (ForkJoinPool p : java.util.Arrays.asList(null, pool)) {
                Tensor dx = FastBackward.relu(x, dy, p, Buffers.NONE);
                for (int i = 0; i < x.size(); i++) {
                    org.junit.jupiter.api.Assertions.assertEquals(x.get(i) > 0 ? dy.get(i) : 0f, dx.get(i), "at " + i);
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    /** A pool holding one NaN-filled array of each shape: kernels taking arrays from it must write every element they read. */
    static Buffers dirty(int[]... shapes) {
        Buffers buffers = Buffers.recycling();
        for (int[] shape : shapes) {
            Tensor t = buffers.any(shape);
            java.util.Arrays.fill(t.data(), Float.NaN);
            buffers.giveBack(t);
        }
        return buffers;
    }

    static Tensor gaussian(Random random, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, (float) random.nextGaussian());
        }
        return t;
    }

    static Stream<String> windows() {
        return Stream.of("7,9,3,3,1,1,1,1,1,1,1,1", "8,8,3,3,2,2,1,1,1,1,1,1", "9,7,3,2,2,3,2,1,2,0,1,3",
                "5,6,1,1,2,2,1,1,0,0,0,0", "6,6,5,5,1,3,2,2,4,4,4,4", "8,7,3,3,1,1,2,1,0,2,3,1",
                "5,6,1,1,1,1,1,1,1,0,0,1", "23,21,3,3,1,1,1,1,1,1,1,1", "9,8,2,2,2,2,1,1,0,0,1,1");
    }

    /** The windows, and 3x3 stride-2 pooling over rows of more than 32 windows, odd widths and pads. */
    static Stream<String> poolWindows() {
        return Stream.concat(windows(), Stream.of("13,71,3,3,2,2,1,1,1,1,1,1", "12,70,3,3,2,2,1,1,0,0,1,1",
                "9,84,3,3,2,2,1,1,1,1,0,0"));
    }

    /** col2im's ranges of valid outputs add what a bounds test per element adds, bit for bit. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void col2imEqualsBoundsTestPerElement(String spec) {
        Geometry w = geometry(spec);
        int inH = w.inH(), inW = w.inW(), kh = w.kh(), kw = w.kw(), outH = w.outH(), outW = w.outW();
        int channels = 2, width = outH * outW + 3;
        float[] cols = new float[channels * kh * kw * width];
        Random random = new Random(5);
        for (int i = 0; i < cols.length; i++) {
            cols[i] = (float) random.nextGaussian();
        }
        float[] expected = new float[1 + channels * inH * inW], actual = new float[expected.length];
        int row = 0;
        for (int ci = 0; ci < channels; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, row++) {
                    for (int oy = 0; oy < outH; oy++) {
                        for (int ox = 0; ox < outW; ox++) {
                            int iy = w.inY(oy, ky), ix = w.inX(ox, kx);
                            if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                                expected[1 + (ci * inH + iy) * inW + ix] += cols[row * width + 2 + oy * outW + ox];
                            }
                        }
                    }
                }
            }
        }
        FastBackward.col2im(cols, 2, width, channels, w, actual, 1);
        assertArrayEquals(expected, actual);
    }
}
