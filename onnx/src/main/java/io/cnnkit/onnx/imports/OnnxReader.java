package io.cnnkit.onnx.imports;

import io.cnnkit.analyzer.ConvArithmetic;
import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.analyzer.ShapeInference;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.onnx.OnnxAttributes;
import io.cnnkit.onnx.OnnxException;
import io.cnnkit.onnx.OnnxFiles;
import io.cnnkit.onnx.OnnxTensors;
import io.cnnkit.onnx.proto.Onnx.AttributeProto;
import io.cnnkit.onnx.proto.Onnx.GraphProto;
import io.cnnkit.onnx.proto.Onnx.ModelProto;
import io.cnnkit.onnx.proto.Onnx.NodeProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import io.cnnkit.onnx.proto.Onnx.TensorShapeProto;
import io.cnnkit.onnx.proto.Onnx.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.math3.special.Erf;

/**
 * Reads an ONNX model into an {@link ImportedNetwork}: one place per ONNX operator, mapping it
 * onto the language's operators with ONNX semantics. What does not fit is collected per node and
 * reported together ({@link UnsupportedModelException}); malformed files end in an
 * {@link OnnxException}. Tensor sizes are checked against their dims before anything is
 * allocated (by {@link OnnxTensors}), and shapes are bounded like the language's.
 */
public final class OnnxReader {
    /** The language bounds sizes by 2^24. */
    static final long MAX_DIM = 1 << 24;
    /** A layer's dotted name; a part may hold characters that only a quoted label can ({@code block1-0}). */
    private static final Pattern DOTTED_PATH = Pattern.compile("[A-Za-z_][^./:\"\\\\{}\\s]*(\\.[^./:\"\\\\{}\\s]+)*");
    private static final Set<String> PARAMS = Set.of("weight", "bias", "running_mean", "running_var");

    /** A value of the ONNX graph: a layer's output, a constant, or a channels-last view (Transpose). */
    private sealed interface Value permits LayerValue, ConstantValue, ChannelsLast, Pointwise, Grouped, LayerNormPart,
            Ints, Failed {
    }

    private record LayerValue(int layer) implements Value {
    }

    private record ConstantValue(TensorProto tensor) implements Value {
    }

    /** A map transposed to N×H×W×C, optionally softmax-normalised over C: half of a channel softmax. */
    private record ChannelsLast(int layer, boolean softmax) implements Value {
    }

    /**
     * An element-wise function of one layer's output, built node by node from an expansion such as
     * PyTorch's GELU before opset 20 (Div, Erf, Add, Mul with scalars); it becomes a layer where it
     * is used, if it is one of the language's activations ({@link #materialise}).
     */
    private record Pointwise(int layer, DoubleUnaryOperator f, NodeProto last, boolean channelsLast) implements Value {
        Pointwise(int layer, DoubleUnaryOperator f, NodeProto last) {
            this(layer, f, last, false);
        }
    }

    /**
     * A map viewed as N×groups×C/groups×H×W (Reshape), then with the two channel axes swapped
     * ({@code transposed}, Transpose (0, 2, 1, 3, 4)): two thirds of a channel shuffle.
     */
    private record Grouped(int layer, int groups, boolean transposed) implements Value {
    }

    /**
     * A step of PyTorch's layer-norm expansion (before opset 17) over the last axis of {@code layer}'s
     * output, channels-last (a map after Transpose (0, 2, 3, 1)) or a vector: the mean, x minus it,
     * its square, the variance, plus eps, the root, the quotient, times the weight; adding the bias
     * makes the layernorm layer.
     */
    private record LayerNormPart(int layer, boolean channelsLast, NormStage stage, double eps, Tensor weight)
            implements Value {
        LayerNormPart next(NormStage to) {
            return new LayerNormPart(layer, channelsLast, to, eps, weight);
        }
    }

    private enum NormStage { MEAN, CENTRED, SQUARED, VARIANCE, VARIANCE_EPS, STD, NORMED, SCALED }

    /**
     * Integers computed from sizes, as PyTorch exports arithmetic on {@code x.size()} (Shape,
     * Gather, Add, Div, Unsqueeze, Concat, as in {@code chunk} and {@code view}): folded at
     * import, since every size but the batch is fixed. {@link #BATCH} stands for the batch size,
     * {@link #FROM_BATCH} for a number computed from it.
     */
    private record Ints(long[] values, boolean scalar) implements Value {
    }

    private static final long BATCH = Long.MIN_VALUE;
    private static final long FROM_BATCH = Long.MIN_VALUE + 1;

    /** The output of a node that could not be imported: its consumers are not reported again. */
    private record Failed() implements Value {
    }

    /** A node the language cannot express; the message says why. */
    private static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    private final Path file;
    private final Path folder;
    private final GraphProto graph;
    private final long opset;
    private final Map<String, Value> values = new HashMap<>();
    private final List<MutableLayer> layers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> uses = new HashMap<>();
    /** The value names of each layer's output (Identity and one-input Concat add names). */
    private final Map<Integer, List<String>> aliases = new HashMap<>();
    /** The Softmax node of each half-done channels-last softmax, by its output (for the layer's name). */
    private final Map<String, NodeProto> pendingSoftmaxNames = new HashMap<>();

    private static final class MutableLayer {
        /** The final name; null while only the PyTorch scope of a parameterless node is known. */
        String name;
        /** For a node named by PyTorch's scopes: the module path of its innermost scope ("" at the top). */
        String scope;
        Op op;
        final List<Integer> inputs;
        final Map<String, Tensor> params;
        final int[] shape;

        MutableLayer(String name, Op op, List<Integer> inputs, Map<String, Tensor> params, int[] shape) {
            this.name = name;
            this.op = op;
            this.inputs = new ArrayList<>(inputs);
            this.params = new LinkedHashMap<>(params);
            this.shape = shape;
        }
    }

    private OnnxReader(Path file, ModelProto model) {
        this.file = file;
        this.folder = file.toAbsolutePath().getParent();
        this.graph = model.getGraph();
        this.opset = OnnxFiles.opsetVersion(model);
    }

    /** Reads {@code file}; throws {@link OnnxException} or {@link UnsupportedModelException}. */
    public static ImportedNetwork read(Path file) {
        ModelProto model = OnnxFiles.readModel(file);
        for (var o : model.getOpsetImportList()) {
            if (!o.getDomain().isEmpty() && !o.getDomain().equals("ai.onnx")) {
                throw new UnsupportedModelException(file.toString(), List.of("operator set domain '"
                        + o.getDomain() + "' is not the standard one"));
            }
        }
        return new OnnxReader(file, model).read();
    }

    private ImportedNetwork read() {
        singleAssignment();
        for (NodeProto n : graph.getNodeList()) {
            for (String in : n.getInputList()) {
                uses.merge(in, 1, Integer::sum);
            }
        }
        for (ValueInfoProto o : graph.getOutputList()) {
            uses.merge(o.getName(), 1, Integer::sum);
        }
        for (TensorProto t : graph.getInitializerList()) {
            values.put(t.getName(), new ConstantValue(t));
        }
        for (ValueInfoProto in : graph.getInputList()) {
            if (!values.containsKey(in.getName())) {
                input(in);
            }
        }
        for (NodeProto n : graph.getNodeList()) {
            node(n);
        }
        nameScopedLayers();
        List<ImportedNetwork.Output> outputs = new ArrayList<>();
        for (ValueInfoProto o : graph.getOutputList()) {
            Value v = values.get(o.getName());
            if (v instanceof Pointwise p) {
                try {
                    v = new LayerValue(materialise(p));
                } catch (Unsupported e) {
                    problems.add(describe(p.last()) + ": " + e.getMessage());
                    continue;
                }
            }
            if (v instanceof LayerValue lv) {
                outputs.add(new ImportedNetwork.Output(o.getName(), layers.get(lv.layer()).name));
            } else if (v == null) {
                problems.add("graph output '" + o.getName() + "' is produced by no node");
            } else if (!(v instanceof Failed)) {
                problems.add("graph output '" + o.getName() + "' is not a network layer (a constant or a half-done"
                        + " transpose)");
            }
        }
        if (outputs.isEmpty() && problems.isEmpty()) {
            problems.add("the graph has no outputs");
        }
        if (!problems.isEmpty()) {
            throw new UnsupportedModelException(file.toString(), problems);
        }
        List<ImportedNetwork.Layer> out = new ArrayList<>();
        for (MutableLayer l : layers) {
            out.add(new ImportedNetwork.Layer(l.name, l.op, l.inputs.stream().map(i -> layers.get(i).name).toList(),
                    l.params, l.shape));
        }
        return new ImportedNetwork(graph.getName(), out, outputs);
    }

    // ---- graph inputs ----

    private void input(ValueInfoProto in) {
        String where = "graph input '" + in.getName() + "'";
        if (!in.getType().hasTensorType() || in.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
            problems.add(where + ": not a float32 tensor");
            values.put(in.getName(), new Failed());
            return;
        }
        List<TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
        if (dims.size() != 4 && dims.size() != 2) {
            problems.add(where + ": rank " + dims.size() + " (the language takes N×C×H×W maps or N×F vectors)");
            values.put(in.getName(), new Failed());
            return;
        }
        int[] shape = new int[dims.size()];
        shape[0] = 1;
        for (int i = 1; i < dims.size(); i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            if (!d.hasDimValue() || d.getDimValue() < 1 || d.getDimValue() > MAX_DIM) {
                problems.add(where + ": dimension " + i + " is " + (d.hasDimValue() ? d.getDimValue() : "'"
                        + d.getDimParam() + "'") + "; the language needs fixed sizes from 1 to " + MAX_DIM);
                values.put(in.getName(), new Failed());
                return;
            }
            shape[i] = (int) d.getDimValue();
        }
        long elements = 1;
        for (int d : shape) {
            elements *= d;
        }
        if (elements > Tensor.MAX_ELEMENTS) {
            problems.add(where + ": " + elements + " elements per sample is too large");
            values.put(in.getName(), new Failed());
            return;
        }
        long[] perSample = Arrays.stream(shape).skip(1).asLongStream().toArray();
        addLayer(in.getName(), uniqueName(sanitise(in.getName(), "input")),
                new Op.Input(io.cnnkit.compiler.graph.Shape.of(perSample)), List.of(), Map.of(), shape);
    }

    // ---- nodes ----

