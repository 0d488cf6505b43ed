package io.cnnkit.exec.kernel.conv;

import static io.cnnkit.exec.kernel.OptimizedKernelsTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Simd;
import io.cnnkit.exec.kernel.Workspace;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A prepared convolution kernel computes with the weights it was prepared with, whatever happens to
 * the weight tensor afterwards (a trainer's update writes the next weights into it): kernels that
 * pack or transform the weights read the tensor's own array while they are built, without a copy,
 * and the depthwise kernel, which computes from the weights as they are, keeps a copy of its own.
 */
class WeightsAfterPreparationTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(ConvAlgorithm.class)
    void overwritingTheWeightsAfterPreparationChangesNothing(ConvAlgorithm algorithm) {
        if (algorithm == ConvAlgorithm.DIRECT && Simd.S.length() != 16) {
            return; // the direct kernel's tiles are two 16-lane vectors
        }
        Random rnd = new Random(algorithm.ordinal());
        int channels = 24, groups = algorithm == ConvAlgorithm.DEPTHWISE ? channels : 1;
        Op.Conv c = new Op.Conv(channels, Size2.square(3), Size2.square(1), new Padding.Explicit(1, 1, 1, 1),
                Size2.square(1), groups, true);
        int[] x = {2, channels, 9, 9};
        Tensor weight = random(rnd, channels, channels / groups, 3, 3);
        Kernel k = ConvKernels.prepare(c, List.of(x), Map.of("weight", weight, "bias", random(rnd, channels)),
                Fusion.NONE, KernelOptions.defaults(1), algorithm);
        Tensor input = random(rnd, x);
        float[] before = run(k, input);
        Arrays.fill(weight.data(), 7f);
        assertArrayEquals(before, run(k, input), algorithm.toString());
    }

    private static float[] run(Kernel k, Tensor input) {
        Tensor out = Tensor.zeros(k.outputShape());
        k.run(new Tensor[] {input}, out, Workspace.forKernel(null, k));
        return out.toArray();
    }
}
