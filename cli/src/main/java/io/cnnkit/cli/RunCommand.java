package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ImagePreprocessing;
import io.cnnkit.exec.io.Images;
import io.cnnkit.exec.io.InputException;
import io.cnnkit.exec.io.Labels;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.exec.io.TensorInputs;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.exec.io.WeightsException;
import io.cnnkit.exec.kernel.OpRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cnn run}: inputs are decoded, run and printed a chunk at a time, so the first results
 * appear after one chunk and memory holds one chunk whatever the number of inputs.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a network on images (PNG, JPEG, BMP; files or folders) or on a tensor from safetensors.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ran", "1:the output file could not be written",
                "2:invalid network, weights, images or options"})
final class RunCommand implements Callable<Integer> {
    /** Inputs are decoded and run this many at a time. */
    static final int CHUNK = 16;
    static final int MAX_THREADS = 256;
    static final int MAX_RESIZE = 16_384;

    enum Format { table, json, csv }

    enum OnError { skip, stop }

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .cnn file")
    Path model;

    @ArgGroup(exclusive = true)
    WeightSource source = new WeightSource();

    @Option(names = "--input", arity = "1..*", required = true, paramLabel = "PATH",
            description = "images or folders of images, or one .safetensors tensor ([N,] C, H, W)")
    List<Path> inputs;

