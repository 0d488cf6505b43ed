package io.cnnkit.train.grad;

/**
 * What a layer's training-mode forward pass keeps for its backward pass besides its inputs and
 * output: the dropout mask (already scaled by 1 / (1 - p)), or batchnorm's batch mean and
 * 1 / sqrt(biased variance + eps) per channel. Empty for every other operator.
 */
public record Saved(float[] dropoutScale, double[] batchMean, double[] batchInvStd) {
    public static final Saved NONE = new Saved(null, null, null);

    /** The bytes of the saved arrays. */
    public long bytes() {
        return (dropoutScale == null ? 0L : (long) dropoutScale.length * Float.BYTES)
                + (batchMean == null ? 0L : (long) batchMean.length * Double.BYTES)
                + (batchInvStd == null ? 0L : (long) batchInvStd.length * Double.BYTES);
    }

    public static Saved dropout(float[] scale) {
        return new Saved(scale, null, null);
    }

    public static Saved batchNorm(double[] mean, double[] invStd) {
        return new Saved(null, mean, invStd);
    }
}
