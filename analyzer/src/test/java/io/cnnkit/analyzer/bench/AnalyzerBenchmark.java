package io.cnnkit.analyzer.bench;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.Nets;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.op.Op;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to analyse a whole network (shapes, counts, receptive fields, scopes, memory plan).
 * Run: {@code scripts/jmh.sh analyzer AnalyzerBenchmark -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AnalyzerBenchmark {

    /** ResNet-152 (He et al. 2015): bottleneck stages of 3, 8, 36 and 3 blocks, 60.19 M parameters. */
    static final String RESNET152 = """
            network ResNet152
            input image: 3x224x224
            module bottleneck(planes, stride=1, project=false) {
              y = in -> conv1: conv(planes, 1, bias=false) -> bn1: batchnorm -> relu
                     -> conv2: conv(planes, 3, stride=stride, pad=1, bias=false) -> bn2: batchnorm -> relu
                     -> conv3: conv(planes * 4, 1, bias=false) -> bn3: batchnorm
              s = if project { in -> downsample: [conv(planes * 4, 1, stride=stride, bias=false) -> batchnorm] } else { in }
              out add(y, s) -> relu
            }
            stem = image -> conv1: conv(64, 7, stride=2, pad=3, bias=false) -> bn1: batchnorm -> relu
                         -> maxpool: maxpool(3, stride=2, pad=1)
            layer1 = stem -> repeat 3 as i bottleneck(64, project=i == 0)
            layer2 = layer1 -> repeat 8 as i bottleneck(128, stride=if i == 0 then 2 else 1, project=i == 0)
            layer3 = layer2 -> repeat 36 as i bottleneck(256, stride=if i == 0 then 2 else 1, project=i == 0)
            layer4 = layer3 -> repeat 3 as i bottleneck(512, stride=if i == 0 then 2 else 1, project=i == 0)
            output logits = layer4 -> avgpool: globalavgpool -> flatten -> fc: dense(1000)
            """;

    NetworkGraph resnet152;
    NetworkGraph generated;

    @Setup
    public void setUp() {
        resnet152 = CnnCompiler.compileString("resnet152.cnn", RESNET152).graphOrThrow();
        generated = generated(10_000);
    }

    /** {@code layers} layers: residual blocks of conv 3x3 -> batchnorm -> relu -> conv 3x3 -> add on 32x28x28. */
    static NetworkGraph generated(int layers) {
        NetworkGraph.Builder b = NetworkGraph.builder("Generated");
        Layer x = b.add("image", Nets.input(32, 28, 28));
        int block = 0;
        while (b.size() + 5 <= layers) {
            String p = "block" + block++ + ".";
            Layer c1 = b.add(p + "conv1", Nets.conv(32, 3, 1, 1), x);
            Layer bn = b.add(p + "bn", new Op.BatchNorm(1e-5), c1);
            Layer r = b.add(p + "relu", Nets.RELU, bn);
            Layer c2 = b.add(p + "conv2", Nets.conv(32, 3, 1, 1), r);
            x = b.add(p + "add", new Op.Add(), c2, x);
        }
        while (b.size() < layers) {
            x = b.add("tail" + b.size(), Nets.RELU, x);
        }
        return b.output("y", x).build();
    }

    @Benchmark
    public Analysis resnet152() {
        return Analyzer.analyze(resnet152, 1);
    }

    @Benchmark
    public Analysis generated10k() {
        return Analyzer.analyze(generated, 1);
    }
}
