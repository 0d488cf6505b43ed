package io.cnnkit.exec.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reference kernels against published examples: the ONNX operator documentation (Conv, MaxPool,
 * AveragePool) and PyTorch's documented formulas (ceil-mode rule, avg_pool2d divisor, LRN window).
 */
class ReferenceKernelsTest {
    private static final float EPS = 1e-5f;

    static Tensor arange(float start, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, start + i);
        }
        return t;
    }

    static Tensor filled(float v, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, v);
        }
        return t;
    }

    static Op.Conv conv(int filters, int k, int stride, Padding pad) {
        return new Op.Conv(filters, Size2.square(k), Size2.square(stride), pad, Size2.square(1), 1, false);
    }

    static Tensor runConv(Op.Conv c, Tensor x) {
        Tensor w = filled(1f, c.filters(), x.dim(1), c.kernel().h(), c.kernel().w());
        return OpRunner.runReference(c, List.of(x), Map.of("weight", w));
    }

    @Test
    void onnxConvExamples() {
        Tensor x = arange(0, 1, 1, 5, 5);
        assertArrayEquals(new float[] {12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81,
                93, 144, 153, 162, 111, 72, 111, 117, 123, 84},
                runConv(conv(1, 3, 1, Padding.symmetric(1, 1)), x).toArray(), EPS);
        assertArrayEquals(new float[] {54, 63, 72, 99, 108, 117, 144, 153, 162},
                runConv(conv(1, 3, 1, Padding.ZERO), x).toArray(), EPS);
        Tensor tall = arange(0, 1, 1, 7, 5);
        assertArrayEquals(new float[] {12, 27, 24, 63, 108, 81, 123, 198, 141, 112, 177, 124},
                runConv(conv(1, 3, 2, Padding.symmetric(1, 1)), tall).toArray(), EPS);
        assertArrayEquals(new float[] {54, 72, 144, 162, 234, 252},
                runConv(conv(1, 3, 2, Padding.ZERO), tall).toArray(), EPS);
        Tensor asym = runConv(conv(1, 3, 2, new Padding.Explicit(1, 0, 1, 0)), tall);
        assertArrayEquals(new int[] {1, 1, 4, 2}, asym.shape());
        assertArrayEquals(new float[] {21, 33, 99, 117, 189, 207, 171, 183}, asym.toArray(), EPS);
    }

    @Test
    void onnxPoolExamples() {
        Tensor x = arange(1, 1, 1, 4, 4);
        Op.MaxPool ceil = new Op.MaxPool(Size2.square(3), Size2.square(2), Padding.ZERO, Size2.square(1), true);
        assertArrayEquals(new float[] {11, 12, 15, 16}, OpRunner.runReference(ceil, List.of(x), Map.of()).toArray());
        Op.MaxPool dilated = new Op.MaxPool(Size2.square(2), Size2.square(1), Padding.ZERO, Size2.square(2), false);
        assertArrayEquals(new float[] {11, 12, 15, 16},
                OpRunner.runReference(dilated, List.of(x), Map.of()).toArray());
        Op.AvgPool avgCeil = new Op.AvgPool(Size2.square(3), Size2.square(2), Padding.ZERO, true, false);
        assertArrayEquals(new float[] {6, 7.5f, 12, 13.5f},
                OpRunner.runReference(avgCeil, List.of(x), Map.of()).toArray(), EPS);
    }

    @Test
    void pytorchCeilModeWindowMustStartInsideInput() { // via the analyzer's ConvArithmetic
        // MaxPool2d(3, stride=3, padding=1, ceil_mode=True) on 5x5: ceil gives 3, the rule drops to 2
        assertEquals(2, io.cnnkit.analyzer.ConvArithmetic.outputSize(5, 3, 3, 1, 1, 1, true));
        assertEquals(2, io.cnnkit.analyzer.ConvArithmetic.outputSize(5, 3, 3, 1, 1, 1, false));
        assertEquals(3, io.cnnkit.analyzer.ConvArithmetic.outputSize(5, 2, 2, 0, 0, 1, true));
        assertEquals(2, io.cnnkit.analyzer.ConvArithmetic.outputSize(5, 2, 2, 0, 0, 1, false));
    }

    @Test
    void avgPoolCeilModeDivisorFollowsPytorch() {
        Tensor ones = filled(1f, 1, 1, 4, 4);
        // AvgPool2d(3, stride=2, padding=1, ceil_mode=True): 3x3 output; the last window spans input
        // row 3 and one row of end padding (the ceil overhang beyond the padding does not count)
        Op.AvgPool withPad = new Op.AvgPool(Size2.square(3), Size2.square(2), Padding.symmetric(1, 1), true, true);
        float[] y = OpRunner.runReference(withPad, List.of(ones), Map.of()).toArray();
        assertEquals(9, y.length);
        assertEquals(4f / 9, y[0], EPS);
        assertEquals(6f / 9, y[1], EPS);
        assertEquals(2f / 6, y[2], EPS);
        assertEquals(1f / 4, y[8], EPS);
        Op.AvgPool noPad = new Op.AvgPool(Size2.square(3), Size2.square(2), Padding.symmetric(1, 1), true, false);
        for (float v : OpRunner.runReference(noPad, List.of(ones), Map.of()).toArray()) {
            assertEquals(1f, v, EPS);
        }
    }

    @Test
    void lrnUsesPytorchWindow() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 3, 1, 1);
        // size 3, alpha/size = 1: channel c sums squares of c-1..c+1
        float[] odd = OpRunner.runReference(new Op.Lrn(3, 3.0, 1.0, 1.0), List.of(x), Map.of()).toArray();
        assertArrayEquals(new float[] {1f / 6, 2f / 15, 3f / 14}, odd, EPS);
        // size 2 (PyTorch): channels c-1..c
        float[] even = OpRunner.runReference(new Op.Lrn(2, 2.0, 1.0, 1.0), List.of(x), Map.of()).toArray();
        assertArrayEquals(new float[] {1f / 2, 2f / 6, 3f / 14}, even, EPS);
    }

    @Test
    void samePaddingPutsTheOddPadAtTheEnd() {
        Tensor x = arange(0, 1, 1, 5, 5);
        Tensor y = runConv(new Op.Conv(1, Size2.square(2), Size2.square(2), new Padding.Same(), Size2.square(1), 1,
                false), x);
        assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
        // windows start at 0, 2, 4; the last row/column sees one padded zero row/column
        assertArrayEquals(new float[] {12, 20, 13, 52, 60, 33, 41, 45, 24}, y.toArray(), EPS);
    }

    @Test
    void softmaxIsStableAndOverChannels() {
        Tensor x = Tensor.of(new float[] {1000, 0, 1001, 0}, 1, 2, 1, 2);
        float[] y = OpRunner.runReference(new Op.Softmax(), List.of(x), Map.of()).toArray();
        double e = Math.exp(-1);
        assertArrayEquals(new float[] {(float) (e / (1 + e)), 0.5f, (float) (1 / (1 + e)), 0.5f}, y, 1e-6f);
    }

    @Test
    void batchNormInference() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 1, 2);
        Map<String, Tensor> p = Map.of("weight", Tensor.of(new float[] {2, 1}, 2), "bias",
                Tensor.of(new float[] {0.5f, -1}, 2), "running_mean", Tensor.of(new float[] {1, 3}, 2),
                "running_var", Tensor.of(new float[] {4, 0.25f}, 2));
        float[] y = OpRunner.runReference(new Op.BatchNorm(0), List.of(x), p).toArray();
        assertArrayEquals(new float[] {0.5f, 1.5f, -1f, 1f}, y, EPS);
    }

    @Test
    void concatAddZeroPadFlatten() {
        Tensor a = arange(0, 2, 1, 1, 2), b = arange(10, 2, 2, 1, 2);
        float[] cat = OpRunner.runReference(new Op.Concat(), List.of(a, b), Map.of()).toArray();
        assertArrayEquals(new float[] {0, 1, 10, 11, 12, 13, 2, 3, 14, 15, 16, 17}, cat);
        float[] sum = OpRunner.runReference(new Op.Add(), List.of(a, a, a), Map.of()).toArray();
        assertArrayEquals(new float[] {0, 3, 6, 9}, sum);
        Tensor padded = OpRunner.runReference(new Op.ZeroPad(new Padding.Explicit(1, 0, 0, 2)),
                List.of(arange(1, 1, 1, 1, 2)), Map.of());
        assertArrayEquals(new int[] {1, 1, 2, 4}, padded.shape());
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 0}, padded.toArray());
        assertArrayEquals(new int[] {2, 4}, OpRunner.runReference(new Op.Flatten(), List.of(b), Map.of()).shape());
    }

    @Test
    void badParametersAreRejectedWithAClearMessage() {
        Op.Conv c = conv(4, 3, 1, Padding.ZERO);
        Tensor x = Tensor.zeros(1, 2, 5, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpRunner.runReference(c, List.of(x), Map.of("weight", Tensor.zeros(4, 3, 3, 3))));
        assertEquals("conv parameter 'weight' has shape [4, 3, 3, 3], expected [4, 2, 3, 3]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OpRunner.runReference(c, List.of(Tensor.zeros(1, 2, 2, 2)),
                Map.of("weight", Tensor.zeros(4, 2, 3, 3))));
    }
}
