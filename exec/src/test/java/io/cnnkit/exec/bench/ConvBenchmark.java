package io.cnnkit.exec.bench;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Kernels;
import io.cnnkit.exec.kernel.OpRunner;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Convolution layers of ResNet-18 at 224x224, batch 1, one thread: the optimised kernel (vector
 * and forced-scalar paths) against the naive reference kernel. {@link #main} prints the median
 * and the minimum time per call with GFLOP/s (2 FLOPs per MAC); on a shared machine the minimum
 * shows what the kernel does when it has the core. Raw JMH: {@code scripts/jmh.sh exec ConvBenchmark};
 * the table: {@code java --add-modules jdk.incubator.vector -cp <test classpath>
 * io.cnnkit.exec.bench.ConvBenchmark [method]}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-Xmx2g"})
public class ConvBenchmark extends KernelBenchmark {

    /** channels-in x size - kernel s stride - channels-out (padding is kernel / 2). */
    @Param({"3x224-7s2-64", "64x56-3s1-64", "64x56-3s2-128", "64x56-1s2-128", "128x28-3s1-128", "256x14-3s1-256",
            "512x7-3s1-512", "256x14-1s1-256"})
    public String layer;

    private Op.Conv conv;
    private Map<String, Tensor> params;

    /** The convolution a layer string describes. */
    static Op.Conv conv(String layer) {
        String[] parts = layer.split("-");
        int k = Integer.parseInt(parts[1].substring(0, parts[1].indexOf('s')));
        int s = Integer.parseInt(parts[1].substring(parts[1].indexOf('s') + 1));
        return new Op.Conv(Integer.parseInt(parts[2]), Size2.square(k), Size2.square(s), Padding.symmetric(k / 2, k / 2),
                Size2.square(1), 1, false);
    }

    static int[] inputShape(String layer) {
        String[] dims = layer.split("-")[0].split("x");
        int size = Integer.parseInt(dims[1]);
        return new int[] {1, Integer.parseInt(dims[0]), size, size};
    }

    @Setup(Level.Trial)
    public void setup() {
        Random rnd = new Random(1);
        conv = conv(layer);
        int[] shape = inputShape(layer);
        params = Map.of("weight", random(rnd, conv.filters(), shape[1], conv.kernel().h(), conv.kernel().w()));
        prepare(conv, shape, params, rnd);
    }

    @Benchmark
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 2, time = 1)
    public Tensor reference() {
        return OpRunner.runReference(conv, List.of(inputs[0]), params);
    }

    public static void main(String[] args) throws RunnerException {
        OptionsBuilder options = new OptionsBuilder();
        options.include(ConvBenchmark.class.getSimpleName() + (args.length > 0 ? "." + args[0] : ""));
        System.out.printf("%n%-16s %-16s %10s %10s %10s %10s%n", "layer", "kernel", "median ms", "GFLOP/s",
                "min ms", "GFLOP/s");
        for (RunResult r : new Runner(options.build()).run()) {
            String layer = r.getParams().getParam("layer");
            Op.Conv c = conv(layer);
            int[] in = inputShape(layer);
            int out = Kernels.prepare(c, List.of(in), Map.of("weight", Tensor.zeros(c.filters(), in[1],
                    c.kernel().h(), c.kernel().w())), Fusion.NONE, new KernelOptions(true, 1)).outputShape()[2];
            double macs = (double) c.filters() * out * out * in[1] * c.kernel().h() * c.kernel().w();
            double median = r.getPrimaryResult().getStatistics().getPercentile(50);
            double min = r.getPrimaryResult().getStatistics().getMin();
            String name = r.getParams().getBenchmark();
            System.out.printf("%-16s %-16s %10.3f %10.1f %10.3f %10.1f%n", layer, name.substring(name.lastIndexOf('.') + 1),
                    median, 2 * macs / (median * 1e6), min, 2 * macs / (min * 1e6));
        }
    }
}
