package io.cnnkit.bench;

import io.cnnkit.analyzer.TrainingMemory;
import io.cnnkit.analyzer.report.Units;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.onnx.ExportOptions;
import io.cnnkit.onnx.OnnxExporter;
import io.cnnkit.train.Trainer;
import io.cnnkit.train.TrainingNetwork;
import io.cnnkit.train.optim.Sgd;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code cnn bench --train}: full training steps (forward, cross-entropy, backward, SGD with
 * momentum 0.9 at lr 0.01) of cnnkit's trainer and of PyTorch on the CPU, on the same network,
 * initial weights and batch, alternated in rounds. PyTorch runs {@code torch_train_peer.py}, which
 * interprets the ONNX export of the network (auxiliary heads included, their losses weighted 0.3 on
 * both sides) with {@code torch.nn.functional}, in a Python process of its own; both sides'
 * first-step losses are compared before timing, unless dropout makes them differ.
 */
final class TrainBench {
    /** Relative tolerance of the first step's loss, cnnkit against PyTorch. */
    static final double LOSS_TOLERANCE = 1e-4;
    /** Operators listed from PyTorch's profile. */
    private static final int PEER_PROFILE_ROWS = 25;

    /** What the command's options give. */
    record Settings(int threads, int warmup, int runs, int stepsPerRun, String python, boolean peer, boolean profile) {
    }

    private TrainBench() {
    }

