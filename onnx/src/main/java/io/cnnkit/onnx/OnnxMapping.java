package io.cnnkit.onnx;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.OpVisitor;
import java.util.List;

/**
 * How each operator maps to ONNX: the node types export writes and the node types import reads
 * into it, with the limits of each direction. The exporter's {@code NodeWriter} and the importer's
 * decoders do the work; this states it for the operator table ({@code docs/operators.md}), and a
 * test holds it to the importer's list of node types.
 */
public final class OnnxMapping {

    /** {@code exports}: node types written; {@code imports}: node types read back into the operator. */
    public record Mapping(List<String> exports, List<String> imports, String limits) {
        public Mapping {
            exports = List.copyOf(exports);
            imports = List.copyOf(imports);
        }
    }

    private OnnxMapping() {
    }

    public static Mapping of(Op op) {
        return op.accept(MAPPINGS);
    }

    private static Mapping same(String type) {
        return new Mapping(List.of(type), List.of(type), "");
    }

    private static final OpVisitor<Mapping> MAPPINGS = new OpVisitor<>() {
        @Override
        public Mapping input(Op.Input op) {
            return new Mapping(List.of(), List.of(), "a graph input, NCHW or NF with a fixed or symbolic batch");
        }

        @Override
        public Mapping conv(Op.Conv op) {
            return new Mapping(List.of("Conv"), List.of("Conv"), "`same` is written as explicit pads");
        }

        @Override
        public Mapping maxPool(Op.MaxPool op) {
            return new Mapping(List.of("MaxPool"), List.of("MaxPool"), "");
        }

        @Override
        public Mapping avgPool(Op.AvgPool op) {
            return new Mapping(List.of("AveragePool", "Pad"), List.of("AveragePool", "Pad"),
                    "ceil mode counting padding is written as Pad then AveragePool, PyTorch's divisor");
        }

        @Override
        public Mapping globalAvgPool(Op.GlobalAvgPool op) {
            return new Mapping(List.of("GlobalAveragePool"), List.of("GlobalAveragePool", "ReduceMean"),
                    "import: ReduceMean over H and W (`x.mean([2, 3])`), then a flatten without keepdims");
        }

        @Override
        public Mapping globalMaxPool(Op.GlobalMaxPool op) {
            return same("GlobalMaxPool");
        }

        @Override
        public Mapping adaptiveAvgPool(Op.AdaptiveAvgPool op) {
            return new Mapping(List.of("GlobalAveragePool", "AveragePool"), List.of(),
                    "exports where the output divides the input (a plain pool), as PyTorch; imports as avgpool");
        }

        @Override
        public Mapping adaptiveMaxPool(Op.AdaptiveMaxPool op) {
            return new Mapping(List.of("GlobalMaxPool", "MaxPool"), List.of(),
                    "exports where the output divides the input (a plain pool), as PyTorch; imports as maxpool");
        }

        @Override
        public Mapping dense(Op.Dense op) {
            return new Mapping(List.of("Gemm"), List.of("Gemm", "MatMul", "Add"),
                    "import folds Gemm's alpha, beta and transB into the weights");
        }

        @Override
        public Mapping flatten(Op.Flatten op) {
            return new Mapping(List.of("Flatten"), List.of("Flatten", "Reshape"), "import: Reshape to [N, -1]");
        }

        @Override
        public Mapping relu(Op.Relu op) {
            return same("Relu");
        }

        @Override
        public Mapping relu6(Op.Relu6 op) {
            return new Mapping(List.of("Clip"), List.of("Clip"), "Clip to [0, 6]");
        }

        @Override
        public Mapping leakyRelu(Op.LeakyRelu op) {
            return same("LeakyRelu");
        }

        @Override
        public Mapping tanh(Op.Tanh op) {
            return same("Tanh");
        }

        @Override
        public Mapping sigmoid(Op.Sigmoid op) {
            return same("Sigmoid");
        }

        @Override
        public Mapping silu(Op.Silu op) {
            return new Mapping(List.of("Sigmoid", "Mul"), List.of("Sigmoid", "Mul"), "x · Sigmoid(x), as PyTorch exports it");
        }

        @Override
        public Mapping hardSigmoid(Op.HardSigmoid op) {
            return new Mapping(List.of("HardSigmoid"), List.of("HardSigmoid"), "alpha 1/6, beta 0.5 only");
        }

        @Override
        public Mapping hardSwish(Op.HardSwish op) {
            return new Mapping(List.of("HardSwish", "HardSigmoid", "Mul"), List.of("HardSwish", "HardSigmoid", "Mul"),
                    "before opset 14: x · HardSigmoid(x)");
        }

        @Override
        public Mapping gelu(Op.Gelu op) {
            return new Mapping(List.of("Gelu", "Div", "Erf", "Pow", "Tanh", "Add", "Mul"),
                    List.of("Gelu", "Div", "Erf", "Pow", "Tanh", "Add", "Mul"),
                    "Gelu from opset 20; before, PyTorch's expansion, which import recognises as one layer");
        }

        @Override
        public Mapping softmax(Op.Softmax op) {
            return new Mapping(List.of("Softmax", "Transpose"), List.of("Softmax", "Transpose"),
                    "before opset 13 a feature map's channels are moved last and back");
        }

        @Override
        public Mapping lrn(Op.Lrn op) {
            return new Mapping(List.of("LRN"), List.of("LRN"),
                    "odd sizes only: ONNX places an even window differently from PyTorch, so export refuses it");
        }

        @Override
        public Mapping batchNorm(Op.BatchNorm op) {
            return same("BatchNormalization");
        }

        @Override
        public Mapping layerNorm(Op.LayerNorm op) {
            return new Mapping(List.of("LayerNormalization", "Transpose", "ReduceMean", "Sub", "Pow", "Add", "Sqrt", "Div",
                    "Mul"), List.of("LayerNormalization", "Transpose", "ReduceMean", "Sub", "Pow", "Add", "Sqrt", "Div",
                    "Mul"), "a map's channels are moved last and back (Transpose) around LayerNormalization over the"
                    + " last axis (opset 17 on) or, before, PyTorch's expansion; import reads both, as PyTorch exports"
                    + " ConvNeXt's LayerNorm2d");
        }

        @Override
        public Mapping scale(Op.Scale op) {
            return new Mapping(List.of("Mul"), List.of("Mul"), "a constant C×1×1 factor named after the layer");
        }

        @Override
        public Mapping linear(Op.Linear op) {
            return new Mapping(List.of("Transpose", "MatMul", "Add"), List.of("MatMul"), "as PyTorch exports nn.Linear"
                    + " on a channels-last map: MatMul by the weight transposed to [C, units], Add of the bias,"
                    + " between Transposes to channels-last and back");
        }

        @Override
        public Mapping dropout(Op.Dropout op) {
            return same("Dropout");
        }

        @Override
        public Mapping stochasticDepth(Op.StochasticDepth op) {
            return new Mapping(List.of("Identity"), List.of("Identity"), "the identity, named after the layer with p and"
                    + " mode in its doc string, which import reads back; PyTorch's export leaves it out");
        }

        @Override
        public Mapping channelSlice(Op.ChannelSlice op) {
            return new Mapping(List.of("Slice"), List.of("Slice", "Split"),
                    "axis 1, step 1; a Split on axis 1 imports as one slice per output");
        }

        @Override
        public Mapping channelShuffle(Op.ChannelShuffle op) {
            return new Mapping(List.of("Reshape", "Transpose"), List.of("Reshape", "Transpose"),
                    "Reshape to N×g×C/g×H×W, Transpose (0, 2, 1, 3, 4), Reshape back, as PyTorch exports it");
        }

        @Override
        public Mapping zeroPad(Op.ZeroPad op) {
            return new Mapping(List.of("Pad"), List.of("Pad"), "constant zero padding of H and W");
        }

        @Override
        public Mapping concat(Op.Concat op) {
            return new Mapping(List.of("Concat"), List.of("Concat"), "axis 1");
        }

        @Override
        public Mapping mul(Op.Mul op) {
            return new Mapping(List.of("Mul"), List.of("Mul"), "the second input of the first's shape or N×C×1×1");
        }

        @Override
        public Mapping add(Op.Add op) {
            return new Mapping(List.of("Add", "Sum"), List.of("Add", "Sum"), "Sum for three inputs or more");
        }
    };
}
