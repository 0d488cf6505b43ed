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
 * counts; batchnorm's fast training forward equals the reference one, running statistics included.
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
        assertArrayEquals(s.batchMean(), fast.batchMean());
        assertArrayEquals(s.batchInvStd(), fast.batchInvStd());
        for (String stat : new String[] {"running_mean", "running_var"}) {
            assertArrayEquals(referenceParams.get(stat).toArray(), fastParams.get(stat).toArray(), stat);
        }
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> params) {
        Map<String, Tensor> out = new HashMap<>();
        params.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }
}
