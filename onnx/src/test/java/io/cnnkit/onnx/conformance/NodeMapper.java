package io.cnnkit.onnx.conformance;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.onnx.OnnxAttributes;
import io.cnnkit.onnx.OnnxTensors;
import io.cnnkit.onnx.proto.Onnx.NodeProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps one ONNX node with concrete inputs onto a cnnkit operator: the {@link Op}, the data
 * inputs (batch first) and the parameters keyed as in PyTorch. Where ONNX allows more than the
 * language does, {@link Unsupported} says what. Operators that are the same computation on any
 * shape are fed a reshaped view: element-wise operators, dropout and add see {@code [d0, rest]};
 * softmax, concat and batchnorm over axis {@code a} of shape {@code S} see
 * {@code [S0·…·S(a-1), Sa, S(a+1)·…, 1]}, where the language's channel axis is axis {@code a}.
 * Gemm's {@code alpha}, {@code beta} and {@code transB = 0} are folded into the weight and bias,
 * as an importer does.
 */
final class NodeMapper {
    static final Set<String> SUPPORTED = Set.of("Conv", "MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "Gemm", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "LRN",
            "BatchNormalization", "Concat", "Add", "Flatten", "Dropout", "Pad");

    /** A node outside the language, with the reason. */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String reason) {
            super(reason);
        }
    }

    /** What to run, and the shape our result must have (the ONNX output seen the same way). */
    record Mapped(Op op, List<Tensor> inputs, Map<String, Tensor> params, int[] expectedShape) {
    }

    private final NodeProto node;
    private final long opset;
    private final List<TensorProto> in;
    private final int[] outShape;
    private final OnnxAttributes attrs;

    NodeMapper(NodeProto node, long opset, List<TensorProto> inputs, int[] outputShape) {
        this.node = node;
        this.opset = opset;
        this.in = inputs;
        this.outShape = outputShape;
        this.attrs = new OnnxAttributes(node);
    }

    Mapped map() throws Unsupported {
        if (node.getOutputCount() > 1 && node.getOutputList().stream().skip(1).anyMatch(s -> !s.isEmpty())) {
            throw new Unsupported("second output (" + node.getOutput(1) + ") outside the language");
        }
        return switch (node.getOpType()) {
            case "Conv" -> conv();
            case "MaxPool", "AveragePool" -> pool();
            case "GlobalAveragePool" -> same(new Op.GlobalAvgPool(), map4(0));
            case "GlobalMaxPool" -> same(new Op.GlobalMaxPool(), map4(0));
            case "Gemm" -> gemm();
            case "Relu" -> rows(new Op.Relu());
            case "LeakyRelu" -> rows(new Op.LeakyRelu(attrs.getFloat("alpha", 0.01f)));
            case "Sigmoid" -> rows(new Op.Sigmoid());
            case "Tanh" -> rows(new Op.Tanh());
            case "Softmax" -> softmax();
            case "LRN" -> lrn();
            case "BatchNormalization" -> batchNorm();
            case "Concat" -> concat();
            case "Add" -> add();
            case "Flatten" -> flatten();
            case "Dropout" -> dropout();
            case "Pad" -> pad();
            default -> throw new Unsupported("operator " + node.getOpType() + " outside the language");
        };
    }

    // ---- operators ----

    private Mapped conv() throws Unsupported {
        Tensor x = map4(0);
        Tensor w = floats(1);
        if (w.rank() != 4) {
            throw new Unsupported("weight of rank " + w.rank());
        }
        Size2 kernel = new Size2(w.dim(2), w.dim(3));
        requireKernelShape(kernel);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("weight", w);
        boolean bias = present(2);
        if (bias) {
            params.put("bias", floats(2));
        }
        Op op = new Op.Conv(w.dim(0), kernel, pair("strides", 1), padding(kernel), pair("dilations", 1),
                (int) attrs.getInt("group", 1), bias);
        return new Mapped(op, List.of(x), params, outShape);
    }

    private Mapped pool() throws Unsupported {
        Tensor x = map4(0);
        long[] k = attrs.getInts("kernel_shape", null);
        if (k == null || k.length != 2) {
            throw new Unsupported("kernel_shape " + Arrays.toString(k) + " is not 2-D");
        }
        Size2 kernel = new Size2((int) k[0], (int) k[1]);
        Size2 stride = pair("strides", 1);
        Padding pad = padding(kernel);
        boolean ceil = attrs.getInt("ceil_mode", 0) != 0;
        if (node.getOpType().equals("MaxPool")) {
            return same(new Op.MaxPool(kernel, stride, pad, pair("dilations", 1), ceil), x);
        }
        if (!pair("dilations", 1).equals(new Size2(1, 1))) {
            throw new Unsupported("average pooling with dilations");
        }
        boolean countPad = attrs.getInt("count_include_pad", 0) != 0;
        return same(new Op.AvgPool(kernel, stride, pad, ceil, countPad), x);
    }

    private Mapped gemm() throws Unsupported {
        if (attrs.getInt("transA", 0) != 0) {
            throw new Unsupported("transA = 1 (a transposed activation) is outside the language");
        }
        Tensor a = floats(0);
        Tensor b = floats(1);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new Unsupported("Gemm on ranks " + a.rank() + " and " + b.rank());
        }
        float alpha = attrs.getFloat("alpha", 1f);
        float beta = attrs.getFloat("beta", 1f);
        boolean transB = attrs.getInt("transB", 0) != 0;
        int units = transB ? b.dim(0) : b.dim(1);
        int features = transB ? b.dim(1) : b.dim(0);
        Tensor weight = Tensor.zeros(units, features); // Dense weight [out, in] = alpha · op(B)ᵀ
        for (int o = 0; o < units; o++) {
            for (int i = 0; i < features; i++) {
                float v = transB ? b.get(o * features + i) : b.get(i * units + o);
                weight.set(o * features + i, alpha * v);
            }
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("weight", weight);
        boolean bias = present(2);
        if (bias) {
            Tensor c = floats(2);
            boolean vector = c.size() == 1 || c.size() == units && (c.rank() == 1 || c.rank() == 2 && c.dim(0) == 1);
            if (!vector) {
                throw new Unsupported("bias C of shape " + Arrays.toString(c.shape()) + " is not a vector over the outputs");
            }
            Tensor v = Tensor.zeros(units);
            for (int o = 0; o < units; o++) {
                v.set(o, beta * c.get(c.size() == 1 ? 0 : o));
            }
            params.put("bias", v);
        }
        return new Mapped(new Op.Dense(units, bias), List.of(a), params, outShape);
    }

    private Mapped softmax() throws Unsupported {
        Tensor x = floats(0);
        int axis = axis(attrs.getInt("axis", opset >= 13 ? -1 : 1), x.rank());
        if (opset >= 13) {
            return channelView(new Op.Softmax(), List.of(x), axis, Map.of());
        }
        // before opset 13 the input is coerced to 2-D at axis and softmax runs over the second part
        int[] s = x.shape();
        int outer = product(s, 0, axis);
        int inner = product(s, axis, s.length);
        return new Mapped(new Op.Softmax(), List.of(x.reshape(outer, inner)), Map.of(), new int[] {outer, inner});
    }

    private Mapped lrn() throws Unsupported {
        Tensor x = map4(0);
        long size = attrs.getInt("size", 0);
        if (size % 2 == 0) {
            // ONNX puts the extra channel of an even window after c, PyTorch before it
            throw new Unsupported("even LRN size " + size + ": ONNX and PyTorch place the window differently");
        }
        return same(new Op.Lrn((int) size, attrs.getFloat("alpha", 1e-4f), attrs.getFloat("beta", 0.75f),
                attrs.getFloat("bias", 1f)), x);
    }

    private Mapped batchNorm() throws Unsupported {
        if (attrs.getInt("training_mode", 0) != 0) {
            throw new Unsupported("training_mode = 1 (batch statistics) is outside inference");
        }
        if (opset < 7 || attrs.has("spatial") && attrs.getInt("spatial", 1) == 0) {
            throw new Unsupported("per-activation (spatial = 0) statistics");
        }
        Tensor x = floats(0);
        if (x.rank() < 2) {
            throw new Unsupported("input of rank " + x.rank() + " has no channel axis");
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("weight", floats(1));
        params.put("bias", floats(2));
        params.put("running_mean", floats(3));
        params.put("running_var", floats(4));
        return channelView(new Op.BatchNorm(attrs.getFloat("epsilon", 1e-5f)), List.of(x), 1, params);
    }

    private Mapped concat() throws Unsupported {
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            xs.add(floats(i));
        }
        if (xs.size() < 2) {
            throw new Unsupported("concat of one input");
        }
        return channelView(new Op.Concat(), xs, axis(attrs.getInt("axis", 1), xs.get(0).rank()), Map.of());
    }

    private Mapped add() throws Unsupported {
        Tensor a = floats(0);
        Tensor b = floats(1);
        if (!a.sameShape(b)) {
            throw new Unsupported("broadcasting " + Arrays.toString(a.shape()) + " + "
                    + Arrays.toString(b.shape()) + " (add needs one shape)");
        }
        return new Mapped(new Op.Add(), List.of(rows(a), rows(b)), Map.of(), rows(outShape));
    }

    private Mapped flatten() throws Unsupported {
        Tensor x = floats(0);
        long a = attrs.getInt("axis", 1);
        int axis = (int) (a < 0 ? a + x.rank() : a); // Flatten's axis lies in [-r, r]
        if (axis < 0 || axis > x.rank()) {
            throw new Unsupported("axis " + a + " outside [-rank, rank]");
        }
        int[] s = x.shape();
        // our flatten keeps the first axis: give it the product of the axes before `axis`
        int[] view = new int[s.length - axis + 1];
        view[0] = product(s, 0, axis);
        System.arraycopy(s, axis, view, 1, s.length - axis);
        return new Mapped(new Op.Flatten(), List.of(x.reshape(view)), Map.of(), outShape);
    }

    private Mapped dropout() throws Unsupported {
        if (opset < 7 && attrs.getInt("is_test", 0) == 0) {
            throw new Unsupported("is_test = 0 (training mode)");
        }
        float ratio = attrs.getFloat("ratio", 0.5f);
        if (present(1)) {
            ratio = floats(1).get(0);
        }
        if (present(2) && OnnxTensors.toLongs(in.get(2))[0] != 0) {
            throw new Unsupported("training_mode = true (random mask)");
        }
        return rows(new Op.Dropout(ratio));
    }

    private Mapped pad() throws Unsupported {
        String mode = attrs.getString("mode", "constant");
        if (!mode.equals("constant")) {
            throw new Unsupported("mode '" + mode + "' (only zero padding is in the language)");
        }
        Tensor x = map4(0);
        long[] pads;
        double value;
        if (opset >= 11) {
            pads = OnnxTensors.toLongs(in.get(1));
            value = present(2) ? floats(2).get(0) : 0;
            if (in.size() > 3 && present(3)) {
                throw new Unsupported("axes input");
            }
        } else {
            pads = attrs.getInts("pads", new long[0]);
            value = attrs.getFloat("value", 0f);
        }
        if (value != 0) {
            throw new Unsupported("constant value " + value + " (only zero padding is in the language)");
        }
        if (pads.length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) {
            throw new Unsupported("pads " + Arrays.toString(pads) + " touch the batch or channel axes");
        }
        for (long p : pads) {
            if (p < 0) {
                throw new Unsupported("negative pads " + Arrays.toString(pads) + " (cropping)");
            }
        }
        return same(new Op.ZeroPad(new Padding.Explicit((int) pads[2], (int) pads[3], (int) pads[6], (int) pads[7])), x);
    }

    // ---- helpers ----

    private Mapped same(Op op, Tensor x) {
        return new Mapped(op, List.of(x), Map.of(), outShape);
    }

    /** An element-wise operator on the input seen as rows. */
    private Mapped rows(Op op) throws Unsupported {
        return new Mapped(op, List.of(rows(floats(0))), Map.of(), rows(outShape));
    }

    private static Tensor rows(Tensor t) {
        return t.reshape(rows(t.shape()));
    }

    private static int[] rows(int[] s) {
        return s.length == 0 ? new int[] {1, 1} : new int[] {s[0], product(s, 1, s.length)};
    }

    /** Runs {@code op} with axis {@code axis} of every input as the channel axis. */
    private Mapped channelView(Op op, List<Tensor> xs, int axis, Map<String, Tensor> params) {
        List<Tensor> views = new ArrayList<>();
        for (Tensor x : xs) {
            views.add(x.reshape(channelView(x.shape(), axis)));
        }
        return new Mapped(op, views, params, channelView(outShape, axis));
    }

    private static int[] channelView(int[] s, int axis) {
        return new int[] {product(s, 0, axis), s[axis], product(s, axis + 1, s.length), 1};
    }

    private int axis(long axis, int rank) throws Unsupported {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new Unsupported("axis " + axis + " outside rank " + rank);
        }
        return (int) a;
    }

    private Padding padding(Size2 kernel) throws Unsupported {
        String autoPad = attrs.getString("auto_pad", "NOTSET");
        switch (autoPad) {
            case "SAME_UPPER":
                return new Padding.Same();
            case "VALID":
                return new Padding.Explicit(0, 0, 0, 0);
            case "NOTSET":
                long[] p = attrs.getInts("pads", new long[4]);
                if (p.length != 4) {
                    throw new Unsupported("pads " + Arrays.toString(p) + " are not 2-D");
                }
                return new Padding.Explicit((int) p[0], (int) p[1], (int) p[2], (int) p[3]);
            default:
                throw new Unsupported("auto_pad " + autoPad + " (the language has SAME_UPPER only)");
        }
    }

    private void requireKernelShape(Size2 kernel) throws Unsupported {
        long[] k = attrs.getInts("kernel_shape", null);
        if (k != null && (k.length != 2 || k[0] != kernel.h() || k[1] != kernel.w())) {
            throw new Unsupported("kernel_shape " + Arrays.toString(k) + " disagrees with the weight");
        }
    }

    private Size2 pair(String name, int defaultValue) throws Unsupported {
        long[] v = attrs.getInts(name, new long[] {defaultValue, defaultValue});
        if (v.length != 2) {
            throw new Unsupported(name + " " + Arrays.toString(v) + " are not 2-D");
        }
        return new Size2((int) v[0], (int) v[1]);
    }

    private Tensor map4(int i) throws Unsupported {
        Tensor t = floats(i);
        if (t.rank() != 4) {
            throw new Unsupported(node.getOpType() + " on a rank-" + t.rank() + " input (the language has 2-D maps)");
        }
        return t;
    }

    private boolean present(int i) {
        return i < node.getInputCount() && !node.getInput(i).isEmpty();
    }

    private Tensor floats(int i) throws Unsupported {
        TensorProto t = in.get(i);
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new Unsupported("input '" + node.getInput(i) + "' of type "
                    + TensorProto.DataType.forNumber(t.getDataType()) + " (the engine is float32)");
        }
        return OnnxTensors.toTensor(t);
    }

    private static int product(int[] s, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return p;
    }
}
