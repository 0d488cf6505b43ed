package io.cnnkit.train;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What training needs to know about a network beyond its graph: its one input, the main output
 * the loss is computed on, the auxiliary outputs with their loss weights, and the class count.
 * Checks that the network can be trained by softmax cross-entropy.
 */
public record TrainingNetwork(NetworkGraph graph, Layer input, Shape inputShape, Output main, List<Output> aux,
                              List<Double> auxWeights, int classes) {

    /**
     * @param auxWeights a weight per auxiliary output name; {@code defaultAuxWeight} for the others
     * @throws IllegalArgumentException with a message for the user
     */
    public static TrainingNetwork of(Analysis analysis, Map<String, Double> auxWeights, double defaultAuxWeight) {
        if (analysis.hasErrors()) {
            throw new IllegalArgumentException("the network has errors");
        }
        NetworkGraph graph = analysis.graph();
        if (graph.inputs().size() != 1) {
            throw new IllegalArgumentException("training needs a network with one input, this one has "
                    + graph.inputs().size());
        }
        Layer input = graph.inputs().get(0);
        List<Output> main = graph.outputs().stream().filter(o -> !o.aux()).toList();
        if (main.size() != 1) {
            throw new IllegalArgumentException("training needs exactly one main output (mark the others 'aux'), this"
                    + " network has " + main.size());
        }
        List<Output> aux = graph.outputs().stream().filter(Output::aux).toList();
        for (String name : auxWeights.keySet()) {
            if (aux.stream().noneMatch(o -> o.name().equals(name))) {
                throw new IllegalArgumentException("--aux-weight names '" + name + "', which is not an auxiliary output"
                        + " of the network (" + (aux.isEmpty() ? "it has none" : "it has "
                        + String.join(", ", aux.stream().map(Output::name).toList())) + ")");
            }
        }
        List<Double> weights = new ArrayList<>();
        for (Output o : aux) {
            weights.add(auxWeights.getOrDefault(o.name(), defaultAuxWeight));
        }
        for (Output o : graph.outputs()) {
            if (o.layer().op() instanceof Op.Softmax) {
                throw new IllegalArgumentException("output '" + o.name() + "' ends in softmax; the loss takes logits,"
                        + " so remove the softmax for training");
            }
        }
        long classes = analysis.stats(main.get(0).layer()).outputShape().elements();
        for (Output o : aux) {
            long k = analysis.stats(o.layer()).outputShape().elements();
            if (k != classes) {
                throw new IllegalArgumentException("auxiliary output '" + o.name() + "' has " + k + " values per sample,"
                        + " the main output '" + main.get(0).name() + "' " + classes + "; both must score the same classes");
            }
        }
        return new TrainingNetwork(graph, input, ((Op.Input) input.op()).shape(), main.get(0), aux, weights,
                Math.toIntExact(classes));
    }
}
