package io.cnnkit.train;

import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.analyzer.TrainingMemory;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.OpVisitor;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Kernels;
import io.cnnkit.exec.kernel.ReferenceKernels;
import io.cnnkit.exec.kernel.Workspace;
import io.cnnkit.train.grad.Buffers;
import io.cnnkit.train.grad.FastLayers;
import io.cnnkit.train.grad.Gradients;
import io.cnnkit.train.grad.PreparedConvs;
import io.cnnkit.train.grad.ReferenceBackward;
import io.cnnkit.train.grad.Saved;
import io.cnnkit.train.grad.TrainingForward;
import io.cnnkit.train.optim.CrossEntropy;
import io.cnnkit.train.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Trains a compiled network step by step as PyTorch does in {@code model.train()}: a forward pass
 * over the layers in topological order keeping every layer's output (batchnorm on batch
 * statistics, dropout with a mask drawn from the seed, the step and the layer), the
 * cross-entropy of the main output plus the weighted ones of the auxiliary outputs, the backward
 * pass in reverse order (conv and dense as GEMMs), optional clipping by norm, then the
 * optimiser's update. Parameters are held under their PyTorch {@code state_dict} names.
 */
public final class Trainer implements AutoCloseable {

    /**
     * @param reference run the reference kernels (forward and backward) instead of the fast ones
     * @param clipNorm  the largest global gradient norm; 0 for none
     */
    public record Settings(int threads, long seed, double labelSmoothing, double clipNorm, boolean reference) {
        public Settings {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            if (!(labelSmoothing >= 0 && labelSmoothing < 1) || !(clipNorm >= 0)) {
                throw new IllegalArgumentException("label smoothing must be in [0, 1) and the clip norm >= 0");
            }
        }
    }

    /** The weighted loss of one step, and how many samples the main output ranked right. */
    public record StepResult(double loss, int correct, int batch) {
    }

    private final TrainingNetwork net;
    private final Settings settings;
    private final Optimizer optimizer;
    private final Map<String, Tensor> weights = new LinkedHashMap<>();
    private final Map<String, Tensor> trainable = new LinkedHashMap<>();
    private final Map<String, Map<String, Tensor>> byLayer = new HashMap<>();
    private final ForkJoinPool pool;
    private final KernelOptions options;
    private final Map<String, Workspace> workspaces = new HashMap<>();
    /** Every layer's output buffer by layer and batch shape, written again by each step. */
    private final Map<String, Tensor> outputBuffers = new HashMap<>();
    private TrainingMemory.Totals lastStepMemory;
    private StepObserver observer = StepObserver.NONE;
    private Freezing freezing;
    /** Gradient arrays recycled from step to step by the fast kernels (the reference ones allocate). */
    private final Buffers buffers;
    /** Null unless profiling. */
    private StepProfile profile;
    /** Elements per parallel block when gradients flowing into one layer are added up. */
    private static final int ADD_BLOCK = 1 << 12;
    /** Each convolution's input shape in the last step, and that step's batch shape. */
    private final Map<Integer, int[]> convInputs = new HashMap<>();
    private int[] lastImages;
    /** This step's convolution kernels, prepared before its forward pass. */
    private PreparedConvs prepared = PreparedConvs.NONE;

    /** {@code initial}: every tensor the network needs (PyTorch names), copied. */
    public Trainer(TrainingNetwork net, Map<String, Tensor> initial, Optimizer optimizer, Settings settings) {
        this.net = net;
        this.settings = settings;
        this.optimizer = optimizer;
        initial.forEach((name, t) -> weights.put(name, t.copy()));
        for (Layer layer : net.graph().layers()) {
            Map<String, Tensor> own = new LinkedHashMap<>();
            String prefix = layer.name() + ".";
            weights.forEach((name, t) -> {
                if (name.startsWith(prefix) && name.indexOf('.', prefix.length()) < 0) {
                    String param = name.substring(prefix.length());
                    own.put(param, t);
                    if (param.equals("weight") || param.equals("bias")) {
                        trainable.put(name, t);
                    }
                }
            });
            Tensor bare = weights.get(layer.name());
            if (bare != null) {
                // a tensor named as a layer is that layer's bare parameter (a scale layer's factors)
                own.put(ParamSpec.BARE, bare);
                trainable.put(layer.name(), bare);
            }
            byLayer.put(layer.name(), own);
        }
        this.pool = settings.threads() == 1 ? null : new ForkJoinPool(settings.threads());
        this.buffers = settings.reference() ? Buffers.NONE : Buffers.recycling();
        this.options = KernelOptions.defaults(settings.threads());
        this.freezing = Freezing.of(net, this::hasParams, Set.of());
    }

