package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Scope;
import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import java.util.List;
import java.util.Optional;

/** Operator shorthands and reference networks built with {@link NetworkGraph#builder}. */
public final class Nets {

    private Nets() {
    }

    public static Op.Input input(long... dims) {
        return new Op.Input(Shape.of(dims));
    }

    public static Op.Conv conv(int filters, int kernel, int stride, int pad) {
        return new Op.Conv(filters, Size2.square(kernel), Size2.square(stride), Padding.symmetric(pad, pad),
                Size2.square(1), 1, true);
    }

    public static Op.Conv conv(int filters, int kernel) {
        return conv(filters, kernel, 1, 0);
    }

    public static Op.Conv convSame(int filters, int kernel) {
        return new Op.Conv(filters, Size2.square(kernel), Size2.square(1), new Padding.Same(), Size2.square(1), 1, true);
    }

    public static Op.MaxPool maxpool(int kernel, int stride) {
        return new Op.MaxPool(Size2.square(kernel), Size2.square(stride), Padding.ZERO, Size2.square(1), false);
    }

    public static Op.MaxPool maxpoolSame(int kernel) {
        return new Op.MaxPool(Size2.square(kernel), Size2.square(1), new Padding.Same(), Size2.square(1), false);
    }

    public static Op.Dense dense(int units) {
        return new Op.Dense(units, true);
    }

    public static final Op.Relu RELU = new Op.Relu();
    public static final Op.Flatten FLATTEN = new Op.Flatten();

    /** Adds a layer inside the given scopes (outermost first). */
    public static Layer scoped(NetworkGraph.Builder b, String name, Op op, List<Scope> scopes, Layer... from) {
        return b.add(name, op, List.of(from), scopes, SourceLocation.NONE, SourceLocation.NONE, Optional.empty());
    }

    public static Scope scope(String path, String kind) {
        return new Scope(path, kind, SourceLocation.NONE);
    }

    /** LeNet-5 as in the issue: conv 6@5, pool 2, conv 16@5, pool 2, 120, 84, 10 (ReLU). */
    public static NetworkGraph lenet5() {
        NetworkGraph.Builder b = NetworkGraph.builder("LeNet5");
        Layer x = b.add("image", input(1, 32, 32));
        x = b.add("conv1", conv(6, 5), x);
        x = b.add("relu_1", RELU, x);
        x = b.add("maxpool_1", maxpool(2, 2), x);
        x = b.add("conv2", conv(16, 5), x);
        x = b.add("relu_2", RELU, x);
        x = b.add("maxpool_2", maxpool(2, 2), x);
        x = b.add("flatten_1", FLATTEN, x);
        x = b.add("fc1", dense(120), x);
        x = b.add("relu_3", RELU, x);
        x = b.add("fc2", dense(84), x);
        x = b.add("relu_4", RELU, x);
        x = b.add("fc3", dense(10), x);
        return b.output("logits", x).build();
    }

    /**
     * VGG-16 (configuration D) on 3x224x224 with torchvision's layer names: blocks of 3x3 pad-1
     * convolutions, each block closed by a 2x2 max pool, then 4096, 4096, 1000.
     */
    public static NetworkGraph vgg16() {
        NetworkGraph.Builder b = NetworkGraph.builder("VGG16");
        Layer x = b.add("image", input(3, 224, 224));
        int[][] blocks = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
        for (int block = 0; block < blocks.length; block++) {
            for (int i = 0; i < blocks[block].length; i++) {
                String name = "conv" + (block + 1) + "_" + (i + 1);
                x = b.add(name, conv(blocks[block][i], 3, 1, 1), x);
                x = b.add(name + ".relu", RELU, x);
            }
            x = b.add("pool" + (block + 1), maxpool(2, 2), x);
        }
        x = b.add("flatten", FLATTEN, x);
        x = b.add("fc6", dense(4096), x);
        x = b.add("fc6.relu", RELU, x);
        x = b.add("drop6", new Op.Dropout(0.5), x);
        x = b.add("fc7", dense(4096), x);
        x = b.add("fc7.relu", RELU, x);
        x = b.add("drop7", new Op.Dropout(0.5), x);
        x = b.add("fc8", dense(1000), x);
        return b.output("logits", x).build();
    }

    /**
     * An Inception module on 256x28x28 inside scope {@code inception}: 1x1 128, 3x3 192, 5x5 96 and
     * a 3x3 max pool, all same-padded; with {@code bottleneck}, 1x1 convolutions to 64 channels
     * before the 3x3 and 5x5 and after the pool.
     */
    public static NetworkGraph inception(boolean bottleneck) {
        NetworkGraph.Builder b = NetworkGraph.builder(bottleneck ? "InceptionBottleneck" : "InceptionNaive");
        Layer in = b.add("x", input(256, 28, 28));
        List<Scope> s = List.of(scope("inception", "inception"));
        Layer b1 = scoped(b, "inception.b1", convSame(128, 1), s, in);
        Layer b2 = bottleneck ? scoped(b, "inception.b2_reduce", convSame(64, 1), s, in) : in;
        b2 = scoped(b, "inception.b2", convSame(192, 3), s, b2);
        Layer b3 = bottleneck ? scoped(b, "inception.b3_reduce", convSame(64, 1), s, in) : in;
        b3 = scoped(b, "inception.b3", convSame(96, 5), s, b3);
        Layer b4 = scoped(b, "inception.pool", maxpoolSame(3), s, in);
        if (bottleneck) {
            b4 = scoped(b, "inception.pool_proj", convSame(64, 1), s, b4);
        }
        Layer out = scoped(b, "inception.concat", new Op.Concat(), s, b1, b2, b3, b4);
        return b.output("y", out).build();
    }

    /**
     * Two residual stages in the shape the compiler gives {@code layer1 = x -> repeat 2 basic(8)}:
     * scopes {@code layer1} (repeat), {@code layer1.0} and {@code layer1.1} (module basic), then a
     * classifier with an auxiliary head on {@code layer1.0}.
     */
    public static NetworkGraph residualWithAux() {
        NetworkGraph.Builder b = NetworkGraph.builder("Residual");
        Layer x = b.add("image", input(8, 16, 16));
        Scope stage = scope("layer1", "repeat");
        for (int i = 0; i < 2; i++) {
            String p = "layer1." + i;
            List<Scope> s = List.of(stage, scope(p, "basic"));
            Layer c1 = scoped(b, p + ".conv1", conv(8, 3, 1, 1), s, x);
            Layer bn = scoped(b, p + ".bn1", new Op.BatchNorm(1e-5), s, c1);
            Layer r = scoped(b, p + ".relu_1", RELU, s, bn);
            Layer c2 = scoped(b, p + ".conv2", conv(8, 3, 1, 1), s, r);
            Layer sum = scoped(b, p + ".add_1", new Op.Add(), s, c2, x);
            x = scoped(b, p + ".relu_2", RELU, s, sum);
            if (i == 0) {
                Layer pool = b.add("aux.pool", new Op.GlobalAvgPool(), x);
                Layer flat = b.add("aux.flatten", FLATTEN, pool);
                Layer fc = b.add("aux.fc", dense(10), flat);
                b.output("aux1", fc, true, SourceLocation.NONE);
            }
        }
        Layer pool = b.add("pool", new Op.GlobalAvgPool(), x);
        Layer flat = b.add("flatten", FLATTEN, pool);
        Layer fc = b.add("fc", dense(10), flat);
        return b.output("logits", fc).build();
    }
}
