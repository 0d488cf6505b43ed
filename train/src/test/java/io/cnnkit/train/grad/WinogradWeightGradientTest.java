package io.cnnkit.train.grad;

import static io.cnnkit.train.grad.FastBackwardTest.gaussian;
import static io.cnnkit.train.grad.FastBackwardTest.geometry;
import static io.cnnkit.train.grad.ReferenceBackwardTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.conv.Winograd;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Winograd weight gradient of 3x3 stride-1 convolutions, F(2,3) and F(4,3), equals the
 * reference backward (double sums) on odd map sizes that are no multiple of the tile, pads 0, 1
 * and asymmetric, groups, channel counts that fill the register tiles partly, and a batch whose
 * tiles span several blocks; and it is the same bit for bit on 1 and 2 threads.
 */
class WinogradWeightGradientTest {

    /** inH, inW, kh, kw, sh, sw, dh, dw, top, left, bottom, right (3x3, stride 1, dilation 1). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"7,9,3,3,1,1,1,1,1,1,1,1", "5,6,3,3,1,1,1,1,0,0,0,0", "11,10,3,3,1,1,1,1,0,1,2,0",
                            "3,3,3,3,1,1,1,1,0,0,0,0", "13,17,3,3,1,1,1,1,1,1,1,1"})
    void equalsReferenceOnOddShapes(String spec) {
        Geometry w = geometry(spec);
        Random random = new Random(spec.hashCode());
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            for (int groups : new int[] {1, 2}) {
                int cinG = 13, coutG = 19, cin = cinG * groups, cout = coutG * groups, n = 5;
                Op.Conv c = new Op.Conv(cout, Size2.square(3), Size2.square(1),
                        new Padding.Explicit(w.padTop(), w.padLeft(), w.padBottom(), w.padRight()), Size2.square(1),
                        groups, false);
                Tensor x = gaussian(random, n, cin, w.inH(), w.inW());
                Tensor weight = gaussian(random, cout, cinG, 3, 3);
                Tensor dy = gaussian(random, n, cout, w.outH(), w.outW());
                Map<String, Tensor> expected = new HashMap<>();
                ReferenceBackward.conv(c, x, dy, Map.of("weight", weight), Tensor.zeros(x.shape()), expected);
                for (int m : new int[] {Winograd.F2, Winograd.F4}) {
                    // one block of tiles; blocks of about a dozen (the last one short) in one float
                    // sum; the same in sums of two blocks added in double
                    int alpha = Winograd.alpha(m), perTile = alpha * alpha * (24 + 64);
                    int[][] blocking = {{WinogradWeightGradient.BLOCK_FLOATS, WinogradWeightGradient.GROUP_TILES},
                                        {7 * perTile, WinogradWeightGradient.GROUP_TILES}, {7 * perTile, 24}};
                    for (int[] b : blocking) {
                        String what = spec + " groups " + groups + " F(" + m + ",3) block " + b[0] + " group " + b[1];
                        float[] one = weightGradient(m, c, x, dy, cinG, coutG, w, null, b[0], b[1]);
                        assertClose(what, expected.get("weight"), Tensor.of(one, weight.shape()));
                        assertArrayEquals(one, weightGradient(m, c, x, dy, cinG, coutG, w, pool, b[0], b[1]),
                                what + " on 2 threads");
                    }
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Every group's gradient into an array filled with NaN: each element must be written. */
    private static float[] weightGradient(int m, Op.Conv c, Tensor x, Tensor dy, int cinG, int coutG, Geometry w,
                                          ForkJoinPool pool, int block, int group) {
        int groups = c.groups();
        float[] dw = new float[groups * coutG * cinG * 9];
        Arrays.fill(dw, Float.NaN);
        for (int g = 0; g < groups; g++) {
            WinogradWeightGradient.compute(m, x.data(), x.offset(), x.dim(1), dy.data(), dy.offset(), dy.dim(1),
                    x.dim(0), g, cinG, coutG, w, dw, g * coutG * cinG * 9, pool, block, group);
        }
        return dw;
    }
}
