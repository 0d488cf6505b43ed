package io.cnnkit.onnx;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.ConvArithmetic;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.graph.Shape;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.OpVisitor;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.AtomicFiles;
import io.cnnkit.onnx.proto.Onnx.AttributeProto;
import io.cnnkit.onnx.proto.Onnx.GraphProto;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import io.cnnkit.onnx.proto.Onnx.NodeProto;
import io.cnnkit.onnx.proto.Onnx.OperatorSetIdProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import io.cnnkit.onnx.proto.Onnx.TensorShapeProto;
import io.cnnkit.onnx.proto.Onnx.TypeProto;
import io.cnnkit.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes an analysed network with its weights as an ONNX model. Every layer becomes one node
 * named like the layer (a few need a helper node, named {@code layer::role}); the value a layer
 * produces carries the layer's name, or the output's name for a layer that is an output.
 * Weights keep their PyTorch {@code state_dict} names as initializers; constants that ONNX takes
 * as inputs (Clip bounds, Pad pads, Dropout ratio) are initializers named {@code layer::role}.
 * Every value has its shape in {@code value_info}.
 *
 * <p>An {@code avgpool} in ceil mode that counts padding is written as a zero Pad and a pool
 * (see {@code docs/onnx.md}); ONNX Runtime 1.20's graph optimiser mis-fuses that pair, so run
 * such models there with optimisations off. Every other model runs with any optimisation level.
 */
public final class OnnxExporter {
    /** Written into {@code producer_name}. */
    public static final String PRODUCER = "cnnkit";

    private final NetworkGraph graph;
    private final Analysis analysis;
    private final Map<String, Tensor> weights;
    private final ExportOptions opts;
    private final GraphProto.Builder out = GraphProto.newBuilder();
    private final Map<Integer, String> values = new HashMap<>();
    private final Set<String> usedValues = new HashSet<>();
    /** Layers ONNX cannot state as they compute, each with a located reason. */
    private final List<Diagnostic> refused = new ArrayList<>();

    private OnnxExporter(NetworkGraph graph, Analysis analysis, Map<String, Tensor> weights, ExportOptions opts) {
        this.graph = graph;
        this.analysis = analysis;
        this.weights = weights;
        this.opts = opts;
    }

    /**
     * The ONNX model of {@code graph}.
     *
     * @param analysis an analysis of {@code graph} without errors (any batch)
     * @param weights  every parameter of the exported layers by full name ({@code conv1.weight})
     * @throws OnnxException if the analysis has errors or weights are missing or mis-shaped
     * @throws ExportRefusedException if a layer cannot be stated in ONNX as it computes
     */
    public static ModelProto export(NetworkGraph graph, Analysis analysis, Map<String, Tensor> weights,
                                    ExportOptions opts) {
        if (analysis.hasErrors() || analysis.graph() != graph) {
            throw new OnnxException("the network must be analysed without errors before it is exported");
        }
        return new OnnxExporter(graph, analysis, weights, opts).build();
    }

