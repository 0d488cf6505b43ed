package io.cnnkit.train.optim;

import io.cnnkit.exec.Tensor;

/**
 * {@code torch.nn.CrossEntropyLoss(label_smoothing=ε)} with mean reduction on logits [N, K]: the
 * target is (1 - ε)·onehot + ε/K, the loss -Σ target·log softmax averaged over the batch, and its
 * gradient (softmax - target) / N. In double.
 */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /** The loss, its gradient and the count of samples whose largest logit is the label. */
    public record Result(double loss, Tensor gradient, int correct) {
    }

    public static Result of(Tensor logits, int[] labels, double smoothing) {
        int n = logits.dim(0), k = logits.size() / n;
        Tensor grad = Tensor.zeros(logits.shape());
        double total = 0;
        int correct = 0;
        for (int b = 0; b < n; b++) {
            int base = b * k, best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double v = logits.get(base + c);
                if (v > max) {
                    max = v;
                    best = c;
                }
            }
            if (best == labels[b]) {
                correct++;
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(logits.get(base + c) - max);
            }
            double logSum = Math.log(sum) + max;
            for (int c = 0; c < k; c++) {
                double target = (c == labels[b] ? 1 - smoothing : 0) + smoothing / k;
                double logP = logits.get(base + c) - logSum;
                total -= target * logP;
                grad.set(base + c, (float) ((Math.exp(logP) - target) / n));
            }
        }
        return new Result(total / n, grad, correct);
    }
}
