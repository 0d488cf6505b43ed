package io.cnnkit.train;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.op.Op;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which layers are frozen (not updated; batchnorm on its running statistics) and which layers'
 * backward passes still have to run: those that train, and those with a training layer before
 * them, whose gradient must flow through. Everything else, typically a frozen backbone under a
 * new head, skips backward entirely.
 */
public record Freezing(Set<String> frozen, Set<Integer> backward) {

    public Freezing {
        frozen = Set.copyOf(frozen);
        backward = Set.copyOf(backward);
    }

    /**
     * @param hasParams whether a layer (by name) has a weight or bias
     * @throws IllegalArgumentException when a frozen batchnorm has a training layer before it: the
     *                                  gradient through running statistics is not implemented
     */
    public static Freezing of(TrainingNetwork net, Predicate<String> hasParams, Set<String> frozen) {
        Set<Integer> needsGrad = new HashSet<>();
        Set<Integer> backward = new HashSet<>();
        for (Layer layer : net.graph().layers()) {
            boolean trains = hasParams.test(layer.name()) && !frozen.contains(layer.name());
            boolean upstream = net.graph().inputsOf(layer).stream().anyMatch(f -> needsGrad.contains(f.id()));
            if (trains || upstream) {
                needsGrad.add(layer.id());
                backward.add(layer.id());
            }
            if (upstream && layer.op() instanceof Op.BatchNorm && frozen.contains(layer.name())) {
                throw new IllegalArgumentException("batchnorm '" + layer.name() + "' is frozen but layers before it"
                        + " train; freeze those too, or leave it unfrozen");
            }
        }
        return new Freezing(frozen, backward);
    }

    public boolean isFrozen(Layer layer) {
        return frozen.contains(layer.name());
    }

    public boolean runsBackward(Layer layer) {
        return backward.contains(layer.id());
    }
}
