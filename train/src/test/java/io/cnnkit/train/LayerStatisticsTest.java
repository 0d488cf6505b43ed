package io.cnnkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.train.insight.GradientProbe;
import io.cnnkit.train.insight.LayerStatistics;
import io.cnnkit.train.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The statistics agree with what they summarise: with plain SGD the update ratio is
 * lr·‖g‖/‖w‖, the gradient norms are those of cnn grads on the same batch, the zero fraction is
 * the count of zeros after ReLU, and only every K-th step is sampled.
 */
class LayerStatisticsTest {

    @Test
    void statisticsMatchTheirDefinitions() {
        Analysis analysis = Analyzer.analyze(CnnCompiler.compileString("s.cnn", """
                network S
                input x: 2x5x5
                output y = x -> c: conv(3, 3) -> r: relu -> flatten -> fc: dense(4)
                """).graphOrThrow(), 3);
        TrainingNetwork net = TrainingNetwork.of(analysis, Map.of(), 0.3);
        Map<String, Tensor> weights = Weights.initialize(ParamRequirement.of(analysis), 9).asMap();
        Random random = new Random(4);
        float[] values = new float[3 * 2 * 5 * 5];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Tensor images = Tensor.of(values, 3, 2, 5, 5);
        int[] labels = {1, 3, 0};
        GradientProbe.Result probe = GradientProbe.of(net, weights, images, labels, 1, 1);
        List<LayerStatistics.Sample> samples = new ArrayList<>();
        double lr = 0.1;
        try (Trainer trainer = new Trainer(net, weights, new Sgd(0, 0, false, 0), new Trainer.Settings(1, 1, 0, 0, false))) {
            trainer.observe(new LayerStatistics(3, samples::add));
            for (int step = 0; step < 4; step++) {
                trainer.step(images, labels, step, lr);
            }
        }
        assertEquals(List.of(0L, 3L), samples.stream().map(LayerStatistics.Sample::step).toList());
        LayerStatistics.Sample first = samples.get(0);
        assertEquals(List.of("c", "r", "flatten_1", "fc"), first.rows().stream().map(LayerStatistics.Row::layer).toList());
        assertEquals(probe.loss(), first.loss(), 1e-12);
        for (LayerStatistics.Row row : first.rows()) {
            if (row.layer().equals("c") || row.layer().equals("fc")) {
                GradientProbe.Row p = probe.rows().stream()
                        .filter(x -> x.layer().equals(row.layer()) && x.param().equals("weight")).findFirst().orElseThrow();
                assertEquals(p.gradNorm(), row.gradNorm(), 1e-9 * p.gradNorm());
                assertEquals(p.weightNorm(), row.weightNorm(), 1e-9 * p.weightNorm());
                assertEquals(lr * row.gradNorm() / row.weightNorm(), row.updateRatio(), 1e-5 * row.updateRatio());
            } else {
                assertTrue(Double.isNaN(row.gradNorm()), row.toString());
            }
        }
        LayerStatistics.Row relu = first.rows().get(1);
        assertTrue(relu.zeroFraction() > 0 && relu.zeroFraction() < 1, relu.toString());
        assertEquals(relu.zeroFraction() * 3 * 3 * 3 * 3, Math.rint(relu.zeroFraction() * 81), 1e-9,
                "a whole number of the 81 outputs");
        assertTrue(Double.isNaN(first.rows().get(0).zeroFraction()), "zeros are counted after ReLU only");
    }
}