    /** Writes {@code model} to {@code file} atomically: a complete file or none. */
    public static void write(ModelProto model, Path file) {
        byte[] bytes = model.toByteArray();
        AtomicFiles.write(file, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    /** The IR version that goes with an opset (the ONNX versioning table). */
    static long irVersion(int opset) {
        if (opset >= 21) {
            return 10;
        }
        if (opset >= 19) {
            return 9;
        }
        return opset >= 15 ? 8 : 7;
    }

    private ModelProto build() {
        List<Layer> exported = graph.layers().stream()
                .filter(l -> opts.auxOutputs() || analysis.stats(l).inference()).toList();
        List<Output> outputs = graph.outputs().stream().filter(o -> opts.auxOutputs() || !o.aux()).toList();
        checkWeights(exported);
        nameValues(exported, outputs);
        for (Layer layer : exported) {
            if (layer.op() instanceof Op.Input) {
                out.addInput(valueInfo(values.get(layer.id()), shape(layer)));
            } else {
                emit(layer);
                out.addValueInfo(valueInfo(values.get(layer.id()), shape(layer)));
            }
        }
        if (!refused.isEmpty()) {
            throw new ExportRefusedException(refused);
        }
        Set<Integer> aliased = new HashSet<>();
        for (Output o : outputs) {
            String value = values.get(o.layer().id());
            if (!value.equals(o.name()) || !aliased.add(o.layer().id()) || o.layer().op() instanceof Op.Input) {
                out.addNode(node("Identity", o.name(), List.of(value), o.name()));
                value = o.name();
            }
            out.addOutput(valueInfo(value, shape(o.layer())));
        }
        // an output value is described by graph.output; value_info holds the intermediate values only
        Set<String> outputNames = new HashSet<>();
        out.getOutputList().forEach(v -> outputNames.add(v.getName()));
        List<ValueInfoProto> intermediate = out.getValueInfoList().stream()
                .filter(v -> !outputNames.contains(v.getName())).toList();
        out.clearValueInfo().addAllValueInfo(intermediate);
        out.setName(graph.name());
        return ModelProto.newBuilder()
                .setIrVersion(irVersion(opts.opset()))
                .setProducerName(PRODUCER)
                .setProducerVersion("0.1.0")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opts.opset()))
                .setGraph(out)
                .build();
    }

