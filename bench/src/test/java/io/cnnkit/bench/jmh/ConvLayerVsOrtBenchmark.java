package io.cnnkit.bench.jmh;

import io.cnnkit.bench.BenchModel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The convolutions of ResNet-18 at 224x224 (batch 1, no bias: batchnorm follows them) one at a
 * time: cnnkit's kernel inside a one-layer network and ONNX Runtime's Conv node on the same
 * weights. {@link #main} prints both, the ratio and the share of the measured FP32 peak:
 * {@code java --add-modules jdk.incubator.vector -cp <test classpath> io.cnnkit.bench.jmh.ConvLayerVsOrtBenchmark [JMH options]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-Xmx2g", "-XX:+UseParallelGC"})
public class ConvLayerVsOrtBenchmark extends PairedBenchmark {

    /** channels-in x size - kernel s stride - channels-out (padding is kernel / 2), as in ResNet-18. */
    @Param({"3x224-7s2-64", "64x56-3s1-64", "128x28-3s1-128", "256x14-3s1-256", "512x7-3s1-512", "64x56-3s2-128",
            "128x28-3s2-256", "256x14-3s2-512", "64x56-1s2-128", "128x28-1s2-256", "256x14-1s2-512"})
    public String layer;

    @Param({"1"})
    public int threads;


    /** A one-layer network with the convolution that {@code layer} describes. */
    static String source(String layer) {
        String[] parts = layer.split("-");
        String[] input = parts[0].split("x");
        int kernel = Integer.parseInt(parts[1].substring(0, parts[1].indexOf('s')));
        int stride = Integer.parseInt(parts[1].substring(parts[1].indexOf('s') + 1));
        return "network Conv\ninput x: " + input[0] + "x" + input[1] + "x" + input[1] + "\noutput y = x -> conv: conv("
                + parts[2] + ", " + kernel + ", stride=" + stride + ", pad=" + kernel / 2 + ", bias=false)\n";
    }

    static BenchModel model(String layer) {
        return BenchModel.ofSource(layer + ".cnn", source(layer), 1, 0);
    }

    @Override
    BenchModel model() {
        return model(layer);
    }

    @Override
    int threads() {
        return threads;
    }

    public static void main(String[] args) throws Exception {
        SideBySide.run(ConvLayerVsOrtBenchmark.class, args, p -> model(p.get("layer")).macs());
    }
}
