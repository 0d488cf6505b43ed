package io.cnnkit.exec.plan;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.analyzer.LayerStats;
import io.cnnkit.analyzer.MemoryPlan;
import io.cnnkit.analyzer.ParamSpec;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.kernel.Activation;
import io.cnnkit.exec.kernel.Fusion;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A network prepared to run at one batch size: the analyzer's schedule and memory plan, with every
 * layer's output at {@link MemoryPlan#offset} in one float arena of {@link #arenaElements()}, and a
 * prepared {@link Kernel} per step. Immutable; an {@link io.cnnkit.exec.Executor} owns the arena.
 *
 * <p>Fusion, decided from the memory plan so that the arena stays exactly the analyzer's:
 * <ul>
 * <li>a batchnorm working in place on a conv or dense output is folded into that layer's weights;
 * <li>relu, relu6 or leakyrelu working in place on the output of a conv, dense or add step runs as
 *     that step's epilogue;
 * <li>an {@code add} of two inputs working in place on the output of a conv(+batchnorm) step
 *     becomes that conv's residual epilogue when the other input is ready before the conv runs:
 *     the conv writes its own buffer, which is the add's, reading the other input from its own
 *     buffer (never the same one, so every conv algorithm may write its output in any order);
 * <li>a 1x1 convolution whose output only a depthwise convolution reads, the next step, runs with
 *     it as one step where the kernel says that pays
 *     ({@link Kernels#prepareExpandDepthwise}): its output is never written;
 * <li>a stem whose output only a max pool reads, the next step, runs with it as one step where the
 *     kernel takes them ({@link Kernels#prepareConvPool}): its output is never written either;
 * <li>flatten and dropout are views and cost nothing.
 * </ul>
 * Layers that only feed auxiliary (training) heads are not run.
 */
public final class ExecutionPlan {

    /**
     * One kernel run: {@code layers} are the graph layers it computes (first the producing layer,
     * then those fused into it), reading {@code inputs} and writing the value of {@code output}.
     * {@code staging}, when not null, is the buffer of a value fused away that the step also
     * writes, as its kernel's last input (see {@link Kernels#prepareExpandDepthwise}).
     */
    public record Step(List<Layer> layers, Kernel kernel, List<Layer> inputs, Layer output, Layer staging,
                       long macs) {
        public Step {
            layers = List.copyOf(layers);
            inputs = List.copyOf(inputs);
        }

        /** The step's name: its layers' names joined by {@code +}. */
        public String name() {
            return layers.stream().map(Layer::name).collect(Collectors.joining("+"));
        }
    }

    private final Analysis analysis;
    private final List<Step> steps;

    private ExecutionPlan(Analysis analysis, List<Step> steps) {
        this.analysis = analysis;
        this.steps = List.copyOf(steps);
    }

    /** Analyses {@code graph} at {@code batch} and prepares it with {@code weights} keyed {@code layer.param}. */
    public static ExecutionPlan build(NetworkGraph graph, Map<String, Tensor> weights, int batch,
                                      KernelOptions options) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        return build(Analyzer.analyze(graph, batch), weights, options);
    }

    public static ExecutionPlan build(Analysis analysis, Map<String, Tensor> weights, KernelOptions options) {
        if (analysis.hasErrors()) {
            throw new IllegalArgumentException("the network has errors:\n" + analysis.diagnostics().stream()
                    .filter(Diagnostic::isError).map(Diagnostic::headline).collect(Collectors.joining("\n")));
        }
        checkWeights(analysis, weights);
        return new ExecutionPlan(analysis, new Builder(analysis, weights, options).steps());
    }

    public Analysis analysis() {
        return analysis;
    }

    public NetworkGraph graph() {
        return analysis.graph();
    }

    public int batch() {
        return analysis.batch();
    }

    public List<Step> steps() {
        return steps;
    }

    public long arenaElements() {
        return analysis.memoryPlan().arenaElements();
    }

    /** Element offset of a layer's value in the arena. */
    public long offset(Layer layer) {
        return analysis.memoryPlan().offset(layer);
    }

    /** A layer's output shape with the batch dimension first. */
    public int[] shape(Layer layer) {
        List<Long> dims = analysis.stats(layer).outputShape().dims();
        int[] shape = new int[dims.size() + 1];
        shape[0] = batch();
        for (int i = 0; i < dims.size(); i++) {
            shape[i + 1] = Math.toIntExact(dims.get(i));
        }
        return shape;
    }

    /** The outputs that run at inference (auxiliary heads excluded). */
    public List<Output> outputs() {
        return graph().outputs().stream().filter(o -> !o.aux()).toList();
    }

    /** Missing, unexpected and mis-shaped weights, all in one error. */
    private static void checkWeights(Analysis analysis, Map<String, Tensor> weights) {
        List<String> problems = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>(weights.keySet());
        for (LayerStats stats : analysis.layers()) {
            for (ParamSpec spec : stats.params()) {
                String key = spec.key(stats.layer().name());
                unexpected.remove(key);
                Tensor t = weights.get(key);
                long[] want = spec.shape().stream().mapToLong(Long::longValue).toArray();
                if (t == null) {
                    problems.add("missing " + key + " " + Arrays.toString(want));
                } else if (!Arrays.equals(Arrays.stream(t.shape()).asLongStream().toArray(), want)) {
                    problems.add(key + " has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(want));
                }
            }
        }
        unexpected.forEach(key -> problems.add("unexpected " + key));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("weights do not match the network:\n  " + String.join("\n  ", problems));
        }
    }

    /** Decides fusion and prepares one kernel per step. */
    private static final class Builder {
        private final Analysis analysis;
        private final MemoryPlan memory;
        private final NetworkGraph graph;
        private final Map<String, Tensor> weights;
        private final KernelOptions options;
        private final List<Draft> drafts = new ArrayList<>();
        private final Draft[] owner;       // by layer id: the step computing this layer's value
        private final int[] stepOf;        // by layer id: the schedule position of the layer

        /** A step being decided. */
        private static final class Draft {
            final List<Layer> layers = new ArrayList<>();
            final Layer producer;
            final List<Layer> inputs;
            Layer output;
            Fusion fusion = Fusion.NONE;
            Layer batchNorm;
            final int position;

            Draft(Layer producer, List<Layer> inputs, int position) {
                this.producer = producer;
                this.inputs = new ArrayList<>(inputs);
                this.output = producer;
                this.position = position;
                layers.add(producer);
            }

            boolean hasEpilogue() {
                return fusion.residual() || fusion.activation().kind() != Activation.Kind.NONE;
            }
        }

        Builder(Analysis analysis, Map<String, Tensor> weights, KernelOptions options) {
            this.analysis = analysis;
            this.memory = analysis.memoryPlan();
            this.graph = analysis.graph();
            this.weights = weights;
            this.options = options;
            this.owner = new Draft[graph.size()];
            this.stepOf = new int[graph.size()];
        }

        List<Step> steps() {
            List<Layer> schedule = memory.schedule();
            for (int i = 0; i < schedule.size(); i++) {
                stepOf[schedule.get(i).id()] = i;
            }
            for (Layer layer : schedule) {
                if (!analysis.stats(layer).inference() || layer.op() instanceof Op.Input) {
                    continue;
                }
                if (!fuse(layer)) {
                    Draft d = new Draft(layer, graph.inputsOf(layer), stepOf[layer.id()]);
                    owner[layer.id()] = d;
                    if (!isView(layer)) {
                        drafts.add(d);
                    }
                }
            }
            List<Step> steps = new ArrayList<>(drafts.size());
            for (int i = 0; i < drafts.size(); i++) {
                Step pair = i + 1 < drafts.size() ? pair(drafts.get(i), drafts.get(i + 1)) : null;
                if (pair != null) {
                    steps.add(pair);
                    i++;
                } else {
                    steps.add(prepare(drafts.get(i)));
                }
            }
            return steps;
        }

        /** Two adjacent steps as one where a kernel takes them both, else null. */
        private Step pair(Draft first, Draft second) {
            Step step = expandDepthwise(first, second);
            return step != null ? step : convPool(first, second);
        }

        /**
         * A stem's step and the max pool step right after it that alone reads its output, as one
         * step where the kernel takes them (null otherwise). The fused step reads the stem's input
         * and writes the pool's output; the stem's own buffer is never written. The kernel reads
         * its whole input before it writes, so the pool's output may take the input's buffer.
         */
        private Step convPool(Draft conv, Draft pool) {
            if (!(conv.producer.op() instanceof Op.Conv c) || !(pool.producer.op() instanceof Op.MaxPool p)
                    || pool.inputs.get(0) != conv.output || conv.fusion.residual() || !onlyFeeds(conv, pool)) {
                return null;
            }
            Kernel kernel;
            try {
                kernel = Kernels.prepareConvPool(c, batchShape(conv.inputs.get(0)), paramsOf(conv.producer),
                        conv.fusion, p, options);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("layer " + pool.producer.name() + ": " + ex.getMessage(), ex);
            }
            return kernel == null ? null : joined(conv, pool, kernel, conv.inputs, null);
        }

        /**
         * A 1x1 convolution step and the depthwise step right after it that alone reads its output,
         * as one step where the kernel says that pays (null otherwise). The fused step reads the
         * 1x1's inputs and writes the depthwise output; the 1x1's own buffer is never written,
         * unless the depthwise output reuses the 1x1 input's buffer (the fused step reads that
         * input for every block of output channels): then the step first copies its input into the
         * 1x1's buffer, its staging, and reads it there.
         */
        private Step expandDepthwise(Draft expand, Draft depthwise) {
            if (!(expand.producer.op() instanceof Op.Conv e) || !(depthwise.producer.op() instanceof Op.Conv dw)
                    || dw.groups() == 1 || depthwise.inputs.get(0) != expand.output || !onlyFeeds(expand, depthwise)) {
                return null;
            }
            Layer x = expand.inputs.get(0), staging = null;
            if (overlaps(depthwise.output, x)) {
                staging = expand.output;
                boolean fits = memory.elements(staging) >= memory.elements(x) && !overlaps(staging, x)
                        && !overlaps(staging, depthwise.output);
                for (Layer in : depthwise.inputs.subList(1, depthwise.inputs.size())) {
                    fits &= !overlaps(staging, in);
                }
                if (!fits) {
                    return null;
                }
            }
            List<int[]> dwShapes = new ArrayList<>();
            for (Layer in : depthwise.inputs) {
                dwShapes.add(batchShape(in));
            }
            Kernel kernel;
            try {
                kernel = Kernels.prepareExpandDepthwise(e, batchShape(x), paramsOf(expand.producer), expand.fusion, dw,
                        dwShapes, paramsOf(depthwise.producer), depthwise.fusion, staging != null, options);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("layer " + depthwise.producer.name() + ": " + ex.getMessage(), ex);
            }
            if (kernel == null) {
                return null;
            }
            List<Layer> inputs = new ArrayList<>(expand.inputs);
            inputs.addAll(depthwise.inputs.subList(1, depthwise.inputs.size()));
            return joined(expand, depthwise, kernel, inputs, staging);
        }

        /** The step of {@code first}'s and {@code second}'s layers, run by {@code kernel}, writing {@code second}'s output. */
        private Step joined(Draft first, Draft second, Kernel kernel, List<Layer> inputs, Layer staging) {
            List<Layer> layers = new ArrayList<>(first.layers);
            layers.addAll(second.layers);
            long macs = 0;
            for (Layer l : layers) {
                macs += analysis.stats(l).macs();
            }
            return new Step(layers, kernel, inputs, second.output, staging, macs);
        }

        /** Whether every value {@code d} computes is read only inside it or by {@code next}'s first layer, and none is an output. */
        private boolean onlyFeeds(Draft d, Draft next) {
            for (Layer l : d.layers) {
                for (Layer consumer : graph.consumersOf(l)) {
                    if (consumer != next.producer && !d.layers.contains(consumer)) {
                        return false;
                    }
                }
                if (graph.outputs().stream().anyMatch(o -> o.layer() == l)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether the buffers of two values share arena elements. */
        private boolean overlaps(Layer a, Layer b) {
            long a0 = memory.offset(a), b0 = memory.offset(b);
            return a0 < b0 + memory.elements(b) && b0 < a0 + memory.elements(a);
        }

        private static boolean isView(Layer layer) {
            return layer.op() instanceof Op.Flatten || layer.op() instanceof Op.Dropout
                    || layer.op() instanceof Op.StochasticDepth;
        }

        /** Tries to fold {@code layer} into the step producing its input. */
        private boolean fuse(Layer layer) {
            Op op = layer.op();
            Optional<Layer> alias = memory.aliasOf(layer);
            Draft d = alias.map(a -> owner[a.id()]).orElse(null);
            if (op instanceof Op.BatchNorm bn && d != null && d.output == alias.get()
                    && isConvOrDense(d.producer) && d.batchNorm == null && d.fusion.scale().isEmpty()
                    && !d.hasEpilogue()) {
                d.fusion = d.fusion.withBatchNorm(bn, paramsOf(layer));
                d.batchNorm = layer;
                return adopt(d, layer);
            }
            // ConvNeXt's layer scale after its second linear layer, as batchnorm folds
            if (op instanceof Op.Scale && d != null && d.output == alias.get() && isConvOrDense(d.producer)
                    && d.fusion.scale().isEmpty() && !d.hasEpilogue()) {
                d.fusion = d.fusion.withScale(paramsOf(layer).get(ParamSpec.BARE));
                return adopt(d, layer);
            }
            // an identity view of a step's output joins the step, so that an add after it can fuse
            // (ConvNeXt's stochastic depth between its layer scale and residual add)
            if ((op instanceof Op.Dropout || op instanceof Op.StochasticDepth) && d != null && d.output == alias.get()
                    && isConvOrDense(d.producer)) {
                return adopt(d, layer);
            }
            Optional<Activation> activation = Activation.of(op);
            if (activation.isPresent() && d != null && d.output == alias.get()
                    && (isConvOrDense(d.producer) || d.producer.op() instanceof Op.Add)
                    && d.fusion.activation().kind() == Activation.Kind.NONE) {
                d.fusion = d.fusion.withActivation(activation.get());
                return adopt(d, layer);
            }
            if (op instanceof Op.Add && d != null && d.output == alias.get() && graph.inputsOf(layer).size() == 2) {
                List<Layer> in = graph.inputsOf(layer);
                Layer residual = in.get(in.get(0) == alias.get() ? 1 : 0);
                if (canTakeResidual(d, residual)) {
                    d.fusion = d.fusion.withResidual();
                    d.inputs.add(residual);
                    return adopt(d, layer);
                }
            }
            return false;
        }

        private boolean adopt(Draft d, Layer layer) {
            d.layers.add(layer);
            d.output = layer;
            owner[layer.id()] = d;
            return true;
        }

        private static boolean isConvOrDense(Layer layer) {
            return layer.op() instanceof Op.Conv || layer.op() instanceof Op.Linear || layer.op() instanceof Op.Dense;
        }

        /** A conv step (batchnorm folded, no epilogue yet) can add {@code residual}, ready before it runs. */
        private boolean canTakeResidual(Draft conv, Layer residual) {
            if (!(conv.producer.op() instanceof Op.Conv || conv.producer.op() instanceof Op.Linear) || conv.hasEpilogue()
                    || memory.bufferOwner(residual) == memory.bufferOwner(conv.output)) {
                return false;
            }
            Draft residualStep = owner[residual.id()];
            return residual.op() instanceof Op.Input || residualStep != null && residualStep.position < conv.position;
        }

        private int[] shapeOf(Layer layer) {
            return analysis.stats(layer).outputShape().dims().stream().mapToInt(Long::intValue).toArray();
        }

        private Map<String, Tensor> paramsOf(Layer layer) {
            Map<String, Tensor> params = new HashMap<>();
            for (ParamSpec spec : analysis.stats(layer).params()) {
                params.put(spec.name(), weights.get(spec.key(layer.name())));
            }
            return params;
        }

        private Step prepare(Draft d) {
            List<int[]> shapes = new ArrayList<>();
            for (Layer in : d.inputs) {
                shapes.add(batchShape(in));
            }
            Kernel kernel;
            try {
                kernel = d.producer.op() instanceof Op.Add
                        ? Kernels.prepareSum(shapes, d.fusion.activation(), options)
                        : Kernels.prepare(d.producer.op(), shapes, paramsOf(d.producer), d.fusion, options);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + d.producer.name() + ": " + e.getMessage(), e);
            }
            long macs = 0;
            for (Layer l : d.layers) {
                macs += analysis.stats(l).macs();
            }
            return new Step(d.layers, kernel, d.inputs, d.output, null, macs);
        }

        private int[] batchShape(Layer layer) {
            int[] perSample = shapeOf(layer);
            int[] shape = new int[perSample.length + 1];
            shape[0] = analysis.batch();
            System.arraycopy(perSample, 0, shape, 1, perSample.length);
            return shape;
        }
    }
}
