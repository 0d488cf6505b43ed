package io.cnnkit.train.optim;

import io.cnnkit.exec.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * {@code torch.optim.SGD}: g += wd·p; with momentum, buf = g on the first step and
 * buf = momentum·buf + (1 - dampening)·g after; Nesterov uses g + momentum·buf, else buf; p -= lr·that.
 */
public final class Sgd implements Optimizer {
    /** Elements per parallel block of one parameter. */
    private static final int BLOCK = 1 << 16;
    private final double momentum, dampening, weightDecay;
    private final boolean nesterov;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    public Sgd(double momentum, double dampening, boolean nesterov, double weightDecay) {
        if (momentum < 0 || dampening < 0 || weightDecay < 0) {
            throw new IllegalArgumentException("momentum, dampening and weight decay must not be negative");
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum needs a momentum and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(Map<String, Tensor> params, Map<String, Tensor> grads, double lr) {
        step(params, grads, lr, null);
    }

    /** Each tensor in blocks of {@link #BLOCK} elements, the blocks on {@code pool}. */
    @Override
    public void step(Map<String, Tensor> params, Map<String, Tensor> grads, double lr, ForkJoinPool pool) {
        List<ForkJoinTask<?>> work = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue(), grad = grads.get(e.getKey());
            Tensor buf = buffers.get(e.getKey());
            boolean first = buf == null && momentum != 0;
            if (first) {
                buf = Tensor.zeros(p.shape());
                buffers.put(e.getKey(), buf);
            }
            Tensor b = buf;
            for (int from = 0; from < p.size(); from += BLOCK) {
                int start = from, end = Math.min(p.size(), from + BLOCK);
                work.add(ForkJoinTask.adapt(() -> update(p, grad, b, first, lr, start, end)));
            }
        }
        if (pool == null) {
            work.forEach(ForkJoinTask::invoke);
        } else {
            pool.submit(() -> ForkJoinTask.invokeAll(work)).join();
        }
    }

    /** Elements [from, to) of one parameter; {@code buf} is null without momentum. */
    private void update(Tensor p, Tensor grad, Tensor buf, boolean first, double lr, int from, int to) {
        float[] ps = p.data(), gs = grad.data(), bs = buf == null ? null : buf.data();
        int po = p.offset(), go = grad.offset(), bo = buf == null ? 0 : buf.offset();
        for (int i = from; i < to; i++) {
            float g = gs[go + i];
            if (weightDecay != 0) {
                g = (float) (g + weightDecay * ps[po + i]);
            }
            if (momentum != 0) {
                float b = first ? g : (float) (momentum * bs[bo + i] + (1 - dampening) * g);
                bs[bo + i] = b;
                g = nesterov ? (float) (g + momentum * b) : b;
            }
            ps[po + i] = (float) (ps[po + i] - lr * g);
        }
    }

    @Override
    public long stateBytes() {
        return buffers.values().stream().mapToLong(t -> (long) t.size() * Float.BYTES).sum();
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        buffers.forEach((k, v) -> out.put("momentum_buffer." + k, v.copy()));
        return out;
    }

    @Override
    public void load(Map<String, Tensor> state) {
        buffers.clear();
        state.forEach((k, v) -> {
            if (!k.startsWith("momentum_buffer.")) {
                throw new IllegalArgumentException("not SGD state: " + k);
            }
            buffers.put(k.substring("momentum_buffer.".length()), v.copy());
        });
    }

    @Override
    public String describe() {
        return "sgd(momentum=" + momentum + ", dampening=" + dampening + ", nesterov=" + nesterov
                + ", weight_decay=" + weightDecay + ")";
    }
}
