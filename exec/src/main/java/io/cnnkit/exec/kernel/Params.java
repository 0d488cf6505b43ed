package io.cnnkit.exec.kernel;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Looks up a layer's parameters (PyTorch names and layouts) and checks their shapes. */
public final class Params {
    private Params() {
    }

    static Tensor require(Map<String, Tensor> params, Op op, String name, int... shape) {
        Tensor t = params.get(name);
        if (t == null) {
            throw new IllegalArgumentException(op.kind() + " needs parameter '" + name + "' of shape "
                    + Arrays.toString(shape));
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(op.kind() + " parameter '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape));
        }
        return t;
    }

    /** The bias of a conv or dense layer, present exactly when the operator declares one. */
    static Optional<Tensor> bias(Map<String, Tensor> params, Op op, boolean declared, int size) {
        if (!declared) {
            if (params.containsKey("bias")) {
                throw new IllegalArgumentException(op.kind() + " declared with bias=false got a 'bias' parameter");
            }
            return Optional.empty();
        }
        return Optional.of(require(params, op, "bias", size));
    }

    /** Conv weight [Cout, Cin/groups, kh, kw]. */
    static Tensor convWeight(Map<String, Tensor> params, Op.Conv c, int inChannels) {
        return require(params, c, "weight", c.filters(), inChannels / c.groups(), c.kernel().h(), c.kernel().w());
    }

    /** The 1×1 convolution a {@code linear} layer computes. */
    public static Op.Conv linearAsConv(Op.Linear l) {
        return new Op.Conv(l.units(), Size2.square(1), Size2.square(1), Padding.ZERO,
                Size2.square(1), 1, l.bias());
    }

    /** A {@code linear} layer's parameters with its {@code [units, C]} weight viewed as a 1×1 conv's. */
    public static Map<String, Tensor> linearAsConvParams(Map<String, Tensor> params, Op.Linear l, int channels) {
        Map<String, Tensor> conv = new HashMap<>(params);
        conv.put("weight", require(params, l, "weight", l.units(), channels).reshape(l.units(), channels, 1, 1));
        return conv;
    }

    /** Batchnorm folded to a per-channel affine map y = x * scale + shift, computed in double. */
    static double[][] batchNormAffine(Map<String, Tensor> params, Op.BatchNorm bn, int channels) {
        Tensor w = require(params, bn, "weight", channels);
        Tensor b = require(params, bn, "bias", channels);
        Tensor mean = require(params, bn, "running_mean", channels);
        Tensor var = require(params, bn, "running_var", channels);
        double[] scale = new double[channels];
        double[] shift = new double[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = w.get(c) / Math.sqrt((double) var.get(c) + bn.eps());
            shift[c] = b.get(c) - mean.get(c) * scale[c];
        }
        return new double[][] {scale, shift};
    }
}