    /** Returns the exit code; {@code model} has been analysed at the batch. */
    static int run(BenchModel model, Settings settings, PrintWriter out, PrintWriter err) {
        TrainingNetwork net;
        try {
            net = TrainingNetwork.of(model.analysis(), Map.of(), 0.3);
        } catch (IllegalArgumentException e) {
            err.println("cnn bench --train: " + e.getMessage());
            return 2;
        }
        int batch = model.batch();
        int[] labels = new int[batch];
        Random random = new Random(7);
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(net.classes());
        }
        TrainingMemory planned = TrainingMemory.of(model.analysis(), 1);
        Path work = null;
        try (Trainer ours = new Trainer(net, model.weights().asMap(), new Sgd(0.9, 0, false, 0),
                new Trainer.Settings(settings.threads(), 1, 0, 0, false))) {
            Peer theirs = null;
            if (settings.peer()) {
                work = Files.createTempDirectory("cnn-bench-train");
                theirs = Peer.start(model, net, labels, settings, work, err);
                if (theirs == null) {
                    return 1;
                }
            }
            try {
                return measure(model, settings, ours, theirs, labels, planned, out, err);
            } finally {
                if (theirs != null) {
                    theirs.close();
                }
            }
        } catch (IOException e) {
            err.println("cnn bench --train: " + e.getMessage());
            return 1;
        } finally {
            delete(work);
        }
    }

    private static int measure(BenchModel model, Settings s, Trainer ours, Peer theirs, int[] labels,
                               TrainingMemory planned, PrintWriter out, PrintWriter err) throws IOException {
        int batch = model.batch();
        double ourLoss = ours.step(model.input(), labels, 0, 0.01).loss();
        boolean agree = true;
        boolean dropout = model.graph().layers().stream().anyMatch(l -> l.op() instanceof Op.Dropout d && d.p() > 0
                || l.op() instanceof Op.StochasticDepth sd && sd.p() > 0);
        if (theirs != null && dropout) {
            double theirLoss = theirs.run(1)[1];
            out.printf(Locale.ROOT, "first step's loss: cnnkit %.6f, PyTorch %s %.6f, not compared: dropout draws"
                    + " different masks on each side%n", ourLoss, theirs.version, theirLoss);
        } else if (theirs != null) {
            double[] first = theirs.run(1);
            double diff = Math.abs(ourLoss - first[1]) / Math.max(1e-12, Math.abs(first[1]));
            agree = diff <= LOSS_TOLERANCE;
            out.printf(Locale.ROOT, "first step's loss: cnnkit %.6f, PyTorch %s %.6f, relative difference %.1e %s%n",
                    ourLoss, theirs.version, first[1], diff, agree ? "ok" : "FAILED");
        }
        long step = 1;
        for (int i = 0; i < s.warmup(); i++) {
            for (int k = 0; k < s.stepsPerRun(); k++) {
                ours.step(model.input(), labels, step++, 0.01);
            }
            if (theirs != null) {
                theirs.run(s.stepsPerRun());
            }
        }
        long[] a = new long[s.runs()], b = new long[s.runs()];
        for (int i = 0; i < s.runs(); i++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < s.stepsPerRun(); k++) {
                ours.step(model.input(), labels, step++, 0.01);
            }
            a[i] = System.nanoTime() - t0;
            if (theirs != null) {
                b[i] = (long) (theirs.run(s.stepsPerRun())[0] * 1e9);
            }
        }
        Timings mine = new Timings(a);
        double images = (double) batch * s.stepsPerRun();
        out.printf(Locale.ROOT, "warm-up: %d runs per side; %d timed runs per side of %d step%s%s%n", s.warmup(),
                s.runs(), s.stepsPerRun(), s.stepsPerRun() == 1 ? "" : "s",
                theirs == null ? "" : ", alternated (cnnkit, PyTorch, cnnkit, ...)");
        String row = "%-18s %12s %12s %12s%n";
        out.printf(Locale.ROOT, row, "", "median img/s", "best img/s", "median ms");
        out.printf(Locale.ROOT, row, "cnnkit", f(images * 1e3 / mine.medianMillis()), f(images * 1e3 / mine.minMillis()),
                f(mine.medianMillis()));
        if (theirs != null) {
            Timings peer = new Timings(b);
            out.printf(Locale.ROOT, row, "PyTorch " + theirs.version, f(images * 1e3 / peer.medianMillis()),
                    f(images * 1e3 / peer.minMillis()), f(peer.medianMillis()));
            out.printf(Locale.ROOT, row, "ratio cnnkit/PyTorch", String.format(Locale.ROOT, "%.2f",
                    peer.medianMillis() / mine.medianMillis()), String.format(Locale.ROOT, "%.2f",
                    peer.minMillis() / mine.minMillis()), "");
        }
        if (s.profile()) {
            ours.profile(true);
            for (int i = 0; i < s.runs() * s.stepsPerRun(); i++) {
                ours.step(model.input(), labels, step++, 0.01);
            }
            TrainProfile.print(ours.profile(), model.analysis(), out);
            ours.profile(false);
            if (theirs != null) {
                out.println();
                out.printf(Locale.ROOT, "PyTorch %s, torch.autograd.profiler over %d steps (its own overhead"
                        + " included), the operators with the most self CPU time:%n", theirs.version,
                        s.runs() * s.stepsPerRun());
                theirs.profile(s.runs() * s.stepsPerRun(), PEER_PROFILE_ROWS).forEach(out::println);
            }
        }
        TrainingMemory.Totals held = ours.lastStepMemory();
        out.printf(Locale.ROOT, "training memory (cnn analyze --train): analyzer %s, trainer %s%s%n",
                Units.bytes(planned.totals().totalBytes()), Units.bytes(held.totalBytes()),
                held.equals(planned.totals()) ? " (equal)" : " (DIFFERENT)");
        if (!agree) {
            err.println("cnn bench --train: the first step's losses DISAGREE beyond " + LOSS_TOLERANCE
                    + "; the timings above compare different computations");
            return 1;
        }
        return 0;
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
    }

    /** The Python process running PyTorch. */
    private static final class Peer implements AutoCloseable {
        private final Process process;
        private final BufferedReader replies;
        private final Writer commands;
        private final String version;

        private Peer(Process process, BufferedReader replies, Writer commands, String version) {
            this.process = process;
            this.replies = replies;
            this.commands = commands;
            this.version = version;
        }

        static Peer start(BenchModel model, TrainingNetwork net, int[] labels, Settings s, Path work, PrintWriter err)
                throws IOException {
            Path script = work.resolve("torch_train_peer.py");
            try (InputStream in = TrainBench.class.getResourceAsStream("torch_train_peer.py")) {
                Files.copy(in, script);
            }
            Path onnx = Files.write(work.resolve("model.onnx"), OnnxExporter.export(model.graph(), model.analysis(),
                    model.weights().asMap(), ExportOptions.defaults().withBatch(model.batch()).withAuxOutputs(true))
                    .toByteArray());
            Path images = work.resolve("images.f32"), labelFile = work.resolve("labels.i64");
            Tensor x = model.input();
            ByteBuffer bytes = ByteBuffer.allocate(x.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < x.size(); i++) {
                bytes.putFloat(x.get(i));
            }
            Files.write(images, bytes.array());
            try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(labelFile))) {
                for (int label : labels) {
                    o.writeLong(Long.reverseBytes(label));
                }
            }
            List<String> command = new ArrayList<>(List.of(s.python(), script.toString(), onnx.toString(),
                    images.toString(), labelFile.toString(), Integer.toString(s.threads()), net.main().name()));
            for (int i = 0; i < net.aux().size(); i++) {
                command.add(net.aux().get(i).name() + "=" + net.auxWeights().get(i));
            }
            Process p;
            try {
                p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            } catch (IOException e) {
                err.println("cnn bench --train: cannot start " + s.python() + " for the PyTorch peer (--python PATH;"
                        + " --peer none times cnnkit alone): " + e.getMessage());
                return null;
            }
            BufferedReader replies = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Writer commands = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            String first = replies.readLine();
            if (first == null || !first.startsWith("ready ")) {
                err.println("cnn bench --train: the PyTorch peer did not start: " + (first == null
                        ? "it exited (is torch installed for " + s.python() + "?)" : first.replaceFirst("^error ", ""))
                        + "; --peer none times cnnkit alone");
                p.destroy();
                return null;
            }
            return new Peer(p, replies, commands, first.substring("ready ".length()));
        }

        /** Trains {@code steps} steps; returns their seconds and the last loss. */
        double[] run(int steps) throws IOException {
            commands.write("run " + steps + "\n");
            commands.flush();
            String reply = replies.readLine();
            if (reply == null || !reply.startsWith("seconds ")) {
                throw new IOException("the PyTorch peer stopped" + (reply == null ? "" : ": " + reply));
            }
            String[] words = reply.split(" ");
            return new double[] {Double.parseDouble(words[1]), Double.parseDouble(words[3])};
        }

        /** Trains {@code steps} steps under PyTorch's profiler; returns its table's lines. */
        List<String> profile(int steps, int rows) throws IOException {
            commands.write("profile " + steps + " " + rows + "\n");
            commands.flush();
            List<String> lines = new ArrayList<>();
            for (String reply = replies.readLine(); reply == null || !reply.equals("end"); reply = replies.readLine()) {
                if (reply == null || !reply.startsWith("| ")) {
                    throw new IOException("the PyTorch peer stopped" + (reply == null ? "" : ": " + reply));
                }
                lines.add(reply.substring(2));
            }
            return lines;
        }

        @Override
        public void close() {
            try {
                commands.write("quit\n");
                commands.flush();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroy();
                }
            } catch (IOException e) {
                process.destroy();
            } catch (InterruptedException e) {
                process.destroy();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
