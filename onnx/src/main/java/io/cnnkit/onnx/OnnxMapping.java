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
            return same("GlobalAveragePool");
        }

        @Override
        public Mapping globalMaxPool(Op.GlobalMaxPool op) {
            return same("GlobalMaxPool");
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
        public Mapping dropout(Op.Dropout op) {
            return same("Dropout");
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
        public Mapping add(Op.Add op) {
            return new Mapping(List.of("Add", "Sum"), List.of("Add", "Sum"), "Sum for three inputs or more");
        }
    };
}
