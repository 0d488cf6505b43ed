package io.cnnkit.train;

import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.train.data.Augmentation;
import io.cnnkit.train.data.Batch;
import io.cnnkit.train.data.BatchLoader;
import io.cnnkit.train.data.Dataset;
import io.cnnkit.train.optim.CrossEntropy;
import java.util.Map;

/**
 * A network's inference (batchnorm on running statistics, dropout off) over a labelled dataset:
 * mean cross-entropy, top-1 and top-5 accuracy, per-class accuracy and the confusion matrix
 * (rows: true class, columns: predicted).
 */
public record Evaluation(int samples, double loss, double top1, double top5, long[][] confusion, int skipped) {

    /** Accuracy of each true class (NaN for a class with no samples). */
    public double[] perClass() {
        double[] out = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            long total = 0;
            for (long v : confusion[c]) {
                total += v;
            }
            out[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }
        return out;
    }

    /** Runs {@code net} with {@code weights} on {@code data} in batches of {@code batch} (the last one padded). */
    public static Evaluation of(TrainingNetwork net, Map<String, Tensor> weights, Dataset data, Augmentation augmentation,
                                int batch, int threads, boolean skipUnreadable) {
        int[] input = net.inputShape().dims().stream().mapToInt(Long::intValue).toArray();
        int classes = net.classes();
        long[][] confusion = new long[classes][classes];
        double lossSum = 0;
        long top1 = 0, top5 = 0, samples = 0;
        int skipped = 0;
        String inputName = net.input().name(), outputName = net.main().name();
        try (Executor executor = new Executor(net.graph(), weights, batch, threads);
             BatchLoader loader = new BatchLoader(data, augmentation, input, batch, false, 0, 0, skipUnreadable)) {
            for (Batch b = loader.next(); b != null; b = loader.next()) {
                skipped += b.skipped();
                int n = b.labels().length;
                Tensor images = b.images();
                if (n < batch) {
                    Tensor full = Tensor.zeros(batch, input[0], input[1], input[2]);
                    System.arraycopy(images.data(), images.offset(), full.data(), full.offset(), images.size());
                    images = full;
                }
                Tensor out = executor.run(Map.of(inputName, images)).get(outputName);
                float[] logits = java.util.Arrays.copyOf(out.toArray(), n * classes);
                Tensor scores = Tensor.of(logits, n, classes);
                lossSum += CrossEntropy.of(scores, b.labels(), 0).loss() * n;
                for (int i = 0; i < n; i++) {
                    int label = b.labels()[i], predicted = 0, above = 0;
                    float own = logits[i * classes + label];
                    for (int c = 0; c < classes; c++) {
                        float v = logits[i * classes + c];
                        if (v > logits[i * classes + predicted]) {
                            predicted = c;
                        }
                        if (v > own) {
                            above++;
                        }
                    }
                    confusion[label][predicted]++;
                    top1 += predicted == label ? 1 : 0;
                    top5 += above < 5 ? 1 : 0;
                }
                samples += n;
            }
        }
        return new Evaluation((int) samples, lossSum / samples, (double) top1 / samples, (double) top5 / samples,
                confusion, skipped);
    }
}
