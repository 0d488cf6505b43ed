package io.cnnkit.analyzer;

import java.util.List;

/**
 * The receptive field of a layer's output relative to the network input, per axis, as defined by
 * Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural Networks" (Distill,
 * 2019): output position {@code i} sees input positions {@code [i*stride - offset,
 * i*stride - offset + size - 1]}. {@code offset} is their effective padding {@code P0}.
 *
 * <p>Through a window of kernel {@code k}, stride {@code s}, dilation {@code d} and begin padding
 * {@code p}: {@code size += (d*(k-1)) * stride}, {@code offset += p * stride}, {@code stride *= s}.
 *
 * <p>{@code global} marks outputs that see the whole input (after flatten, dense, global pooling, or
 * for a vector input); the numeric fields are then zero and meaningless.
 */
public record ReceptiveField(long sizeH, long sizeW, long strideH, long strideW, long offsetH, long offsetW,
                             boolean global) {

    /** One input pixel sees itself. */
    public static final ReceptiveField PIXEL = new ReceptiveField(1, 1, 1, 1, 0, 0, false);
    public static final ReceptiveField GLOBAL = new ReceptiveField(0, 0, 0, 0, 0, 0, true);

    /** The field after a sliding window with the given effective kernel, stride and begin padding. */
    public ReceptiveField window(long kernelH, long kernelW, int strideH, int strideW, int padTop, int padLeft) {
        if (global) {
            return GLOBAL;
        }
        return new ReceptiveField(
                Math.addExact(sizeH, Math.multiplyExact(kernelH - 1, this.strideH)),
                Math.addExact(sizeW, Math.multiplyExact(kernelW - 1, this.strideW)),
                Math.multiplyExact(this.strideH, (long) strideH),
                Math.multiplyExact(this.strideW, (long) strideW),
                Math.addExact(offsetH, Math.multiplyExact((long) padTop, this.strideH)),
                Math.addExact(offsetW, Math.multiplyExact((long) padLeft, this.strideW)),
                false);
    }

    /**
     * Two fields are aligned when they have the same stride and their centres coincide, that is
     * {@code size - 1 - 2 * offset} is the same on both axes.
     */
    public boolean alignedWith(ReceptiveField other) {
        if (global || other.global) {
            return global == other.global;
        }
        return strideH == other.strideH && strideW == other.strideW
                && centre(sizeH, offsetH) == centre(other.sizeH, other.offsetH)
                && centre(sizeW, offsetW) == centre(other.sizeW, other.offsetW);
    }

    /** Twice the centre of output 0's field: {@code size - 1 - 2 * offset}; exact. */
    private static long centre(long size, long offset) {
        return Math.subtractExact(size - 1, Math.multiplyExact(2, offset));
    }

    /** Over merged branches: global if any branch is, else the largest of each quantity. */
    public static ReceptiveField largest(List<ReceptiveField> fields) {
        if (fields.stream().anyMatch(ReceptiveField::global)) {
            return GLOBAL;
        }
        ReceptiveField r = fields.get(0);
        for (ReceptiveField f : fields.subList(1, fields.size())) {
            r = new ReceptiveField(Math.max(r.sizeH, f.sizeH), Math.max(r.sizeW, f.sizeW),
                    Math.max(r.strideH, f.strideH), Math.max(r.strideW, f.strideW),
                    Math.max(r.offsetH, f.offsetH), Math.max(r.offsetW, f.offsetW), false);
        }
        return r;
    }

    /** {@code 7x7/2 @3} (size / stride @ offset), square axes collapsed: {@code 7/2 @3}; or {@code global}. */
    @Override
    public String toString() {
        if (global) {
            return "global";
        }
        return pair(sizeH, sizeW) + "/" + pair(strideH, strideW) + " @" + pair(offsetH, offsetW);
    }

    static String pair(long h, long w) {
        return h == w ? Long.toString(h) : h + "x" + w;
    }
}
