package io.cnnkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.TrainingMemory;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.train.optim.AdamW;
import io.cnnkit.train.optim.Optimizer;
import io.cnnkit.train.optim.Sgd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The analyzer's training memory equals what the trainer holds in a step, counted from its
 * tensors: parameters, optimiser state, kept activations and the gradient peak, at batch 16.
 * ResNet-18 runs at 32x32 instead of 224x224 to keep the test short: the same layers, smaller maps.
 */
class TrainingMemoryTest {

    @ParameterizedTest(name = "{0} with {1} on {2} threads")
    @CsvSource({"lenet5, momentum, 1", "lenet5, adamw, 2", "lenet5, sgd, 1", "resnet18, momentum, 2",
                "inception_aux, adamw, 1"})
    void analyzerEqualsTrainer(String name, String optimizer, int threads) throws Exception {
        NetworkGraph graph = graph(name);
        Analysis analysis = Analyzer.analyze(graph, 16);
        Optimizer opt = switch (optimizer) {
            case "sgd" -> new Sgd(0, 0, false, 0);
            case "momentum" -> new Sgd(0.9, 0, false, 5e-4);
            default -> new AdamW(0.9, 0.999, 1e-8, 0.01);
        };
        TrainingMemory planned = TrainingMemory.of(analysis, optimizer.equals("sgd") ? 0 : optimizer.equals("adamw") ? 2 : 1);
        TrainingNetwork net = TrainingNetwork.of(analysis, Map.of(), 0.3);
        Map<String, Tensor> w = Weights.initialize(ParamRequirement.of(analysis), 5).asMap();
        try (Trainer trainer = new Trainer(net, w, opt, new Trainer.Settings(threads, 1, 0, 0, false))) {
            int[] shape = new int[] {16, (int) net.inputShape().dim(0), (int) net.inputShape().dim(1),
                    (int) net.inputShape().dim(2)};
            SplittableRandom random = new SplittableRandom(3);
            int[] labels = new int[16];
            for (int step = 0; step < (name.equals("resnet18") ? 1 : 2); step++) {
                Tensor images = Tensor.zeros(shape);
                for (int i = 0; i < images.size(); i++) {
                    images.set(i, (float) random.nextGaussian());
                }
                for (int i = 0; i < 16; i++) {
                    labels[i] = random.nextInt(net.classes());
                }
                trainer.step(images, labels, step, 0.01);
                assertEquals(planned.totals(), trainer.lastStepMemory(), name + " step " + step);
            }
        }
        long rows = planned.layers().stream().mapToLong(r -> r.activationBytes() + r.parameterBytes()
                + r.optimizerBytes()).sum();
        assertEquals(planned.totals().activationBytes() + planned.totals().parameterBytes()
                + planned.totals().optimizerBytes(), rows);
        assertTrue(planned.totals().gradientPeakBytes() >= planned.layers().stream()
                .mapToLong(TrainingMemory.Row::parameterGradientBytes).sum());
    }

    /** The example (ResNet-18 with a 32x32 input and its shape annotations dropped), or a training fixture's network. */
    static NetworkGraph graph(String name) throws Exception {
        if (name.equals("resnet18")) {
            Path file = Path.of("../examples/resnet18.cnn");
            String text = Files.readString(file).replace("3x224x224", "3x32x32")
                    .replaceAll("(?m)\\s+:\\s*\\d+x\\d+x\\d+\\s*$", "");
            return CnnCompiler.compileString(file.toString(), text).graphOrThrow();
        }
        if (name.equals("lenet5")) {
            return CnnCompiler.compile(Path.of("../examples/lenet5.cnn")).graphOrThrow();
        }
        var contents = io.cnnkit.exec.io.SafeTensors.read(TrainerTest.fixture("steps/" + name + ".safetensors"));
        return CnnCompiler.compileString(name + ".cnn", contents.metadata().get("source")).graphOrThrow();
    }
}
