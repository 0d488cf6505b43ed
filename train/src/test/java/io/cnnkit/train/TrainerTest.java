package io.cnnkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.train.optim.AdamW;
import io.cnnkit.train.optim.Optimizer;
import io.cnnkit.train.optim.Sgd;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole networks trained step by step equal PyTorch in train() mode (scripts/make_train_fixtures.py,
 * steps/): each of five steps' loss, and every tensor of the state_dict after the fifth step
 * (running statistics included), within 1e-4 relative to the tensor's largest magnitude, for
 * SGD with momentum and AdamW, at 1 and 2 threads, with the fast kernels and the reference ones;
 * LeNet-5, a reduced ResNet with batchnorm, and a reduced Inception (LRN, concat, ceil-mode pools)
 * with dropout p=0 and an auxiliary head whose loss weighs 0.3.
 */
class TrainerTest {

    static Path fixture(String name) {
        return Path.of("src/test/resources/fixtures").resolve(name);
    }

    static Optimizer optimizer(String kind) {
        return kind.equals("sgd") ? new Sgd(0.9, 0, false, 5e-4) : new AdamW(0.9, 0.999, 1e-8, 0.01);
    }

    @ParameterizedTest(name = "{0} {1} on {2} threads, reference {3}")
    @CsvSource({"lenet5, sgd, 1, false", "lenet5, sgd, 2, false", "lenet5, adamw, 1, false",
                "lenet5, adamw, 2, false", "resnet_mini, sgd, 1, false", "resnet_mini, sgd, 2, false",
                "resnet_mini, adamw, 1, false", "resnet_mini, adamw, 2, false", "lenet5, sgd, 1, true",
                "resnet_mini, adamw, 1, true", "inception_aux, sgd, 1, false", "inception_aux, sgd, 2, false",
                "inception_aux, adamw, 1, false", "inception_aux, adamw, 2, false"})
    void fiveStepsEqualPyTorch(String name, String kind, int threads, boolean reference) throws Exception {
        SafeTensors.Contents contents = SafeTensors.read(fixture("steps/" + name + ".safetensors"));
        NetworkGraph graph = CnnCompiler.compileString(name + ".cnn", contents.metadata().get("source")).graphOrThrow();
        Analysis analysis = Analyzer.analyze(graph, 4);
        Weights initial = initialWeights(name, contents, analysis);
        Tensor images = contents.tensors().get("images");
        long[] labels = contents.integers().get("labels").values();
        JsonNode losses = new ObjectMapper().readTree(contents.metadata().get("losses")).get(kind);
        TrainingNetwork net = TrainingNetwork.of(analysis, Map.of(), 0.3);
        try (Trainer trainer = new Trainer(net, initial.asMap(), optimizer(kind),
                new Trainer.Settings(threads, 1, 0, 0, reference))) {
            int per = images.size() / images.dim(0);
            for (int step = 0; step < 5; step++) {
                int first = 4 * (step % 2);
                int[] shape = images.shape();
                shape[0] = 4;
                Tensor batch = Tensor.of(Arrays.copyOfRange(images.toArray(), first * per, (first + 4) * per), shape);
                int[] y = new int[4];
                for (int i = 0; i < 4; i++) {
                    y[i] = (int) labels[first + i];
                }
                double loss = trainer.step(batch, y, step, kind.equals("sgd") ? 0.05 : 1e-3).loss();
                double expected = losses.get(step).asDouble();
                assertEquals(expected, loss, 1e-4 * Math.abs(expected), name + " " + kind + " step " + step);
            }
            for (String param : initial.names()) {
                Tensor expected = contents.tensors().get(kind + "." + param);
                Tensor actual = trainer.weights().get(param);
                double scale = 1e-12, worst = 0;
                for (int i = 0; i < expected.size(); i++) {
                    scale = Math.max(scale, Math.abs(expected.get(i)));
                }
                for (int i = 0; i < expected.size(); i++) {
                    worst = Math.max(worst, Math.abs(actual.get(i) - expected.get(i)) / scale);
                }
                assertTrue(worst <= 1e-4, name + " " + kind + " " + param + ": relative error " + worst);
            }
        }
    }

    /** The fixture's own initial weights ('initial.NAME'), or those of exec's PyTorch fixtures. */
    static Weights initialWeights(String name, SafeTensors.Contents contents, Analysis analysis) {
        Map<String, Tensor> own = new java.util.LinkedHashMap<>();
        contents.tensors().forEach((k, v) -> {
            if (k.startsWith("initial.") && !k.endsWith("num_batches_tracked")) {
                own.put(k.substring("initial.".length()), v);
            }
        });
        if (!own.isEmpty()) {
            return Weights.of(own).requireExactly(ParamRequirement.of(analysis));
        }
        return Weights.load(Path.of("../exec/src/test/resources/fixtures/" + name + ".weights.safetensors"),
                ParamRequirement.of(analysis));
    }

    @Test
    void nonFiniteLossNamesTheStepAndTheFirstLayer() {
        NetworkGraph graph = CnnCompiler.compileString("t.cnn", """
                network T
                input x: 1x4x4
                output y = x -> c: conv(2, 3) -> relu -> flatten -> fc: dense(3)
                """).graphOrThrow();
        Analysis analysis = Analyzer.analyze(graph, 2);
        Map<String, Tensor> w = Weights.initialize(ParamRequirement.of(analysis), 3).asMap();
        try (Trainer trainer = new Trainer(TrainingNetwork.of(analysis, Map.of(), 0.3), w, new Sgd(0, 0, false, 0),
                new Trainer.Settings(1, 1, 0, 0, false))) {
            Tensor images = Tensor.zeros(2, 1, 4, 4);
            images.set(5, Float.POSITIVE_INFINITY);
            NonFiniteException e = assertThrows(NonFiniteException.class,
                    () -> trainer.step(images, new int[] {0, 1}, 7, 0.1));
            assertTrue(e.getMessage().contains("step 7") && e.getMessage().contains("layer 'x'"), e.getMessage());
        }
    }
}
