package io.cnnkit.onnx;

import io.cnnkit.analyzer.OpRules;
import io.cnnkit.compiler.op.ArgValue;
import io.cnnkit.compiler.op.Arguments;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Operators;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code docs/operators.md} from the operator declarations ({@link Operators}) and their ONNX
 * mapping ({@link OnnxMapping}); {@code OperatorDocsTest} keeps the file equal to this output and
 * rewrites it when run with {@code -Dcnnkit.regenerate=true}.
 */
public final class OperatorDocs {

    /** The stages that map operators, each through an {@code OpVisitor}, so each handles every operator. */
    static final List<String> STAGES = List.of(
            "analysis rule (`analyzer/OpRules`)",
            "reference kernel (`exec/kernel/ReferenceKernels`)",
            "optimised kernel (`exec/kernel/Kernels`)",
            "ONNX export (`onnx/OnnxExporter`) and import (`onnx/imports/OnnxReader`)",
            "`.cnn` writer (`onnx/imports/CnnWriter`, through `Operators.arguments`)",
            "diagram label (`diagram/OpSummary`)");

    private OperatorDocs() {
    }

    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Operators\n\n")
                .append("Generated from the operator declarations (`compiler/.../op/Operators.java`) and their ONNX\n")
                .append("mapping (`onnx/.../OnnxMapping.java`) by `OperatorDocs`; `OperatorDocsTest` keeps this file\n")
                .append("current (`mvn -pl onnx test -Dtest=OperatorDocsTest -Dcnnkit.regenerate=true` rewrites it).\n\n")
                .append("Every stage below dispatches through `OpVisitor`, one method per operator without defaults,\n")
                .append("so an operator that a stage does not handle does not compile. Each operator is supported by:\n\n");
        STAGES.forEach(s -> md.append("- ").append(s).append('\n'));
        md.append("\nShapes are per sample (C×H×W, or F for vectors); defaults follow PyTorch. FLOPs rules are in\n")
                .append("[counting.md](counting.md).\n\n")
                .append("| operator | kind | ONNX export | ONNX import |\n|---|---|---|---|\n");
        for (Operators.Spec spec : Operators.all()) {
            OnnxMapping.Mapping m = OnnxMapping.of(example(spec));
            md.append("| [`").append(spec.name()).append("`](#").append(spec.name()).append(") | ")
                    .append(spec.category().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                    .append(String.join(", ", m.exports())).append(" | ")
                    .append(String.join(", ", m.imports())).append(" |\n");
        }
        for (Operators.Spec spec : Operators.all()) {
            // how many values a merge takes is its analysis rule's arity
            boolean pair = OpRules.ruleFor(example(spec)).maxInputs() == 2;
            String signature = spec.arity() == Operators.Arity.MERGE
                    ? spec.name() + (pair ? "(a, b)" : "(a, b, ...)") : spec.signatureWithDefaults();
            md.append("\n## ").append(spec.name()).append("\n\n`").append(signature).append("`: ")
                    .append(spec.doc()).append('\n');
            if (spec.arity() == Operators.Arity.MERGE) {
                md.append("\nTakes ").append(pair ? "two values" : "two or more values").append(" as arguments: `")
                        .append(signature).append("`.\n");
            }
            if (!spec.params().isEmpty()) {
                md.append("\n| parameter | takes | default | meaning |\n|---|---|---|---|\n");
                for (Operators.Param p : spec.params()) {
                    md.append("| `").append(p.name()).append("` | ").append(p.type().description()).append(" | ")
                            .append(p.required() ? "required" : "`" + p.defaultValue() + "`").append(" | ")
                            .append(p.doc()).append(" |\n");
                }
            }
            OnnxMapping.Mapping m = OnnxMapping.of(example(spec));
            md.append("\nONNX: exports as ").append(String.join(" + ", m.exports()))
                    .append("; imports from ").append(String.join(", ", m.imports()))
                    .append(m.limits().isEmpty() ? "." : "; " + m.limits() + ".").append('\n');
        }
        return md.toString();
    }

    /** An instance of the operator, built from the smallest arguments its declaration requires. */
    private static Op example(Operators.Spec spec) {
        Map<String, ArgValue> args = new HashMap<>();
        for (Operators.Param p : spec.params()) {
            if (p.required()) {
                args.put(p.name(), new ArgValue.IntValue(1));
            }
        }
        return spec.build().apply(new Arguments(args));
    }
}
