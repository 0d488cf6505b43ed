package io.cnnkit.train.optim;

import io.cnnkit.exec.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code torch.optim.SGD}: g += wd·p; with momentum, buf = g on the first step and
 * buf = momentum·buf + (1 - dampening)·g after; Nesterov uses g + momentum·buf, else buf; p -= lr·that.
 */
public final class Sgd implements Optimizer {
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
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue(), grad = grads.get(e.getKey());
            Tensor buf = buffers.get(e.getKey());
            boolean first = buf == null && momentum != 0;
            if (first) {
                buf = Tensor.zeros(p.shape());
                buffers.put(e.getKey(), buf);
            }
            for (int i = 0; i < p.size(); i++) {
                float g = grad.get(i);
                if (weightDecay != 0) {
                    g = (float) (g + weightDecay * p.get(i));
                }
                if (momentum != 0) {
                    float b = first ? g : (float) (momentum * buf.get(i) + (1 - dampening) * g);
                    buf.set(i, b);
                    g = nesterov ? (float) (g + momentum * b) : b;
                }
                p.set(i, (float) (p.get(i) - lr * g));
            }
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
