package io.cnnkit.train;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.exec.io.WeightsException;
import io.cnnkit.train.data.Augmentation;
import io.cnnkit.train.data.Batch;
import io.cnnkit.train.data.BatchLoader;
import io.cnnkit.train.data.Dataset;
import io.cnnkit.train.optim.Schedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Epochs of training: each epoch a seeded shuffle of the data in batches, one trainer step per
 * batch at the schedule's rate for the epoch (or the step), then an evaluation on the validation data, the
 * weights written to the output and a checkpoint beside it (both atomically).
 */
public final class TrainingRun {

    /** What the run reports as it goes. */
    public interface Listener {
        void step(int epoch, int epochs, int step, int steps, double loss, double accuracy, double imagesPerSecond);

        void epoch(EpochMetrics metrics);
    }

    /** One line of metrics. Validation figures are NaN without validation data. */
    public record EpochMetrics(int epoch, long step, double lr, double trainLoss, double trainTop1, double valLoss,
                               double valTop1, double valTop5, double imagesPerSecond, double seconds, int skipped) {
    }

    /** @param maxSteps steps per epoch at most (0: the whole data) */
    public record Plan(int epochs, int batch, double lr, Schedule schedule, int maxSteps, boolean skipUnreadable) {
    }

    private TrainingRun() {
    }

    /** The checkpoint written beside {@code output}: {@code OUT.ckpt.safetensors}. */
    public static Path checkpointFor(Path output) {
        String name = output.getFileName().toString();
        String base = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return output.resolveSibling(base + ".ckpt.safetensors");
    }

    /** How a run ended. */
    public enum Outcome { COMPLETED, STOPPED }

    /**
     * Runs epochs {@code resume.epochsDone + 1} to {@code plan.epochs} (all of them without a
     * checkpoint; a checkpoint taken mid-epoch continues with the next batch of that epoch). The
     * trainer must hold the checkpoint's weights and optimiser state already. {@code stop} is
     * asked after every step; when it says yes, the weights and a checkpoint are written and the
     * run returns {@link Outcome#STOPPED}.
     */
    public static Outcome run(Trainer trainer, Dataset train, Optional<Dataset> val, Augmentation augmentation,
                              Augmentation evalAugmentation, Plan plan, long seed, int threads,
                              Optional<Checkpoint> resume, Path output, Listener listener, BooleanSupplier stop) {
        int[] input = trainer.network().inputShape().dims().stream().mapToInt(Long::intValue).toArray();
        int stepsPerEpoch = (train.size() + plan.batch() - 1) / plan.batch();
        if (plan.maxSteps() > 0) {
            stepsPerEpoch = Math.min(stepsPerEpoch, plan.maxSteps());
        }
        long step = resume.map(Checkpoint::stepsDone).orElse(0L);
        int skip = resume.map(Checkpoint::batchesDone).orElse(0);
        for (int epoch = resume.map(Checkpoint::epochsDone).orElse(0); epoch < plan.epochs(); epoch++, skip = 0) {
            double lr = plan.schedule().rateAt(plan.lr(), epoch, plan.epochs(), step, stepsPerEpoch);
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0, seen = 0;
            int skipped = 0;
            try (BatchLoader loader = new BatchLoader(train, augmentation, input, plan.batch(), true, seed, epoch,
                    plan.skipUnreadable(), skip)) {
                for (int s = skip; s < stepsPerEpoch; s++) {
                    Batch b = loader.next();
                    if (b == null) {
                        break;
                    }
                    skipped += b.skipped();
                    lr = plan.schedule().rateAt(plan.lr(), epoch, plan.epochs(), step, stepsPerEpoch);
                    Trainer.StepResult r = trainer.step(b.images(), b.labels(), step++, lr);
                    lossSum += r.loss() * r.batch();
                    correct += r.correct();
                    seen += r.batch();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    listener.step(epoch + 1, plan.epochs(), s + 1, stepsPerEpoch, lossSum / seen, (double) correct / seen,
                            seen / seconds);
                    if (stop.getAsBoolean() && s + 1 < stepsPerEpoch) {
                        save(trainer, output, new Checkpoint(trainer.weights(), trainer.optimizer().state(), epoch, s + 1,
                                step, seed, trainer.optimizer().describe()));
                        return Outcome.STOPPED;
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double valLoss = Double.NaN, valTop1 = Double.NaN, valTop5 = Double.NaN;
            if (val.isPresent()) {
                Evaluation e = Evaluation.of(trainer.network(), trainer.weights(), val.get(), evalAugmentation,
                        plan.batch(), threads, plan.skipUnreadable());
                valLoss = e.loss();
                valTop1 = e.top1();
                valTop5 = e.top5();
            }
            save(trainer, output, new Checkpoint(trainer.weights(), trainer.optimizer().state(), epoch + 1, 0, step,
                    seed, trainer.optimizer().describe()));
            listener.epoch(new EpochMetrics(epoch + 1, step, lr, lossSum / seen, (double) correct / seen, valLoss, valTop1,
                    valTop5, seen / seconds, seconds, skipped));
            if (stop.getAsBoolean() && epoch + 1 < plan.epochs()) {
                return Outcome.STOPPED;
            }
        }
        return Outcome.COMPLETED;
    }

    /**
     * Writes the weights, then the checkpoint, each atomically.
     *
     * @throws UncheckedIOException when either cannot be written (a full disk): the file that failed
     *                              is as it was
     */
    private static void save(Trainer trainer, Path output, Checkpoint checkpoint) {
        try {
            SafeTensors.write(output, trainer.weights());
        } catch (WeightsException e) {
            throw new UncheckedIOException(e.getMessage() + " (" + output + " and " + checkpointFor(output)
                    + " are unchanged)", new IOException(e));
        }
        try {
            checkpoint.write(checkpointFor(output));
        } catch (WeightsException e) {
            throw new UncheckedIOException(e.getMessage() + " (" + checkpointFor(output) + " is unchanged; " + output
                    + " holds the newer weights)", new IOException(e));
        }
    }
}
