package io.cnnkit.train.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * The learning rate in closed form, as PyTorch's schedulers give it: {@code StepLR},
 * {@code MultiStepLR}, {@code CosineAnnealingLR} (T_max = the run's length), each optionally
 * chained with {@code LinearLR} warm-up whose factor multiplies ({@code ChainedScheduler}). Stepped
 * once per epoch, or with {@code perStep} once per training step: then the warm-up length, the step
 * size, the milestones and T_max count steps.
 */
public record Schedule(Decay decay, int warmupEpochs, double warmupStart, boolean perStep) {

    public sealed interface Decay permits Constant, Step, MultiStep, Cosine {
        double factor(int epoch, int epochs);
    }

    public record Constant() implements Decay {
        public double factor(int epoch, int epochs) {
            return 1;
        }
    }

    /** StepLR: gamma^(epoch / every). */
    public record Step(int every, double gamma) implements Decay {
        public double factor(int epoch, int epochs) {
            return Math.pow(gamma, epoch / every);
        }
    }

    /** MultiStepLR: gamma to the number of milestones passed. */
    public record MultiStep(List<Integer> milestones, double gamma) implements Decay {
        public MultiStep {
            milestones = List.copyOf(milestones);
        }

        public double factor(int epoch, int epochs) {
            return Math.pow(gamma, milestones.stream().filter(m -> m <= epoch).count());
        }
    }

    /** CosineAnnealingLR with T_max = epochs: minimum + (1 - minimum)(1 + cos(π·epoch / epochs)) / 2 of the base rate. */
    public record Cosine(double minimumFactor) implements Decay {
        public double factor(int epoch, int epochs) {
            return minimumFactor + (1 - minimumFactor) * (1 + Math.cos(Math.PI * epoch / epochs)) / 2;
        }
    }

    public static final Schedule CONSTANT = new Schedule(new Constant(), 0, 1, false);

    public Schedule(Decay decay, int warmupEpochs, double warmupStart) {
        this(decay, warmupEpochs, warmupStart, false);
    }

    public Schedule {
        if (warmupEpochs < 0 || warmupStart <= 0 || warmupStart > 1) {
            throw new IllegalArgumentException("warm-up needs epochs >= 0 and a start factor in (0, 1]");
        }
    }

    /**
     * The rate of training step {@code step} (0-based over the run) in epoch {@code epoch}, for a run
     * of {@code epochs} epochs of {@code stepsPerEpoch} steps.
     */
    public double rateAt(double base, int epoch, int epochs, long step, int stepsPerEpoch) {
        if (!perStep) {
            return rate(base, epoch, epochs);
        }
        return rate(base, Math.toIntExact(step), Math.multiplyExact(epochs, stepsPerEpoch));
    }

    /** The rate at position {@code epoch} of {@code epochs} (steps of the run when {@link #perStep}). */
    public double rate(double base, int epoch, int epochs) {
        double warm = warmupEpochs == 0 ? 1
                : warmupStart + (1 - warmupStart) * Math.min(epoch, warmupEpochs) / warmupEpochs;
        return base * warm * decay.factor(epoch, epochs);
    }

    /**
     * Parses {@code constant}, {@code step:EVERY[:GAMMA]}, {@code multistep:M1,M2,...[:GAMMA]}
     * (gamma 0.1 by default) or {@code cosine[:MIN_FACTOR]}.
     */
    public static Decay parseDecay(String text) {
        String[] parts = text.split(":", -1);
        try {
            switch (parts[0]) {
                case "constant":
                    if (parts.length == 1) {
                        return new Constant();
                    }
                    break;
                case "step":
                    if (parts.length == 2 || parts.length == 3) {
                        int every = Integer.parseInt(parts[1]);
                        if (every > 0) {
                            return new Step(every, parts.length == 3 ? Double.parseDouble(parts[2]) : 0.1);
                        }
                    }
                    break;
                case "multistep":
                    if (parts.length == 2 || parts.length == 3) {
                        List<Integer> milestones = new ArrayList<>();
                        for (String m : parts[1].split(",")) {
                            milestones.add(Integer.parseInt(m.trim()));
                        }
                        return new MultiStep(milestones, parts.length == 3 ? Double.parseDouble(parts[2]) : 0.1);
                    }
                    break;
                case "cosine":
                    if (parts.length <= 2) {
                        return new Cosine(parts.length == 2 ? Double.parseDouble(parts[1]) : 0);
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("unknown schedule '" + text + "': expected constant, step:EVERY[:GAMMA], "
                + "multistep:M1,M2,...[:GAMMA] or cosine[:MIN_FACTOR]");
    }
}
