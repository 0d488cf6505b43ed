package io.cnnkit.exec.kernel.conv;

import static io.cnnkit.exec.kernel.OptimizedKernelsTest.random;

import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
import io.cnnkit.exec.kernel.Folding;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two depthwise kernels on the depthwise layer shapes of MobileNet-v2, EfficientNet-B0 and
 * MobileNet-v3 (bias and relu6 fused, batch 1, one thread): the flat rows of
 * {@link DepthwiseConvKernel} and the channel-blocked {@link BlockedDepthwiseConvKernel}, which
 * {@link BlockedDepthwiseConvKernel#pays} chooses between. {@code scripts/jmh.sh exec -f 1 -wi 3
 * -i 5 -w 1 -r 1 DepthwiseBenchmark} (512-bit vectors: the blocked kernel runs at no other width).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-Xmx2g"})
public class DepthwiseBenchmark {
    /** channels x size - kernel s stride (padding kernel / 2). */
    @Param({"32x112-3s1", "96x112-3s2", "144x56-3s1", "144x56-3s2", "192x28-3s1", "192x28-3s2", "384x14-3s1",
            "576x14-3s1", "576x14-3s2", "960x7-3s1", "240x28-5s1", "672x14-5s1", "1152x7-5s1", "144x56-5s2",
            "672x14-5s2"})
    public String layer;

    @Param({"rows", "blocked"})
    public String kernel;

    private Kernel prepared;
    private Tensor[] inputs;
    private Tensor output;
    private Workspace workspace;

    @Setup(Level.Trial)
    public void setup() {
        String[] parts = layer.split("-");
        int channels = Integer.parseInt(parts[0].split("x")[0]), size = Integer.parseInt(parts[0].split("x")[1]);
        int k = Integer.parseInt(parts[1].substring(0, parts[1].indexOf('s')));
        int stride = Integer.parseInt(parts[1].substring(parts[1].indexOf('s') + 1));
        Op.Conv conv = new Op.Conv(channels, Size2.square(k), Size2.square(stride), Padding.symmetric(k / 2, k / 2),
                Size2.square(1), channels, true);
        int[] shape = {1, channels, size, size};
        int[] outShape = ShapeInference.batched(conv, List.of(shape));
        Random rnd = new Random(1);
        Map<String, Tensor> params = Map.of("weight", random(rnd, channels, 1, k, k), "bias", random(rnd, channels));
        Fusion fusion = Fusion.NONE.withActivation(Activation.of(new Op.Relu6()).orElseThrow());
        Window w = Window.of(conv, shape);
        Folding folded = Folding.forConv(conv, params, channels, fusion);
        prepared = kernel.equals("blocked") ? new BlockedDepthwiseConvKernel(shape, outShape, w, folded, fusion, 1)
                : new DepthwiseConvKernel(shape, outShape, w, folded, fusion, new KernelOptions(false, 1));
        inputs = new Tensor[] {random(rnd, shape)};
        output = Tensor.zeros(outShape);
        workspace = Workspace.forKernel(null, prepared);
    }

    @Benchmark
    public Tensor run() {
        prepared.run(inputs, output, workspace);
        return output;
    }
}
