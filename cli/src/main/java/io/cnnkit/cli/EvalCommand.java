package io.cnnkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.exec.Executor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import io.cnnkit.exec.io.WeightsException;
import io.cnnkit.train.Evaluation;
import io.cnnkit.train.TrainingNetwork;
import io.cnnkit.train.data.Augmentation;
import io.cnnkit.train.data.DataException;
import io.cnnkit.train.data.Dataset;
import java.io.PrintWriter;
import java.nio.file.Path;
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

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate trained weights on labelled images: loss, top-1, top-5, per-class accuracy, confusion matrix.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:evaluated", "1:an internal failure", "2:invalid network, weights, data or options"})
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the .cnn file")
    Path model;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "weights (PyTorch names)")
    Path weights;

    @Option(names = "--data", required = true, paramLabel = "SPEC", description = DataOptions.SPECS)
    String data;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table", description = "default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "100", description = "default: ${DEFAULT-VALUE}")
    int batch;

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
            err.println("cnn eval: --threads and --batch must be at least 1, --format table or json");
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
        Optional<Analysis> analysis = Sources.analysis(model, batch, err);
        if (analysis.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        try {
            TrainingNetwork net = TrainingNetwork.of(analysis.get(), Map.of(), 0);
            Weights w = Weights.load(weights, ParamRequirement.of(analysis.get()));
            Augmentation evaluation = dataOptions.evaluation(DataOptions.inputShape(net)[0]);
            Dataset set = dataOptions.open(data, net, evaluation);
            Evaluation e = Evaluation.of(net, w.asMap(), set, evaluation, batch, workers, dataOptions.skipUnreadable);
            List<String> names = set.classNames();
            if (format.equals("json")) {
                out.println(json(e, names));
            } else {
                table(e, names, set, out);
            }
            out.flush();
            return ExitCode.OK;
        } catch (DataException | WeightsException | IllegalArgumentException e) {
            err.println("cnn eval: " + e.getMessage());
            err.flush();
            return ExitCode.INVALID_INPUT;
        }
    }

    private static String name(List<String> names, int c) {
        return c < names.size() ? names.get(c) : Integer.toString(c);
    }

    private static void table(Evaluation e, List<String> names, Dataset set, PrintWriter out) {
        out.printf(Locale.ROOT, "%s: %d images%s%n", set.describe(), e.samples(),
                e.skipped() > 0 ? " (" + e.skipped() + " unreadable skipped)" : "");
        out.printf(Locale.ROOT, "loss %.4f   top-1 %.2f%%   top-5 %.2f%%%n%n", e.loss(), 100 * e.top1(), 100 * e.top5());
        double[] per = e.perClass();
        int width = 5;
        for (int c = 0; c < per.length; c++) {
            width = Math.max(width, name(names, c).length());
        }
        out.printf(Locale.ROOT, "%-" + width + "s  accuracy  confusion (columns: predicted class 0..%d)%n", "class",
                per.length - 1);
        for (int c = 0; c < per.length; c++) {
            StringBuilder row = new StringBuilder();
            for (long v : e.confusion()[c]) {
                row.append(String.format(Locale.ROOT, " %5d", v));
            }
            out.printf(Locale.ROOT, "%-" + width + "s  %7s %s%n", name(names, c),
                    Double.isNaN(per[c]) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * per[c]), row);
        }
    }

    private static String json(Evaluation e, List<String> names) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("samples", e.samples()).put("loss", e.loss()).put("top1", e.top1()).put("top5", e.top5())
                .put("skipped", e.skipped());
        ArrayNode classes = root.putArray("classes");
        double[] per = e.perClass();
        for (int c = 0; c < per.length; c++) {
            ObjectNode node = classes.addObject().put("label", c).put("name", name(names, c));
            if (Double.isNaN(per[c])) {
                node.putNull("accuracy");
            } else {
                node.put("accuracy", per[c]);
            }
        }
        ArrayNode confusion = root.putArray("confusion");
        for (long[] row : e.confusion()) {
            ArrayNode r = confusion.addArray();
            for (long v : row) {
                r.add(v);
            }
        }
        return root.toString();
    }
}
