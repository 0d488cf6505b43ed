package io.cnnkit.diagram;

import io.cnnkit.compiler.op.Op;

/** What a diagram node stands for; decides its colour and shape. */
public enum NodeKind {
    INPUT, CONV, POOL, DENSE, NORM, ACTIVATION, MERGE, RESHAPE, OTHER, MODULE, OUTPUT;

    /** The kind of a layer's operator. */
    public static NodeKind of(Op op) {
        return switch (op.kind()) {
            case "input" -> INPUT;
            case "conv" -> CONV;
            case "maxpool", "avgpool", "globalavgpool", "globalmaxpool" -> POOL;
            case "dense" -> DENSE;
            case "batchnorm", "lrn" -> NORM;
            case "relu", "relu6", "leakyrelu", "tanh", "sigmoid", "softmax" -> ACTIVATION;
            case "concat", "add" -> MERGE;
            case "flatten", "dropout", "zeropad" -> RESHAPE;
            default -> OTHER;
        };
    }
}
