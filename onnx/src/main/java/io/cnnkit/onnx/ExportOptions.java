package io.cnnkit.onnx;

import java.util.OptionalInt;

/**
 * How {@link OnnxExporter} writes a model.
 *
 * @param opset      the version of the standard operator set ({@link #MIN_OPSET} to {@link #MAX_OPSET})
 * @param batch      a fixed batch size, or empty for a symbolic batch dimension {@code N}
 * @param auxOutputs whether auxiliary (training-only) heads become extra graph outputs
 */
public record ExportOptions(int opset, OptionalInt batch, boolean auxOutputs) {
    public static final int DEFAULT_OPSET = 13;
    /** ceil_mode and pooling dilations appear in opset 10. */
    public static final int MIN_OPSET = 10;
    /** The newest opset ONNX Runtime 1.20 runs. */
    public static final int MAX_OPSET = 21;
    /** The name of the symbolic batch dimension. */
    public static final String BATCH_PARAM = "N";

    public ExportOptions {
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new IllegalArgumentException("opset " + opset + " is outside the supported " + MIN_OPSET + ".."
                    + MAX_OPSET);
        }
        if (batch.isPresent() && batch.getAsInt() < 1) {
            throw new IllegalArgumentException("batch " + batch.getAsInt() + " must be at least 1");
        }
    }

    /** Opset 13, symbolic batch, inference outputs only. */
    public static ExportOptions defaults() {
        return new ExportOptions(DEFAULT_OPSET, OptionalInt.empty(), false);
    }

    public ExportOptions withOpset(int newOpset) {
        return new ExportOptions(newOpset, batch, auxOutputs);
    }

    public ExportOptions withBatch(int fixedBatch) {
        return new ExportOptions(opset, OptionalInt.of(fixedBatch), auxOutputs);
    }

    public ExportOptions withAuxOutputs(boolean on) {
        return new ExportOptions(opset, batch, on);
    }
}
