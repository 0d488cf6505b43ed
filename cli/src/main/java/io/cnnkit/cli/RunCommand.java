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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a network on images (PNG, JPEG, BMP; files or folders) or on a tensor from safetensors.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ran", "1:the output file could not be written",
                "2:invalid network, weights, images or options"})
final class RunCommand implements Callable<Integer> {
    /** Images are run in chunks of this many, so a folder of thousands needs no more memory than one chunk. */
    private static final int CHUNK = 16;

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .cnn file")
    Path model;

    @ArgGroup(exclusive = true)
    WeightSource source = new WeightSource();

    @Option(names = "--input", arity = "1..*", required = true, paramLabel = "PATH",
            description = "images or folders of images, or one .safetensors tensor ([N,] C, H, W)")
    List<Path> inputs;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "classes to print per input (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--labels", paramLabel = "FILE", description = "class names, one per line")
    Path labels;

    @Option(names = "--output", paramLabel = "OUT.safetensors", description = "write every output tensor here")
    Path output;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: all cores)")
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

    /** The image files behind the inputs (folders expanded), in batch order; empty for a tensor input. */
    private List<Path> imageFiles = List.of();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int workers = threads == null ? Executor.defaultThreads() : threads;
        if (workers < 1 || top < 1 || (resize != null && resize < 1)) {
            err.println("cnn run: --threads, --top and --resize must be at least 1");
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        if (output != null && !Outputs.usable(output, "run", err, outputInputs())) {
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> analysis = Sources.analysis(model, 1, err);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        NetworkGraph graph = analysis.get().graph();
        try {
            Weights weights = source.load(analysis.get(), err, "predictions are not meaningful without --weights");
            List<String> classNames = labels == null ? List.of() : Labels.read(labels);
            Map<String, Tensor> results = run(graph, weights, workers, err, out);
            printTop(graph, results, classNames, out);
            if (output != null) {
                SafeTensors.write(output, results);
                err.println("wrote " + results.keySet() + " to " + output);
            }
        } catch (InputException | WeightsException | IllegalArgumentException e) {
            err.println("cnn run: " + e.getMessage());
            err.flush();
            return ExitCode.INVALID_INPUT;
        } catch (java.io.UncheckedIOException e) {
            err.println("cnn run: " + e.getMessage());
            err.flush();
            return ExitCode.FAILURE;
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

    /** Runs every input chunk and returns each output with the whole batch, in input order. */
    private Map<String, Tensor> run(NetworkGraph graph, Weights weights, int workers, PrintWriter err, PrintWriter out) {
        if (graph.inputs().size() != 1) {
            throw new InputException("the network has " + graph.inputs().size() + " inputs; cnn run feeds networks"
                    + " with exactly one");
        }
        Layer input = graph.inputs().get(0);
        int[] perSample = perSample(input);
        List<Tensor> batches = new ArrayList<>();
        if (inputs.size() == 1 && inputs.get(0).toString().endsWith(".safetensors")) {
            batches.add(TensorInputs.read(inputs.get(0), input.name(), perSample));
        } else {
            batches.addAll(imageChunks(perSample, err));
        }
        Map<Integer, Executor> executors = new LinkedHashMap<>();
        List<Map<String, Tensor>> results = new ArrayList<>();
        try {
            for (Tensor batch : batches) {
                Executor executor = executors.computeIfAbsent(batch.dim(0),
                        n -> new Executor(graph, weights.asMap(), n, workers));
                if (profile) {
                    executor.run(Map.of(input.name(), batch)); // warm-up: the first run also compiles the kernels
                    executor.setProfiling(true);
                }
                results.add(executor.run(Map.of(input.name(), batch)));
            }
            if (profile) {
                executors.values().forEach(e -> Profiles.print(e.profile(), out));
            }
        } finally {
            executors.values().forEach(Executor::close);
        }
        return concatenate(results);
    }

    private List<Tensor> imageChunks(int[] perSample, PrintWriter err) {
        if (perSample.length != 3 || (perSample[0] != 1 && perSample[0] != 3)) {
            throw new InputException("the network's input is " + String.join("x", java.util.Arrays.stream(perSample)
                    .mapToObj(String::valueOf).toList()) + "; images feed inputs of 1 or 3 channels");
        }
        List<Path> files = new ArrayList<>();
        for (Path path : inputs) {
            if (Files.isDirectory(path)) {
                files.addAll(Images.listFolder(path));
            } else {
                files.add(path);
            }
        }
        imageFiles = List.copyOf(files);
        ImagePreprocessing preprocessing = ImagePreprocessing.forInput(perSample[0], perSample[1], perSample[2]);
        if (resize != null) {
            preprocessing = preprocessing.withResizeShorter(resize);
        }
        if (mean != null || std != null) {
            preprocessing = preprocessing.withNormalization(mean != null ? mean : preprocessing.mean(),
                    std != null ? std : preprocessing.std());
        }
        List<Tensor> chunks = new ArrayList<>();
        boolean showProgress = files.size() > CHUNK && System.console() != null;
        try (ProgressBar bar = showProgress ? new ProgressBarBuilder().setTaskName("images").setInitialMax(files.size())
                .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build() : null) {
            for (int from = 0; from < files.size(); from += CHUNK) {
                List<Path> chunk = files.subList(from, Math.min(files.size(), from + CHUNK));
                int done = from;
                chunks.add(Images.loadBatch(chunk, preprocessing, n -> {
                    if (bar != null) {
                        bar.stepTo(done + n);
                    }
                }));
            }
        }
        return chunks;
    }

    private static int[] perSample(Layer input) {
        return ((Op.Input) input.op()).shape().dims().stream().mapToInt(Long::intValue).toArray();
    }

    private static Map<String, Tensor> concatenate(List<Map<String, Tensor>> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Map<String, Tensor> whole = new LinkedHashMap<>();
        for (String name : parts.get(0).keySet()) {
            int rows = parts.stream().mapToInt(p -> p.get(name).dim(0)).sum();
            int[] shape = parts.get(0).get(name).shape();
            shape[0] = rows;
            Tensor all = Tensor.zeros(shape);
            int at = 0;
            for (Map<String, Tensor> part : parts) {
                Tensor t = part.get(name);
                System.arraycopy(t.data(), t.offset(), all.data(), at, t.size());
                at += t.size();
            }
            whole.put(name, all);
        }
        return whole;
    }

    /** Top-K of every vector output: softmax probabilities (the network's own, if it ends in softmax). */
    private void printTop(NetworkGraph graph, Map<String, Tensor> results, List<String> classNames, PrintWriter out) {
        for (Map.Entry<String, Tensor> result : results.entrySet()) {
            Tensor scores = result.getValue();
            if (scores.rank() != 2) {
                out.println(result.getKey() + ": " + scores + " (not a class vector; use --output to save it)");
                continue;
            }
            boolean probabilities = graph.outputs().stream().anyMatch(o -> o.name().equals(result.getKey())
                    && o.layer().op() instanceof Op.Softmax);
            Tensor shown = probabilities ? scores : OpRunner.runReference(new Op.Softmax(), List.of(scores), Map.of());
            List<List<Labels.Prediction>> top = Labels.topK(shown, this.top, classNames);
            for (int n = 0; n < top.size(); n++) {
                String who = n < imageFiles.size() ? imageFiles.get(n).toString() : "#" + n;
                out.println(who + " (" + result.getKey() + "):");
                for (Labels.Prediction p : top.get(n)) {
                    out.printf(Locale.ROOT, "  %6.2f%%  %4d  %s%n", 100 * p.score(), p.index(), p.label().orElse(""));
                }
            }
        }
    }
}
