package io.cnnkit.compiler.op;

import io.cnnkit.compiler.graph.Shape;

/**
 * A resolved operator with all arguments checked and defaults filled in. Arity (how many
 * inputs) is part of the graph, not of the record. Semantics follow PyTorch and ONNX.
 */
public sealed interface Op {

    /** The operator's name in the language, for example {@code conv}. */
    String kind();

    /**
     * Calls the visitor's method for this operator. Every stage that maps operators implements
     * {@link OpVisitor}, so an operator added here does not compile until each stage handles it.
     */
    <R> R accept(OpVisitor<R> visitor);

    /** A network input; {@code shape} is per sample (C×H×W, or F for vectors). */
    record Input(Shape shape) implements Op {
        public String kind() { return "input"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.input(this); }
    }

    record Conv(int filters, Size2 kernel, Size2 stride, Padding pad, Size2 dilation, int groups, boolean bias)
            implements Op {
        public String kind() { return "conv"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.conv(this); }
    }

    record MaxPool(Size2 kernel, Size2 stride, Padding pad, Size2 dilation, boolean ceil) implements Op {
        public String kind() { return "maxpool"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.maxPool(this); }
    }

    /** {@code countPad}: padded zeros count in the divisor (PyTorch count_include_pad, default true). */
    record AvgPool(Size2 kernel, Size2 stride, Padding pad, boolean ceil, boolean countPad) implements Op {
        public String kind() { return "avgpool"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.avgPool(this); }
    }

    record GlobalAvgPool() implements Op {
        public String kind() { return "globalavgpool"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.globalAvgPool(this); }
    }

    record GlobalMaxPool() implements Op {
        public String kind() { return "globalmaxpool"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.globalMaxPool(this); }
    }

    /** A fully connected layer on a vector input (PyTorch Linear, ONNX Gemm with transB). */
    record Dense(int units, boolean bias) implements Op {
        public String kind() { return "dense"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.dense(this); }
    }

    record Flatten() implements Op {
        public String kind() { return "flatten"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.flatten(this); }
    }

    record Relu() implements Op {
        public String kind() { return "relu"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.relu(this); }
    }

    record Relu6() implements Op {
        public String kind() { return "relu6"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.relu6(this); }
    }

    record LeakyRelu(double alpha) implements Op {
        public String kind() { return "leakyrelu"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.leakyRelu(this); }
    }

    record Tanh() implements Op {
        public String kind() { return "tanh"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.tanh(this); }
    }

    record Sigmoid() implements Op {
        public String kind() { return "sigmoid"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.sigmoid(this); }
    }

    /** Softmax over the channel (feature) axis. */
    record Softmax() implements Op {
        public String kind() { return "softmax"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.softmax(this); }
    }

    /** Local response normalisation across channels, as PyTorch LocalResponseNorm and ONNX LRN. */
    record Lrn(int size, double alpha, double beta, double k) implements Op {
        public String kind() { return "lrn"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.lrn(this); }
    }

    /** Batch normalisation in inference: running statistics, learnable scale and shift. */
    record BatchNorm(double eps) implements Op {
        public String kind() { return "batchnorm"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.batchNorm(this); }
    }

    /** Identity at inference; {@code p} is kept for reports and export. */
    record Dropout(double p) implements Op {
        public String kind() { return "dropout"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.dropout(this); }
    }

    record ZeroPad(Padding.Explicit pad) implements Op {
        public String kind() { return "zeropad"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.zeroPad(this); }
    }

    /** Concatenation along channels of two or more inputs. */
    record Concat() implements Op {
        public String kind() { return "concat"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.concat(this); }
    }

    /** Element-wise sum of two or more inputs of one shape. */
    record Add() implements Op {
        public String kind() { return "add"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.add(this); }
    }
}