    @Option(names = "--format", defaultValue = "table",
            description = "table, json or csv: each input's path and top-K classes (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "classes to print per input (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--labels", paramLabel = "FILE", description = "class names, one per line")
    Path labels;

    @Option(names = "--on-error", paramLabel = "skip|stop", defaultValue = "stop",
            description = "an image that cannot be read: stop the run, or skip it and count it (default: ${DEFAULT-VALUE})")
    OnError onError;

    @Option(names = "--output", paramLabel = "OUT.safetensors", description = "write every output tensor here")
    Path output;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads, 1 to " + MAX_THREADS + " (default: all cores)")
    Integer threads;

    @Option(names = "--profile", description = "print time and achieved GFLOP/s per layer")
    boolean profile;

    @Option(names = "--resize", paramLabel = "S",
            description = "resize the shorter image side to S before the centre crop (default: H * 256 / 224)")
    Integer resize;

    @Option(names = "--mean", split = ",", paramLabel = "M",
            description = "per-channel mean for normalising images (default: ImageNet's 0.485,0.456,0.406)")
    float[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S",
            description = "per-channel standard deviation (default: ImageNet's 0.229,0.224,0.225)")
    float[] std;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int workers = threads == null ? Executor.defaultThreads() : threads;
        Optional<String> invalid = invalidOption(workers);
        if (invalid.isPresent()) {
            return fail(err, invalid.get(), ExitCode.INVALID_INPUT);
        }
        if (output != null && !Outputs.usable(output, "run", err, outputInputs())) {
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> analysis = Sources.analysis(model, 1, err);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        try {
            Weights weights = source.load(analysis.get(), err, "predictions are not meaningful without --weights");
            List<String> classNames = labels == null ? List.of() : Labels.read(labels);
            Run run = new Run(analysis.get().graph(), weights, classNames, workers, out, err);
            Map<String, Tensor> results = run.all();
            if (output != null) {
                SafeTensors.write(output, results);
                err.println("wrote " + results.keySet() + " to " + output);
            }
        } catch (InputException | WeightsException | IllegalArgumentException e) {
            return fail(err, e.getMessage(), ExitCode.INVALID_INPUT);
        } catch (java.io.UncheckedIOException e) {
            return fail(err, e.getMessage(), ExitCode.FAILURE);
        }
        out.flush();
        err.flush();
        return ExitCode.OK;
    }

    /** Every file the run reads, which --output must not replace. */
    private Path[] outputInputs() {
        List<Path> read = new ArrayList<>(inputs);
        read.add(model);
        read.add(source.weights);
        read.add(labels);
        return read.toArray(Path[]::new);
    }

    private Optional<String> invalidOption(int workers) {
        if (workers < 1 || workers > MAX_THREADS) {
            return Optional.of("--threads must be between 1 and " + MAX_THREADS + ", got " + workers);
        }
        if (top < 1) {
            return Optional.of("--top must be at least 1, got " + top);
        }
        if (resize != null && (resize < 1 || resize > MAX_RESIZE)) {
            return Optional.of("--resize must be between 1 and " + MAX_RESIZE + " pixels, got " + resize);
        }
        return Optional.empty();
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println("cnn run: " + message);
        err.flush();
        return code;
    }

    /** One run over all inputs: chunks are decoded, executed, printed and dropped in turn. */
    private final class Run {
        private final NetworkGraph graph;
        private final Weights weights;
        private final List<String> classNames;
        private final int workers;
        private final PrintWriter err;
        private final RunResults printer;
        private final Layer input;
        private final Map<String, List<Tensor>> kept = new LinkedHashMap<>();
        private Executor executor;
        private int ran;
        private int skipped;

        Run(NetworkGraph graph, Weights weights, List<String> classNames, int workers, PrintWriter out, PrintWriter err) {
            this.graph = graph;
            this.weights = weights;
            this.classNames = classNames;
            this.workers = workers;
            this.err = err;
            this.printer = RunResults.of(format, out);
            if (graph.inputs().size() != 1) {
                throw new InputException("the network has " + graph.inputs().size() + " inputs; cnn run feeds networks"
                        + " with exactly one");
            }
            this.input = graph.inputs().get(0);
        }

        /** Runs every input; returns the outputs of all of them when {@code --output} asks for them. */
        Map<String, Tensor> all() {
            int[] perSample = ((Op.Input) input.op()).shape().dims().stream().mapToInt(Long::intValue).toArray();
            boolean tensorInput = inputs.size() == 1 && inputs.get(0).toString().endsWith(".safetensors");
            ImagePreprocessing preprocessing = tensorInput ? null : preprocessing(perSample);
            List<Path> files = tensorInput ? List.of() : imageFiles();
            printer.header(new RunResults.Header(model.toString(),
                    source.weights == null ? null : source.weights.toString(), source.seed(), top));
            try {
                if (tensorInput) {
                    runTensor(TensorInputs.read(inputs.get(0), input.name(), perSample));
                } else {
                    runImages(files, preprocessing, perSample);
                }
            } finally {
                closeExecutor();
            }
            printer.finish(ran, skipped);
            if (skipped > 0) {
                err.println("cnn run: skipped " + skipped + " of " + (ran + skipped) + " images that could not be read");
            }
            if (ran == 0) {
                throw new InputException("no input could be run");
            }
            Map<String, Tensor> whole = new LinkedHashMap<>();
            kept.forEach((name, parts) -> whole.put(name, concatenate(parts)));
            return whole;
        }

        private ImagePreprocessing preprocessing(int[] perSample) {
            if (perSample.length != 3 || (perSample[0] != 1 && perSample[0] != 3)) {
                throw new InputException("the network's input is " + String.join("x", Arrays.stream(perSample)
                        .mapToObj(String::valueOf).toList()) + "; images feed inputs of 1 or 3 channels");
            }
            ImagePreprocessing p = ImagePreprocessing.forInput(perSample[0], perSample[1], perSample[2]);
            if (resize != null) {
                p = p.withResizeShorter(resize);
            }
            if (mean != null || std != null) {
                p = p.withNormalization(mean != null ? mean : p.mean(), std != null ? std : p.std());
            }
            return p;
        }

        /** The files behind the inputs: folders listed (names only; images are decoded chunk by chunk). */
        private List<Path> imageFiles() {
            List<Path> files = new ArrayList<>();
            for (Path path : inputs) {
                if (Files.isDirectory(path)) {
                    files.addAll(Images.listFolder(path));
                } else {
                    files.add(path);
                }
            }
            return files;
        }

        private void runImages(List<Path> files, ImagePreprocessing p, int[] perSample) {
            int per = Tensor.checkedSize(perSample);
            try (ProgressBar bar = Progress.bar(files.size(), CHUNK)) {
                for (int from = 0; from < files.size(); from += CHUNK) {
                    List<Path> chunk = files.subList(from, Math.min(files.size(), from + CHUNK));
                    List<float[]> decoded = new ArrayList<>();
                    List<String> names = new ArrayList<>();
                    for (Path file : chunk) {
                        try {
                            decoded.add(Images.loadOne(file, p));
                            names.add(file.toString());
                        } catch (InputException e) {
                            if (onError == OnError.stop) {
                                throw new InputException(e.getMessage() + " (--on-error skip skips such files)", e);
                            }
                            skipped++;
                            Progress.clearLine(bar);
                            err.println("cnn run: skipped " + e.getMessage());
                            err.flush();
                            printer.skipped(file.toString(), e.getMessage());
                        }
                    }
                    if (!decoded.isEmpty()) {
                        Tensor batch = Tensor.zeros(batchShape(decoded.size(), perSample));
                        for (int i = 0; i < decoded.size(); i++) {
                            System.arraycopy(decoded.get(i), 0, batch.data(), batch.offset() + i * per, per);
                        }
                        decoded.clear();
                        Progress.clearLine(bar);
                        runChunk(batch, names);
                    }
                    if (bar != null) {
                        bar.stepTo(from + chunk.size());
                    }
                }
            }
        }

        private void runTensor(Tensor all) {
            int n = all.dim(0);
            int per = all.size() / Math.max(1, n);
            int[] perSample = Arrays.copyOfRange(all.shape(), 1, all.rank());
            for (int from = 0; from < n; from += CHUNK) {
                int count = Math.min(CHUNK, n - from);
                Tensor chunk = Tensor.view(all.data(), all.offset() + from * per, batchShape(count, perSample));
                List<String> names = new ArrayList<>();
                for (int i = from; i < from + count; i++) {
                    names.add(inputs.get(0) + "[" + i + "]");
                }
                runChunk(chunk, names);
            }
        }

        private void runChunk(Tensor batch, List<String> names) {
            Executor e = executorFor(batch.dim(0));
            Map<String, Tensor> results = e.run(Map.of(input.name(), batch));
            for (Map.Entry<String, Tensor> result : results.entrySet()) {
                print(result.getKey(), result.getValue(), names);
                if (output != null) {
                    kept.computeIfAbsent(result.getKey(), k -> new ArrayList<>()).add(result.getValue());
                }
            }
            ran += names.size();
        }

        private Executor executorFor(int batch) {
            if (executor == null || executor.inputShapes().get(input.name())[0] != batch) {
                closeExecutor();
                executor = new Executor(graph, weights.asMap(), batch, workers);
                if (profile) {
                    // warm-up: the first run compiles the kernels
                    executor.run(Map.of(input.name(), Tensor.zeros(executor.inputShapes().get(input.name()))));
                    executor.setProfiling(true);
                }
            }
            return executor;
        }

        private void closeExecutor() {
            if (executor != null) {
                if (profile) {
                    Profiles.print(executor.profile(), spec.commandLine().getOut());
                }
                executor.close();
                executor = null;
            }
        }

        private boolean saidNotClasses;

        /** Top-K of a class output: softmax probabilities (the network's own, if it ends in softmax). */
        private void print(String name, Tensor scores, List<String> names) {
            if (scores.rank() != 2) {
                if (!saidNotClasses) {
                    printer.notClasses(name, Arrays.toString(Arrays.copyOfRange(scores.shape(), 1, scores.rank()))
                            + " per input");
                    saidNotClasses = true;
                }
                return;
            }
            boolean probabilities = graph.outputs().stream().anyMatch(o -> o.name().equals(name)
                    && o.layer().op() instanceof Op.Softmax);
            Tensor shown = probabilities ? scores : OpRunner.runReference(new Op.Softmax(), List.of(scores), Map.of());
            List<List<Labels.Prediction>> best = Labels.topK(shown, top, classNames);
            for (int n = 0; n < best.size(); n++) {
                printer.result(names.get(n), name, best.get(n));
            }
        }
    }

    private static int[] batchShape(int n, int[] perSample) {
        int[] shape = new int[perSample.length + 1];
        shape[0] = n;
        System.arraycopy(perSample, 0, shape, 1, perSample.length);
        return shape;
    }

    private static Tensor concatenate(List<Tensor> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int[] shape = parts.get(0).shape();
        shape[0] = parts.stream().mapToInt(p -> p.dim(0)).sum();
        Tensor all = Tensor.zeros(shape);
        int at = 0;
        for (Tensor t : parts) {
            System.arraycopy(t.data(), t.offset(), all.data(), at, t.size());
            at += t.size();
        }
        return all;
    }
}
