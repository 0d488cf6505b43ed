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

    /**
     * PyTorch {@code AdaptiveAvgPool2d(size)}: output row i averages input rows
     * [floor(i·H/outH), ceil((i+1)·H/outH)), and likewise for columns.
     */
    record AdaptiveAvgPool(Size2 size) implements Op {
        public String kind() { return "adaptiveavgpool"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.adaptiveAvgPool(this); }
    }

    /** PyTorch {@code AdaptiveMaxPool2d(size)}: the windows of {@link AdaptiveAvgPool}, their maximum. */
    record AdaptiveMaxPool(Size2 size) implements Op {
        public String kind() { return "adaptivemaxpool"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.adaptiveMaxPool(this); }
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

    /** {@code x · sigmoid(x)} (PyTorch {@code SiLU}, swish). */
    record Silu() implements Op {
        public String kind() { return "silu"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.silu(this); }
    }

    /** {@code relu6(x + 3) / 6} (PyTorch {@code Hardsigmoid}). */
    record HardSigmoid() implements Op {
        public String kind() { return "hardsigmoid"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.hardSigmoid(this); }
    }

    /** {@code x · relu6(x + 3) / 6} (PyTorch {@code Hardswish}). */
    record HardSwish() implements Op {
        public String kind() { return "hardswish"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.hardSwish(this); }
    }

    /** PyTorch {@code GELU}: exact through erf, or its tanh approximation ({@code approximate='tanh'}). */
    record Gelu(boolean tanh) implements Op {
        public String kind() { return "gelu"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.gelu(this); }
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

    /**
     * Layer normalisation over the channels at each position (ConvNeXt's {@code LayerNorm2d}, PyTorch
     * {@code LayerNorm(C)} on a channels-last tensor), with a learned scale and shift per channel.
     */
    record LayerNorm(double eps) implements Op {
        public String kind() { return "layernorm"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.layerNorm(this); }
    }

    /**
     * A learned factor per channel (ConvNeXt's layer scale, a bare {@code nn.Parameter} of shape
     * C×1×1): its one parameter is named after the layer itself.
     */
    record Scale() implements Op {
        public String kind() { return "scale"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.scale(this); }
    }

    /**
     * PyTorch {@code Linear} applied at each position of a map over its channels (ConvNeXt's blocks,
     * which permute to channels-last around it): a 1×1 convolution whose weight is stored
     * {@code [units, C]}.
     */
    record Linear(int units, boolean bias) implements Op {
        public String kind() { return "linear"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.linear(this); }
    }

    /** Identity at inference; {@code p} is kept for reports and export. */
    record Dropout(double p) implements Op {
        public String kind() { return "dropout"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.dropout(this); }
    }

    /**
     * torchvision's {@code StochasticDepth}: drops a residual branch while training, the identity
     * at inference; {@code p} and {@code rowMode} ({@code mode='row'}, else {@code 'batch'}) are
     * kept for reports.
     */
    record StochasticDepth(double p, boolean rowMode) implements Op {
        public String kind() { return "stochastic_depth"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.stochasticDepth(this); }
    }

    /** Channels [from, to) of the input, as PyTorch's {@code x[:, from:to]}. */
    record ChannelSlice(int from, int to) implements Op {
        public String kind() { return "slice"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.channelSlice(this); }
    }

    /**
     * ShuffleNet's channel shuffle (torchvision's {@code channel_shuffle}): channels viewed as
     * groups × C/groups, transposed; output channel j·groups + i is input channel i·C/groups + j.
     */
    record ChannelShuffle(int groups) implements Op {
        public String kind() { return "channel_shuffle"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.channelShuffle(this); }
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

    /**
     * Element-wise product of two inputs: the second has the first's shape, or is C×1×1 and scales
     * each channel (squeeze-and-excitation's gate).
     */
    record Mul() implements Op {
        public String kind() { return "mul"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.mul(this); }
    }

    /** Element-wise sum of two or more inputs of one shape. */
    record Add() implements Op {
        public String kind() { return "add"; }

        public <R> R accept(OpVisitor<R> visitor) { return visitor.add(this); }
    }
}
