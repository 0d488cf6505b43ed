package io.cnnkit.compiler.op;

import io.cnnkit.compiler.op.ArgValue.BoolValue;
import io.cnnkit.compiler.op.ArgValue.FloatValue;
import io.cnnkit.compiler.op.ArgValue.IntValue;
import io.cnnkit.compiler.op.ArgValue.SymbolValue;
import io.cnnkit.compiler.op.ArgValue.TupleValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The declaration of every built-in operator: its parameters (in positional order, with types,
 * defaults and documentation), how checked arguments become an {@link Op}, and the way back from an
 * {@link Op} to the arguments that state it ({@link #arguments}). This is the only place that knows
 * an operator's argument list and defaults; the language reference ({@code docs/operators.md}),
 * the {@code .cnn} writer, completion and hover read it from here.
 */
public final class Operators {

    /** How an operator takes its inputs: from the chain, or as value arguments. */
    public enum Arity { UNARY, MERGE }

    /** What an operator does, for diagrams and documentation. */
    public enum Category { INPUT, CONV, POOL, DENSE, NORM, ACTIVATION, MERGE, RESHAPE }

    /** The kinds of values a parameter takes. */
    public enum Type {
        COUNT("integer ≥ 1"),
        INDEX("integer ≥ 0"),
        SIZE("integer or (h, w)"),
        PADDING("integer, (h, w), (top, left, bottom, right), same or valid"),
        EXPLICIT_PADDING("integer, (h, w) or (top, left, bottom, right)"),
        BOOL("true or false"),
        CHOICE("a quoted name from those listed"),
        NUMBER("number");

        private final String description;

        Type(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * One parameter. {@code defaultValue} is null for a required parameter, otherwise the default as
     * written in the language ({@code "1"}, {@code "kernel"}). A {@code width} parameter is a channel
     * count (conv filters, dense units), which the {@code .cnn} writer turns into module parameters.
     */
    public record Param(String name, Type type, String defaultValue, String doc, boolean width) {
        public boolean required() {
            return defaultValue == null;
        }
    }

    public record Spec(String name, Arity arity, Category category, String doc, List<Param> params,
                       Function<Arguments, Op> build) {
        public Spec {
            params = List.copyOf(params);
        }

        /** The parameters' names, in positional order. */
        public List<String> parameters() {
            return params.stream().map(Param::name).toList();
        }

        /** How many leading parameters are required. */
        public int required() {
            return (int) params.stream().filter(Param::required).count();
        }

        /** {@code conv(filters, kernel, stride, ...)} for messages. */
        public String signature() {
            return arity == Arity.MERGE ? name + "(a, b, ...)"
                    : params.isEmpty() ? name : name + "(" + String.join(", ", parameters()) + ")";
        }

        /** {@code conv(filters, kernel, stride=1, ...)}: the signature with defaults, for docs and hover. */
        public String signatureWithDefaults() {
            if (arity == Arity.MERGE || params.isEmpty()) {
                return signature();
            }
            List<String> shown = params.stream()
                    .map(p -> p.required() ? p.name() : p.name() + "=" + p.defaultValue()).toList();
            return name + "(" + String.join(", ", shown) + ")";
        }
    }

    /** One argument as the {@code .cnn} writer states it: positional ({@code name} null) or named. */
    public record Argument(String name, ArgValue value, boolean width) {
        public boolean positional() {
            return name == null;
        }
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    private static Param required(String name, Type type, String doc) {
        return new Param(name, type, null, doc, false);
    }

    private static Param width(String name, String doc) {
        return new Param(name, Type.COUNT, null, doc, true);
    }

    private static Param optional(String name, Type type, String defaultValue, String doc) {
        return new Param(name, type, defaultValue, doc, false);
    }

    private static void declare(String name, Arity arity, Category category, String doc, List<Param> params,
                                Function<Arguments, Op> build) {
        SPECS.put(name, new Spec(name, arity, category, doc, params, build));
    }

    private static void unary(String name, Category category, String doc, List<Param> params,
                              Function<Arguments, Op> build) {
        declare(name, Arity.UNARY, category, doc, params, build);
    }

    private static final Param STRIDE = optional("stride", Type.SIZE, "1", "step between windows");
    private static final Param POOL_STRIDE = optional("stride", Type.SIZE, "kernel", "step between windows");
    private static final Param PAD = optional("pad", Type.PADDING, "0",
            "zeros added around the input; `same` keeps ceil(input / stride) (SAME_UPPER)");
    private static final Param DILATION = optional("dilation", Type.SIZE, "1", "spacing between kernel taps");
    private static final Param CEIL = optional("ceil", Type.BOOL, "false",
            "round the output size up (a last window starting in the padding is dropped, as PyTorch)");
    private static final Param BIAS = optional("bias", Type.BOOL, "true", "learn an additive bias");
    private static final Param KERNEL = required("kernel", Type.SIZE, "window size");

    static {
        unary("conv", Category.CONV, "2-D convolution (PyTorch `Conv2d`); `groups=C` is depthwise.",
                List.of(width("filters", "output channels"), KERNEL, STRIDE, PAD, DILATION,
                        optional("groups", Type.COUNT, "1", "channel groups; in and out channels divide by it"),
                        BIAS),
                a -> new Op.Conv(a.positive("filters"), a.size2("kernel"), a.size2("stride", Size2.square(1)),
                        a.padding("pad", true), a.size2("dilation", Size2.square(1)), a.positive("groups", 1),
                        a.bool("bias", true)));
        unary("maxpool", Category.POOL, "Max pooling (PyTorch `MaxPool2d`); padding counts as −∞.",
                List.of(KERNEL, POOL_STRIDE, PAD, DILATION, CEIL), a -> {
                    Size2 kernel = a.size2("kernel");
                    return new Op.MaxPool(kernel, a.size2("stride", kernel), a.padding("pad", true),
                            a.size2("dilation", Size2.square(1)), a.bool("ceil", false));
                });
        unary("avgpool", Category.POOL, "Average pooling (PyTorch `AvgPool2d`).",
                List.of(KERNEL, POOL_STRIDE, PAD, CEIL, optional("count_pad", Type.BOOL, "true",
                        "padded zeros count in the divisor (`count_include_pad`)")), a -> {
                    Size2 kernel = a.size2("kernel");
                    return new Op.AvgPool(kernel, a.size2("stride", kernel), a.padding("pad", true),
                            a.bool("ceil", false), a.bool("count_pad", true));
                });
        unary("globalavgpool", Category.POOL, "Mean over H×W; output C×1×1.", List.of(),
                a -> new Op.GlobalAvgPool());
        unary("globalmaxpool", Category.POOL, "Maximum over H×W; output C×1×1.", List.of(),
                a -> new Op.GlobalMaxPool());
        unary("adaptiveavgpool", Category.POOL, "Average over windows that split H×W into `size` (PyTorch "
                        + "`AdaptiveAvgPool2d`): output row i covers input rows floor(i·H/h) to ceil((i+1)·H/h).",
                List.of(required("size", Type.SIZE, "output height and width")),
                a -> new Op.AdaptiveAvgPool(a.size2("size")));
        unary("adaptivemaxpool", Category.POOL, "Maximum over adaptiveavgpool's windows (PyTorch `AdaptiveMaxPool2d`).",
                List.of(required("size", Type.SIZE, "output height and width")),
                a -> new Op.AdaptiveMaxPool(a.size2("size")));
        unary("dense", Category.DENSE, "Fully connected layer on a vector (PyTorch `Linear`); flatten first.",
                List.of(width("units", "output features"), BIAS),
                a -> new Op.Dense(a.positive("units"), a.bool("bias", true)));
        unary("linear", Category.DENSE, "PyTorch `Linear` over the channels at each position of a map, as "
                        + "ConvNeXt applies it between two permutes: a 1×1 convolution whose weight is stored "
                        + "`[units, C]`, so that such a `state_dict` loads unchanged.",
                List.of(width("units", "output channels"), BIAS),
                a -> new Op.Linear(a.positive("units"), a.bool("bias", true)));
        unary("flatten", Category.RESHAPE, "C×H×W to a vector of C·H·W.", List.of(), a -> new Op.Flatten());
        unary("relu", Category.ACTIVATION, "max(x, 0).", List.of(), a -> new Op.Relu());
        unary("relu6", Category.ACTIVATION, "min(max(x, 0), 6).", List.of(), a -> new Op.Relu6());
        unary("leakyrelu", Category.ACTIVATION, "x if x ≥ 0, else alpha·x.",
                List.of(optional("alpha", Type.NUMBER, "0.01", "slope for negative inputs, ≥ 0")),
                a -> new Op.LeakyRelu(a.number("alpha", 0.01, 0, Double.MAX_VALUE, false)));
        unary("tanh", Category.ACTIVATION, "Hyperbolic tangent.", List.of(), a -> new Op.Tanh());
        unary("sigmoid", Category.ACTIVATION, "1 / (1 + exp(−x)).", List.of(), a -> new Op.Sigmoid());
        unary("silu", Category.ACTIVATION, "x · sigmoid(x) (PyTorch `SiLU`, swish).", List.of(),
                a -> new Op.Silu());
        unary("hardsigmoid", Category.ACTIVATION, "relu6(x + 3) / 6 (PyTorch `Hardsigmoid`).", List.of(),
                a -> new Op.HardSigmoid());
        unary("hardswish", Category.ACTIVATION, "x · relu6(x + 3) / 6 (PyTorch `Hardswish`).", List.of(),
                a -> new Op.HardSwish());
        unary("gelu", Category.ACTIVATION, "x · Φ(x), Φ the standard normal distribution (PyTorch `GELU`).",
                List.of(optional("approximate", Type.CHOICE, "\"none\"",
                        "`\"none\"`: exact, through erf; `\"tanh\"`: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))")),
                a -> new Op.Gelu(a.choice("approximate", "none", "none", "tanh").equals("tanh")));
        unary("softmax", Category.ACTIVATION, "Softmax over channels (features).", List.of(),
                a -> new Op.Softmax());
        unary("lrn", Category.NORM, "Local response normalisation across channels (PyTorch `LocalResponseNorm`): "
                        + "x / (k + alpha/size · Σ x²)^beta over `size` neighbouring channels.",
                List.of(optional("size", Type.COUNT, "5", "channels in the window"),
                        optional("alpha", Type.NUMBER, "0.0001", "scale of the sum, ≥ 0"),
                        optional("beta", Type.NUMBER, "0.75", "exponent, ≥ 0"),
                        optional("k", Type.NUMBER, "1.0", "additive constant, ≥ 0")),
                a -> new Op.Lrn(a.positive("size", 5), a.number("alpha", 1e-4, 0, Double.MAX_VALUE, false),
                        a.number("beta", 0.75, 0, Double.MAX_VALUE, false),
                        a.number("k", 1.0, 0, Double.MAX_VALUE, false)));
        unary("batchnorm", Category.NORM, "Batch normalisation at inference: running statistics, learned "
                        + "scale and shift (PyTorch `BatchNorm2d`/`BatchNorm1d`).",
                List.of(optional("eps", Type.NUMBER, "0.00001", "added to the variance, in (0, 1]")),
                a -> new Op.BatchNorm(a.number("eps", 1e-5, Double.MIN_VALUE, 1, false)));
        unary("layernorm", Category.NORM, "Layer normalisation over the channels at each position, with a "
                        + "learned scale and shift per channel (ConvNeXt's `LayerNorm2d`; PyTorch `LayerNorm(C)` on a "
                        + "channels-last tensor); on a vector, over its features. The default eps is PyTorch's "
                        + "`LayerNorm` default; ConvNeXt passes `eps=0.000001` (1e-6).",
                List.of(optional("eps", Type.NUMBER, "0.00001", "added to the variance, in (0, 1]")),
                a -> new Op.LayerNorm(a.number("eps", 1e-5, Double.MIN_VALUE, 1, false)));
        unary("scale", Category.NORM, "A learned factor per channel (ConvNeXt's layer scale). Its one tensor, of "
                        + "shape C×1×1 (F on a vector), is named after the layer itself, without `.weight`, as a bare "
                        + "`nn.Parameter` is in a PyTorch `state_dict`: `layer_scale: scale` reads `layer_scale`.",
                List.of(), a -> new Op.Scale());
        unary("dropout", Category.RESHAPE, "Identity at inference; `p` is kept for reports and export.",
                List.of(optional("p", Type.NUMBER, "0.5", "drop probability, in [0, 1)")),
                a -> new Op.Dropout(a.number("p", 0.5, 0, 1, true)));
        unary("stochastic_depth", Category.RESHAPE, "Identity at inference (torchvision `StochasticDepth`); "
                        + "`p` and `mode` are kept for reports.",
                List.of(required("p", Type.NUMBER, "drop probability of the branch, in [0, 1]"),
                        optional("mode", Type.CHOICE, "\"row\"", "`\"row\"`: per sample; `\"batch\"`: the whole batch")),
                a -> new Op.StochasticDepth(a.number("p", 0, 0, 1, false),
                        a.choice("mode", "row", "row", "batch").equals("row")));
        unary("slice", Category.RESHAPE, "Channels [from, to) of a map or features of a vector (PyTorch "
                        + "`x[:, from:to]`); ShuffleNet's channel split is two slices.",
                List.of(required("from", Type.INDEX, "first channel, counted from 0"),
                        required("to", Type.COUNT, "one past the last channel")),
                a -> new Op.ChannelSlice(a.nonNegative("from"), a.positive("to")));
        unary("channel_shuffle", Category.RESHAPE, "ShuffleNet's channel shuffle: channels as groups × C/groups, "
                        + "transposed (output channel j·groups + i is input channel i·C/groups + j).",
                List.of(required("groups", Type.COUNT, "groups; the channels divide by it")),
                a -> new Op.ChannelShuffle(a.positive("groups")));
        unary("zeropad", Category.RESHAPE, "Explicit zero padding (`same` is not accepted).",
                List.of(required("pad", Type.EXPLICIT_PADDING, "zeros added on each side")),
                a -> new Op.ZeroPad(a.explicitPadding("pad")));
        declare("concat", Arity.MERGE, Category.MERGE, "Concatenation along channels; starts a chain.",
                List.of(), a -> new Op.Concat());
        declare("mul", Arity.MERGE, Category.MERGE, "Element-wise product of two inputs; the second has the "
                        + "first's shape or is C×1×1, one factor per channel (squeeze-and-excitation); starts a chain.",
                List.of(), a -> new Op.Mul());
        declare("add", Arity.MERGE, Category.MERGE, "Element-wise sum of inputs of one shape; starts a chain.",
                List.of(), a -> new Op.Add());
    }

    private Operators() {
    }

    public static Optional<Spec> lookup(String name) {
        return Optional.ofNullable(SPECS.get(name));
    }

    /** The declaration of {@code op}; network inputs have none (they are not called). */
    public static Optional<Spec> of(Op op) {
        return lookup(op.kind());
    }

    /** Every operator, in documentation order. */
    public static List<Spec> all() {
        return List.copyOf(SPECS.values());
    }

    /**
     * The arguments that state {@code op} in the language, as the {@code .cnn} writer writes them:
     * the required ones positional, the others named and only where they differ from the default
     * (dropout's {@code p}, leakyrelu's {@code alpha} and every LRN parameter are always written, as
     * readers of AlexNet-style sources expect). Building the operator from these arguments gives
     * {@code op} back.
     */
    public static List<Argument> arguments(Op op) {
        return op.accept(ARGUMENTS);
    }

    private static final OpVisitor<List<Argument>> ARGUMENTS = new OpVisitor<>() {
        @Override
        public List<Argument> input(Op.Input op) {
            throw new IllegalArgumentException("a network input is declared, not called");
        }

        @Override
        public List<Argument> conv(Op.Conv op) {
            Args a = new Args().width(op.filters()).positional(size(op.kernel()));
            a.named("stride", size(op.stride()), !op.stride().equals(Size2.square(1)));
            a.pad(op.pad());
            a.named("dilation", size(op.dilation()), !op.dilation().equals(Size2.square(1)));
            a.named("groups", new IntValue(op.groups()), op.groups() != 1);
            return a.named("bias", new BoolValue(false), !op.bias()).list;
        }

        @Override
        public List<Argument> maxPool(Op.MaxPool op) {
            Args a = new Args().positional(size(op.kernel()));
            a.named("stride", size(op.stride()), !op.stride().equals(op.kernel()));
            a.pad(op.pad());
            a.named("dilation", size(op.dilation()), !op.dilation().equals(Size2.square(1)));
            return a.named("ceil", new BoolValue(true), op.ceil()).list;
        }

        @Override
        public List<Argument> avgPool(Op.AvgPool op) {
            Args a = new Args().positional(size(op.kernel()));
            a.named("stride", size(op.stride()), !op.stride().equals(op.kernel()));
            a.pad(op.pad());
            a.named("ceil", new BoolValue(true), op.ceil());
            return a.named("count_pad", new BoolValue(false), !op.countPad()).list;
        }

        @Override
        public List<Argument> globalAvgPool(Op.GlobalAvgPool op) {
            return List.of();
        }

        @Override
        public List<Argument> globalMaxPool(Op.GlobalMaxPool op) {
            return List.of();
        }

        @Override
        public List<Argument> adaptiveAvgPool(Op.AdaptiveAvgPool op) {
            return new Args().positional(size(op.size())).list;
        }

        @Override
        public List<Argument> adaptiveMaxPool(Op.AdaptiveMaxPool op) {
            return new Args().positional(size(op.size())).list;
        }

        @Override
        public List<Argument> dense(Op.Dense op) {
            return new Args().width(op.units()).named("bias", new BoolValue(false), !op.bias()).list;
        }

        @Override
        public List<Argument> flatten(Op.Flatten op) {
            return List.of();
        }

        @Override
        public List<Argument> relu(Op.Relu op) {
            return List.of();
        }

        @Override
        public List<Argument> relu6(Op.Relu6 op) {
            return List.of();
        }

        @Override
        public List<Argument> leakyRelu(Op.LeakyRelu op) {
            return new Args().positional(new FloatValue(op.alpha())).list;
        }

        @Override
        public List<Argument> tanh(Op.Tanh op) {
            return List.of();
        }

        @Override
        public List<Argument> sigmoid(Op.Sigmoid op) {
            return List.of();
        }

        @Override
        public List<Argument> silu(Op.Silu op) {
            return List.of();
        }

        @Override
        public List<Argument> hardSigmoid(Op.HardSigmoid op) {
            return List.of();
        }

        @Override
        public List<Argument> hardSwish(Op.HardSwish op) {
            return List.of();
        }

        @Override
        public List<Argument> gelu(Op.Gelu op) {
            return new Args().named("approximate", new ArgValue.StringValue("tanh"), op.tanh()).list;
        }

        @Override
        public List<Argument> softmax(Op.Softmax op) {
            return List.of();
        }

        @Override
        public List<Argument> lrn(Op.Lrn op) {
            return new Args().named("size", new IntValue(op.size()), true)
                    .named("alpha", new FloatValue(op.alpha()), true)
                    .named("beta", new FloatValue(op.beta()), true)
                    .named("k", new FloatValue(op.k()), true).list;
        }

        @Override
        public List<Argument> batchNorm(Op.BatchNorm op) {
            return new Args().named("eps", new FloatValue(op.eps()), (float) op.eps() != 1e-5f).list;
        }

        @Override
        public List<Argument> layerNorm(Op.LayerNorm op) {
            return new Args().named("eps", new FloatValue(op.eps()), (float) op.eps() != 1e-5f).list;
        }

        @Override
        public List<Argument> scale(Op.Scale op) {
            return List.of();
        }

        @Override
        public List<Argument> linear(Op.Linear op) {
            return new Args().width(op.units()).named("bias", new BoolValue(false), !op.bias()).list;
        }

        @Override
        public List<Argument> dropout(Op.Dropout op) {
            return new Args().positional(new FloatValue(op.p())).list;
        }

        @Override
        public List<Argument> stochasticDepth(Op.StochasticDepth op) {
            return new Args().positional(new FloatValue(op.p()))
                    .named("mode", new ArgValue.StringValue("batch"), !op.rowMode()).list;
        }

        @Override
        public List<Argument> channelSlice(Op.ChannelSlice op) {
            return new Args().positional(new IntValue(op.from())).positional(new IntValue(op.to())).list;
        }

        @Override
        public List<Argument> channelShuffle(Op.ChannelShuffle op) {
            return new Args().positional(new IntValue(op.groups())).list;
        }

        @Override
        public List<Argument> zeroPad(Op.ZeroPad op) {
            return new Args().positional(padding(op.pad())).list;
        }

        @Override
        public List<Argument> concat(Op.Concat op) {
            return List.of();
        }

        @Override
        public List<Argument> mul(Op.Mul op) {
            return List.of();
        }

        @Override
        public List<Argument> add(Op.Add op) {
            return List.of();
        }
    };

    /** Collects arguments in order. */
    private static final class Args {
        final List<Argument> list = new ArrayList<>();

        Args width(int channels) {
            list.add(new Argument(null, new IntValue(channels), true));
            return this;
        }

        Args positional(ArgValue value) {
            list.add(new Argument(null, value, false));
            return this;
        }

        Args named(String name, ArgValue value, boolean written) {
            if (written) {
                list.add(new Argument(name, value, false));
            }
            return this;
        }

        void pad(Padding pad) {
            if (pad instanceof Padding.Same) {
                named("pad", new SymbolValue("same"), true);
            } else {
                Padding.Explicit p = (Padding.Explicit) pad;
                named("pad", padding(p), !p.isZero());
            }
        }
    }

    private static ArgValue size(Size2 s) {
        return s.isSquare() ? new IntValue(s.h()) : new TupleValue(List.of(new IntValue(s.h()), new IntValue(s.w())));
    }

    private static ArgValue padding(Padding.Explicit p) {
        if (p.isSymmetric()) {
            return p.top() == p.left() ? new IntValue(p.top())
                    : new TupleValue(List.of(new IntValue(p.top()), new IntValue(p.left())));
        }
        return new TupleValue(List.of(new IntValue(p.top()), new IntValue(p.left()), new IntValue(p.bottom()),
                new IntValue(p.right())));
    }
}
