package io.cnnkit.exec.io;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.exec.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * Refuses a command before it allocates what cannot fit: a parameter tensor with more elements
 * than one Java array holds, or weights and activations together beyond the JVM's heap. Saying
 * how much is needed beats an {@link OutOfMemoryError} a minute later.
 */
public final class MemoryCheck {
    /** Share of the heap the weights and activations may take; the rest is for copies and the JVM. */
    static final double HEAP_SHARE = 0.9;

    private MemoryCheck() {
    }

    /**
     * Checks the float32 {@code required} parameters plus {@code activationBytes} against
     * {@code maxHeapBytes}.
     *
     * @throws WeightsException naming the tensor that is too large, or the bytes needed and available
     */
    public static void check(List<ParamRequirement> required, long activationBytes, long maxHeapBytes) {
        long weightBytes = 0;
        for (ParamRequirement r : required) {
            long elements = 1;
            for (int d : r.shape()) {
                elements = multiply(elements, d);
            }
            if (elements > Tensor.MAX_ELEMENTS) {
                throw new WeightsException(tooManyElements(r.name(), elements) + "; expected a smaller layer");
            }
            weightBytes = Math.addExact(weightBytes, 4 * elements);
        }
        long needed = weightBytes + Math.max(0, activationBytes);
        if (needed > HEAP_SHARE * maxHeapBytes) {
            throw new WeightsException(String.format(Locale.ROOT, "the weights (%s) and activations (%s) need %s,"
                    + " more than the %s this JVM may use; give it more (JAVA_TOOL_OPTIONS=-Xmx%dg) or use a"
                    + " smaller network", megabytes(weightBytes), megabytes(activationBytes), megabytes(needed),
                    megabytes(maxHeapBytes), Math.max(1, (long) Math.ceil(needed / HEAP_SHARE / (1L << 30)))));
        }
    }

    /**
     * Refuses a network with a layer whose output, at the analysed batch, has more elements than one
     * tensor holds (the analyzer only warns: it counts in 64 bits), naming the layer and where it is written.
     *
     * @throws WeightsException at the first such layer
     */
    public static void checkActivations(Analysis analysis) {
        for (LayerStats s : analysis.layers()) {
            long elements = s.activationBytes() / Analysis.BYTES_PER_ELEMENT;
            if (s.analysed() && elements > Tensor.MAX_ELEMENTS) {
                throw new WeightsException(s.layer().site() + ": " + tooManyElements(s.layer().kind() + " '"
                        + s.layer().name() + "': its output " + s.outputShape() + " at batch " + analysis.batch(), elements)
                        + "; expected a smaller input or layer" + (analysis.batch() > 1 ? ", or a smaller batch" : ""));
            }
        }
    }

    /** "WHAT has N elements, more than the M one tensor can hold". */
    static String tooManyElements(String what, long elements) {
        return String.format(Locale.ROOT, "%s has %,d elements, more than the %,d one tensor can hold", what, elements,
                Tensor.MAX_ELEMENTS);
    }

    /** {@link #check(List, long, long)} against this JVM's {@link Runtime#maxMemory()}. */
    public static void check(List<ParamRequirement> required, long activationBytes) {
        check(required, activationBytes, Runtime.getRuntime().maxMemory());
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MB", bytes / 1e6);
    }
}