    private boolean hasParams(String layer) {
        return byLayer.get(layer).keySet().stream().anyMatch(p -> p.equals("weight") || p.equals("bias"));
    }

    /** Looks into sampled steps from now on. */
    public void observe(StepObserver observer) {
        this.observer = observer;
    }

    /** Starts timing each layer's passes from the next step on (a fresh profile), or stops. */
    public void profile(boolean on) {
        profile = on ? new StepProfile() : null;
    }

    /** The times since {@link #profile} switched it on; null when off. */
    public StepProfile profile() {
        return profile;
    }

    /** Now, when profiling. */
    private long tick() {
        return profile == null ? 0 : System.nanoTime();
    }

    /** Stops updating these layers (see {@link Freezing}); call before the first step. */
    public void freeze(Set<String> layers) {
        freezing = Freezing.of(net, this::hasParams, layers);
        trainable.keySet().removeIf(name -> layers.contains(name.substring(0, name.lastIndexOf('.'))));
    }

    public TrainingNetwork network() {
        return net;
    }

    /** The current tensors (live: copy them to keep a snapshot). */
    public Map<String, Tensor> weights() {
        return weights;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * What the last step held, counted from its tensors (each array once): the parameters, the
     * optimiser state, the layer outputs and saved masks and statistics of the forward pass, and the
     * largest sum of live activation and parameter gradients in the backward pass; the analyzer's
     * {@link TrainingMemory} plans the same. Null before the first step.
     */
    public TrainingMemory.Totals lastStepMemory() {
        return lastStepMemory;
    }

    /**
     * One training step on {@code images} [N, C, H, W] with {@code labels} in [0, classes):
     * forward, loss, backward, update at learning rate {@code lr}. {@code step} (counted from 0
     * over the whole run) seeds the dropout masks.
     *
     * @throws NonFiniteException if the loss is NaN or infinite; the weights are then unchanged
     */
    public StepResult step(Tensor images, int[] labels, long step, double lr) {
        List<Layer> order = net.graph().layers();
        Map<Integer, Tensor> outputs = new HashMap<>();
        Map<Integer, Saved> saved = new HashMap<>();
        long prepareStart = tick();
        prepared = prepareConvolutions(order, images.shape());
        if (profile != null) {
            profile.prepare(System.nanoTime() - prepareStart);
        }
        for (Layer layer : order) {
            List<Tensor> in = new ArrayList<>();
            for (Layer from : net.graph().inputsOf(layer)) {
                in.add(outputs.get(from.id()));
            }
            long t0 = tick();
            Forward forward = new Forward(layer, in, images, step);
            outputs.put(layer.id(), layer.op().accept(forward));
            saved.put(layer.id(), forward.saved);
            if (profile != null) {
                profile.forward(layer, System.nanoTime() - t0);
            }
        }
        long lossStart = tick();
        long activationBytes = keptBytes(outputs.values(), saved.values());
        Map<Integer, Tensor> grads = new HashMap<>();
        CrossEntropy.Result main = loss(net.main(), outputs, labels, 1, grads);
        double total = main.loss();
        for (int i = 0; i < net.aux().size(); i++) {
            total += net.auxWeights().get(i) * loss(net.aux().get(i), outputs, labels, net.auxWeights().get(i), grads)
                    .loss();
        }
        if (!Double.isFinite(total)) {
            throw new NonFiniteException(step, total, firstNonFinite(order, outputs));
        }
        if (profile != null) {
            profile.loss(System.nanoTime() - lossStart);
        }
        Map<String, Tensor> paramGrads = new LinkedHashMap<>();
        long gradientPeak = bytes(grads.values()), paramGradBytes = 0;
        for (int i = order.size() - 1; i >= 0; i--) {
            Layer layer = order.get(i);
            Tensor dy = grads.remove(layer.id());
            if (dy == null || layer.op() instanceof Op.Input || !freezing.runsBackward(layer)) {
                continue;
            }
            long t0 = tick();
            long pending = bytes(grads.values()) + (long) dy.size() * Float.BYTES;
            List<Layer> from = net.graph().inputsOf(layer);
            List<Tensor> in = new ArrayList<>();
            for (Layer f : from) {
                in.add(outputs.get(f.id()));
            }
            Map<String, Tensor> params = byLayer.get(layer.name());
            Tensor out = outputs.get(layer.id());
            Gradients g = settings.reference()
                    ? ReferenceBackward.backward(layer.op(), in, out, dy, params, saved.get(layer.id()))
                    : ReferenceBackward.backwardFast(layer.op(), in, out, dy, params, saved.get(layer.id()), pool,
                            computesInputGradient(layer), buffers, prepared.transposed(layer.id()));
            long fresh = bytes(g.inputs()) + bytes(g.params().values());
            gradientPeak = Math.max(gradientPeak, pending + fresh + paramGradBytes);
            paramGradBytes += bytes(g.params().values());
            Map<float[], Boolean> handedOn = new IdentityHashMap<>();
            for (int j = 0; j < from.size(); j++) {
                Tensor gj = g.inputs().get(j);
                if (accumulate(grads, from.get(j).id(), gj)) {
                    handedOn.put(gj.data(), Boolean.TRUE);
                } else {
                    handedOn.putIfAbsent(gj.data(), Boolean.FALSE); // added into a sum: free unless kept too
                }
            }
            handedOn.putIfAbsent(dy.data(), Boolean.FALSE);
            handedOn.forEach((array, kept) -> {
                if (!kept) {
                    buffers.giveBack(Tensor.view(array, 0, array.length));
                }
            });
            g.params().forEach((name, t) -> paramGrads.put(ParamSpec.key(layer.name(), name), t));
            if (profile != null) {
                profile.backward(layer, System.nanoTime() - t0);
            }
        }
        long updateStart = tick();
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        trainable.forEach((name, t) -> {
            Tensor g = paramGrads.get(name);
            ordered.put(name, g != null ? g : Tensor.zeros(t.shape()));
        });
        gradientPeak = Math.max(gradientPeak, bytes(ordered.values()));
        if (settings.clipNorm() > 0) {
            Optimizer.clipGradNorm(ordered, settings.clipNorm());
        }
        boolean observed = observer.samples(step);
        if (observed) {
            observer.beforeUpdate(new StepObserver.StepView(step, total, lr, order, outputs, ordered, weights));
        }
        optimizer.step(trainable, ordered, lr, pool);
        if (profile != null) {
            profile.update(System.nanoTime() - updateStart);
            profile.stepDone();
        }
        lastStepMemory = new TrainingMemory.Totals(bytes(weights.values()), optimizer.stateBytes(), activationBytes,
                gradientPeak);
        if (observed) {
            observer.afterUpdate(step, weights);
        }
        ordered.values().forEach(buffers::giveBack);
        return new StepResult(total, main.correct(), labels.length);
    }

    private CrossEntropy.Result loss(Output output, Map<Integer, Tensor> outputs, int[] labels, double weight,
                                     Map<Integer, Tensor> grads) {
        Tensor out = outputs.get(output.layer().id());
        int n = out.dim(0);
        CrossEntropy.Result r = CrossEntropy.of(out.reshape(n, out.size() / n), labels, settings.labelSmoothing());
        Tensor g = r.gradient().reshape(out.shape());
        if (weight != 1) {
            for (int i = 0; i < g.size(); i++) {
                g.set(i, (float) (g.get(i) * weight));
            }
        }
        accumulate(grads, output.layer().id(), g);
        return r;
    }

    /** Bytes of the distinct arrays behind {@code tensors} (views of one array count once). */
    private static long bytes(java.util.Collection<Tensor> tensors) {
        Map<float[], Boolean> seen = new IdentityHashMap<>();
        long sum = 0;
        for (Tensor t : tensors) {
            if (seen.put(t.data(), Boolean.TRUE) == null) {
                sum += (long) t.data().length * Float.BYTES;
            }
        }
        return sum;
    }

    private static long keptBytes(java.util.Collection<Tensor> outputs, java.util.Collection<Saved> saved) {
        long sum = bytes(outputs);
        for (Saved s : saved) {
            sum += s.bytes();
        }
        return sum;
    }

    /**
     * Adds {@code g} to the gradient of layer {@code id}, in blocks on the pool (each element once);
     * true when g itself became that gradient (the first).
     */
    private boolean accumulate(Map<Integer, Tensor> grads, int id, Tensor g) {
        Tensor sum = grads.get(id);
        if (sum == null) {
            grads.put(id, g);
            return true;
        }
        if (sum == g) {
            throw new IllegalStateException("a gradient accumulated into itself");
        }
        float[] a = sum.data();
        float[] b = g.data();
        int so = sum.offset(), go = g.offset(), blocks = (sum.size() + ADD_BLOCK - 1) / ADD_BLOCK;
        IntConsumer add = k -> {
            for (int i = k * ADD_BLOCK, end = Math.min(sum.size(), i + ADD_BLOCK); i < end; i++) {
                a[so + i] += b[go + i];
            }
        };
        if (pool == null || blocks == 1) {
            IntStream.range(0, blocks).forEach(add);
        } else {
            pool.submit(() -> IntStream.range(0, blocks).parallel().forEach(add)).join();
        }
        return false;
    }

    private static String firstNonFinite(List<Layer> order, Map<Integer, Tensor> outputs) {
        for (Layer layer : order) {
            Tensor t = outputs.get(layer.id());
            for (int i = 0; i < t.size(); i++) {
                if (!Float.isFinite(t.get(i))) {
                    return layer.name();
                }
            }
        }
        return null;
    }

    /** Whether {@code layer}'s backward computes its input gradient: not for one reading only network inputs. */
    private boolean computesInputGradient(Layer layer) {
        return net.graph().inputsOf(layer).stream().anyMatch(f -> !(f.op() instanceof Op.Input));
    }

    /**
     * Every convolution's kernels for this step, prepared at once in parallel, when the batch has
     * the last step's shape (so that every layer's input shape is known); else none.
     */
    private PreparedConvs prepareConvolutions(List<Layer> order, int[] images) {
        boolean sameShape = Arrays.equals(images, lastImages);
        lastImages = images.clone();
        if (settings.reference() || !sameShape) {
            convInputs.clear();
            return PreparedConvs.NONE;
        }
        List<PreparedConvs.Request> requests = new ArrayList<>();
        for (Layer layer : order) {
            int[] x = convInputs.get(layer.id());
            if (layer.op() instanceof Op.Conv c && x != null) {
                requests.add(new PreparedConvs.Request(layer.id(), c, x, byLayer.get(layer.name()),
                        freezing.runsBackward(layer) && computesInputGradient(layer)));
            }
        }
        return PreparedConvs.prepare(requests, options, pool, prepared);
    }

    /** One layer's training-mode forward; one method per operator. */
    private final class Forward implements OpVisitor<Tensor> {
        private final Layer layer;
        private final List<Tensor> in;
        private final Tensor images;
        private final long step;
        private Saved saved = Saved.NONE;

        Forward(Layer layer, List<Tensor> in, Tensor images, long step) {
            this.layer = layer;
            this.in = in;
            this.images = images;
            this.step = step;
        }

        /** This layer's output buffer of {@code shape}, kept from step to step (kernels overwrite it). */
        private Tensor buffer(int[] shape) {
            return outputBuffers.computeIfAbsent(layer.id() + "/" + Arrays.toString(shape), x -> Tensor.zeros(shape));
        }

        private Map<String, Tensor> params() {
            return byLayer.get(layer.name());
        }

        /** The inference kernel, which training mode shares. */
        private Tensor kernel(Op op) {
            if (settings.reference()) {
                return ReferenceKernels.run(op, in, params());
            }
            List<int[]> shapes = in.stream().map(Tensor::shape).toList();
            Kernel ready = op instanceof Op.Conv ? prepared.forward(layer.id()) : null;
            Kernel k = ready != null ? ready : Kernels.prepare(op, shapes, params(), Fusion.NONE, options);
            if (op instanceof Op.Conv) {
                convInputs.put(layer.id(), shapes.get(0));
            }
            Tensor out = buffer(k.outputShape());
            String key = layer.id() + "/" + Arrays.toString(shapes.get(0));
            Workspace ws = workspaces.computeIfAbsent(key, x -> Workspace.forKernel(pool, k));
            k.run(in.toArray(Tensor[]::new), out, ws);
            return out;
        }

        @Override
        public Tensor input(Op.Input op) {
            return images;
        }

        @Override
        public Tensor conv(Op.Conv op) {
            return kernel(op);
        }

        @Override
        public Tensor maxPool(Op.MaxPool op) {
            return kernel(op);
        }

        @Override
        public Tensor avgPool(Op.AvgPool op) {
            return kernel(op);
        }

        @Override
        public Tensor globalAvgPool(Op.GlobalAvgPool op) {
            return kernel(op);
        }

        @Override
        public Tensor globalMaxPool(Op.GlobalMaxPool op) {
            return kernel(op);
        }

        @Override
        public Tensor dense(Op.Dense op) {
            return kernel(op);
        }

        @Override
        public Tensor flatten(Op.Flatten op) {
            Tensor x = in.get(0);
            return x.reshape(x.dim(0), x.size() / x.dim(0));
        }

        @Override
        public Tensor relu(Op.Relu op) {
            return kernel(op);
        }

        @Override
        public Tensor relu6(Op.Relu6 op) {
            return kernel(op);
        }

        @Override
        public Tensor leakyRelu(Op.LeakyRelu op) {
            return kernel(op);
        }

        @Override
        public Tensor tanh(Op.Tanh op) {
            return kernel(op);
        }

        @Override
        public Tensor sigmoid(Op.Sigmoid op) {
            return kernel(op);
        }

        @Override
        public Tensor softmax(Op.Softmax op) {
            return kernel(op);
        }

        @Override
        public Tensor lrn(Op.Lrn op) {
            return kernel(op);
        }

        @Override
        public Tensor batchNorm(Op.BatchNorm op) {
            if (freezing.isFrozen(layer)) {
                return kernel(op); // inference mode: the running statistics, left as they are
            }
            Tensor out = buffer(in.get(0).shape());
            saved = settings.reference() ? TrainingForward.batchNorm(op, in.get(0), params(), out)
                    : FastLayers.batchNormForward(op, in.get(0), params(), out, pool);
            return out;
        }

        /** Layer norm has no batch statistics: training mode runs the inference kernel. */
        @Override
        public Tensor layerNorm(Op.LayerNorm op) {
            return kernel(op);
        }

        @Override
        public Tensor scale(Op.Scale op) {
            return kernel(op);
        }

        @Override
        public Tensor linear(Op.Linear op) {
            return kernel(op);
        }

        @Override
        public Tensor dropout(Op.Dropout op) {
            Tensor out = buffer(in.get(0).shape());
            saved = TrainingForward.dropout(op, in.get(0), layerRandom(), out);
            return out;
        }

        @Override
        public Tensor zeroPad(Op.ZeroPad op) {
            return kernel(op);
        }

        @Override
        public Tensor concat(Op.Concat op) {
            return kernel(op);
        }

        @Override
        public Tensor silu(Op.Silu op) {
            return kernel(op);
        }

        @Override
        public Tensor hardSigmoid(Op.HardSigmoid op) {
            return kernel(op);
        }

        @Override
        public Tensor hardSwish(Op.HardSwish op) {
            return kernel(op);
        }

        @Override
        public Tensor gelu(Op.Gelu op) {
            return kernel(op);
        }

        @Override
        public Tensor adaptiveAvgPool(Op.AdaptiveAvgPool op) {
            return kernel(op);
        }

        @Override
        public Tensor adaptiveMaxPool(Op.AdaptiveMaxPool op) {
            return kernel(op);
        }

        /** This layer's draws at this step, from the seed, step and layer alone: a resumed run repeats them. */
        private SplittableRandom layerRandom() {
            return new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + step * 1_000_003L + layer.id());
        }

        /** Training mode drops whole samples (rows) or the whole batch with probability p, as torchvision. */
        @Override
        public Tensor stochasticDepth(Op.StochasticDepth op) {
            Tensor out = buffer(in.get(0).shape());
            saved = TrainingForward.stochasticDepth(op, in.get(0), layerRandom(), out);
            return out;
        }

        @Override
        public Tensor channelSlice(Op.ChannelSlice op) {
            return kernel(op);
        }

        @Override
        public Tensor channelShuffle(Op.ChannelShuffle op) {
            return kernel(op);
        }

        @Override
        public Tensor mul(Op.Mul op) {
            return kernel(op);
        }

        @Override
        public Tensor add(Op.Add op) {
            return kernel(op);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