    private void checkWeights(List<Layer> layers) {
        List<String> problems = new ArrayList<>();
        for (Layer layer : layers) {
            for (ParamSpec p : analysis.stats(layer).params()) {
                String name = p.key(layer.name());
                Tensor t = weights.get(name);
                int[] want = p.shape().stream().mapToInt(Math::toIntExact).toArray();
                if (t == null) {
                    problems.add("missing " + name + " " + Arrays.toString(want));
                } else if (!Arrays.equals(t.shape(), want)) {
                    problems.add(name + " has shape " + Arrays.toString(t.shape()) + ", expected "
                            + Arrays.toString(want));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new OnnxException("cannot export the weights: " + String.join("; ", problems));
        }
    }

    /**
     * A layer's value is named like the layer, except that an output's layer takes the output's
     * name, and a layer with a bare parameter (which is the initializer named like the layer) writes
     * {@code layer::out}.
     */
    private void nameValues(List<Layer> layers, List<Output> outputs) {
        Set<String> layerNames = new HashSet<>();
        layers.forEach(l -> layerNames.add(l.name()));
        Map<Integer, String> renamed = new HashMap<>();
        for (Output o : outputs) {
            boolean free = !layerNames.contains(o.name()) || o.layer().name().equals(o.name());
            if (free && !renamed.containsKey(o.layer().id()) && !(o.layer().op() instanceof Op.Input)) {
                renamed.put(o.layer().id(), o.name());
            }
        }
        for (Layer l : layers) {
            boolean bare = analysis.stats(l).params().stream().anyMatch(p -> p.name().equals(ParamSpec.BARE));
            String name = renamed.getOrDefault(l.id(), bare ? l.name() + "::out" : l.name());
            values.put(l.id(), name);
            usedValues.add(name);
        }
    }

    // ---- one node (or a few) per operator ----

    private void emit(Layer layer) {
        List<String> xs = graph.inputsOf(layer).stream().map(l -> values.get(l.id())).toList();
        layer.op().accept(new NodeWriter(layer, layer.name(), values.get(layer.id()), xs, xs.isEmpty() ? null : xs.get(0)));
    }

    /**
     * The node(s) of one layer: {@code name} is the layer's, {@code y} the value it writes, {@code xs}
     * the values it reads ({@code x} the first).
     */
    private final class NodeWriter implements OpVisitor<Void> {
        private final Layer layer;
        private final String name;
        private final String y;
        private final List<String> xs;
        private final String x;

        NodeWriter(Layer layer, String name, String y, List<String> xs, String x) {
            this.layer = layer;
            this.name = name;
            this.y = y;
            this.xs = xs;
            this.x = x;
        }

        private Void add(NodeProto.Builder node) {
            out.addNode(node);
            return null;
        }

        private Void unary(String opType) {
            return add(node(opType, name, List.of(x), y));
        }

        @Override
        public Void input(Op.Input op) {
            throw new IllegalStateException("inputs are graph inputs, not nodes");
        }

        @Override
        public Void conv(Op.Conv c) {
            List<String> in = new ArrayList<>(List.of(x, weight(layer, "weight")));
            if (c.bias()) {
                in.add(weight(layer, "bias"));
            }
            Padding.Explicit pad = resolve(layer, c.pad(), c.kernel(), c.stride(), c.dilation());
            return add(node("Conv", name, in, y)
                    .addAttribute(ints("kernel_shape", c.kernel().h(), c.kernel().w()))
                    .addAttribute(ints("strides", c.stride().h(), c.stride().w()))
                    .addAttribute(pads(pad))
                    .addAttribute(ints("dilations", c.dilation().h(), c.dilation().w()))
                    .addAttribute(integer("group", c.groups())));
        }

        @Override
        public Void maxPool(Op.MaxPool p) {
            Padding.Explicit pad = resolve(layer, p.pad(), p.kernel(), p.stride(), p.dilation());
            NodeProto.Builder n = node("MaxPool", name, List.of(x), y)
                    .addAttribute(ints("kernel_shape", p.kernel().h(), p.kernel().w()))
                    .addAttribute(ints("strides", p.stride().h(), p.stride().w()))
                    .addAttribute(pads(pad))
                    .addAttribute(integer("ceil_mode", p.ceil() ? 1 : 0));
            if (!p.dilation().equals(new Size2(1, 1))) {
                n.addAttribute(ints("dilations", p.dilation().h(), p.dilation().w()));
            }
            return add(n);
        }

        @Override
        public Void avgPool(Op.AvgPool p) {
            averagePool(layer, p, x, y);
            return null;
        }

        @Override
        public Void globalAvgPool(Op.GlobalAvgPool op) {
            return unary("GlobalAveragePool");
        }

        @Override
        public Void globalMaxPool(Op.GlobalMaxPool op) {
            return unary("GlobalMaxPool");
        }

        @Override
        public Void adaptiveAvgPool(Op.AdaptiveAvgPool op) {
            return adaptive(op.size(), "AveragePool", "GlobalAveragePool");
        }

        @Override
        public Void adaptiveMaxPool(Op.AdaptiveMaxPool op) {
            return adaptive(op.size(), "MaxPool", "GlobalMaxPool");
        }

        /** As PyTorch exports it: a global pool, or a pool of kernel and stride input/output where that divides. */
        private Void adaptive(Size2 size, String pool, String global) {
            Shape in = analysis.stats(layer).inputShapes().get(0);
            if (size.h() == 1 && size.w() == 1) {
                return unary(global);
            }
            if (in.height() % size.h() != 0 || in.width() % size.w() != 0) {
                refused.add(Diagnostic.error("export-unsupported", layer.site(), layer.op().kind() + " from "
                        + in.height() + "x" + in.width() + " to " + size.h() + "x" + size.w() + " cannot be exported: ONNX has no adaptive"
                        + " pooling, and windows of uneven size are no one pool; use an output size that divides the"
                        + " input"));
                return null;
            }
            long kh = in.height() / size.h(), kw = in.width() / size.w();
            return add(node(pool, name, List.of(x), y).addAttribute(ints("kernel_shape", kh, kw))
                    .addAttribute(ints("strides", kh, kw)));
        }

        @Override
        public Void dense(Op.Dense d) {
            List<String> in = new ArrayList<>(List.of(x, weight(layer, "weight")));
            if (d.bias()) {
                in.add(weight(layer, "bias"));
            } else if (opts.opset() < 11) {
                in.add(constant(name + "::zero_bias", OnnxTensors.fromTensor(name + "::zero_bias",
                        Tensor.zeros(d.units()))));
            }
            return add(node("Gemm", name, in, y).addAttribute(integer("transB", 1)));
        }

        @Override
        public Void flatten(Op.Flatten op) {
            return add(node("Flatten", name, List.of(x), y).addAttribute(integer("axis", 1)));
        }

        @Override
        public Void relu(Op.Relu op) {
            return unary("Relu");
        }

        @Override
        public Void relu6(Op.Relu6 op) {
            if (opts.opset() >= 11) {
                String min = constant(name + "::min", scalar(name + "::min", 0f));
                String max = constant(name + "::max", scalar(name + "::max", 6f));
                return add(node("Clip", name, List.of(x, min, max), y));
            }
            return add(node("Clip", name, List.of(x), y).addAttribute(real("min", 0f)).addAttribute(real("max", 6f)));
        }

        @Override
        public Void leakyRelu(Op.LeakyRelu r) {
            return add(node("LeakyRelu", name, List.of(x), y).addAttribute(real("alpha", (float) r.alpha())));
        }

        @Override
        public Void tanh(Op.Tanh op) {
            return unary("Tanh");
        }

        @Override
        public Void sigmoid(Op.Sigmoid op) {
            return unary("Sigmoid");
        }

        /** Sigmoid then Mul, as PyTorch exports SiLU (ONNX has no SiLU node). */
        @Override
        public Void silu(Op.Silu op) {
            return gated(node("Sigmoid", name + "::sigmoid", List.of(x), name + "::sigmoid"));
        }

        @Override
        public Void hardSigmoid(Op.HardSigmoid op) {
            return add(hardSigmoid(name, y));
        }

        /** HardSwish from opset 14; before, HardSigmoid then Mul. */
        @Override
        public Void hardSwish(Op.HardSwish op) {
            return opts.opset() >= 14 ? unary("HardSwish") : gated(hardSigmoid(name + "::hardsigmoid", name + "::hardsigmoid"));
        }

        /** ONNX's {@code max(0, min(1, alpha·x + beta))} with PyTorch's constants. */
        private NodeProto.Builder hardSigmoid(String node, String output) {
            return node("HardSigmoid", node, List.of(x), output).addAttribute(real("alpha", 1f / 6))
                    .addAttribute(real("beta", 0.5f));
        }

        /** x times the gate computed by {@code gate} from x. */
        private Void gated(NodeProto.Builder gate) {
            add(gate);
            return add(node("Mul", name, List.of(x, gate.getOutput(0)), y));
        }

        /** Gelu from opset 20; before, PyTorch's expansion (erf, or tanh of a cubic). */
        @Override
        public Void gelu(Op.Gelu op) {
            if (opts.opset() >= 20) {
                return add(node("Gelu", name, List.of(x), y).addAttribute(string("approximate", op.tanh() ? "tanh" : "none")));
            }
            String v;
            if (op.tanh()) {
                v = step("Pow", x, number("three", 3f));
                v = step("Mul", v, number("kappa", 0.044715f));
                v = step("Add", x, v);
                v = step("Mul", v, number("beta", (float) Math.sqrt(2 / Math.PI)));
                v = step("Tanh", v);
            } else {
                v = step("Div", x, number("sqrt2", (float) Math.sqrt(2)));
                v = step("Erf", v);
            }
            v = step("Add", v, number("one", 1f));
            v = step("Mul", x, v);
            return add(node("Mul", name, List.of(v, number("half", 0.5f)), y));
        }

        private int steps;

        /** One node of an expansion, writing a fresh value {@code name::opType_k}. */
        private String step(String opType, String... inputs) {
            String value = name + "::" + opType.toLowerCase(java.util.Locale.ROOT) + "_" + steps++;
            add(node(opType, value, List.of(inputs), value));
            return value;
        }

        private String number(String suffix, float v) {
            return constant(name + "::" + suffix, OnnxExporter.scalar(name + "::" + suffix, v));
        }

        @Override
        public Void softmax(Op.Softmax op) {
            OnnxExporter.this.softmax(layer, x, y);
            return null;
        }

        /** ONNX LRN windows {@code (size - 1) / 2} channels before and the rest after: PyTorch's only for odd sizes. */
        @Override
        public Void lrn(Op.Lrn l) {
            if (l.size() % 2 == 0) {
                refused.add(Diagnostic.error("export-unsupported", layer.site(), "lrn of even size " + l.size()
                        + " cannot be exported: ONNX LRN takes odd sizes only (its window would be placed "
                        + "differently from PyTorch's); use an odd size"));
                return null;
            }
            return add(node("LRN", name, List.of(x), y)
                    .addAttribute(integer("size", l.size()))
                    .addAttribute(real("alpha", (float) l.alpha()))
                    .addAttribute(real("beta", (float) l.beta()))
                    .addAttribute(real("bias", (float) l.k())));
        }

        @Override
        public Void batchNorm(Op.BatchNorm b) {
            return add(node("BatchNormalization", name, List.of(x, weight(layer, "weight"), weight(layer, "bias"),
                    weight(layer, "running_mean"), weight(layer, "running_var")), y)
                    .addAttribute(real("epsilon", (float) b.eps())));
        }

        /**
         * On a map, the channels are moved last and back around the normalisation, as PyTorch exports
         * ConvNeXt's LayerNorm2d: LayerNormalization over the last axis from opset 17, before that
         * PyTorch's expansion (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add).
         */
        @Override
        public Void layerNorm(Op.LayerNorm op) {
            boolean map = shape(layer).size() == 4;
            String in = x;
            String normalised = map ? name + "::normalised" : y;
            if (map) {
                in = name + "::channels_last";
                add(node("Transpose", in, List.of(x), in).addAttribute(ints("perm", 0, 2, 3, 1)));
            }
            if (opts.opset() >= 17) {
                add(node("LayerNormalization", map ? normalised : name, List.of(in, weight(layer, "weight"),
                        weight(layer, "bias")), normalised).addAttribute(integer("axis", -1))
                        .addAttribute(real("epsilon", (float) op.eps())));
            } else {
                String mean = meanOfLastAxis(in);
                String centred = step("Sub", in, mean);
                String squared = step("Pow", centred, number("two", 2f));
                String variance = meanOfLastAxis(squared);
                String std = step("Sqrt", step("Add", variance, number("eps", (float) op.eps())));
                String scaled = step("Mul", step("Div", centred, std), weight(layer, "weight"));
                add(node("Add", map ? normalised : name, List.of(scaled, weight(layer, "bias")), normalised));
            }
            return map ? add(node("Transpose", name, List.of(normalised), y).addAttribute(ints("perm", 0, 3, 1, 2)))
                    : null;
        }

        /** ReduceMean over the last axis, kept (the axes an attribute: the expansion runs below opset 17). */
        private String meanOfLastAxis(String input) {
            String value = name + "::reducemean_" + steps++;
            add(node("ReduceMean", value, List.of(input), value).addAttribute(ints("axes", -1)));
            return value;
        }

        /** Mul by the factors, a C×1×1 initializer named after the layer, as PyTorch exports layer_scale. */
        @Override
        public Void scale(Op.Scale op) {
            return add(node("Mul", name, List.of(x, weight(layer, ParamSpec.BARE)), y));
        }

        /**
         * As PyTorch exports nn.Linear on a channels-last map (ConvNeXt's block): Transpose (0, 2, 3, 1),
         * MatMul by the weight transposed to [C, units] (the initializer keeps the layer's weight name),
         * Add of the bias, Transpose back; on a vector, MatMul and Add only.
         */
        @Override
        public Void linear(Op.Linear op) {
            boolean map = shape(layer).size() == 4;
            int channels = Math.toIntExact(analysis.stats(layer).inputShapes().get(0).channels());
            String in = x;
            if (map) {
                in = name + "::channels_last";
                add(node("Transpose", in, List.of(x), in).addAttribute(ints("perm", 0, 2, 3, 1)));
            }
            String w = ParamSpec.key(layer.name(), "weight");
            if (usedValues.add(w)) {
                out.addInitializer(OnnxTensors.fromTensor(w, transposed(weights.get(w), op.units(), channels)));
            }
            String linear = map ? name + "::linear" : y;
            String product = op.bias() ? name + "::matmul" : linear;
            add(node("MatMul", name, List.of(in, w), product));
            if (op.bias()) {
                add(node("Add", product.equals(linear) ? name : name + "::bias", List.of(product, weight(layer, "bias")),
                        linear));
            }
            return map ? add(node("Transpose", name + "::channels_first", List.of(linear), y)
                    .addAttribute(ints("perm", 0, 3, 1, 2))) : null;
        }

        @Override
        public Void dropout(Op.Dropout d) {
            if (opts.opset() >= 12) {
                String ratio = constant(name + "::ratio", scalar(name + "::ratio", (float) d.p()));
                return add(node("Dropout", name, List.of(x, ratio), y));
            }
            return add(node("Dropout", name, List.of(x), y).addAttribute(real("ratio", (float) d.p())));
        }

        /**
         * The identity at inference; the node keeps the layer's name, and its doc string {@code p} and
         * {@code mode}, so that import gives the layer back ({@code OnnxReader} reads both).
         */
        @Override
        public Void stochasticDepth(Op.StochasticDepth op) {
            return add(node("Identity", name, List.of(x), y).setDocString(String.format(Locale.ROOT,
                    "stochastic_depth(p=%s, mode=%s)", op.p(), op.rowMode() ? "row" : "batch")));
        }

        /** Slice on axis 1: starts, ends and axes as inputs (opset 10 on). */
        @Override
        public Void channelSlice(Op.ChannelSlice op) {
            String starts = constant(name + "::starts", OnnxTensors.int64(name + "::starts", op.from()));
            String ends = constant(name + "::ends", OnnxTensors.int64(name + "::ends", op.to()));
            String axes = constant(name + "::axes", OnnxTensors.int64(name + "::axes", 1));
            return add(node("Slice", name, List.of(x, starts, ends, axes), y));
        }

        /** Reshape (0 keeps the batch), Transpose of the two channel axes, Reshape back. */
        @Override
        public Void channelShuffle(Op.ChannelShuffle op) {
            Shape s = analysis.stats(layer).outputShape();
            long c = s.channels(), h = s.height(), w = s.width(), g = op.groups();
            String grouped = name + "::grouped", swapped = name + "::transposed";
            String split = constant(name + "::grouped_shape", OnnxTensors.int64(name + "::grouped_shape", 0, g, c / g, h, w));
            String back = constant(name + "::shape", OnnxTensors.int64(name + "::shape", 0, c, h, w));
            add(node("Reshape", grouped, List.of(x, split), grouped));
            add(node("Transpose", swapped, List.of(grouped), swapped).addAttribute(ints("perm", 0, 2, 1, 3, 4)));
            return add(node("Reshape", name, List.of(swapped, back), y));
        }

        @Override
        public Void zeroPad(Op.ZeroPad z) {
            OnnxExporter.this.zeroPad(name, x, y, z.pad());
            return null;
        }

        @Override
        public Void concat(Op.Concat op) {
            return add(node("Concat", name, xs, y).addAttribute(integer("axis", 1)));
        }

        /** NumPy broadcasting states the C×1×1 factor as it is. */
        @Override
        public Void mul(Op.Mul op) {
            return add(node("Mul", name, xs, y));
        }

        @Override
        public Void add(Op.Add op) {
            return add(node(xs.size() == 2 ? "Add" : "Sum", name, xs, y));
        }
    }

    /**
     * Average pooling. With ceil mode and padding counted, PyTorch divides a window that runs past
     * the padded input by the part of it inside the padded input, where ONNX runtimes divide by the
     * whole window (ONNX Runtime up to 1.20 does); padding the input with zeros first and pooling
     * without counted padding states PyTorch's computation in plain ONNX terms.
     */
    private void averagePool(Layer layer, Op.AvgPool p, String x, String y) {
        String name = layer.name();
        Padding.Explicit pad = resolve(layer, p.pad(), p.kernel(), p.stride(), new Size2(1, 1));
        boolean padFirst = p.ceil() && p.countPad();
        String in = x;
        if (padFirst && !pad.equals(new Padding.Explicit(0, 0, 0, 0))) {
            in = name + "::pad";
            zeroPad(in, x, in, pad);
        }
        Padding.Explicit poolPad = padFirst ? new Padding.Explicit(0, 0, 0, 0) : pad;
        out.addNode(node("AveragePool", name, List.of(in), y)
                .addAttribute(ints("kernel_shape", p.kernel().h(), p.kernel().w()))
                .addAttribute(ints("strides", p.stride().h(), p.stride().w()))
                .addAttribute(pads(poolPad))
                .addAttribute(integer("ceil_mode", p.ceil() ? 1 : 0))
                .addAttribute(integer("count_include_pad", p.countPad() && !padFirst ? 1 : 0)));
    }

    private void zeroPad(String name, String x, String y, Padding.Explicit p) {
        long[] all = {0, 0, p.top(), p.left(), 0, 0, p.bottom(), p.right()};
        if (opts.opset() >= 11) {
            String pads = constant(name + "::pads", OnnxTensors.int64(name + "::pads", all));
            out.addNode(node("Pad", name, List.of(x, pads), y).addAttribute(string("mode", "constant")));
        } else {
            out.addNode(node("Pad", name, List.of(x), y).addAttribute(string("mode", "constant"))
                    .addAttribute(ints("pads", all)));
        }
    }

    /**
     * Softmax over the channel axis. From opset 13 that is {@code axis = 1} on any rank; before, a
     * softmax coerces its input to 2-D at the axis, so a feature map is transposed to put the
     * channels last and back.
     */
    private void softmax(Layer layer, String x, String y) {
        String name = layer.name();
        if (opts.opset() >= 13 || shape(layer).size() <= 2) {
            out.addNode(node("Softmax", name, List.of(x), y).addAttribute(integer("axis", 1)));
            return;
        }
        String channelsLast = name + "::channels_last";
        String normalised = name + "::softmax";
        out.addNode(node("Transpose", channelsLast, List.of(x), channelsLast).addAttribute(ints("perm", 0, 2, 3, 1)));
        out.addNode(node("Softmax", normalised, List.of(channelsLast), normalised).addAttribute(integer("axis", 3)));
        out.addNode(node("Transpose", name, List.of(normalised), y).addAttribute(ints("perm", 0, 3, 1, 2)));
    }

    private Padding.Explicit resolve(Layer layer, Padding pad, Size2 kernel, Size2 stride, Size2 dilation) {
        Shape in = analysis.stats(layer).inputShapes().get(0);
        return ConvArithmetic.resolve(pad, in.height(), in.width(), kernel, stride, dilation);
    }

    // ---- protobuf helpers ----

    private String weight(Layer layer, String param) {
        String name = ParamSpec.key(layer.name(), param);
        if (usedValues.add(name)) {
            out.addInitializer(OnnxTensors.fromTensor(name, weights.get(name)));
        }
        return name;
    }

    /** A [rows, cols] matrix as its [cols, rows] transpose. */
    private static Tensor transposed(Tensor m, int rows, int cols) {
        float[] a = m.toArray();
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return Tensor.of(t, cols, rows);
    }

    private String constant(String name, TensorProto value) {
        if (usedValues.add(name)) {
            out.addInitializer(value);
        }
        return name;
    }

    private static TensorProto scalar(String name, float v) {
        return OnnxTensors.fromTensor(name, Tensor.of(new float[] {v}));
    }

    /** The value's dims, batch first (fixed or the symbolic {@code N}). */
    private List<Long> shape(Layer layer) {
        LayerStats stats = analysis.stats(layer);
        List<Long> dims = new ArrayList<>();
        dims.add(opts.batch().isPresent() ? (long) opts.batch().getAsInt() : -1L);
        dims.addAll(stats.outputShape().dims());
        return dims;
    }

    private static ValueInfoProto valueInfo(String name, List<Long> dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam(ExportOptions.BATCH_PARAM)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static NodeProto.Builder node(String opType, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(opType).setName(name).addAllInput(inputs).addOutput(output);
    }

    private static AttributeProto pads(Padding.Explicit p) {
        return ints("pads", p.top(), p.left(), p.bottom(), p.right());
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }
}
