package io.cnnkit.train.grad;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Align;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Kernels;
import io.cnnkit.exec.kernel.Workspace;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ForkJoinPool;

/**
 * The input gradient of a stride-1 convolution as a forward convolution, so that it runs on exec's
 * fastest kernel for its shape (Winograd for 3x3): dx = conv(dy, W') with W'[g·cinG + ci][co] =
 * W[g·coutG + co][ci] flipped in both directions, dilation kept, and each pad p replaced by
 * dilation·(kernel - 1) - p. A strided convolution, one padded by more than its window, or one with
 * few channels (exec's kernels fill their tiles from the channels: LeNet's conv2 took twice as
 * long) keeps the GEMM and col2im path.
 */
final class TransposedConv {
    /** Workspaces by pool, kept from call to call and grown to the largest kernel; the single-thread one per thread. */
    private static final Map<ForkJoinPool, Workspace> POOLED = new WeakHashMap<>();
    private static final ThreadLocal<Workspace> SINGLE = new ThreadLocal<>();

    private TransposedConv() {
    }

    /** The forward convolution giving {@code c}'s input gradient over window {@code w}, or null where none does. */
    static Op.Conv of(Op.Conv c, Geometry w, int cin) {
        if (w.sh() != 1 || w.sw() != 1 || DotWeightGradient.fewChannels(c.filters() / c.groups(), cin / c.groups())) {
            return null;
        }
        int spanH = w.dh() * (w.kh() - 1), spanW = w.dw() * (w.kw() - 1);
        int top = spanH - w.padTop(), bottom = spanH - w.padBottom();
        int left = spanW - w.padLeft(), right = spanW - w.padRight();
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            return null;
        }
        return new Op.Conv(cin, c.kernel(), Size2.square(1), new Padding.Explicit(top, left, bottom, right),
                c.dilation(), c.groups(), false);
    }

    /**
     * Writes {@code c}'s input gradient into {@code dx} through {@code transposed} ({@link #of}),
     * with its kernel {@code prepared} for these weights ({@link #prepare}), or prepared here if null.
     */
    static void run(Op.Conv transposed, Op.Conv c, Tensor dy, Tensor weight, Tensor dx, ForkJoinPool pool,
                    Kernel prepared) {
        Kernel k = prepared != null ? prepared : prepare(transposed, c, dy.shape(), weight,
                KernelOptions.defaults(pool == null ? 1 : pool.getParallelism()));
        k.run(new Tensor[] {dy}, dx, workspace(pool, k));
    }

    /** The kernel of {@code transposed} ({@link #of}) with {@code c}'s weights flipped, for output gradients of {@code dyShape}. */
    static Kernel prepare(Op.Conv transposed, Op.Conv c, int[] dyShape, Tensor weight, KernelOptions options) {
        return prepare(transposed, c, dyShape, weight, options, null);
    }

    /** As above, overwriting the arrays of {@code reuse}, an earlier such kernel no longer run, where they fit. */
    static Kernel prepare(Op.Conv transposed, Op.Conv c, int[] dyShape, Tensor weight, KernelOptions options,
                          Kernel reuse) {
        return prepareFlipped(transposed, dyShape, flip(c, weight, transposed.filters()), options, reuse);
    }

    /** As above, from the weights already flipped ({@link #flip}). */
    static Kernel prepareFlipped(Op.Conv transposed, int[] dyShape, Tensor flipped, KernelOptions options,
                                 Kernel reuse) {
        return Kernels.prepare(transposed, List.of(dyShape), Map.of("weight", flipped), Fusion.NONE, options, reuse);
    }

    /** W' [cin, coutG, kh, kw] from W [cout, cinG, kh, kw]: each group's channels swapped, the window flipped. */
    static Tensor flip(Op.Conv c, Tensor weight, int cin) {
        return flip(c, weight, cin, null);
    }

    /**
     * As above, into {@code into} when it has W''s shape (every element is rewritten: the kept
     * array of an earlier step, saving up to 9.4 MB a layer of allocation), else into a new tensor.
     */
    static Tensor flip(Op.Conv c, Tensor weight, int cin, Tensor into) {
        int groups = c.groups(), cout = c.filters(), coutG = cout / groups, cinG = cin / groups;
        int kh = c.kernel().h(), kw = c.kernel().w(), area = kh * kw;
        int[] shape = {cin, coutG, kh, kw};
        Tensor out = into != null && into.offset() == 0 && Arrays.equals(into.shape(), shape) ? into
                : Tensor.zeros(shape);
        float[] src = weight.data(), dst = out.data();
        int off = weight.offset();
        for (int g = 0; g < groups; g++) {
            for (int co = 0; co < coutG; co++) {
                for (int ci = 0; ci < cinG; ci++) {
                    int from = off + ((g * coutG + co) * cinG + ci) * area;
                    int to = ((g * cinG + ci) * coutG + co) * area;
                    for (int i = 0; i < area; i++) {
                        dst[to + area - 1 - i] = src[from + i];
                    }
                }
            }
        }
        return out;
    }

    private static Workspace workspace(ForkJoinPool pool, Kernel k) {
        if (pool == null) {
            Workspace ws = SINGLE.get();
            if (!fits(ws, k)) {
                ws = Workspace.forKernel(null, k);
                SINGLE.set(ws);
            }
            return ws;
        }
        synchronized (POOLED) {
            Workspace ws = POOLED.get(pool);
            if (!fits(ws, k)) {
                ws = Workspace.forKernel(pool, k);
                POOLED.put(pool, ws);
            }
            return ws;
        }
    }

    private static boolean fits(Workspace ws, Kernel k) {
        return ws != null && ws.scratch(0).length >= Align.FLOATS + k.scratchPerSlot()
                && ws.shared().length >= Align.FLOATS + k.sharedScratch();
    }
}
