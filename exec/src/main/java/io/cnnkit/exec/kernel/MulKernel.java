package io.cnnkit.exec.kernel;

import io.cnnkit.exec.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code mul}: the first input times the second, which has the first's shape or one factor per
 * sample and channel (N×C×1×1, squeeze-and-excitation's gate). One channel plane per work item,
 * a vector at a time.
 */
record MulKernel(int[] outputShape, boolean scalar) implements Kernel {
    private static final VectorSpecies<Float> S = Simd.S;

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0], g = inputs[1];
        int planes = outputShape[0] * outputShape[1];
        int area = output.size() / planes;
        boolean perChannel = g.size() == planes && area > 1;
        Parallel.forRange(ws, planes, area, (slot, from, to) -> {
            float[] in = x.data(), factors = g.data(), out = output.data();
            for (int plane = from; plane < to; plane++) {
                int xi = x.offset() + plane * area, oi = output.offset() + plane * area;
                int gi = g.offset() + (perChannel ? plane : plane * area);
                int i = 0;
                if (!scalar) {
                    FloatVector f = FloatVector.broadcast(S, perChannel ? factors[gi] : 0f);
                    for (; i + S.length() <= area; i += S.length()) {
                        FloatVector fi = perChannel ? f : FloatVector.fromArray(S, factors, gi + i);
                        FloatVector.fromArray(S, in, xi + i).mul(fi).intoArray(out, oi + i);
                    }
                }
                for (; i < area; i++) {
                    out[oi + i] = in[xi + i] * factors[perChannel ? gi : gi + i];
                }
            }
        });
    }
}
