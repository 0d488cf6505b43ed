package io.cnnkit.diagram;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Operators;

/** What a diagram node stands for; decides its colour and shape. */
public enum NodeKind {
    INPUT, CONV, POOL, DENSE, NORM, ACTIVATION, MERGE, RESHAPE, MODULE, OUTPUT;

    /** The kind of a layer's operator: its declared category. */
    public static NodeKind of(Op op) {
        return Operators.of(op).map(spec -> switch (spec.category()) {
            case INPUT -> INPUT;
            case CONV -> CONV;
            case POOL -> POOL;
            case DENSE -> DENSE;
            case NORM -> NORM;
            case ACTIVATION -> ACTIVATION;
            case MERGE -> MERGE;
            case RESHAPE -> RESHAPE;
        }).orElse(INPUT); // network inputs are declared, not called: they have no operator spec
    }
}