    private void node(NodeProto n) {
        List<Value> in = new ArrayList<>();
        for (String name : n.getInputList()) {
            if (name.isEmpty()) {
                in.add(null);
                continue;
            }
            Value v = values.get(name);
            if (v == null) {
                problems.add(describe(n) + ": input '" + name + "' is not defined before the node (the graph is"
                        + " not in topological order or refers to a missing value)");
                markFailed(n);
                return;
            }
            in.add(v);
        }
        if (in.stream().anyMatch(v -> v instanceof Failed)) {
            // what it computes is unknown, but an operator outside the language is reported all the same
            if (!DECODERS.containsKey(n.getOpType()) || !n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                problems.add(describe(n) + ": " + (DECODERS.containsKey(n.getOpType()) ? "operator domain '"
                        + n.getDomain() + "'" : "operator '" + n.getOpType() + "' is not in the language"));
            }
            markFailed(n);
            return;
        }
        try {
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new Unsupported("operator domain '" + n.getDomain() + "'");
            }
            if (n.getOutputCount() < 1) {
                throw new Unsupported("no output");
            }
            map(n, in, new OnnxAttributes(n));
        } catch (Unsupported e) {
            problems.add(describe(n) + ": " + e.getMessage());
            markFailed(n);
        } catch (OnnxException e) {
            // malformed data (a lying tensor, a mistyped attribute): the file is broken, not just unsupported
            throw new OnnxException(file + ": " + describe(n) + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException | ArithmeticException e) {
            problems.add(describe(n) + ": " + e.getMessage());
            markFailed(n);
        }
    }

    /** How one kind of ONNX node is read. */
    private interface NodeDecoder {
        void decode(OnnxReader reader, NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported;
    }

    /** The decoder of every ONNX node type the importer reads, by type; listed in {@link #NODE_TYPES}. */
    private static Map<String, NodeDecoder> decoders() {
        Map<String, NodeDecoder> d = new LinkedHashMap<>();
        d.put("Conv", OnnxReader::conv);
        d.put("MaxPool", OnnxReader::maxPool);
        d.put("AveragePool", OnnxReader::averagePool);
        d.put("GlobalAveragePool", (r, n, in, a) -> r.simple(n, in, a, new Op.GlobalAvgPool()));
        d.put("GlobalMaxPool", (r, n, in, a) -> r.simple(n, in, a, new Op.GlobalMaxPool()));
        d.put("Gemm", OnnxReader::gemm);
        d.put("MatMul", OnnxReader::matMul);
        d.put("Relu", (r, n, in, a) -> r.simple(n, in, a, new Op.Relu()));
        d.put("LeakyRelu", (r, n, in, a) -> r.simple(n, in, a, new Op.LeakyRelu(a.getFloat("alpha", 0.01f)), "alpha"));
        d.put("Tanh", (r, n, in, a) -> {
            if (in.get(0) instanceof Pointwise) {
                r.pointwiseMap(n, in, a, Math::tanh);
            } else {
                r.simple(n, in, a, new Op.Tanh());
            }
        });
        d.put("HardSigmoid", OnnxReader::hardSigmoid);
        d.put("HardSwish", (r, n, in, a) -> r.simple(n, in, a, new Op.HardSwish()));
        d.put("Gelu", OnnxReader::gelu);
        d.put("Mul", OnnxReader::mul);
        d.put("ReduceMean", OnnxReader::reduceMean);
        d.put("Slice", OnnxReader::slice);
        d.put("Split", OnnxReader::split);
        d.put("Div", (r, n, in, a) -> r.pointwise(n, in, a, (u, c) -> u / c));
        d.put("Pow", (r, n, in, a) -> r.pointwise(n, in, a, Math::pow));
        d.put("Erf", (r, n, in, a) -> r.pointwiseMap(n, in, a, Erf::erf));
        d.put("Sigmoid", (r, n, in, a) -> r.simple(n, in, a, new Op.Sigmoid()));
        d.put("Clip", OnnxReader::clip);
        d.put("Softmax", OnnxReader::softmax);
        d.put("LRN", OnnxReader::lrn);
        d.put("BatchNormalization", OnnxReader::batchNorm);
        d.put("Concat", OnnxReader::concat);
        d.put("Add", OnnxReader::add);
        d.put("Sum", OnnxReader::sum);
        d.put("Flatten", OnnxReader::flatten);
        d.put("Reshape", OnnxReader::reshape);
        d.put("Dropout", OnnxReader::dropout);
        d.put("Pad", OnnxReader::pad);
        d.put("Identity", OnnxReader::identity);
        d.put("Constant", (r, n, in, a) -> r.constant(n, a));
        d.put("Transpose", OnnxReader::transpose);
        d.put("LayerNormalization", OnnxReader::layerNormalization);
        d.put("Sub", (r, n, in, a) -> r.pointwise(n, in, a, (u, c) -> u - c));
        d.put("Sqrt", (r, n, in, a) -> r.pointwiseMap(n, in, a, Math::sqrt));
        d.put("Shape", OnnxReader::shapeOf);
        d.put("Gather", OnnxReader::gather);
        d.put("Unsqueeze", (r, n, in, a) -> r.squeeze(n, in, a, true));
        d.put("Squeeze", (r, n, in, a) -> r.squeeze(n, in, a, false));
        d.put("Cast", OnnxReader::cast);
        return d;
    }

    private static final Map<String, NodeDecoder> DECODERS = decoders();

    /** The ONNX node types (default domain) that the importer reads. */
    public static final Set<String> NODE_TYPES = Collections.unmodifiableSet(DECODERS.keySet());

    /** Node types read only as arithmetic on sizes ({@link Ints}), which no layer comes of. */
    public static final Set<String> SIZE_NODE_TYPES = Set.of("Shape", "Gather", "Unsqueeze", "Squeeze", "Cast", "Sub");

    private void map(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        NodeDecoder decoder = DECODERS.get(n.getOpType());
        if (decoder == null) {
            throw new Unsupported("operator '" + n.getOpType() + "' is not in the language");
        }
        if (in.stream().anyMatch(v -> v instanceof Ints)) {
            switch (n.getOpType()) {
                case "Add" -> integers(n, in, a, Math::addExact);
                case "Sub" -> integers(n, in, a, Math::subtractExact);
                case "Mul" -> integers(n, in, a, Math::multiplyExact);
                case "Div" -> integers(n, in, a, OnnxReader::divide);
                case "Concat" -> concatInts(n, in, a);
                default -> decoder.decode(this, n, in, a);
            }
            return;
        }
        if (!layerNormStep(n, in, a)) {
            decoder.decode(this, n, in, a);
        }
    }

    // ---- integers from sizes ----

    /** The integers of a size computation or an integer constant; null for anything else. */
    private Ints ints(Value v) {
        if (v instanceof Ints i) {
            return i;
        }
        if (v instanceof ConstantValue c && !OnnxTensors.isFloating(c.tensor()) && c.tensor().getDimsCount() <= 1) {
            return new Ints(OnnxTensors.toLongs(c.tensor(), folder), c.tensor().getDimsCount() == 0);
        }
        return null;
    }

    private Ints intsInput(NodeProto n, List<Value> in, int i) throws Unsupported {
        Ints v = i < in.size() ? ints(in.get(i)) : null;
        if (v == null) {
            throw new Unsupported("input '" + (i < n.getInputCount() ? n.getInput(i) : "") + "' is not an integer"
                    + " constant or a size (only arithmetic on sizes is understood)");
        }
        return v;
    }

    private void shapeOf(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "start", "end");
        int[] shape = layers.get(mapInput(n, in, 0)).shape;
        int rank = shape.length;
        int start = (int) clampIndex(a.getInt("start", 0), rank);
        int end = (int) clampIndex(a.getInt("end", rank), rank);
        long[] v = new long[Math.max(0, end - start)];
        for (int i = start; i < end; i++) {
            v[i - start] = i == 0 ? BATCH : shape[i];
        }
        bind(n.getOutput(0), new Ints(v, false));
    }

