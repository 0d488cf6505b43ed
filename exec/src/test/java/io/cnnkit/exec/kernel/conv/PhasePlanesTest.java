package io.cnnkit.exec.kernel.conv;

import static org.junit.jupiter.api.Assertions.fail;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Padding;
import io.cnnkit.compiler.op.Size2;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Window;
import io.cnnkit.exec.kernel.Workspace;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The phase planes hold the zero-padded input by definition, xq[a][b][i][j] = xpad[i * sh + a][j * sw + b], at every size and stride. */
class PhasePlanesTest {
    @Test
    void planesHoldThePaddedInputSplitByStride() {
        Random rnd = new Random(7);
        Workspace ws = new Workspace(null, 1, 0);
        for (int trial = 0; trial < 300; trial++) {
            int channels = 1 + rnd.nextInt(3), h = 1 + rnd.nextInt(70), w = 1 + rnd.nextInt(90);
            int k = 1 + rnd.nextInt(7), stride = 1 + rnd.nextInt(4), pad = rnd.nextInt(k);
            if (h + 2 * pad < k || w + 2 * pad < k) {
                continue;
            }
            Op.Conv conv = new Op.Conv(4, Size2.square(k), Size2.square(stride), Padding.symmetric(pad, pad),
                    Size2.square(1), 1, false);
            Window win = Window.of(conv, new int[] {1, channels, h, w});
            PhasePlanes planes = new PhasePlanes(win, channels);
            float[] x = new float[channels * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextFloat() + 0.5f;   // never zero: a value in the padding shows
            }
            float[] dst = new float[planes.bufferSize(channels)];
            java.util.Arrays.fill(dst, Float.NaN);
            planes.fill(ws, Tensor.of(x, 1, channels, h, w), 0, channels, dst, 0);
            int wq = planes.width(), hq = planes.channelSize() / (stride * stride * wq);
            for (int c = 0; c < channels; c++) {
                for (int a = 0; a < stride; a++) {
                    for (int b = 0; b < stride; b++) {
                        for (int i = 0; i < hq; i++) {
                            for (int j = 0; j < wq; j++) {
                                int iy = i * stride + a - pad, ix = j * stride + b - pad;
                                float want = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[(c * h + iy) * w + ix];
                                int at = c * planes.channelSize() + (a * stride + b) * hq * wq + i * wq + j;
                                if (Float.compare(want, dst[at]) != 0) {
                                    fail("trial " + trial + " " + win + " c" + c + " phase " + a + "," + b
                                            + " at " + i + "," + j + ": " + dst[at] + " instead of " + want);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
