package io.cnnkit.exec.kernel.conv;

import static io.cnnkit.exec.kernel.OptimizedKernelsTest.assertClose;
import static io.cnnkit.exec.kernel.OptimizedKernelsTest.batchNormParams;
import static io.cnnkit.exec.kernel.OptimizedKernelsTest.random;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.OpRunner;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Stem-shaped convolutions (1 to 4 input channels, so K is one or a few kernel windows) by every
 * algorithm that applies, against the reference chain: 3x3 and 7x7 kernels at stride 1 and 2,
 * pads 0 to 3, odd map sizes, output channels that end on a partial vector and panel, fused
 * bias, batchnorm and relu6; vector and scalar paths, one and two threads.
 */
class StemConvTest {
    private static final ForkJoinPool POOL = new ForkJoinPool(2);

    @AfterAll
    static void shutdown() {
        POOL.shutdown();
    }

    @Test
    void stemShapesEqualTheReferenceChainOnEveryAlgorithm() {
        Random rnd = new Random(25);
        int[][] maps = {{23, 17}, {31, 29}};
        int[] couts = {21, 37};
        int trial = 0;
        for (int kernel : new int[] {3, 7}) {
            for (int stride : new int[] {1, 2}) {
                for (int cin = 1; cin <= 4; cin++) {
                    int pad = (cin + kernel + stride) % 4;
                    int[] map = maps[trial % 2];
                    check(rnd, cin, couts[trial % 2], kernel, stride, pad, map[0], map[1]);
                    trial++;
                }
            }
        }
    }

    private static void check(Random rnd, int cin, int cout, int kernel, int stride, int pad, int height, int width) {
        Op.Conv conv = new Op.Conv(cout, Size2.square(kernel), Size2.square(stride), Padding.symmetric(pad, pad),
                Size2.square(1), 1, true);
        Tensor x = random(rnd, 1, cin, height, width);
        Map<String, Tensor> params = new HashMap<>();
        params.put("weight", random(rnd, cout, cin, kernel, kernel));
        params.put("bias", random(rnd, cout));
        Map<String, Tensor> bn = batchNormParams(rnd, cout);
        Tensor y = OpRunner.runReference(conv, List.of(x), params);
        y = OpRunner.runReference(new Op.BatchNorm(1e-5), List.of(y), bn);
        Tensor want = OpRunner.runReference(new Op.Relu6(), List.of(y), Map.of());
        Fusion fusion = Fusion.NONE.withBatchNorm(new Op.BatchNorm(1e-5), bn)
                .withActivation(Activation.of(new Op.Relu6()).orElseThrow());
        Window window = Window.of(conv, x.shape());
        for (ConvAlgorithm algorithm : ConvAlgorithm.values()) {
            if (!algorithm.applies(window, cin, 1)) {
                continue;
            }
            for (boolean scalar : new boolean[] {false, true}) {
                for (int threads : new int[] {1, 2}) {
                    Kernel k = ConvKernels.prepare(conv, List.of(x.shape()), params, fusion,
                            new KernelOptions(scalar, threads), algorithm);
                    Tensor got = Tensor.zeros(k.outputShape());
                    k.run(new Tensor[] {x}, got, Workspace.forKernel(POOL, k));
                    assertClose(want, got, cin + "->" + cout + " " + kernel + "x" + kernel + "/" + stride + " pad "
                            + pad + " on " + height + "x" + width + " " + algorithm + (scalar ? " scalar" : " vector")
                            + " threads " + threads);
                }
            }
        }
    }
}