    /** Elements of a size vector: {@code x.size(1)}. */
    private void gather(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "axis");
        Ints data = in.get(0) instanceof Ints i ? i : null;
        if (data == null || data.scalar() || a.getInt("axis", 0) != 0) {
            throw new Unsupported("a gather other than elements of a size vector (axis 0)");
        }
        Ints indices = intsInput(n, in, 1);
        long[] out = new long[indices.values().length];
        for (int i = 0; i < out.length; i++) {
            long k = indices.values()[i];
            long at = k < 0 ? k + data.values().length : k;
            if (k == BATCH || k == FROM_BATCH || at < 0 || at >= data.values().length) {
                throw new Unsupported("index " + k + " outside a size vector of " + data.values().length);
            }
            out[i] = data.values()[(int) at];
        }
        bind(n.getOutput(0), new Ints(out, indices.scalar()));
    }

    /** Unsqueeze of a scalar size to a vector of one, and Squeeze back. */
    private void squeeze(NodeProto n, List<Value> in, OnnxAttributes a, boolean unsqueeze) throws Unsupported {
        onlyAttributes(a, "axes");
        Ints v = in.get(0) instanceof Ints i ? i : null;
        long[] axes = opset >= 13 ? (present(in, 1) ? longs(n, in, 1, "axes") : null) : a.getInts("axes", null);
        boolean first = axes != null && axes.length == 1 && (axes[0] == 0 || axes[0] == -1);
        if (v == null || v.scalar() != unsqueeze || !(first || !unsqueeze && axes == null) || v.values().length != 1) {
            throw new Unsupported("an " + n.getOpType().toLowerCase(java.util.Locale.ROOT) + " other than of a size"
                    + " (scalar to a vector of one and back)");
        }
        bind(n.getOutput(0), new Ints(v.values(), !unsqueeze));
    }

    /** Cast of sizes between integer types, or of a map to float32: nothing changes. */
    private void cast(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "to", "saturate");
        long to = a.getInt("to", 0);
        boolean integer = to == TensorProto.DataType.INT64_VALUE || to == TensorProto.DataType.INT32_VALUE;
        if (in.get(0) instanceof Ints v && integer) {
            bind(n.getOutput(0), v);
            return;
        }
        if (in.get(0) instanceof LayerValue v && to == TensorProto.DataType.FLOAT_VALUE) {
            bind(n.getOutput(0), v);
            return;
        }
        throw new Unsupported("cast to type " + to + " (only sizes between integer types, or maps to float32)");
    }

    /** Element-wise integer arithmetic on sizes, a scalar or vector of one broadcast over the other. */
    private void integers(NodeProto n, List<Value> in, OnnxAttributes a, java.util.function.LongBinaryOperator f)
            throws Unsupported {
        onlyAttributes(a);
        if (in.size() != 2) {
            throw new Unsupported(in.size() + " inputs");
        }
        Ints x = intsInput(n, in, 0), y = intsInput(n, in, 1);
        int length = Math.max(x.values().length, y.values().length);
        if (x.values().length != length && x.values().length != 1 || y.values().length != length && y.values().length != 1) {
            throw new Unsupported("sizes of lengths " + x.values().length + " and " + y.values().length);
        }
        long[] out = new long[length];
        for (int i = 0; i < length; i++) {
            long u = x.values()[x.values().length == 1 ? 0 : i], v = y.values()[y.values().length == 1 ? 0 : i];
            out[i] = u <= FROM_BATCH || v <= FROM_BATCH ? FROM_BATCH : f.applyAsLong(u, v);
        }
        bind(n.getOutput(0), new Ints(out, x.scalar() && y.scalar()));
    }

    /** ONNX's integer division truncates; by zero it is refused. */
    private static long divide(long u, long v) {
        if (v == 0) {
            throw new ArithmeticException("a size divided by zero");
        }
        return u / v;
    }

    private void concatInts(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "axis");
        if (a.getInt("axis", 0) != 0) {
            throw new Unsupported("a concatenation of sizes over axis " + a.getInt("axis", 0));
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Ints v = intsInput(n, in, i);
            if (v.scalar()) {
                throw new Unsupported("a concatenation of scalars");
            }
            Arrays.stream(v.values()).forEach(out::add);
        }
        bind(n.getOutput(0), new Ints(out.stream().mapToLong(Long::longValue).toArray(), false));
    }

    private void conv(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");
        int x = mapInput(n, in, 0);
        Tensor w = floats(n, in, 1, "weight");
        if (w.rank() != 4) {
            throw new Unsupported("weight of rank " + w.rank() + " (2-D convolutions only)");
        }
        Size2 kernel = new Size2(w.dim(2), w.dim(3));
        long[] ks = a.getInts("kernel_shape", null);
        if (ks != null && (ks.length != 2 || ks[0] != kernel.h() || ks[1] != kernel.w())) {
            throw new Unsupported("kernel_shape " + Arrays.toString(ks) + " disagrees with the weight " + Arrays.toString(w.shape()));
        }
        Size2 stride = pair(a, "strides");
        Size2 dilation = pair(a, "dilations");
        long group = a.getInt("group", 1);
        if (group < 1 || group > MAX_DIM) {
            throw new Unsupported("group " + group);
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("weight", w);
        boolean bias = present(in, 2);
        if (bias) {
            Tensor b = floats(n, in, 2, "bias");
            if (b.rank() != 1 || b.dim(0) != w.dim(0)) {
                throw new Unsupported("bias of shape " + Arrays.toString(b.shape()) + " for " + w.dim(0) + " filters");
            }
            params.put("bias", b);
        }
        int channels = layers.get(x).shape[1];
        if (channels != w.dim(1) * group) {
            throw new Unsupported("weight " + Arrays.toString(w.shape()) + " with group " + group + " does not fit "
                    + channels + " input channels");
        }
        Padding pad = padding(a, layers.get(x).shape, kernel, stride, dilation);
        Op op = new Op.Conv(w.dim(0), kernel, stride, pad, dilation, (int) group, bias);
        addNodeLayer(n, op, List.of(x), params, paramName(n, in, 1));
    }

    private void maxPool(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad", "storage_order");
        if (a.getInt("storage_order", 0) != 0) {
            throw new Unsupported("storage_order = 1 (only the indices output depends on it, and it is not supported)");
        }
        int x = mapInput(n, in, 0);
        Size2 kernel = kernel(a);
        Size2 stride = pair(a, "strides");
        Size2 dilation = pair(a, "dilations");
        Padding pad = padding(a, layers.get(x).shape, kernel, stride, dilation);
        addNodeLayer(n, new Op.MaxPool(kernel, stride, pad, dilation, a.getInt("ceil_mode", 0) != 0), List.of(x),
                Map.of(), null);
    }

    private void averagePool(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad", "count_include_pad");
        int x = mapInput(n, in, 0);
        Size2 kernel = kernel(a);
        Size2 stride = pair(a, "strides");
        if (!pair(a, "dilations").equals(new Size2(1, 1))) {
            throw new Unsupported("dilations " + Arrays.toString(a.getInts("dilations", null))
                    + " (average pooling is not dilated in the language)");
        }
        Padding pad = padding(a, layers.get(x).shape, kernel, stride, new Size2(1, 1));
        boolean ceil = a.getInt("ceil_mode", 0) != 0;
        boolean countPad = a.getInt("count_include_pad", 0) != 0;
        MutableLayer src = layers.get(x);
        // a zero Pad that only feeds this pool, then no counted padding, is a pool that counts its
        // padding the way PyTorch does (what the exporter writes for ceil-mode pools)
        if (src.op instanceof Op.ZeroPad z && pad.equals(new Padding.Explicit(0, 0, 0, 0)) && !countPad
                && x == layers.size() - 1 && consumersOf(x) == 1 && !isOutput(src) && samePoolSize(layers.get(src.inputs.get(0)).shape,
                z.pad(), kernel, stride, ceil)) {
            layers.remove(x);
            if (src.name != null) {
                names.remove(src.name);
            }
            int origin = src.inputs.get(0);
            addNodeLayer(n, new Op.AvgPool(kernel, stride, z.pad(), ceil, true), List.of(origin), Map.of(), null);
            return;
        }
        addNodeLayer(n, new Op.AvgPool(kernel, stride, pad, ceil, countPad), List.of(x), Map.of(), null);
    }

    private static boolean samePoolSize(int[] in, Padding.Explicit p, Size2 k, Size2 s, boolean ceil) {
        return ConvArithmetic.outputSize(in[2], k.h(), s.h(), p.top(), p.bottom(), 1, ceil)
                == ConvArithmetic.outputSize(in[2] + p.top() + p.bottom(), k.h(), s.h(), 0, 0, 1, ceil)
                && ConvArithmetic.outputSize(in[3], k.w(), s.w(), p.left(), p.right(), 1, ceil)
                == ConvArithmetic.outputSize(in[3] + p.left() + p.right(), k.w(), s.w(), 0, 0, 1, ceil);
    }

    private void gemm(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "alpha", "beta", "transA", "transB");
        if (a.getInt("transA", 0) != 0) {
            throw new Unsupported("transA = 1 (a transposed activation)");
        }
        int x = mapInput(n, in, 0);
        requireRank(layers.get(x), 2, "Gemm");
        Tensor b = floats(n, in, 1, "B");
        if (b.rank() != 2) {
            throw new Unsupported("B of rank " + b.rank());
        }
        boolean transB = a.getInt("transB", 0) != 0;
        Tensor weight = transB ? b : transpose2(b);
        scale(weight, a.getFloat("alpha", 1f));
        int units = weight.dim(0);
        if (weight.dim(1) != layers.get(x).shape[1]) {
            throw new Unsupported("B " + Arrays.toString(b.shape()) + " does not fit " + layers.get(x).shape[1] + " features");
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("weight", weight);
        if (present(in, 2) && !isExportedZeroBias(n.getInput(2), floats(n, in, 2, "C"))) {
            Tensor c = floats(n, in, 2, "C");
            boolean vector = c.size() == units && (c.rank() == 1 || c.rank() == 2 && c.dim(0) == 1);
            if (!vector) {
                throw new Unsupported("C of shape " + Arrays.toString(c.shape()) + " is not a bias over " + units + " outputs");
            }
            Tensor bias = Tensor.of(c.toArray(), units);
            scale(bias, a.getFloat("beta", 1f));
            params.put("bias", bias);
        }
        addNodeLayer(n, new Op.Dense(units, params.containsKey("bias")), List.of(x), params, paramName(n, in, 1));
    }

    /**
     * The zero {@code C} that cnnkit's exporter gives a dense layer without bias below opset 11
     * (where Gemm needs one): it stands for no bias.
     */
    private static boolean isExportedZeroBias(String name, Tensor c) {
        if (!name.endsWith("::zero_bias")) {
            return false;
        }
        for (int i = 0; i < c.size(); i++) {
            if (c.get(i) != 0f) {
                return false;
            }
        }
        return true;
    }

    /** MatMul by a constant [in, out] matrix: a dense layer without bias (a following Add adds it). */
    private void matMul(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a);
        Value v = in.get(0);
        if (v instanceof Pointwise p && p.channelsLast()) {
            materialise(p);
            v = values.get(n.getInput(0));
        }
        if (v instanceof ChannelsLast cl && !cl.softmax()) {
            // nn.Linear over the channels of a channels-last map (ConvNeXt's block): a linear layer
            int channels = layers.get(cl.layer()).shape[1];
            Tensor b = floats(n, in, 1, "B");
            if (b.rank() != 2 || b.dim(0) != channels) {
                throw new Unsupported("B " + Arrays.toString(b.shape()) + " does not fit " + channels + " channels");
            }
            addNodeLayer(n, new Op.Linear(b.dim(1), false), List.of(cl.layer()), Map.of("weight", transpose2(b)),
                    paramName(n, in, 1));
            values.put(n.getOutput(0), new ChannelsLast(layers.size() - 1, false));
            return;
        }
        int x = mapInput(n, in, 0);
        requireRank(layers.get(x), 2, "MatMul");
        Tensor b = floats(n, in, 1, "B");
        if (b.rank() != 2 || b.dim(0) != layers.get(x).shape[1]) {
            throw new Unsupported("B " + Arrays.toString(b.shape()) + " does not fit " + layers.get(x).shape[1] + " features");
        }
        addNodeLayer(n, new Op.Dense(b.dim(1), false), List.of(x), Map.of("weight", transpose2(b)),
                paramName(n, in, 1));
    }

    /**
     * A pass-through, except an Identity named like a stochastic depth layer ({@code ….stochastic_depth},
     * as cnnkit exports one): that layer, with the {@code p} and {@code mode} of its doc string.
     * PyTorch's own export leaves torchvision's StochasticDepth out, so nothing else is guessed.
     */
    private void identity(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a);
        String name = n.getName();
        boolean depth = name.equals("stochastic_depth") || name.endsWith(".stochastic_depth");
        if (!depth || !(in.get(0) instanceof LayerValue || in.get(0) instanceof Pointwise p && !p.channelsLast())) {
            bind(n.getOutput(0), in.get(0));
            return;
        }
        Matcher p = STOCHASTIC_P.matcher(n.getDocString());
        double drop = p.find() ? Double.parseDouble(p.group(1)) : 0;
        if (!(drop >= 0 && drop <= 1)) {
            throw new Unsupported("stochastic depth p = " + drop + " in its doc string (p is in [0, 1])");
        }
        boolean row = !n.getDocString().contains("mode=batch");
        addNodeLayer(n, new Op.StochasticDepth(drop, row), List.of(mapInput(n, in, 0)), Map.of(), null);
    }

    private static final Pattern STOCHASTIC_P = Pattern.compile("\\bp=([0-9.eE+-]+)");

    private void clip(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        float min;
        float max;
        if (opset >= 11) {
            onlyAttributes(a);
            min = present(in, 1) ? scalar(n, in, 1) : Float.NEGATIVE_INFINITY;
            max = present(in, 2) ? scalar(n, in, 2) : Float.POSITIVE_INFINITY;
        } else {
            onlyAttributes(a, "min", "max");
            min = a.getFloat("min", -Float.MAX_VALUE);
            max = a.getFloat("max", Float.MAX_VALUE);
        }
        boolean noMax = max == Float.POSITIVE_INFINITY || max == Float.MAX_VALUE;
        Op op;
        if (min == 0 && max == 6) {
            op = new Op.Relu6();
        } else if (min == 0 && noMax) {
            op = new Op.Relu();
        } else {
            throw new Unsupported("clip to [" + min + ", " + max + "] (the language has relu [0, inf) and relu6 [0, 6])");
        }
        int x = mapInput(n, in, 0);
        addNodeLayer(n, op, List.of(x), Map.of(), null);
    }

    private void softmax(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "axis");
        Value v = in.get(0);
        if (v instanceof ChannelsLast cl && !cl.softmax()) {
            long axis = a.getInt("axis", opset >= 13 ? -1 : 1);
            if (axis == 3 || axis == -1) {
                values.put(n.getOutput(0), new ChannelsLast(cl.layer(), true));
                pendingSoftmaxNames.put(n.getOutput(0), n);
                return;
            }
            throw new Unsupported("softmax over axis " + axis + " of a transposed map");
        }
        int x = mapInput(n, in, 0);
        int rank = layers.get(x).shape.length;
        long axis = a.getInt("axis", opset >= 13 ? -1 : 1);
        long normalised = axis < 0 ? axis + rank : axis;
        boolean overChannels = normalised == 1 && (opset >= 13 || rank == 2);
        if (!overChannels) {
            throw new Unsupported("softmax over axis " + axis + " of a rank-" + rank + " input at opset " + opset
                    + " (the language's softmax is over the channels)");
        }
        addNodeLayer(n, new Op.Softmax(), List.of(x), Map.of(), null);
    }

    /**
     * Transpose is accepted only as the two halves of a channel softmax (opset below 13) or of a
     * layer norm over a map's channels.
     */
    private void transpose(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "perm");
        long[] perm = a.getInts("perm", null);
        Value v = in.get(0);
        if (v instanceof Grouped g && !g.transposed() && Arrays.equals(perm, new long[] {0, 2, 1, 3, 4})) {
            bind(n.getOutput(0), new Grouped(g.layer(), g.groups(), true));
            return;
        }
        if (v instanceof Pointwise p && !p.channelsLast()) {
            v = new LayerValue(materialise(p));
        }
        if (v instanceof LayerValue lv && Arrays.equals(perm, new long[] {0, 2, 3, 1})
                && layers.get(lv.layer()).shape.length == 4) {
            values.put(n.getOutput(0), new ChannelsLast(lv.layer(), false));
            return;
        }
        if (v instanceof ChannelsLast cl && cl.softmax() && Arrays.equals(perm, new long[] {0, 3, 1, 2})) {
            NodeProto softmaxNode = pendingSoftmaxNames.getOrDefault(n.getInput(0), n);
            addNodeLayer(nameSource(n, softmaxNode), new Op.Softmax(), List.of(cl.layer()), Map.of(), null);
            return;
        }
        if (v instanceof Pointwise p && p.channelsLast() && Arrays.equals(perm, new long[] {0, 3, 1, 2})) {
            bind(n.getOutput(0), new LayerValue(materialise(p)));
            return;
        }
        if (v instanceof ChannelsLast cl && Arrays.equals(perm, new long[] {0, 3, 1, 2})) {
            bind(n.getOutput(0), new LayerValue(cl.layer()));
            return;
        }
        throw new Unsupported("transpose " + Arrays.toString(perm) + " (only the channels-last pair around a softmax"
                + " or a layer norm is understood)");
    }

    // ---- layer normalisation ----

    /**
     * LayerNormalization over the last axis of a channels-last map (PyTorch's export of ConvNeXt's
     * LayerNorm2d from opset 17) or of a vector: a layernorm layer, still channels-last for a map.
     */
    private void layerNormalization(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "axis", "epsilon", "stash_type");
        int source = normSource(in.get(0));
        long axis = a.getInt("axis", -1);
        int rank = in.get(0) instanceof ChannelsLast ? 4 : source < 0 ? 0 : layers.get(source).shape.length;
        if (source < 0 || (axis != -1 && axis != rank - 1)) {
            throw new Unsupported("a layer normalisation other than over the channels (the last axis of a"
                    + " channels-last map, or of a vector)");
        }
        int channels = layers.get(source).shape[1];
        Tensor weight = floats(n, in, 1, "scale");
        Tensor bias = present(in, 2) ? floats(n, in, 2, "bias") : Tensor.zeros(channels);
        if (weight.size() != channels || bias.size() != channels) {
            throw new Unsupported("scale or bias of other than " + channels + " values");
        }
        addNormLayer(n, in.get(0) instanceof ChannelsLast, source, a.getFloat("epsilon", 1e-5f), weight, bias,
                paramName(n, in, 1));
    }

    /** The layer a layer norm reads: under a channels-last map, or a vector's; -1 for anything else. */
    private int normSource(Value v) {
        if (v instanceof ChannelsLast cl && !cl.softmax()) {
            return cl.layer();
        }
        return v instanceof LayerValue lv && layers.get(lv.layer()).shape.length == 2 ? lv.layer() : -1;
    }

    private void addNormLayer(NodeProto n, boolean channelsLast, int source, float eps, Tensor weight, Tensor bias,
                              String paramPath) throws Unsupported {
        int channels = layers.get(source).shape[1];
        // the float eps as written (1e-6, not 9.99999997e-7)
        Op op = new Op.LayerNorm(Double.parseDouble(Float.toString(eps)));
        addNodeLayer(n, op, List.of(source), Map.of("weight", Tensor.of(weight.toArray(), channels),
                "bias", Tensor.of(bias.toArray(), channels)), paramPath);
        if (channelsLast) {
            values.put(n.getOutput(0), new ChannelsLast(layers.size() - 1, false));
        }
    }

    /**
     * One node of PyTorch's layer-norm expansion ({@link LayerNormPart}); false when the node is not
     * one, for the ordinary decoder. A step whose operands do not fit the pattern is refused.
     */
    private boolean layerNormStep(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        String type = n.getOpType();
        LayerNormPart p = in.stream().filter(v -> v instanceof LayerNormPart).map(v -> (LayerNormPart) v)
                .findFirst().orElse(null);
        if (p == null) {
            if (!type.equals("ReduceMean") || in.isEmpty() || normSource(in.get(0)) < 0) {
                return false;
            }
            int source = normSource(in.get(0));
            lastAxisMean(n, in, a, in.get(0) instanceof ChannelsLast ? 4 : 2);
            bind(n.getOutput(0), new LayerNormPart(source, in.get(0) instanceof ChannelsLast, NormStage.MEAN, 0, null));
            return true;
        }
        Value other = in.size() == 2 ? in.get(in.get(0) == p ? 1 : 0) : null;
        NormStage next = switch (type) {
            case "Sub" -> p.stage() == NormStage.MEAN && in.get(1) == p && normSource(in.get(0)) == p.layer()
                    ? NormStage.CENTRED : null;
            case "Pow" -> p.stage() == NormStage.CENTRED && in.get(0) == p && scalar(n, in, 1) == 2f
                    ? NormStage.SQUARED : null;
            case "Mul" -> p.stage() == NormStage.CENTRED && other == p ? NormStage.SQUARED
                    : p.stage() == NormStage.NORMED && other instanceof ConstantValue ? NormStage.SCALED : null;
            case "ReduceMean" -> p.stage() == NormStage.SQUARED ? NormStage.VARIANCE : null;
            case "Add" -> p.stage() == NormStage.VARIANCE && other instanceof ConstantValue ? NormStage.VARIANCE_EPS
                    : p.stage() == NormStage.SCALED && other instanceof ConstantValue ? NormStage.SCALED : null;
            case "Sqrt" -> p.stage() == NormStage.VARIANCE_EPS ? NormStage.STD : null;
            case "Div" -> p.stage() == NormStage.CENTRED && in.get(1) instanceof LayerNormPart q
                    && q.stage() == NormStage.STD && q.layer() == p.layer() ? NormStage.NORMED : null;
            default -> null;
        };
        if (next == null) {
            throw new Unsupported("a step that does not continue the layer-norm expansion it reads ("
                    + p.stage().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        int constant = in.indexOf(other);
        switch (type) {
            case "ReduceMean" -> lastAxisMean(n, in, a, p.channelsLast() ? 4 : 2);
            case "Add" -> {
                if (next == NormStage.VARIANCE_EPS) {
                    bind(n.getOutput(0), new LayerNormPart(p.layer(), p.channelsLast(), next, scalar(n, in, constant),
                            null));
                    return true;
                }
                Tensor bias = floats(n, in, constant, "bias");
                if (bias.size() != p.weight().size()) {
                    throw new Unsupported("a layer-norm bias of " + bias.size() + " values for "
                            + p.weight().size() + " channels");
                }
                addNormLayer(n, p.channelsLast(), p.layer(), (float) p.eps(), p.weight(), bias,
                        paramName(n, in, constant));
                return true;
            }
            case "Mul" -> {
                if (next == NormStage.SCALED) {
                    Tensor weight = floats(n, in, constant, "weight");
                    if (weight.size() != layers.get(p.layer()).shape[1]) {
                        throw new Unsupported("a layer-norm weight of " + weight.size() + " values for "
                                + layers.get(p.layer()).shape[1] + " channels");
                    }
                    bind(n.getOutput(0), new LayerNormPart(p.layer(), p.channelsLast(), next, p.eps(), weight));
                    return true;
                }
            }
            case "Div" -> {
                bind(n.getOutput(0), ((LayerNormPart) in.get(1)).next(next));
                return true;
            }
            default -> { }
        }
        bind(n.getOutput(0), p.next(next));
        return true;
    }

    /** A ReduceMean of the expansion: over the last axis, dimensions kept. */
    private void lastAxisMean(NodeProto n, List<Value> in, OnnxAttributes a, int rank) throws Unsupported {
        onlyAttributes(a, "axes", "keepdims");
        long[] axes = opset >= 18 && present(in, 1) ? longs(n, in, 1, "axes") : a.getInts("axes", null);
        if (axes == null || axes.length != 1 || (axes[0] != -1 && axes[0] != rank - 1) || a.getInt("keepdims", 1) != 1) {
            throw new Unsupported("a mean of a channels-last map over axes " + Arrays.toString(axes)
                    + " (only over the last, kept, as in a layer norm)");
        }
    }

    /** The node whose name names the layer: the outer transpose, unless only the softmax has one. */
    private static NodeProto nameSource(NodeProto outer, NodeProto softmax) {
        return outer.getName().isEmpty() ? softmax.toBuilder().setOutput(0, outer.getOutput(0)).build() : outer;
    }

    private void lrn(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "size", "alpha", "beta", "bias");
        long size = a.getInt("size", 0);
        if (size < 1 || size % 2 == 0 || size > MAX_DIM) {
            throw new Unsupported("size " + size + " (an odd size is needed: ONNX and PyTorch centre an even window"
                    + " differently)");
        }
        int x = mapInput(n, in, 0);
        addNodeLayer(n, new Op.Lrn((int) size, a.getFloat("alpha", 1e-4f), a.getFloat("beta", 0.75f),
                a.getFloat("bias", 1f)), List.of(x), Map.of(), null);
    }

    private void batchNorm(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "epsilon", "momentum", "training_mode", "spatial");
        if (a.getInt("training_mode", 0) != 0) {
            throw new Unsupported("training_mode = 1 (batch statistics)");
        }
        if (a.getInt("spatial", 1) != 1) {
            throw new Unsupported("spatial = 0 (per-activation statistics)");
        }
        if (n.getOutputList().stream().skip(1).anyMatch(s -> !s.isEmpty())) {
            throw new Unsupported("running-statistics outputs (training)");
        }
        int x = mapInput(n, in, 0);
        int channels = layers.get(x).shape[1];
        Map<String, Tensor> params = new LinkedHashMap<>();
        String[] names = {"weight", "bias", "running_mean", "running_var"};
        for (int i = 0; i < 4; i++) {
            Tensor t = floats(n, in, i + 1, names[i]);
            if (t.rank() != 1 || t.dim(0) != channels) {
                throw new Unsupported(names[i] + " of shape " + Arrays.toString(t.shape()) + " for " + channels + " channels");
            }
            params.put(names[i], t);
        }
        addNodeLayer(n, new Op.BatchNorm(a.getFloat("epsilon", 1e-5f)), List.of(x), params, paramName(n, in, 1));
    }

    private void concat(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "axis");
        List<Integer> xs = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            xs.add(mapInput(n, in, i));
        }
        int rank = layers.get(xs.get(0)).shape.length;
        long axis = a.getInt("axis", 1);
        if ((axis < 0 ? axis + rank : axis) != 1) {
            throw new Unsupported("axis " + axis + " (the language concatenates channels, axis 1)");
        }
        if (xs.size() == 1) {
            bind(n.getOutput(0), new LayerValue(xs.get(0)));
            return;
        }
        addNodeLayer(n, new Op.Concat(), xs, Map.of(), null);
    }

    /** Add of two layers, or a dense layer's bias (MatMul then Add of a constant). */
    private void add(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a);
        if (in.size() != 2) {
            throw new Unsupported(in.size() + " inputs");
        }
        if (in.get(0) instanceof Pointwise || in.get(1) instanceof Pointwise) {
            pointwise(n, in, a, (u, v) -> u + v);
            return;
        }
        int constant = in.get(0) instanceof ConstantValue ? 0 : in.get(1) instanceof ConstantValue ? 1 : -1;
        if (constant >= 0 && in.get(1 - constant) instanceof ChannelsLast cl && !cl.softmax()) {
            MutableLayer linear = layers.get(cl.layer());
            Tensor c = floats(n, in, constant, "bias");
            if (!(linear.op instanceof Op.Linear l) || l.bias() || consumersOf(cl.layer()) != 1
                    || cl.layer() != layers.size() - 1 || c.size() != l.units() || c.rank() > 1) {
                throw new Unsupported("adding a constant to channels-last values other than a linear layer's bias");
            }
            linear.op = new Op.Linear(l.units(), true);
            linear.params.put("bias", Tensor.of(c.toArray(), l.units()));
            values.put(n.getOutput(0), new ChannelsLast(cl.layer(), false));
            return;
        }
        if (constant >= 0) {
            int x = mapInput(n, in, 1 - constant);
            MutableLayer dense = layers.get(x);
            Tensor c = floats(n, in, constant, "bias");
            if (!(dense.op instanceof Op.Dense d) || d.bias() || consumersOf(x) != 1 || isOutput(dense)
                    || x != layers.size() - 1 || c.size() != d.units() || c.rank() > 2) {
                throw new Unsupported("adding a constant other than a dense layer's bias");
            }
            dense.op = new Op.Dense(d.units(), true);
            dense.params.put("bias", Tensor.of(c.toArray(), d.units()));
            bind(n.getOutput(0), new LayerValue(x));
            return;
        }
        sum(n, in, a);
    }

    private void sum(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a);
        List<Integer> xs = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            xs.add(mapInput(n, in, i));
        }
        for (int x : xs) {
            if (!Arrays.equals(layers.get(x).shape, layers.get(xs.get(0)).shape)) {
                throw new Unsupported("inputs of shapes " + Arrays.toString(layers.get(xs.get(0)).shape) + " and "
                        + Arrays.toString(layers.get(x).shape) + " (add takes one shape, no broadcasting)");
            }
        }
        if (xs.size() == 1) {
            bind(n.getOutput(0), new LayerValue(xs.get(0)));
            return;
        }
        addNodeLayer(n, new Op.Add(), xs, Map.of(), null);
    }

    /** Only PyTorch's hardsigmoid, relu6(x + 3) / 6: alpha 1/6 and beta 0.5. */
    private void hardSigmoid(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        float alpha = a.getFloat("alpha", 0.2f), beta = a.getFloat("beta", 0.5f);
        if (Math.abs(alpha - 1f / 6) > 1e-6 || beta != 0.5f) {
            throw new Unsupported("alpha " + alpha + " and beta " + beta + " (the language's hardsigmoid is PyTorch's,"
                    + " alpha 1/6 and beta 0.5)");
        }
        simple(n, in, a, new Op.HardSigmoid(), "alpha", "beta");
    }

    private void gelu(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        String approximate = a.getString("approximate", "none");
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw new Unsupported("approximate '" + approximate + "'");
        }
        simple(n, in, a, new Op.Gelu(approximate.equals("tanh")), "approximate");
    }

    /**
     * A product: x times a gate computed from x by the node before (Sigmoid: silu; HardSigmoid:
     * hardswish) becomes that activation; two maps of one shape, or a map and an N×C×1×1 factor
     * (squeeze-and-excitation), a {@code mul} layer; with a scalar constant, a {@link Pointwise}
     * value or the same layer twice (x·x), a step of an element-wise expansion.
     */
    private void mul(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a);
        if (in.size() != 2) {
            throw new Unsupported(in.size() + " inputs");
        }
        if (in.get(0) instanceof LayerValue first && in.get(1) instanceof LayerValue second
                && first.layer() != second.layer()) {
            if (foldGate(n, first.layer(), second.layer()) || foldGate(n, second.layer(), first.layer())) {
                return;
            }
            int[] s0 = layers.get(first.layer()).shape, s1 = layers.get(second.layer()).shape;
            boolean gateFirst = !Arrays.equals(s0, s1) && isChannelGate(s0, s1);
            int x = gateFirst ? second.layer() : first.layer(), g = gateFirst ? first.layer() : second.layer();
            if (!Arrays.equals(s0, s1) && !isChannelGate(layers.get(g).shape, layers.get(x).shape)) {
                throw new Unsupported("inputs of shapes " + Arrays.toString(s0) + " and " + Arrays.toString(s1)
                        + " (mul takes one shape, or a map and one factor per channel)");
            }
            addNodeLayer(n, new Op.Mul(), List.of(x, g), Map.of(), null);
            return;
        }
        int constant = in.get(0) instanceof ConstantValue ? 0 : in.get(1) instanceof ConstantValue ? 1 : -1;
        if (constant >= 0 && in.get(1 - constant) instanceof LayerValue lv
                && channelFactors(n, in, constant, layers.get(lv.layer()).shape)) {
            int[] shape = layers.get(lv.layer()).shape;
            Tensor factors = floats(n, in, constant, "factor");
            String init = n.getInput(constant);
            int[] own = shape.length == 4 ? new int[] {shape[1], 1, 1} : new int[] {shape[1]};
            addNodeLayer(n, new Op.Scale(), List.of(lv.layer()), Map.of(ParamSpec.BARE,
                    Tensor.of(factors.toArray(), own)), DOTTED_PATH.matcher(init).matches() ? init : null);
            return;
        }
        pointwise(n, in, a, (u, v) -> u * v);
    }

    /**
     * Whether input {@code i} is a constant of one factor per channel of a value of shape {@code x}
     * (C×1×1 for a map, F for a vector, with or without a leading 1), more than one: a scale layer.
     */
    private boolean channelFactors(NodeProto n, List<Value> in, int i, int[] x) throws Unsupported {
        int[] shape = floats(n, in, i, "factor").shape();
        int[] own = shape.length == x.length && shape[0] == 1 ? Arrays.copyOfRange(shape, 1, shape.length) : shape;
        int[] want = x.length == 4 ? new int[] {x[1], 1, 1} : new int[] {x[1]};
        return (x.length == 4 || x.length == 2) && x[1] > 1 && Arrays.equals(own, want);
    }

    /** The mean over H and W ({@code x.mean([2, 3])}): a global average pool, flattened without keepdims. */
    private void reduceMean(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "axes", "keepdims", "noop_with_empty_axes");
        int x = mapInput(n, in, 0);
        long[] axes = opset >= 18 && present(in, 1) ? longs(n, in, 1, "axes") : a.getInts("axes", null);
        int rank = layers.get(x).shape.length;
        Set<Long> over = new HashSet<>();
        for (long axis : axes == null ? new long[0] : axes) {
            over.add(axis < 0 ? axis + rank : axis);
        }
        if (rank != 4 || !over.equals(Set.of(2L, 3L))) {
            throw new Unsupported("axes " + Arrays.toString(axes) + " (only the mean over H and W of a map, a global"
                    + " average pool)");
        }
        if (a.getInt("keepdims", 1) != 0) {
            addNodeLayer(n, new Op.GlobalAvgPool(), List.of(x), Map.of(), null);
            return;
        }
        addDerivedLayer(n, n.getOutput(0) + "::pool", "_pool", new Op.GlobalAvgPool(), x);
        addNodeLayer(n, new Op.Flatten(), List.of(layers.size() - 1), Map.of(), null);
    }

    /** Channels [start, end) with step 1: a slice. */
    private void slice(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "starts", "ends", "axes");
        int x = mapInput(n, in, 0);
        boolean inputs = opset >= 10;
        long[] starts = inputs ? longs(n, in, 1, "starts") : a.getInts("starts", null);
        long[] ends = inputs ? longs(n, in, 2, "ends") : a.getInts("ends", null);
        long[] axes = inputs ? (present(in, 3) ? longs(n, in, 3, "axes") : null) : a.getInts("axes", null);
        long[] steps = inputs && present(in, 4) ? longs(n, in, 4, "steps") : null;
        int[] shape = layers.get(x).shape;
        if (starts == null || ends == null || starts.length != 1 || ends.length != 1
                || (axes != null && (axes.length != 1 || (axes[0] != 1 && axes[0] != 1 - shape.length)))
                || (axes == null && shape.length != 1) || (steps != null && (steps.length != 1 || steps[0] != 1))) {
            throw new Unsupported("a slice other than a range of channels (axis 1, step 1)");
        }
        int channels = shape[1];
        int from = (int) clampIndex(starts[0], channels), to = (int) clampIndex(ends[0], channels);
        if (to <= from) {
            throw new Unsupported("an empty slice [" + starts[0] + ", " + ends[0] + ") of " + channels + " channels");
        }
        addNodeLayer(n, new Op.ChannelSlice(from, to), List.of(x), Map.of(), null);
    }

    /** ONNX's index rule: negative counts from the end, then clamped to [0, size]. */
    private static long clampIndex(long index, int size) {
        long i = index < 0 ? index + size : index;
        return Math.max(0, Math.min(size, i));
    }

    /** A split of the channels: one slice per output, each named after its output. */
    private void split(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "axis", "split", "num_outputs");
        int x = mapInput(n, in, 0);
        int[] shape = layers.get(x).shape;
        long axis = a.getInt("axis", 0);
        if (axis != 1 && axis != 1 - shape.length) {
            throw new Unsupported("axis " + axis + " (the language splits channels, axis 1)");
        }
        int parts = n.getOutputCount(), channels = shape[1];
        long[] sizes = opset >= 13 ? (present(in, 1) ? longs(n, in, 1, "split") : null) : a.getInts("split", null);
        if (sizes == null) {
            int each = (channels + parts - 1) / parts;
            sizes = new long[parts];
            for (int i = 0; i < parts; i++) {
                sizes[i] = Math.max(0, Math.min(each, channels - (long) each * i));
            }
        }
        if (sizes.length != parts || Arrays.stream(sizes).sum() != channels || Arrays.stream(sizes).anyMatch(v -> v < 1)) {
            throw new Unsupported("split " + Arrays.toString(sizes) + " of " + channels + " channels into " + parts);
        }
        int from = 0;
        for (int i = 0; i < parts; i++) {
            int to = from + (int) sizes[i];
            String value = n.getOutput(i);
            addDerivedLayer(n, value, "_" + i, new Op.ChannelSlice(from, to), x);
            from = to;
        }
    }

    private long[] longs(NodeProto n, List<Value> in, int i, String role) throws Unsupported {
        Ints v = ints(in.get(i));
        if (v == null) {
            throw new Unsupported(role + " '" + n.getInput(i) + "' is computed at run time");
        }
        if (Arrays.stream(v.values()).anyMatch(x -> x <= FROM_BATCH)) {
            throw new Unsupported(role + " '" + n.getInput(i) + "' depends on the batch size");
        }
        return v.values();
    }

    /** N×C×1×1 against N×C×H×W. */
    private static boolean isChannelGate(int[] gate, int[] map) {
        return gate.length == 4 && map.length == 4 && gate[1] == map[1] && gate[2] == 1 && gate[3] == 1;
    }

    /** x · sigmoid(x) or x · hardsigmoid(x), the gate computed last and used only here: one layer. */
    private boolean foldGate(NodeProto n, int x, int gate) {
        MutableLayer g = layers.get(gate);
        boolean gates = g.op instanceof Op.Sigmoid || g.op instanceof Op.HardSigmoid;
        if (!gates || !g.inputs.equals(List.of(x)) || gate != layers.size() - 1 || consumersOf(gate) != 1 || isOutput(g)) {
            return false;
        }
        g.op = g.op instanceof Op.Sigmoid ? new Op.Silu() : new Op.HardSwish();
        // named after the product, the node that computes the activation's value
        if (g.name != null) {
            names.remove(g.name);
        }
        g.scope = torchScope(n.getName());
        g.name = g.scope != null ? null : uniqueName(DOTTED_PATH.matcher(n.getName()).matches() ? n.getName()
                : sanitise(n.getName(), g.op.kind()));
        if (g.name != null) {
            names.add(g.name);
        }
        bind(n.getOutput(0), new LayerValue(gate));
        return true;
    }

    /** One step of an element-wise expansion: a unary function, or a binary one of the value and a scalar constant or x itself. */
    private void pointwiseMap(NodeProto n, List<Value> in, OnnxAttributes a, DoubleUnaryOperator f) throws Unsupported {
        onlyAttributes(a);
        Pointwise p = asPointwise(n, in, 0);
        bind(n.getOutput(0), new Pointwise(p.layer(), v -> f.applyAsDouble(p.f().applyAsDouble(v)), n, p.channelsLast()));
    }

    private void pointwise(NodeProto n, List<Value> in, OnnxAttributes a, DoubleBinaryOperator f) throws Unsupported {
        onlyAttributes(a);
        if (in.size() != 2) {
            throw new Unsupported(in.size() + " inputs");
        }
        if (in.get(1) instanceof ConstantValue) {
            Pointwise p = asPointwise(n, in, 0);
            double c = scalar(n, in, 1);
            bind(n.getOutput(0), new Pointwise(p.layer(), v -> f.applyAsDouble(p.f().applyAsDouble(v), c), n,
                    p.channelsLast()));
            return;
        }
        if (in.get(0) instanceof ConstantValue) {
            double c = scalar(n, in, 0);
            Pointwise p = asPointwise(n, in, 1);
            bind(n.getOutput(0), new Pointwise(p.layer(), v -> f.applyAsDouble(c, p.f().applyAsDouble(v)), n,
                    p.channelsLast()));
            return;
        }
        Pointwise p = asPointwise(n, in, 0), q = asPointwise(n, in, 1);
        if (p.layer() != q.layer() || p.channelsLast() != q.channelsLast()) {
            throw new Unsupported("an element-wise " + n.getOpType() + " of two different layers' outputs");
        }
        bind(n.getOutput(0), new Pointwise(p.layer(), v -> f.applyAsDouble(p.f().applyAsDouble(v), q.f().applyAsDouble(v)), n,
                p.channelsLast()));
    }

    private Pointwise asPointwise(NodeProto n, List<Value> in, int i) throws Unsupported {
        if (i < in.size() && in.get(i) instanceof Pointwise p) {
            return p;
        }
        if (i < in.size() && in.get(i) instanceof LayerValue lv) {
            return new Pointwise(lv.layer(), v -> v, n);
        }
        if (i < in.size() && in.get(i) instanceof ChannelsLast cl && !cl.softmax()) {
            return new Pointwise(cl.layer(), v -> v, n, true);
        }
        throw new Unsupported("input '" + (i < n.getInputCount() ? n.getInput(i) : "") + "' is not a layer's output"
                + " or a scalar constant");
    }

    /** Activations an expansion may compute, in double as PyTorch defines them. */
    private static final Map<Op, DoubleUnaryOperator> ACTIVATIONS = activations();

    private static Map<Op, DoubleUnaryOperator> activations() {
        Map<Op, DoubleUnaryOperator> m = new LinkedHashMap<>();
        m.put(new Op.Gelu(false), v -> 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))));
        m.put(new Op.Gelu(true), v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        m.put(new Op.Silu(), v -> v / (1 + Math.exp(-v)));
        m.put(new Op.HardSwish(), v -> v * Math.min(Math.max(v + 3, 0), 6) / 6);
        m.put(new Op.HardSigmoid(), v -> Math.min(Math.max(v + 3, 0), 6) / 6);
        m.put(new Op.Sigmoid(), v -> 1 / (1 + Math.exp(-v)));
        m.put(new Op.Tanh(), Math::tanh);
        return m;
    }

    /**
     * The layer of an element-wise expansion, the first activation it equals at points across
     * [-8, 8] (within float rounding of its constants); an expansion that is none is refused.
     */
    private int materialise(Pointwise p) throws Unsupported {
        for (Map.Entry<Op, DoubleUnaryOperator> e : ACTIVATIONS.entrySet()) {
            boolean equal = true;
            for (int k = -64; k <= 64 && equal; k++) {
                double v = k / 8.0 + 0.03;
                double want = e.getValue().applyAsDouble(v), got = p.f().applyAsDouble(v);
                equal = Math.abs(got - want) <= 1e-6 * (1 + Math.abs(want));
            }
            if (equal) {
                addNodeLayer(p.last(), e.getKey(), List.of(p.layer()), Map.of(), null);
                int layer = layers.size() - 1;
                // an activation is element-wise: on channels-last values it is the same layer, still channels-last
                bind(p.last().getOutput(0), p.channelsLast() ? new ChannelsLast(layer, false) : new LayerValue(layer));
                return layer;
            }
        }
        throw new Unsupported("an element-wise expression ending here that is none of the language's activations");
    }

    private void flatten(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "axis");
        int x = mapInput(n, in, 0);
        if (a.getInt("axis", 1) != 1) {
            throw new Unsupported("axis " + a.getInt("axis", 1) + " (the language flattens all but the batch axis)");
        }
        addNodeLayer(n, new Op.Flatten(), List.of(x), Map.of(), null);
    }

    /** Reshape to [N, features] (the batch kept by 0, given, or inferred by -1) is a flatten. */
    private void reshape(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "allowzero");
        Ints shape = ints(in.get(1));
        if (shape == null) {
            throw new Unsupported("a shape computed at run time (only constant shapes are understood)");
        }
        long[] target = shape.values().clone();
        if (target.length > 0 && target[0] == BATCH) {
            target[0] = 0; // x.view(x.size(0), ...): the batch kept
        }
        if (Arrays.stream(target).anyMatch(x -> x <= FROM_BATCH)) {
            throw new Unsupported("a shape computed from the batch size");
        }
        if (in.get(0) instanceof Grouped g && g.transposed()) {
            int[] s = layers.get(g.layer()).shape;
            if (!matches(target, s)) {
                throw new Unsupported("reshape of grouped channels to " + Arrays.toString(target) + " (a channel shuffle"
                        + " reshapes back to " + Arrays.toString(s) + ")");
            }
            addNodeLayer(n, new Op.ChannelShuffle(g.groups()), List.of(g.layer()), Map.of(), null);
            return;
        }
        int x = mapInput(n, in, 0);
        int[] s = layers.get(x).shape;
        if (s.length == 4 && target.length == 5 && target[1] > 0 && s[1] % target[1] == 0
                && matches(target, new int[] {s[0], (int) target[1], s[1] / (int) target[1], s[2], s[3]})) {
            bind(n.getOutput(0), new Grouped(x, (int) target[1], false));
            return;
        }
        long features = 1;
        for (int i = 1; i < s.length; i++) {
            features *= s[i];
        }
        boolean batchKept = target.length == 2 && (target[0] == 0 || target[0] == -1 || target[0] == 1);
        boolean featuresFlat = target.length == 2 && (target[1] == -1 || target[1] == features);
        if (!batchKept || !featuresFlat || (target[0] == -1 && target[1] == -1)) {
            throw new Unsupported("reshape to " + Arrays.toString(target) + " (only [N, features] is a flatten)");
        }
        addNodeLayer(n, new Op.Flatten(), List.of(x), Map.of(), null);
    }

    /** Whether a Reshape target states {@code shape}: the batch as 0, -1 or itself, one -1 at most in all. */
    private static boolean matches(long[] target, int[] shape) {
        if (target.length != shape.length || !(target[0] == 0 || target[0] == -1 || target[0] == shape[0])) {
            return false;
        }
        int inferred = target[0] == -1 ? 1 : 0;
        for (int i = 1; i < shape.length; i++) {
            if (target[i] == -1) {
                inferred++;
            } else if (target[i] != shape[i]) {
                return false;
            }
        }
        return inferred <= 1;
    }

    private void dropout(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "ratio", "seed", "is_test");
        if (n.getOutputList().stream().skip(1).anyMatch(s -> !s.isEmpty() && uses.containsKey(s))) {
            throw new Unsupported("the mask output is used");
        }
        double ratio = a.getFloat("ratio", 0.5f);
        if (present(in, 1)) {
            ratio = scalar(n, in, 1);
        }
        if (present(in, 2)) {
            if (!(in.get(2) instanceof ConstantValue c) || OnnxTensors.toLongs(c.tensor(), folder)[0] != 0) {
                throw new Unsupported("training_mode is not a constant false");
            }
        }
        if (!(ratio >= 0 && ratio < 1)) {
            throw new Unsupported("ratio " + ratio + " outside [0, 1)");
        }
        int x = mapInput(n, in, 0);
        addNodeLayer(n, new Op.Dropout(ratio), List.of(x), Map.of(), null);
    }

    private void pad(NodeProto n, List<Value> in, OnnxAttributes a) throws Unsupported {
        onlyAttributes(a, "mode", "pads", "value");
        String mode = a.getString("mode", "constant");
        if (!mode.equals("constant")) {
            throw new Unsupported("mode '" + mode + "' (the language pads with zeros)");
        }
        int x = mapInput(n, in, 0);
        long[] pads;
        double value;
        if (opset >= 11) {
            if (!(in.get(1) instanceof ConstantValue c)) {
                throw new Unsupported("pads computed at run time");
            }
            pads = OnnxTensors.toLongs(c.tensor(), folder);
            value = present(in, 2) ? scalar(n, in, 2) : 0;
            if (present(in, 3)) {
                throw new Unsupported("the axes input");
            }
        } else {
            pads = a.getInts("pads", new long[0]);
            value = a.getFloat("value", 0f);
        }
        if (value != 0) {
            throw new Unsupported("constant value " + value + " (the language pads with zeros)");
        }
        if (layers.get(x).shape.length != 4 || pads.length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0
                || pads[5] != 0) {
            throw new Unsupported("pads " + Arrays.toString(pads) + " (the language pads the height and width of maps)");
        }
        for (long p : pads) {
            if (p < 0 || p > MAX_DIM) {
                throw new Unsupported("pads " + Arrays.toString(pads) + " (negative pads crop)");
            }
        }
        addNodeLayer(n, new Op.ZeroPad(new Padding.Explicit((int) pads[2], (int) pads[3], (int) pads[6], (int) pads[7])),
                List.of(x), Map.of(), null);
    }

    private void constant(NodeProto n, OnnxAttributes a) throws Unsupported {
        if (n.getAttributeCount() != 1) {
            throw new Unsupported("a Constant needs exactly one value attribute");
        }
        AttributeProto attr = n.getAttribute(0);
        TensorProto t = switch (attr.getName()) {
            case "value" -> attr.getT();
            case "value_float" -> OnnxTensors.fromTensor("", Tensor.of(new float[] {attr.getF()}));
            case "value_floats" -> {
                float[] f = new float[attr.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = attr.getFloats(i);
                }
                yield OnnxTensors.fromTensor("", Tensor.of(f, f.length));
            }
            case "value_int" -> OnnxTensors.int64("", attr.getI()).toBuilder().clearDims().build();
            case "value_ints" -> OnnxTensors.int64("", attr.getIntsList().stream().mapToLong(Long::longValue).toArray());
            default -> throw new Unsupported("constant attribute '" + attr.getName() + "'");
        };
        values.put(n.getOutput(0), new ConstantValue(t.toBuilder().setName(n.getOutput(0)).build()));
    }

    private void simple(NodeProto n, List<Value> in, OnnxAttributes a, Op op, String... allowed) throws Unsupported {
        onlyAttributes(a, allowed);
        int x = mapInput(n, in, 0);
        addNodeLayer(n, op, List.of(x), Map.of(), null);
    }

    // ---- layers and names ----

    private void addNodeLayer(NodeProto n, Op op, List<Integer> inputs, Map<String, Tensor> params, String paramPath)
            throws Unsupported {
        if (n.getOutputList().stream().skip(1).anyMatch(s -> !s.isEmpty() && uses.containsKey(s))
                && !n.getOpType().equals("Dropout")) {
            throw new Unsupported("its second output is used (the language has one output per layer)");
        }
        String scope = paramPath == null ? torchScope(n.getName()) : null;
        String name = paramPath != null ? uniqueName(paramPath)
                : scope != null ? null : uniqueName(DOTTED_PATH.matcher(n.getName()).matches() ? n.getName()
                : sanitise(n.getName(), op.kind()));
        addLayer(n.getOutput(0), name, op, inputs, params, null);
        layers.get(layers.size() - 1).scope = scope;
    }

    /** One of several layers a node becomes, writing {@code value}: named like the node's layers, with a suffix outside PyTorch's scopes. */
    private void addDerivedLayer(NodeProto n, String value, String suffix, Op op, int input) {
        String scope = torchScope(n.getName());
        String name = scope != null ? null : uniqueName(sanitise(n.getName() + suffix, op.kind()));
        addLayer(value, name, op, List.of(input), Map.of(), null);
        layers.get(layers.size() - 1).scope = scope;
    }

    private void addLayer(String value, String name, Op op, List<Integer> inputs, Map<String, Tensor> params,
                          int[] shape) {
        int[] out = shape;
        if (out == null) {
            List<int[]> in = inputs.stream().map(i -> layers.get(i).shape).toList();
            out = ShapeInference.batched(op, in);
            long elements = 1;
            for (int d : out) {
                if (d < 1 || d > MAX_DIM) {
                    throw new IllegalArgumentException(op.kind() + " gives an output " + Arrays.toString(out)
                            + " with a dimension outside 1.." + MAX_DIM);
                }
                elements *= d;
            }
            if (elements > Tensor.MAX_ELEMENTS) {
                throw new IllegalArgumentException(op.kind() + " gives an output of " + elements + " elements");
            }
        }
        if (name != null) {
            names.add(name);
        }
        layers.add(new MutableLayer(name, op, inputs, params, out));
        aliases.remove(layers.size() - 1); // the index of a folded-away layer may be reused
        bind(value, new LayerValue(layers.size() - 1));
    }

    /**
     * The module path of a PyTorch scope name, or null for other names. PyTorch writes one
     * component per module: its attribute name, or for a numbered child the previous component
     * and the number ({@code /layer1/layer1.0/relu/Relu} gives {@code layer1.0.relu},
     * {@code /features/features.1/conv/conv.0/conv.0.0/Conv} gives {@code features.1.conv.0.0},
     * {@code /Flatten} gives {@code ""}). A component may hold characters outside identifiers
     * (RegNet's {@code block1-0}): it becomes a quoted label; those no label can hold become {@code _}.
     */
    static String torchScope(String nodeName) {
        if (!nodeName.startsWith("/")) {
            return null;
        }
        String[] parts = nodeName.substring(1).split("/", -1);
        StringBuilder path = new StringBuilder();
        String previous = null;
        for (int i = 0; i < parts.length - 1; i++) {
            String p = parts[i];
            String added = previous != null && p.startsWith(previous + ".") ? p.substring(previous.length() + 1) : p;
            for (String segment : added.split("\\.", -1)) {
                if (segment.isEmpty()) {
                    return null;
                }
                path.append(path.length() == 0 ? "" : ".").append(segment.replaceAll("[:\"\\\\{}\\s]", "_"));
            }
            previous = p;
        }
        return path.length() == 0 || DOTTED_PATH.matcher(path).matches() ? path.toString() : null;
    }

    /**
     * Names the parameterless layers known by their PyTorch scope: a scope that holds exactly
     * one of them and nothing else is a module of its own ({@code relu}: an {@code nn.ReLU}); in
     * any other scope they are functional calls, named by operator inside it
     * ({@code layer1.0.relu}, {@code layer1.0.add}).
     */
    private void nameScopedLayers() {
        Map<String, Integer> perScope = new HashMap<>();
        for (MutableLayer l : layers) {
            if (l.name == null) {
                perScope.merge(l.scope, 1, Integer::sum);
            }
        }
        // a scope with scopes or named layers inside is a module holding several things (a folded
        // export names its convolutions by scope too, so the scopes count, not only the names)
        Set<String> containers = new HashSet<>();
        List<String> paths = new ArrayList<>(names);
        layers.stream().filter(l -> l.name == null).forEach(l -> paths.add(l.scope));
        for (String n : paths) {
            for (int dot = n.indexOf('.'); dot >= 0; dot = n.indexOf('.', dot + 1)) {
                containers.add(n.substring(0, dot));
            }
        }
        for (MutableLayer l : layers) {
            if (l.name != null) {
                continue;
            }
            String prefix = l.scope + ".";
            boolean container = l.scope.isEmpty() || perScope.get(l.scope) > 1 || names.contains(l.scope)
                    || containers.contains(l.scope);
            l.name = uniqueName(container ? (l.scope.isEmpty() ? "" : prefix) + l.op.kind() : l.scope);
            names.add(l.name);
        }
    }

    /**
     * The layer's PyTorch module path from a weight's initializer name ({@code layer1.0.conv1.weight}),
     * when it is one.
     */
    private String paramName(NodeProto n, List<Value> in, int index) {
        String init = n.getInput(index);
        int dot = init.lastIndexOf('.');
        if (dot > 0 && PARAMS.contains(init.substring(dot + 1)) && DOTTED_PATH.matcher(init.substring(0, dot)).matches()) {
            return init.substring(0, dot);
        }
        return null;
    }

    static String sanitise(String raw, String fallback) {
        String s = raw.replaceAll("[^A-Za-z0-9_]+", "_").replaceAll("^_+|_+$", "");
        if (s.isEmpty()) {
            return fallback;
        }
        return Character.isDigit(s.charAt(0)) ? fallback + "_" + s : s;
    }

    private String uniqueName(String base) {
        if (!names.contains(base)) {
            return base;
        }
        for (int k = 1; ; k++) {
            String candidate = base + "_" + k;
            if (!names.contains(candidate)) {
                return candidate;
            }
        }
    }

    private void bind(String value, Value v) {
        values.put(value, v);
        if (v instanceof LayerValue lv) {
            aliases.computeIfAbsent(lv.layer(), k -> new ArrayList<>()).add(value);
        }
    }

    private void markFailed(NodeProto n) {
        for (String out : n.getOutputList()) {
            if (!out.isEmpty()) {
                values.put(out, new Failed());
            }
        }
    }

    /** ONNX assigns each value once; a second writer would silently cut a branch off. */
    private void singleAssignment() {
        Map<String, String> writers = new HashMap<>();
        graph.getInputList().forEach(in -> writers.put(in.getName(), "the graph input"));
        graph.getInitializerList().forEach(t -> writers.put(t.getName(), "an initializer"));
        for (NodeProto n : graph.getNodeList()) {
            String node = "node '" + n.getName() + "' (" + n.getOpType() + ")";
            for (String out : n.getOutputList()) {
                String previous = out.isEmpty() ? null : writers.putIfAbsent(out, node);
                if (previous != null) {
                    throw new OnnxException(file + ": not a valid ONNX graph: " + node + " writes '" + out
                            + "', which " + previous + " already writes; expected each value written once");
                }
            }
        }
    }

    /** How many node inputs and graph outputs use the layer's value, under any of its names. */
    private int consumersOf(int layer) {
        int count = 0;
        for (String value : aliases.getOrDefault(layer, List.of())) {
            count += uses.getOrDefault(value, 0);
        }
        return count;
    }

    private boolean isOutput(MutableLayer layer) {
        int index = layers.indexOf(layer);
        for (ValueInfoProto o : graph.getOutputList()) {
            if (values.get(o.getName()) instanceof LayerValue lv && lv.layer() == index) {
                return true;
            }
        }
        return false;
    }

    // ---- inputs and attributes ----

    private int mapInput(NodeProto n, List<Value> in, int i) throws Unsupported {
        if (i >= in.size() || in.get(i) == null) {
            throw new Unsupported("input " + i + " is missing");
        }
        Value v = in.get(i);
        if (v instanceof LayerValue lv) {
            return lv.layer();
        }
        if (v instanceof Pointwise p && !p.channelsLast()) {
            return materialise(p);
        }
        throw new Unsupported("input '" + n.getInput(i) + "' is " + (v instanceof ConstantValue ? "a constant"
                : v instanceof Ints ? "a size" : "a transposed map") + " where a layer's output is needed");
    }

    private Tensor floats(NodeProto n, List<Value> in, int i, String role) throws Unsupported {
        if (i >= in.size() || in.get(i) == null) {
            throw new Unsupported(role + " (input " + i + ") is missing");
        }
        if (!(in.get(i) instanceof ConstantValue c)) {
            throw new Unsupported(role + " '" + n.getInput(i) + "' is computed at run time (weights must be constants)");
        }
        if (!OnnxTensors.isFloating(c.tensor())) {
            throw new Unsupported(role + " '" + n.getInput(i) + "' is not a floating-point tensor");
        }
        return OnnxTensors.toTensor(c.tensor(), folder);
    }

    private float scalar(NodeProto n, List<Value> in, int i) throws Unsupported {
        Tensor t = floats(n, in, i, "input " + i);
        if (t.size() != 1) {
            throw new Unsupported("input " + i + " is not a scalar");
        }
        return t.get(0);
    }

    private static boolean present(List<Value> in, int i) {
        return i < in.size() && in.get(i) != null;
    }

    private static void onlyAttributes(OnnxAttributes a, String... allowed) throws Unsupported {
        Set<String> known = Set.of(allowed);
        List<String> unknown = a.names().stream().filter(s -> !known.contains(s)).toList();
        if (!unknown.isEmpty()) {
            throw new Unsupported("attribute" + (unknown.size() == 1 ? " '" : "s '") + String.join("', '", unknown)
                    + "' not supported");
        }
    }

    private static Size2 kernel(OnnxAttributes a) throws Unsupported {
        long[] k = a.getInts("kernel_shape", null);
        if (k == null || k.length != 2) {
            throw new Unsupported("kernel_shape " + Arrays.toString(k) + " is not 2-D");
        }
        return size2("kernel_shape", k);
    }

    private static Size2 pair(OnnxAttributes a, String name) throws Unsupported {
        long[] v = a.getInts(name, new long[] {1, 1});
        if (v.length != 2) {
            throw new Unsupported(name + " " + Arrays.toString(v) + " are not 2-D");
        }
        return size2(name, v);
    }

    private static Size2 size2(String name, long[] v) throws Unsupported {
        for (long x : v) {
            if (x < 1 || x > MAX_DIM) {
                throw new Unsupported(name + " " + Arrays.toString(v) + " outside 1.." + MAX_DIM);
            }
        }
        return new Size2((int) v[0], (int) v[1]);
    }

    /** Explicit pads; SAME_UPPER and SAME_LOWER resolved for the input's size. */
    private static Padding padding(OnnxAttributes a, int[] in, Size2 kernel, Size2 stride, Size2 dilation)
            throws Unsupported {
        if (in.length != 4) {
            throw new Unsupported("input of rank " + in.length + " (2-D maps only)");
        }
        String autoPad = a.getString("auto_pad", "NOTSET");
        switch (autoPad) {
            case "NOTSET" -> {
                long[] p = a.getInts("pads", new long[4]);
                if (p.length != 4) {
                    throw new Unsupported("pads " + Arrays.toString(p) + " are not 2-D");
                }
                for (long x : p) {
                    if (x < 0 || x > MAX_DIM) {
                        throw new Unsupported("pads " + Arrays.toString(p) + " outside 0.." + MAX_DIM);
                    }
                }
                return new Padding.Explicit((int) p[0], (int) p[1], (int) p[2], (int) p[3]);
            }
            case "VALID" -> {
                return new Padding.Explicit(0, 0, 0, 0);
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                Padding.Explicit upper = ConvArithmetic.resolve(new Padding.Same(), in[2], in[3], kernel, stride, dilation);
                return autoPad.equals("SAME_UPPER") ? upper
                        : new Padding.Explicit(upper.bottom(), upper.right(), upper.top(), upper.left());
            }
            default -> throw new Unsupported("auto_pad '" + autoPad + "'");
        }
    }

    private static void requireRank(MutableLayer x, int rank, String op) throws Unsupported {
        if (x.shape.length != rank) {
            throw new Unsupported(op + " on a rank-" + x.shape.length + " input (flatten first)");
        }
    }

    private static Tensor transpose2(Tensor b) {
        int rows = b.dim(0);
        int cols = b.dim(1);
        Tensor t = Tensor.zeros(cols, rows);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t.set(c * rows + r, b.get(r * cols + c));
            }
        }
        return t;
    }

    private static void scale(Tensor t, float factor) {
        if (factor != 1f) {
            for (int i = 0; i < t.size(); i++) {
                t.set(i, t.get(i) * factor);
            }
        }
    }

    private static String describe(NodeProto n) {
        return n.getOpType() + " node '" + (n.getName().isEmpty() ? n.getOutputCount() > 0 ? n.getOutput(0) : "?"
                : n.getName()) + "'";
    }
}
