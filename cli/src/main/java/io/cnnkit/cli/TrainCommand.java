package io.cnnkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.exec.io.WeightsException;
import io.cnnkit.train.Checkpoint;
import io.cnnkit.train.NonFiniteException;
import io.cnnkit.train.Trainer;
import io.cnnkit.train.TrainingNetwork;
import io.cnnkit.train.TrainingRun;
import io.cnnkit.train.insight.HeadTransfer;
import io.cnnkit.train.insight.LayerStatistics;
import io.cnnkit.train.data.Augmentation;
import io.cnnkit.train.data.DataException;
import io.cnnkit.train.data.DataSources;
import io.cnnkit.train.data.Dataset;
import io.cnnkit.train.optim.AdamW;
import io.cnnkit.train.optim.Optimizer;
import io.cnnkit.train.optim.Schedule;
import io.cnnkit.train.optim.Sgd;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a network with softmax cross-entropy on labelled images, as PyTorch would step by step.",
                "Each epoch writes the weights to OUT (PyTorch state_dict names: cnn run --weights OUT) and a checkpoint",
                "OUT.ckpt.safetensors for --resume, both atomically."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:trained", "1:training failed (a non-finite loss) or a file could not be written",
                "2:invalid network, data or options"})
final class TrainCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .cnn file")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "SPEC", description = "training data: " + DataOptions.SPECS)
    String data;

    @Option(names = "--val", paramLabel = "SPEC",
            description = "validation data, same forms, or split:F for a seeded fraction F of the training data")
    String val;

    @Option(names = "--epochs", required = true, paramLabel = "N", description = "epochs to train (in all, counting resumed ones)")
    int epochs;

    @Option(names = "--steps", paramLabel = "K", description = "at most K steps per epoch")
    Integer steps;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "64", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--optimizer", paramLabel = "sgd|adamw", defaultValue = "sgd", description = "default: ${DEFAULT-VALUE}")
    String optimizer;

    @Option(names = "--lr", required = true, paramLabel = "LR", description = "base learning rate")
    double lr;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    double momentum;

    @Option(names = "--dampening", paramLabel = "D", defaultValue = "0", description = "SGD dampening (default: ${DEFAULT-VALUE})")
    double dampening;

    @Option(names = "--nesterov", description = "SGD with Nesterov momentum")
    boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "WD",
            description = "L2 penalty for SGD, decoupled decay for AdamW (default: 0 for SGD, 0.01 for AdamW)")
    Double weightDecay;

    @Option(names = "--betas", split = ",", paramLabel = "B1,B2", description = "AdamW betas (default: 0.9,0.999)")
    double[] betas;

    @Option(names = "--eps", paramLabel = "E", defaultValue = "1e-8", description = "AdamW epsilon (default: ${DEFAULT-VALUE})")
    double eps;

    @Option(names = "--schedule", paramLabel = "S", defaultValue = "constant",
            description = "learning rate per epoch (or step, --per-step): constant, step:EVERY[:GAMMA], multistep:M1,M2,...[:GAMMA], cosine[:MIN_FACTOR]")
    String schedule;

    @Option(names = "--warmup", paramLabel = "N[:START]",
            description = "linear warm-up over N epochs (steps with --per-step) from START (default 0.1) times the rate")
    String warmup;

    @Option(names = "--per-step",
            description = "advance the schedule every step, not every epoch (PyTorch's schedulers stepped per"
                    + " iteration): --warmup N, step:EVERY, the milestones and cosine's period count steps")
    boolean perStep;

    @Option(names = "--clip-norm", paramLabel = "C", defaultValue = "0", description = "clip the global gradient norm to C (0: off)")
    double clipNorm;

    @Option(names = "--label-smoothing", paramLabel = "E", defaultValue = "0", description = "cross-entropy label smoothing")
    double labelSmoothing;

    @Option(names = "--aux-weight", paramLabel = "[NAME=]W",
            description = "loss weight of auxiliary outputs: W for all (default 0.3, GoogLeNet's), or NAME=W for one; repeatable")
    List<String> auxWeights = List.of();

    @Option(names = "--random-crop", paramLabel = "P", defaultValue = "0", description = "training: random crop after padding by P")
    int randomCrop;

    @Option(names = "--flip", description = "training: random horizontal flips")
    boolean flip;

    @Option(names = "--random-resized-crop", description = "training: random resized crop (scale 0.08-1, ratio 3/4-4/3)")
    boolean randomResizedCrop;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "seeds the initial weights, the shuffles, augmentation and dropout (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--weights", paramLabel = "INIT", description = "start from these weights instead of seeded ones")
    Path initial;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.safetensors", description = "the trained weights")
    Path output;

    @Option(names = "--metrics", paramLabel = "FILE.jsonl", description = "append one JSON line of metrics per epoch")
    Path metrics;

    @Option(names = "--stats-every", paramLabel = "K", defaultValue = "10",
            description = {"with --metrics, a line of per-layer statistics every K steps: gradient and weight norms,",
                    "update-to-weight ratio, activation mean and std, zeros after ReLU; 0: none (default: ${DEFAULT-VALUE})"})
    int statsEvery;

    @Option(names = "--freeze", paramLabel = "GLOB[,GLOB...]",
            description = {"do not train the layers whose names match (* crosses dots); !GLOB freezes all others",
                    "(--freeze '!fc': only the head trains). Frozen batchnorm uses its running statistics."})
    String freeze;

    @Option(names = "--resume", paramLabel = "CKPT", description = "continue from a checkpoint (OUT.ckpt.safetensors)")
    Path resume;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        int workers = threads == null ? Executor.defaultThreads() : threads;
        if (workers < 1 || batch < 1 || epochs < 1 || (steps != null && steps < 1) || !(lr > 0) || statsEvery < 0) {
            return fail(err, "--threads, --batch, --epochs and --steps must be at least 1, --lr positive and"
                    + " --stats-every 0 or more",
                    ExitCode.INVALID_INPUT);
        }
        if (output.toAbsolutePath().getParent() != null && !Files.isDirectory(output.toAbsolutePath().getParent())) {
            return fail(err, "the folder of " + output + " does not exist", ExitCode.INVALID_INPUT);
        }
        Optional<Analysis> analysis = Sources.analysis(model, batch, err);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        try {
            Map<String, Double> perOutput = new LinkedHashMap<>();
            double allAux = auxWeight(perOutput);
            TrainingNetwork net = TrainingNetwork.of(analysis.get(), perOutput, allAux);
            int channels = DataOptions.inputShape(net)[0];
            Augmentation augmentation = dataOptions.training(channels, randomCrop, flip, randomResizedCrop);
            Augmentation evaluation = dataOptions.evaluation(channels);
            Dataset train = dataOptions.open(data, net, augmentation);
            Optional<Dataset> validation = Optional.empty();
            if (val != null && val.startsWith("split:")) {
                Dataset[] parts = DataSources.split(train, parse(val.substring("split:".length()), "--val split"), seed);
                train = parts[0];
                validation = Optional.of(parts[1]);
            } else if (val != null) {
                validation = Optional.of(dataOptions.open(val, net, evaluation));
            }
            Optimizer opt = optimizer();
            Schedule sched = schedule();
            List<ParamRequirement> required = ParamRequirement.of(analysis.get());
            Optional<Checkpoint> checkpoint = Optional.empty();
            Weights start;
            if (resume != null) {
                Checkpoint c = Checkpoint.read(resume);
                if (!c.optimizer().equals(opt.describe()) || c.seed() != seed) {
                    return fail(err, resume + " was written with seed " + c.seed() + " and " + c.optimizer()
                            + "; this run has seed " + seed + " and " + opt.describe() + ": give the same options to resume",
                            ExitCode.INVALID_INPUT);
                }
                if (c.epochsDone() >= epochs) {
                    return fail(err, resume + " has done " + c.epochsDone() + " epochs already; ask for more with --epochs",
                            ExitCode.INVALID_INPUT);
                }
                start = Weights.of(c.weights()).requireExactly(required);
                opt.load(c.optimizerState());
                checkpoint = Optional.of(c);
            } else if (initial != null) {
                HeadTransfer transfer = HeadTransfer.load(initial, required, seed);
                for (String layer : transfer.initialised()) {
                    err.println("cnn train: " + layer + " has other shapes in " + initial + " (a head for another class"
                            + " count?): initialised it from seed " + seed + ", loaded everything else");
                }
                start = transfer.weights();
            } else {
                start = Weights.initialize(required, seed);
            }
            err.printf(Locale.ROOT, "training %s on %s (%d images%s), %s, %d threads%n", net.graph().name(),
                    train.describe(), train.size(), validation.map(v -> ", validation " + v.size()).orElse(""),
                    opt.describe(), workers);
            err.flush();
            if (metrics != null && resume == null) {
                Files.deleteIfExists(metrics);
            }
            String tty = System.getProperty(Sources.TTY_PROPERTY);
            Progress progress = new Progress(err, tty != null ? Boolean.parseBoolean(tty) : System.console() != null);
            // Ctrl-C: the run stops after the current step and writes a checkpoint; the hook waits for it
            AtomicBoolean stopRequested = new AtomicBoolean();
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stopRequested.set(true);
                try {
                    finished.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            TrainingRun.Outcome outcome;
            try (Trainer trainer = new Trainer(net, start.asMap(), opt,
                    new Trainer.Settings(workers, seed, labelSmoothing, clipNorm, false))) {
                Set<String> frozen = TrainingInsight.frozenLayers(net, n -> trainer.weights().containsKey(n + ".weight")
                        || trainer.weights().containsKey(n + ".bias"), freeze);
                trainer.freeze(frozen);
                if (!frozen.isEmpty()) {
                    List<String> names = List.copyOf(frozen);
                    err.println("freezing " + names.size() + " layers: " + String.join(", ", names.subList(0,
                            Math.min(6, names.size()))) + (names.size() > 6 ? " and " + (names.size() - 6) + " more" : ""));
                    err.flush();
                }
                if (metrics != null && statsEvery > 0) {
                    trainer.observe(new LayerStatistics(statsEvery, s -> appendMetrics(TrainingInsight.statsLine(s))));
                }
                outcome = TrainingRun.run(trainer, train, validation, augmentation, evaluation,
                        new TrainingRun.Plan(epochs, batch, lr, sched, steps == null ? 0 : steps, dataOptions.skipUnreadable),
                        seed, workers, checkpoint, output, new TrainingRun.Listener() {
                            @Override
                            public void step(int epoch, int all, int step, int stepsInEpoch, double loss, double accuracy,
                                             double imagesPerSecond) {
                                progress.step(epoch, all, step, stepsInEpoch, loss, accuracy, imagesPerSecond);
                            }

                            @Override
                            public void epoch(TrainingRun.EpochMetrics m) {
                                progress.epoch(m);
                                writeMetrics(m);
                            }
                        }, stopRequested::get);
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it returns now that the checkpoint is written
                }
            }
            if (outcome == TrainingRun.Outcome.STOPPED) {
                err.println("\ncnn train: interrupted; wrote " + output + " and " + TrainingRun.checkpointFor(output)
                        + " (continue with --resume " + TrainingRun.checkpointFor(output) + ")");
                err.flush();
                return ExitCode.FAILURE;
            }
            out.println("wrote " + output + " and " + TrainingRun.checkpointFor(output));
            out.flush();
            return ExitCode.OK;
        } catch (NonFiniteException e) {
            return fail(err, e.getMessage() + " (the last checkpoint is unchanged)", ExitCode.FAILURE);
        } catch (DataException | WeightsException | IllegalArgumentException e) {
            return fail(err, e.getMessage(), ExitCode.INVALID_INPUT);
        } catch (IOException | UncheckedIOException e) {
            return fail(err, e.getMessage(), ExitCode.FAILURE);
        }
    }

    private double auxWeight(Map<String, Double> perOutput) {
        double all = 0.3;
        for (String w : auxWeights) {
            int eq = w.indexOf('=');
            if (eq < 0) {
                all = parse(w, "--aux-weight");
            } else {
                perOutput.put(w.substring(0, eq), parse(w.substring(eq + 1), "--aux-weight"));
            }
        }
        return all;
    }

    private static double parse(String text, String option) {
        try {
            double v = Double.parseDouble(text);
            if (!Double.isFinite(v) || v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a non-negative number");
        }
    }

    private Optimizer optimizer() {
        switch (optimizer) {
            case "sgd":
                return new Sgd(momentum, dampening, nesterov, weightDecay == null ? 0 : weightDecay);
            case "adamw":
                if (betas != null && betas.length != 2) {
                    throw new IllegalArgumentException("--betas takes two values, B1,B2");
                }
                return new AdamW(betas == null ? 0.9 : betas[0], betas == null ? 0.999 : betas[1], eps,
                        weightDecay == null ? 0.01 : weightDecay);
            default:
                throw new IllegalArgumentException("--optimizer must be sgd or adamw, not '" + optimizer + "'");
        }
    }

    private Schedule schedule() {
        int warmEpochs = 0;
        double warmStart = 0.1;
        if (warmup != null) {
            String[] parts = warmup.split(":");
            try {
                warmEpochs = Integer.parseInt(parts[0]);
                if (parts.length == 2) {
                    warmStart = Double.parseDouble(parts[1]);
                }
                if (parts.length > 2 || warmEpochs < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--warmup takes N[:START], e.g. 5 or 5:0.1, not '" + warmup + "'");
            }
        }
        return new Schedule(Schedule.parseDecay(schedule), warmEpochs, warmStart, perStep);
    }

    private void writeMetrics(TrainingRun.EpochMetrics m) {
        if (metrics == null) {
            return;
        }
        ObjectNode line = JSON.createObjectNode();
        line.put("epoch", m.epoch()).put("step", m.step()).put("lr", m.lr()).put("train_loss", m.trainLoss())
                .put("train_top1", m.trainTop1());
        if (!Double.isNaN(m.valLoss())) {
            line.put("val_loss", m.valLoss()).put("val_top1", m.valTop1()).put("val_top5", m.valTop5());
        }
        line.put("images_per_s", m.imagesPerSecond()).put("seconds", m.seconds()).put("skipped", m.skipped());
        appendMetrics(line);
    }

    private void appendMetrics(ObjectNode line) {
        try (Writer w = Files.newBufferedWriter(metrics, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(JSON.writeValueAsString(line));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(metrics + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println("cnn train: " + message);
        err.flush();
        return code;
    }

    /** A progress line rewritten in place on a terminal; plain lines per epoch otherwise. */
    private static final class Progress {
        private final PrintWriter err;
        private final boolean terminal;
        private long lastPrint;
        private long epochStart;

        Progress(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        void step(int epoch, int epochs, int step, int steps, double loss, double accuracy, double imagesPerSecond) {
            long now = System.nanoTime();
            if (step == 1) {
                epochStart = now;
            }
            if (!terminal || (now - lastPrint < 200_000_000L && step < steps)) {
                return;
            }
            lastPrint = now;
            long eta = Math.round((now - epochStart) / 1e9 * (steps - step) / step);
            int width = 24, done = (int) ((long) width * step / steps);
            err.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d loss %.4f acc %.1f%% %.0f img/s ETA %d:%02d", epoch,
                    epochs, "=".repeat(done), " ".repeat(width - done), step, steps, loss, 100 * accuracy,
                    imagesPerSecond, eta / 60, eta % 60);
            err.flush();
        }

        void epoch(TrainingRun.EpochMetrics m) {
            if (terminal) {
                err.print("\r\033[K");
            }
            err.printf(Locale.ROOT, "epoch %d: lr %.4g, loss %.4f, top-1 %.2f%%", m.epoch(), m.lr(), m.trainLoss(),
                    100 * m.trainTop1());
            if (!Double.isNaN(m.valLoss())) {
                err.printf(Locale.ROOT, "; validation loss %.4f, top-1 %.2f%%, top-5 %.2f%%", m.valLoss(),
                        100 * m.valTop1(), 100 * m.valTop5());
            }
            err.printf(Locale.ROOT, "; %.0f img/s, %.1f s%s%n", m.imagesPerSecond(), m.seconds(),
                    m.skipped() > 0 ? ", " + m.skipped() + " unreadable images skipped" : "");
            err.flush();
        }
    }
}
