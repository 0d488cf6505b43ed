package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Shape;
import java.util.List;

/** Input checks shared by the rules. */
final class Shapes {

    private Shapes() {
    }

    static Shape requireMap(String kind, Shape in) throws InvalidLayerException {
        if (!in.isMap()) {
            throw new InvalidLayerException("needs-map",
                    kind + " needs a feature map (CxHxW) but gets " + in);
        }
        return in;
    }

    /** FLOPs of a layer with {@code macs} multiply-accumulates: 2 each, plus one add per output for a bias. */
    static long macFlops(long macs, boolean bias, long outputs) {
        long flops = Math.multiplyExact(2, macs);
        return bias ? Math.addExact(flops, outputs) : flops;
    }

    /** The receptive field over merged inputs: the largest, with a warning when they are not aligned. */
    static ReceptiveField merge(String kind, List<ReceptiveField> fields, Findings findings) {
        for (int i = 1; i < fields.size(); i++) {
            if (!fields.get(0).alignedWith(fields.get(i))) {
                findings.warn("rf-not-aligned", kind + " merges receptive fields that are not aligned: "
                        + fields.get(0) + " (input 1) vs " + fields.get(i) + " (input " + (i + 1)
                        + "); reporting the largest");
                break;
            }
        }
        return ReceptiveField.largest(fields);
    }
}
