package io.cnnkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.train.data.Augmentation;
import io.cnnkit.train.data.Dataset;
import io.cnnkit.train.optim.Sgd;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Freezing: frozen layers keep their weights bit for bit, frozen batchnorm normalises with its
 * running statistics (so a step's loss is the inference loss) and leaves them alone, and only the
 * layers that train or pass a gradient on run backward.
 */
class FreezingTest {
    private static final String SOURCE = """
            network Small
            input x: 3x6x6
            output y = x -> c1: conv(4, 3, pad=1, bias=false) -> b1: batchnorm -> relu
              -> c2: conv(5, 3, pad=1) -> relu -> globalavgpool -> flatten -> fc: dense(3)
            """;

    private final Analysis analysis = Analyzer.analyze(CnnCompiler.compileString("s.cnn", SOURCE).graphOrThrow(), 4);
    private final TrainingNetwork net = TrainingNetwork.of(analysis, Map.of(), 0.3);

    private Map<String, Tensor> weights() {
        Map<String, Tensor> w = new HashMap<>(Weights.initialize(ParamRequirement.of(analysis), 5).asMap());
        Tensor mean = w.get("b1.running_mean"), var = w.get("b1.running_var");
        for (int c = 0; c < 4; c++) {
            mean.set(c, 0.3f * c - 0.4f);
            var.set(c, 0.5f + c);
        }
        return w;
    }

    @Test
    void frozenLayersKeepTheirWeightsAndBatchnormItsRunningStatistics() {
        Random random = new Random(3);
        float[] values = new float[4 * 3 * 6 * 6];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * 2 + 1;
        }
        Tensor images = Tensor.of(values, 4, 3, 6, 6);
        int[] labels = {0, 2, 1, 2};
        Map<String, Tensor> initial = weights();
        double inferenceLoss = Evaluation.of(net, initial, dataset(values, labels), Augmentation.none(3), 4, 1, false)
                .loss();
        try (Trainer trainer = new Trainer(net, initial, new Sgd(0.9, 0, false, 1e-3),
                new Trainer.Settings(1, 1, 0, 0, false))) {
            trainer.freeze(Set.of("c1", "b1", "c2"));
            double first = trainer.step(images, labels, 0, 0.1).loss();
            assertEquals(inferenceLoss, first, 1e-5 * inferenceLoss, "frozen batchnorm normalises as in inference");
            trainer.step(images, labels, 1, 0.1);
            for (String name : List.of("c1.weight", "b1.weight", "b1.bias", "b1.running_mean", "b1.running_var",
                    "c2.weight", "c2.bias")) {
                assertArrayEquals(initial.get(name).toArray(), trainer.weights().get(name).toArray(), name);
            }
            assertFalse(java.util.Arrays.equals(initial.get("fc.weight").toArray(),
                    trainer.weights().get("fc.weight").toArray()), "the head trains");
        }
    }

    @Test
    void onlyTrainingLayersAndThoseAfterOneRunBackward() {
        Freezing head = Freezing.of(net, n -> !n.startsWith("relu") && !n.startsWith("global") && !n.startsWith("flatten")
                && !n.equals("x"), Set.of("c1", "b1", "c2"));
        for (Layer layer : net.graph().layers()) {
            assertEquals(layer.name().equals("fc"), head.runsBackward(layer), layer.name());
        }
        Freezing first = Freezing.of(net, n -> n.equals("c1") || n.equals("b1") || n.equals("c2") || n.equals("fc"),
                Set.of("c2"));
        assertTrue(net.graph().layers().stream().filter(l -> !l.name().equals("x")).allMatch(first::runsBackward),
                "c1 trains, so everything after it passes its gradient on");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Freezing.of(net,
                n -> n.equals("c1") || n.equals("b1") || n.equals("c2") || n.equals("fc"), Set.of("b1")));
        assertTrue(e.getMessage().contains("batchnorm 'b1' is frozen but layers before it train"), e.getMessage());
    }

    private static Dataset dataset(float[] values, int[] labels) {
        return new Dataset() {
            @Override
            public int size() {
                return labels.length;
            }

            @Override
            public int[] shape() {
                return new int[] {3, 6, 6};
            }

            @Override
            public int label(int index) {
                return labels[index];
            }

            @Override
            public void image(int index, float[] into, int offset) {
                System.arraycopy(values, index * 108, into, offset, 108);
            }

            @Override
            public String describe() {
                return "four random images";
            }
        };
    }
}
