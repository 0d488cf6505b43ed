package io.cnnkit.analyzer;

/**
 * Sums over a set of layers. {@code parameters} are trainable elements, {@code buffers} the
 * non-trainable ones; MACs, FLOPs and activation bytes are for the analysed batch.
 */
public record Totals(int layers, long parameters, long buffers, long macs, long flops, long activationBytes) {

    public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0);

    public Totals plus(LayerStats s) {
        return new Totals(layers + 1, Math.addExact(parameters, s.parameters()), Math.addExact(buffers, s.buffers()),
                Math.addExact(macs, s.macs()), Math.addExact(flops, s.flops()),
                Math.addExact(activationBytes, s.activationBytes()));
    }

    /** float32 bytes of parameters and buffers. */
    public long parameterBytes() {
        return Math.multiplyExact(4, Math.addExact(parameters, buffers));
    }
}
