package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import java.util.Optional;

/**
 * Weights of a conv or dense layer as rows (one per output channel) with a following batchnorm
 * folded in: w' = w * s, b' = b * s + (beta - mean * s) with s = gamma / sqrt(var + eps), and a
 * following per-channel scale f after it: s and the shift times f. Computed in double and rounded once.
 */
public record Folding(float[] weights, float[] bias) {

    static Folding of(Tensor weight, Optional<Tensor> bias, int rows, Fusion fusion) {
        return of(weight, bias, rows, fusion, false);
    }

    /**
     * As above; {@code borrow}: with nothing to fold, the weight tensor's own array when it holds
     * exactly the weights, not a copy, for a kernel that only reads them while it is built (packs
     * or transforms them) and keeps nothing of them (a 512-channel 3x3 layer's copy: 9.4 MB).
     */
    static Folding of(Tensor weight, Optional<Tensor> bias, int rows, Fusion fusion, boolean borrow) {
        int rowLength = weight.size() / rows;
        double[] scale = new double[rows];
        double[] shift = new double[rows];
        java.util.Arrays.fill(scale, 1.0);
        if (fusion.batchNorm().isPresent()) {
            double[][] affine = Params.batchNormAffine(fusion.batchNormParams(), fusion.batchNorm().get(), rows);
            scale = affine[0];
            shift = affine[1];
        }
        if (fusion.scale().isPresent()) {
            Tensor factors = fusion.scale().get();
            if (factors.size() != rows) {
                throw new IllegalArgumentException("a fused scale needs " + rows + " factors, not " + factors.size());
            }
            for (int r = 0; r < rows; r++) {
                scale[r] *= factors.get(r);
                shift[r] *= factors.get(r);
            }
        }
        boolean folds = fusion.batchNorm().isPresent() || fusion.scale().isPresent();
        // nothing to fold: the weights as they are (w * 1.0 rounds to w), one bulk copy
        float[] w = folds ? new float[weight.size()]
                : borrow && weight.offset() == 0 && weight.data().length == weight.size() ? weight.data()
                : java.util.Arrays.copyOfRange(weight.data(), weight.offset(), weight.offset() + weight.size());
        float[] b = new float[rows];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; folds && i < rowLength; i++) {
                w[r * rowLength + i] = (float) (weight.get(r * rowLength + i) * scale[r]);
            }
            double raw = bias.isPresent() ? bias.get().get(r) : 0;
            b[r] = (float) (raw * scale[r] + shift[r]);
        }
        return new Folding(w, b);
    }

    public static Folding forConv(Op.Conv c, java.util.Map<String, Tensor> params, int inChannels, Fusion fusion) {
        return forConv(c, params, inChannels, fusion, false);
    }

    /** As above; {@code borrow}: see {@link #of(Tensor, Optional, int, Fusion, boolean)}. */
    public static Folding forConv(Op.Conv c, java.util.Map<String, Tensor> params, int inChannels, Fusion fusion,
                                  boolean borrow) {
        return of(Params.convWeight(params, c, inChannels), Params.bias(params, c, c.bias(), c.filters()),
                c.filters(), fusion, borrow);
    }
}
