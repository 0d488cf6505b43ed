package io.cnnkit.train.optim;

import io.cnnkit.exec.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code torch.optim.AdamW}: p *= 1 - lr·wd; m = β1·m + (1 - β1)·g; v = β2·v + (1 - β2)·g²;
 * p -= lr / (1 - β1^t) · m / (sqrt(v) / sqrt(1 - β2^t) + eps).
 */
public final class AdamW implements Optimizer {
    private final double beta1, beta2, eps, weightDecay;
    private final Map<String, Tensor> firstMoments = new LinkedHashMap<>();
    private final Map<String, Tensor> secondMoments = new LinkedHashMap<>();
    private long steps;

    public AdamW(double beta1, double beta2, double eps, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1) || eps <= 0 || weightDecay < 0) {
            throw new IllegalArgumentException("AdamW needs betas in [0, 1), eps > 0 and weight decay >= 0");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(Map<String, Tensor> params, Map<String, Tensor> grads, double lr) {
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps), correction2 = 1 - Math.pow(beta2, steps);
        double stepSize = lr / correction1, root2 = Math.sqrt(correction2);
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue(), grad = grads.get(e.getKey());
            Tensor m = firstMoments.computeIfAbsent(e.getKey(), k -> Tensor.zeros(p.shape()));
            Tensor v = secondMoments.computeIfAbsent(e.getKey(), k -> Tensor.zeros(p.shape()));
            for (int i = 0; i < p.size(); i++) {
                double g = grad.get(i);
                float decayed = (float) (p.get(i) * (1 - lr * weightDecay));
                float mi = (float) (beta1 * m.get(i) + (1 - beta1) * g);
                float vi = (float) (beta2 * v.get(i) + (1 - beta2) * g * g);
                m.set(i, mi);
                v.set(i, vi);
                p.set(i, (float) (decayed - stepSize * mi / (Math.sqrt(vi) / root2 + eps)));
            }
        }
    }

    @Override
    public long stateBytes() {
        return java.util.stream.Stream.concat(firstMoments.values().stream(), secondMoments.values().stream())
                .mapToLong(t -> (long) t.size() * Float.BYTES).sum();
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("step", Tensor.of(new float[] {steps}, 1));
        firstMoments.forEach((k, t) -> out.put("exp_avg." + k, t.copy()));
        secondMoments.forEach((k, t) -> out.put("exp_avg_sq." + k, t.copy()));
        return out;
    }

    @Override
    public void load(Map<String, Tensor> state) {
        firstMoments.clear();
        secondMoments.clear();
        steps = 0;
        state.forEach((k, t) -> {
            if (k.equals("step")) {
                steps = (long) t.get(0);
            } else if (k.startsWith("exp_avg_sq.")) {
                secondMoments.put(k.substring("exp_avg_sq.".length()), t.copy());
            } else if (k.startsWith("exp_avg.")) {
                firstMoments.put(k.substring("exp_avg.".length()), t.copy());
            } else {
                throw new IllegalArgumentException("not AdamW state: " + k);
            }
        });
    }

    @Override
    public String describe() {
        return "adamw(betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weight_decay=" + weightDecay + ")";
    }
}
