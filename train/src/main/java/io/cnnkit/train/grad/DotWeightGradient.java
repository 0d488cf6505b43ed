package io.cnnkit.train.grad;

import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A stride-1 convolution's weight gradient for few channels (LeNet's), as dot products along the
 * maps: dW[co][ci][ky][kx] = Σ over images and positions of dy[co][oy][ox] · x[ci][oy + ky·dh][ox + kx·dw].
 * Each input plane is copied once with its padding, and dy's rows once widened to the padded width
 * Wp with zeros, so that position oy·Wp + ox of dy meets x at the same index plus
 * ky·dh·Wp + kx·dw: every product is then two contiguous vectors, with no im2row, for Wp / outW
 * more multiply-adds. Four window columns share each load of dy, and the sums stay in registers
 * over all the images of a call. The register tiles ({@link ShiftedWeightGradient},
 * {@link ConvWeightGradient}) win once the channels fill them ({@link #pays}).
 */
final class DotWeightGradient {
    private static final VectorSpecies<Float> S = Simd.S;
    private static final boolean SCALAR = Boolean.getBoolean(KernelOptions.SCALAR_PROPERTY);
    /** Largest coutG · cinG for which dot products beat the tiles (LeNet's 16 x 6; ResNet's smallest is 64 x 64). */
    private static final int MAX_CHANNEL_PAIRS = 256;

    private final Geometry w;
    private final int coutG, cinG, wp, extended, plane, shiftRows;
    private final float[] xPad, dyWide;

    /** For up to {@code images} images per call. */
    DotWeightGradient(int coutG, int cinG, Geometry w, int images) {
        this.w = w;
        this.coutG = coutG;
        this.cinG = cinG;
        this.wp = w.inW() + w.padLeft() + w.padRight();
        int lanes = S.length();
        this.extended = (w.outH() * wp + lanes - 1) / lanes * lanes;
        this.shiftRows = w.dh() * wp;
        int hp = w.inH() + w.padTop() + w.padBottom();
        int maxShift = (w.kh() - 1) * shiftRows + (w.kw() - 1) * w.dw();
        this.plane = Math.max(hp * wp, extended + maxShift);
        this.xPad = new float[images * cinG * plane];
        this.dyWide = new float[images * coutG * extended];
    }

    static boolean pays(int coutG, int cinG, Geometry w) {
        return w.sh() == 1 && w.sw() == 1 && fewChannels(coutG, cinG);
    }

    /** Too few channels per group to fill the GEMM register tiles well. */
    static boolean fewChannels(int coutG, int cinG) {
        return coutG * cinG <= MAX_CHANNEL_PAIRS;
    }

    /** Adds the gradient of images [first, first + count) of group {@code g} to {@code dw} at {@code at} ([coutG, cinG, kh, kw]). */
    void add(float[] x, int xOff, int cin, float[] dy, int dyOff, int cout, int first, int count, int g, float[] dw,
             int at) {
        int inH = w.inH(), inW = w.inW(), outH = w.outH(), outW = w.outW();
        for (int i = 0; i < count; i++) {
            int b = first + i;
            for (int ci = 0; ci < cinG; ci++) {
                int src = xOff + ((b * cin + g * cinG + ci) * inH) * inW;
                int dst = (i * cinG + ci) * plane + w.padTop() * wp + w.padLeft();
                for (int iy = 0; iy < inH; iy++) {
                    System.arraycopy(x, src + iy * inW, xPad, dst + iy * wp, inW);
                }
            }
            for (int co = 0; co < coutG; co++) {
                int src = dyOff + ((b * cout + g * coutG + co) * outH) * outW, dst = (i * coutG + co) * extended;
                for (int oy = 0; oy < outH; oy++) {
                    System.arraycopy(dy, src + oy * outW, dyWide, dst + oy * wp, outW);
                }
            }
        }
        int kh = w.kh(), kw = w.kw(), dwStep = w.dw();
        for (int co = 0; co < coutG; co++) {
            for (int ci = 0; ci < cinG; ci++) {
                int out = at + (co * cinG + ci) * kh * kw;
                for (int ky = 0; ky < kh; ky++) {
                    int kx = 0;
                    if (!SCALAR) {
                        for (; kx + 4 <= kw; kx += 4) {
                            four(co, ci, ky * shiftRows + kx * dwStep, dwStep, count, dw, out + ky * kw + kx);
                        }
                    }
                    for (; kx < kw; kx++) {
                        dw[out + ky * kw + kx] += one(co, ci, ky * shiftRows + kx * dwStep, count);
                    }
                }
            }
        }
    }

    /** Four neighbouring window columns (shifts s, s + step, ...) of one channel pair, over the images. */
    private void four(int co, int ci, int s, int step, int count, float[] dw, int to) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int lanes = S.length();
        for (int i = 0; i < count; i++) {
            int d = (i * coutG + co) * extended, xb = (i * cinG + ci) * plane + s;
            for (int e = 0; e < extended; e += lanes) {
                FloatVector dv = FloatVector.fromArray(S, dyWide, d + e);
                a0 = FloatVector.fromArray(S, xPad, xb + e).fma(dv, a0);
                a1 = FloatVector.fromArray(S, xPad, xb + e + step).fma(dv, a1);
                a2 = FloatVector.fromArray(S, xPad, xb + e + 2 * step).fma(dv, a2);
                a3 = FloatVector.fromArray(S, xPad, xb + e + 3 * step).fma(dv, a3);
            }
        }
        dw[to] += a0.reduceLanes(VectorOperators.ADD);
        dw[to + 1] += a1.reduceLanes(VectorOperators.ADD);
        dw[to + 2] += a2.reduceLanes(VectorOperators.ADD);
        dw[to + 3] += a3.reduceLanes(VectorOperators.ADD);
    }

    /** One shift (the window's last columns), in vectors unless the scalar path is forced. */
    private float one(int co, int ci, int s, int count) {
        if (!SCALAR) {
            FloatVector a = FloatVector.zero(S);
            for (int i = 0; i < count; i++) {
                int d = (i * coutG + co) * extended, xb = (i * cinG + ci) * plane + s;
                for (int e = 0; e < extended; e += S.length()) {
                    a = FloatVector.fromArray(S, xPad, xb + e).fma(FloatVector.fromArray(S, dyWide, d + e), a);
                }
            }
            return a.reduceLanes(VectorOperators.ADD);
        }
        float sum = 0;
        for (int i = 0; i < count; i++) {
            int d = (i * coutG + co) * extended, xb = (i * cinG + ci) * plane + s;
            for (int e = 0; e < extended; e++) {
                sum += dyWide[d + e] * xPad[xb + e];
            }
        }
        return sum;
    }
}
