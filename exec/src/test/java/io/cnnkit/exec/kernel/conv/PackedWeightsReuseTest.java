package io.cnnkit.exec.kernel.conv;

import static io.cnnkit.exec.kernel.OptimizedKernelsTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Workspace;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A GEMM-based kernel prepared with {@code reuse} (a kernel of the same layer with earlier weights,
 * no longer run) packs its new weights into the earlier kernel's panels, and gives what a kernel
 * prepared afresh gives, bit for bit: the packed panels and the output. Output channels that leave
 * the last panel part empty (40) and two groups check that the padding rows stay zero.
 */
class PackedWeightsReuseTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ConvAlgorithm.class, names = {"IM2COL_TILES", "TRANSPOSED_GEMM", "IMPLICIT_GEMM", "DIRECT"})
    void kernelsPackedIntoAnEarlierKernelsPanelsEqualFreshOnes(ConvAlgorithm algorithm) {
        if (algorithm == ConvAlgorithm.DIRECT && Simd.S.length() != 16) {
            return; // the direct kernel's tiles are two 16-lane vectors
        }
        Random rnd = new Random(algorithm.ordinal());
        for (int groups : new int[] {1, 2}) {
            Op.Conv c = new Op.Conv(40 * groups, Size2.square(3), Size2.square(1), new Padding.Explicit(1, 1, 1, 1),
                    Size2.square(1), groups, true);
            int[] x = {2, 12 * groups, 7, 7};
            KernelOptions options = KernelOptions.defaults(1);
            GemmConvKernel earlier = prepare(c, x, params(rnd, c, x), options, algorithm, null);
            Map<String, Tensor> now = params(rnd, c, x);
            GemmConvKernel reused = prepare(c, x, now, options, algorithm, earlier);
            GemmConvKernel fresh = prepare(c, x, now, options, algorithm, null);
            String what = algorithm + ", " + groups + " groups";
            assertSame(earlier.g.packedWeights(), reused.g.packedWeights(), what + ": the earlier panels rewritten");
            assertArrayEquals(fresh.g.packedWeights(), reused.g.packedWeights(), what);
            Tensor input = random(rnd, x);
            assertArrayEquals(run(fresh, input).toArray(), run(reused, input).toArray(), what);

            Op.Conv wider = new Op.Conv(48 * groups, c.kernel(), c.stride(), c.pad(), c.dilation(), groups, true);
            GemmConvKernel other = prepare(wider, x, params(rnd, wider, x), options, algorithm, fresh);
            assertNotSame(fresh.g.packedWeights(), other.g.packedWeights(), what + ": other sizes, new panels");
        }
    }

    private static GemmConvKernel prepare(Op.Conv c, int[] x, Map<String, Tensor> params, KernelOptions options,
                                          ConvAlgorithm algorithm, Kernel reuse) {
        return (GemmConvKernel) ConvKernels.prepare(c, List.of(x), params, Fusion.NONE, options, algorithm, reuse);
    }

    private static Map<String, Tensor> params(Random rnd, Op.Conv c, int[] x) {
        return Map.of("weight", random(rnd, c.filters(), x[1] / c.groups(), 3, 3), "bias", random(rnd, c.filters()));
    }

    private static Tensor run(Kernel k, Tensor input) {
        Tensor out = Tensor.zeros(k.outputShape());
        k.run(new Tensor[] {input}, out, Workspace.forKernel(null, k));
        return out;
    }
}
