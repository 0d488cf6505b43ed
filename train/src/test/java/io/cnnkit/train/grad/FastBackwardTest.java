package io.cnnkit.train.grad;

import static io.cnnkit.train.grad.ReferenceBackwardTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.ReferenceKernels;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The GEMM backward of conv and dense equals autograd on the fixtures, at 1 and 2 threads, and
 * equals the reference backward on a batch of 9 (three chunks, one short), bit for bit across threads.
 */
class FastBackwardTest {

    @ParameterizedTest(name = "{0} on {1} threads")
    @CsvSource({"conv_groups, 1", "conv_groups, 2", "conv_depthwise, 2", "conv_dense, 1", "conv_dense, 2",
                "dense_vector, 1", "dense_vector, 2"})
    void matchesAutograd(String name, int threads) {
        ReferenceBackwardTest.Case c = ReferenceBackwardTest.Case.load(name);
        ForkJoinPool pool = threads == 1 ? null : new ForkJoinPool(threads);
        try {
            Gradients g = FastBackward.backward(c.op(), c.inputs().get(0), c.tensors().get("dy"), c.params(), pool);
            assertClose(name + " d input", c.tensors().get("grad.in.0"), g.inputs().get(0));
            for (String p : g.params().keySet()) {
                assertClose(name + " d " + p, c.tensors().get("grad.param." + p), g.params().get(p));
            }
        } finally {
            if (pool != null) {
                pool.shutdown();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"maxpool_ceil_ties", "maxpool_pad_dilation", "globalmaxpool_ties", "relu", "linear"})
    void poolingReluAndLinearMatchAutograd(String name) {
        ReferenceBackwardTest.Case c = ReferenceBackwardTest.Case.load(name);
        Tensor x = c.inputs().get(0);
        Tensor y = ReferenceKernels.run(c.op(), c.inputs(), c.params());
        Gradients g = ReferenceBackward.backwardFast(c.op(), c.inputs(), y, c.tensors().get("dy"), c.params(),
                Saved.NONE, null, true);
        assertClose(name + " d input", c.tensors().get("grad.in.0"), g.inputs().get(0));
        assertArrayEquals(x.shape(), g.inputs().get(0).shape());
        for (String p : g.params().keySet()) {
            assertClose(name + " d " + p, c.tensors().get("grad.param." + p), g.params().get(p));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"conv_groups", "conv_dense"})
    void largerBatchEqualsReferenceAndIgnoresThreads(String name) {
        ReferenceBackwardTest.Case c = ReferenceBackwardTest.Case.load(name);
        int[] shape = c.inputs().get(0).shape();
        shape[0] = 9;
        Random random = new Random(7);
        Tensor x = Tensor.zeros(shape);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, (float) random.nextGaussian());
        }
        Tensor y = ReferenceKernels.run(c.op(), List.of(x), c.params());
        Tensor dy = Tensor.zeros(y.shape());
        for (int i = 0; i < dy.size(); i++) {
            dy.set(i, (float) random.nextGaussian());
        }
        Gradients expected = ReferenceBackward.backward(c.op(), List.of(x), y, dy, c.params(), Saved.NONE);
        Gradients one = FastBackward.backward(c.op(), x, dy, c.params(), null);
        ForkJoinPool pool = new ForkJoinPool(2);
        Gradients two = FastBackward.backward(c.op(), x, dy, c.params(), pool);
        pool.shutdown();
        assertClose(name + " d input", expected.inputs().get(0), one.inputs().get(0));
        for (Map.Entry<String, Tensor> e : expected.params().entrySet()) {
            assertClose(name + " d " + e.getKey(), e.getValue(), one.params().get(e.getKey()));
            assertArrayEquals(one.params().get(e.getKey()).toArray(), two.params().get(e.getKey()).toArray());
        }
        assertArrayEquals(one.inputs().get(0).toArray(), two.inputs().get(0).toArray());
    }
}
