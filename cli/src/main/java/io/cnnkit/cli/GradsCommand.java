package io.cnnkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.exec.io.WeightsException;
import io.cnnkit.train.TrainingNetwork;
import io.cnnkit.train.data.Augmentation;
import io.cnnkit.train.data.Batch;
import io.cnnkit.train.data.BatchLoader;
import io.cnnkit.train.data.DataException;
import io.cnnkit.train.data.Dataset;
import io.cnnkit.train.insight.GradientProbe;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "grads", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"One training-mode forward and backward pass on the first batch of the data, without an update:",
                "each parameter's gradient L2 norm, in the layer order and with the names of cnn analyze."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "1:the loss is not finite", "2:invalid network, weights, data or options"})
final class GradsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the .cnn file")
    Path model;

    @Option(names = "--weights", paramLabel = "W.safetensors", description = "weights (PyTorch names); default: seeded ones")
    Path weights;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "seed of the initial weights (He normal, as cnn train) when no --weights (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--data", required = true, paramLabel = "SPEC", description = DataOptions.SPECS)
    String data;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "32", description = "images in the batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table", description = "default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: all cores)")
    Integer threads;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int workers = threads == null ? Executor.defaultThreads() : threads;
        if (workers < 1 || batch < 1 || !(format.equals("table") || format.equals("json"))) {
            return fail(err, "--threads and --batch must be at least 1, --format table or json", ExitCode.INVALID_INPUT);
        }
        Optional<Analysis> analysis = Sources.analysis(model, batch, err);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        try {
            TrainingNetwork net = TrainingNetwork.of(analysis.get(), Map.of(), 0.3);
            List<ParamRequirement> required = ParamRequirement.of(analysis.get());
            Weights w = weights != null ? Weights.load(weights, required) : Weights.initialize(required, seed);
            Augmentation evaluation = dataOptions.evaluation(DataOptions.inputShape(net)[0]);
            Dataset set = dataOptions.open(data, net, evaluation);
            Batch first;
            try (BatchLoader loader = new BatchLoader(set, evaluation, DataOptions.inputShape(net), batch, false, seed, 0,
                    dataOptions.skipUnreadable)) {
                first = loader.next();
            }
            if (first == null) {
                return fail(err, "no readable image in the first batch", ExitCode.INVALID_INPUT);
            }
            GradientProbe.Result result = GradientProbe.of(net, w.asMap(), first.images(), first.labels(), workers, seed);
            if (!Double.isFinite(result.loss())) {
                return fail(err, "the loss is " + result.loss() + "; the gradients mean nothing", ExitCode.FAILURE);
            }
            out.print(format.equals("json") ? json(net, first.labels().length, result) : table(net, first, result));
            out.flush();
            return ExitCode.OK;
        } catch (DataException | WeightsException | IllegalArgumentException e) {
            return fail(err, e.getMessage(), ExitCode.INVALID_INPUT);
        }
    }

    private String table(TrainingNetwork net, Batch first, GradientProbe.Result result) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Layer", "Param", "Shape", "Grad norm", "Weight norm", "Grad/weight"});
        for (GradientProbe.Row r : result.rows()) {
            rows.add(new String[] {r.layer(), r.param(), shape(r.shape()), number(r.gradNorm()), number(r.weightNorm()),
                    number(r.ratio())});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s: gradients of one training-mode pass over %d images, loss %.6g%n%n",
                net.graph().name(), first.labels().length, result.loss()));
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                String cell = i < 3 ? String.format("%-" + width[i] + "s", row[i]) : String.format("%" + width[i] + "s", row[i]);
                s.append(cell).append(i + 1 < row.length ? "  " : "");
            }
            s.append('\n');
            if (r == 0) {
                s.append("-".repeat(java.util.Arrays.stream(width).sum() + 2 * (width.length - 1))).append('\n');
            }
        }
        return s.toString();
    }

    private static String json(TrainingNetwork net, int images, GradientProbe.Result result) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode().put("network", net.graph().name()).put("batch", images)
                .put("loss", result.loss());
        ArrayNode params = root.putArray("params");
        for (GradientProbe.Row r : result.rows()) {
            ObjectNode p = params.addObject().put("layer", r.layer()).put("param", r.param());
            ArrayNode shape = p.putArray("shape");
            for (int d : r.shape()) {
                shape.add(d);
            }
            p.put("grad_norm", r.gradNorm()).put("weight_norm", r.weightNorm());
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shape(int[] shape) {
        return String.join("x", java.util.Arrays.stream(shape).mapToObj(Integer::toString).toList());
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4e", v);
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println("cnn grads: " + message);
        err.flush();
        return code;
    }
}
