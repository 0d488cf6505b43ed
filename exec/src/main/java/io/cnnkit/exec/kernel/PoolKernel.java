package io.cnnkit.exec.kernel;

import io.cnnkit.exec.Tensor;

/**
 * Max and average pooling (windowed or global), one input plane per work item. Each window is
 * clipped to the input once, so the inner loops never test bounds. Divisors follow PyTorch's
 * avg_pool2d (see {@link ReferenceKernels#avgPool}).
 */
final class PoolKernel implements Kernel {
    enum Mode { MAX, AVG_COUNT_PAD, AVG }

    private final int[] outShape;
    private final Window w;
    private final Mode mode;

    /** A global pool is a window of the whole input. */
    PoolKernel(int[] inShape, int[] outShape, Window w, Mode mode) {
        this.outShape = outShape.clone();
        this.w = w;
        this.mode = mode;
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public void run(Tensor[] inputs, Tensor output, Workspace ws) {
        Tensor x = inputs[0];
        int planes = outShape[0] * outShape[1];
        Parallel.forRange(ws, planes, (long) w.outSize() * w.kh() * w.kw(), (slot, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                plane(x.data(), x.offset() + plane * w.inH() * w.inW(), output.data(),
                        output.offset() + plane * w.outSize());
            }
        });
    }

    private void plane(float[] x, int src, float[] y, int dst) {
        for (int oy = 0; oy < w.outH(); oy++) {
            int y0 = oy * w.sh() - w.padTop();
            int ky0 = firstTap(y0, w.dh()), ky1 = endTap(y0, w.dh(), w.kh(), w.inH());
            for (int ox = 0; ox < w.outW(); ox++) {
                int x0 = ox * w.sw() - w.padLeft();
                int kx0 = firstTap(x0, w.dw()), kx1 = endTap(x0, w.dw(), w.kw(), w.inW());
                float value;
                if (mode == Mode.MAX) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int ky = ky0; ky < ky1; ky++) {
                        int row = src + (y0 + ky * w.dh()) * w.inW() + x0;
                        for (int kx = kx0; kx < kx1; kx++) {
                            max = Math.max(max, x[row + kx * w.dw()]);
                        }
                    }
                    value = max;
                } else {
                    float sum = 0;
                    for (int ky = ky0; ky < ky1; ky++) {
                        int row = src + (y0 + ky) * w.inW() + x0;
                        for (int kx = kx0; kx < kx1; kx++) {
                            sum += x[row + kx];
                        }
                    }
                    int divisor = mode == Mode.AVG
                            ? Math.max(0, ky1 - ky0) * Math.max(0, kx1 - kx0)
                            : (Math.min(y0 + w.kh(), w.inH() + w.padBottom()) - y0)
                              * (Math.min(x0 + w.kw(), w.inW() + w.padRight()) - x0);
                    value = divisor > 0 ? sum / divisor : 0f;
                }
                y[dst + oy * w.outW() + ox] = value;
            }
        }
    }

    /** The first tap whose input index start + tap * dilation is >= 0. */
    private static int firstTap(int start, int dilation) {
        return start >= 0 ? 0 : (-start + dilation - 1) / dilation;
    }

    /** One past the last tap whose input index is < size. */
    private static int endTap(int start, int dilation, int kernel, int size) {
        if (start >= size) {
            return 0;
        }
        return Math.min(kernel, (size - 1 - start) / dilation + 1);
    }
}
