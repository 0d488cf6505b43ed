package io.cnnkit.train.grad;

import static io.cnnkit.train.grad.ReferenceBackwardTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The trainer's backward of every operator (the fast paths: GEMMs, per-channel batchnorm, blocks of
 * element-wise operators, image-parallel pools, LRN and merges) equals the reference backward, the
 * oracle, and PyTorch's autograd on every fixture case, at 1 and 2 threads, bit for bit across thread
 * counts; batchnorm's fast training forward equals the reference one, running statistics included
 * (its sums in float vector blocks: within 1e-6).
 */
class FastLayersTest {
    private static final ForkJoinPool TWO = new ForkJoinPool(2);

    @AfterAll
    static void shutdown() {
        TWO.shutdown();
    }

    static Stream<String> cases() {
        return ReferenceBackwardTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void equalsReferenceAndAutogradOnOneAndTwoThreads(String name) {
        ReferenceBackwardTest.Case c = ReferenceBackwardTest.Case.load(name);
        ReferenceBackwardTest.Forward f = c.forward();
        Tensor dy = c.tensors().get("dy");
        Gradients reference = ReferenceBackward.backward(c.op(), c.inputs(), f.output(), dy, c.params(), f.saved());
        Gradients one = ReferenceBackward.backwardFast(c.op(), c.inputs(), f.output(), dy, c.params(), f.saved(), null,
                true);
        Gradients two = ReferenceBackward.backwardFast(c.op(), c.inputs(), f.output(), dy, c.params(), f.saved(), TWO,
                true);
        for (int i = 0; i < c.inputs().size(); i++) {
            assertClose(name + " d input " + i + " vs reference", reference.inputs().get(i), one.inputs().get(i));
            assertClose(name + " d input " + i + " vs autograd", c.tensors().get("grad.in." + i), one.inputs().get(i));
            assertArrayEquals(one.inputs().get(i).toArray(), two.inputs().get(i).toArray(), name + " threads");
        }
        for (Map.Entry<String, Tensor> e : reference.params().entrySet()) {
            assertClose(name + " d " + e.getKey(), e.getValue(), one.params().get(e.getKey()));
            assertArrayEquals(one.params().get(e.getKey()).toArray(), two.params().get(e.getKey()).toArray());
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void batchNormForwardEqualsReference(int threads) {
        ReferenceBackwardTest.Case c = ReferenceBackwardTest.Case.load("batchnorm_train");
        Tensor x = c.inputs().get(0);
        Map<String, Tensor> referenceParams = copy(c.params()), fastParams = copy(c.params());
        Tensor expected = Tensor.zeros(x.shape()), actual = Tensor.zeros(x.shape());
        Saved s = TrainingForward.batchNorm((Op.BatchNorm) c.op(), x, referenceParams, expected);
        Saved fast = FastLayers.batchNormForward((Op.BatchNorm) c.op(), x, fastParams, actual, threads == 1 ? null : TWO);
        assertClose("output", expected, actual);
        assertClose("output vs PyTorch", c.tensors().get("out"), actual);
        assertStatisticsClose(s, fast, referenceParams, fastParams);
    }

    /**
     * On maps larger than the float vector sums' blocks (667 positions, values around 3 so that the
     * deviations from the mean matter), the fast batchnorm forward and backward equal the reference
     * within 1e-5, and the same bit for bit on 2 threads.
     */
    @org.junit.jupiter.api.Test
    void batchNormOnLargeMapsEqualsReference() {
        ReferenceBackwardTest.Case c = ReferenceBackwardTest.Case.load("batchnorm_train");
        Op.BatchNorm op = (Op.BatchNorm) c.op();
        int channels = c.inputs().get(0).dim(1);
        java.util.Random random = new java.util.Random(11);
        Tensor x = Tensor.zeros(3, channels, 23, 29), dy = Tensor.zeros(x.shape());
        for (int i = 0; i < x.size(); i++) {
            x.set(i, (float) (3 + random.nextGaussian()));
            dy.set(i, (float) random.nextGaussian());
        }
        Map<String, Tensor> referenceParams = copy(c.params()), fastParams = copy(c.params()), twoParams = copy(c.params());
        Tensor expected = Tensor.zeros(x.shape()), one = Tensor.zeros(x.shape()), two = Tensor.zeros(x.shape());
        Saved s = TrainingForward.batchNorm(op, x, referenceParams, expected);
        Saved fast = FastLayers.batchNormForward(op, x, fastParams, one, null);
        FastLayers.batchNormForward(op, x, twoParams, two, TWO);
        assertClose("output", expected, one);
        assertArrayEquals(one.toArray(), two.toArray());
        assertStatisticsClose(s, fast, referenceParams, fastParams);
        Gradients reference = ReferenceBackward.backward(op, java.util.List.of(x), expected, dy, c.params(), s);
        Gradients oneThread = ReferenceBackward.backwardFast(op, java.util.List.of(x), one, dy, c.params(), fast, null,
                true);
        Gradients twoThreads = ReferenceBackward.backwardFast(op, java.util.List.of(x), one, dy, c.params(), fast, TWO,
                true);
        assertClose("d input", reference.inputs().get(0), oneThread.inputs().get(0));
        assertArrayEquals(oneThread.inputs().get(0).toArray(), twoThreads.inputs().get(0).toArray());
        for (String p : new String[] {"weight", "bias"}) {
            assertClose("d " + p, reference.params().get(p), oneThread.params().get(p));
        }
    }

    /** The batch statistics within 1e-6 relative; the running ones within 1e-6 of their size. */
    private static void assertStatisticsClose(Saved expected, Saved actual, Map<String, Tensor> referenceParams,
                                              Map<String, Tensor> fastParams) {
        for (int i = 0; i < expected.batchMean().length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(expected.batchMean()[i], actual.batchMean()[i],
                    1e-6 * Math.max(1, Math.abs(expected.batchMean()[i])), "batch mean " + i);
            org.junit.jupiter.api.Assertions.assertEquals(expected.batchInvStd()[i], actual.batchInvStd()[i],
                    1e-6 * expected.batchInvStd()[i], "batch 1/std " + i);
        }
        for (String stat : new String[] {"running_mean", "running_var"}) {
            assertClose(stat, referenceParams.get(stat), fastParams.get(stat));
        }
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> params) {
        Map<String, Tensor> out = new HashMap<>();
        params.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }
}
