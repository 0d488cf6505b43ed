package io.cnnkit.compiler.op;

import io.cnnkit.compiler.graph.Shape;

/**
 * A resolved operator with all arguments checked and defaults filled in. Arity (how many
 * inputs) is part of the graph, not of the record. Semantics follow PyTorch and ONNX.
 */
public sealed interface Op {

    /** The operator's name in the language, for example {@code conv}. */
    String kind();

    /** A network input; {@code shape} is per sample (C×H×W, or F for vectors). */
    record Input(Shape shape) implements Op {
        public String kind() { return "input"; }
    }

    record Conv(int filters, Size2 kernel, Size2 stride, Padding pad, Size2 dilation, int groups, boolean bias)
            implements Op {
        public String kind() { return "conv"; }
    }

    record MaxPool(Size2 kernel, Size2 stride, Padding pad, Size2 dilation, boolean ceil) implements Op {
        public String kind() { return "maxpool"; }
    }

    /** {@code countPad}: padded zeros count in the divisor (PyTorch count_include_pad, default true). */
    record AvgPool(Size2 kernel, Size2 stride, Padding pad, boolean ceil, boolean countPad) implements Op {
        public String kind() { return "avgpool"; }
    }

    record GlobalAvgPool() implements Op {
        public String kind() { return "globalavgpool"; }
    }

    record GlobalMaxPool() implements Op {
        public String kind() { return "globalmaxpool"; }
    }

    /** A fully connected layer on a vector input (PyTorch Linear, ONNX Gemm with transB). */
    record Dense(int units, boolean bias) implements Op {
        public String kind() { return "dense"; }
    }

    record Flatten() implements Op {
        public String kind() { return "flatten"; }
    }

    record Relu() implements Op {
        public String kind() { return "relu"; }
    }

    record Relu6() implements Op {
        public String kind() { return "relu6"; }
    }

    record LeakyRelu(double alpha) implements Op {
        public String kind() { return "leakyrelu"; }
    }

    record Tanh() implements Op {
        public String kind() { return "tanh"; }
    }

    record Sigmoid() implements Op {
        public String kind() { return "sigmoid"; }
    }

    /** Softmax over the channel (feature) axis. */
    record Softmax() implements Op {
        public String kind() { return "softmax"; }
    }

    /** Local response normalisation across channels, as PyTorch LocalResponseNorm and ONNX LRN. */
    record Lrn(int size, double alpha, double beta, double k) implements Op {
        public String kind() { return "lrn"; }
    }

    /** Batch normalisation in inference: running statistics, learnable scale and shift. */
    record BatchNorm(double eps) implements Op {
        public String kind() { return "batchnorm"; }
    }

    /** Identity at inference; {@code p} is kept for reports and export. */
    record Dropout(double p) implements Op {
        public String kind() { return "dropout"; }
    }

    record ZeroPad(Padding.Explicit pad) implements Op {
        public String kind() { return "zeropad"; }
    }

    /** Concatenation along channels of two or more inputs. */
    record Concat() implements Op {
        public String kind() { return "concat"; }
    }

    /** Element-wise sum of two or more inputs of one shape. */
    record Add() implements Op {
        public String kind() { return "add"; }
    }
}
