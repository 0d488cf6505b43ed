package io.cnnkit.exec;

import io.cnnkit.analyzer.MemoryPlan;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.exec.kernel.Kernel;
import io.cnnkit.exec.kernel.KernelOptions;
import io.cnnkit.exec.kernel.Kernels;
import io.cnnkit.exec.kernel.Workspace;
import io.cnnkit.exec.plan.ExecutionPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;

/**
 * Runs an {@link ExecutionPlan}: owns the float arena (one per executor, sized by the analyzer's
 * memory plan), the kernels' scratch and a persistent {@link ForkJoinPool}. Every tensor view is
 * built once here (the views of an input again when a run is given another tensor for it), so a
 * run allocates only its result tensors. Runs are serialised: one arena.
 *
 * <p>The network's inputs are read where the caller's tensors lie, as ONNX Runtime reads its
 * feeds: the steps that read an input are pointed at the caller's tensor, not at a copy in the
 * arena. No step writes into an input's buffer (the memory plan never works in place on one).
 *
 * <p>Steps run in the plan's order, each split over the threads by its kernel, except that on two
 * or more threads a small step may run side by side with a later small step of similar size that
 * does not depend on it (an Inception module's 1x1 branches, for example), each on one thread
 * (the caller and the workspace's helper, {@link Workspace#runSideBySide}): splitting such steps
 * costs more than it saves. The later step is brought forward only when the
 * buffer it writes is not read or written by any step it overtakes (nor by its partner), and it reads
 * nothing those steps write, so the analyzer's memory plan stays valid.
 */
public final class Executor implements AutoCloseable {

    /** Time spent in one step over the profiled runs, and the analyzer's MACs of its layers. */
    public record StepProfile(String name, String kind, long nanos, long macs, int runs) {
        /** Achieved GFLOP/s (1 MAC = 2 FLOPs); 0 for steps without MACs. */
        public double gflops() {
            return nanos == 0 ? 0 : 2.0 * macs * runs / nanos;
        }

        public double millisPerRun() {
            return runs == 0 ? 0 : nanos / 1e6 / runs;
        }
    }

    private final ExecutionPlan plan;
    private final ForkJoinPool pool;
    private final float[] arena;
    private final Workspace workspace;
    private final List<ExecutionPlan.Step> steps;
    private final Tensor[][] stepInputs;
    private final Tensor[] stepOutputs;
    private final Map<String, Tensor> inputViews = new LinkedHashMap<>();
    private final Map<String, Tensor> outputViews = new LinkedHashMap<>();
    /** By input name: the step inputs that read its buffer (the input itself or a view of it). */
    private final Map<String, List<Reader>> inputReaders = new LinkedHashMap<>();
    /** By input name: the caller's tensor its readers point at, null until a run binds one. */
    private final Map<String, Tensor> bound = new HashMap<>();
    /** By output name: the input whose buffer the output shares (an input, or a view of one, given out). */
    private final Map<String, String> outputsOfInputs = new HashMap<>();
    private final long[] stepNanos;
    /** Position {@code position} of step {@code step}'s inputs, a view of {@code shape} of a network input's buffer. */
    private record Reader(int step, int position, int[] shape) {
    }

    /** Each entry one step index, or two for steps run side by side. */
    private final int[][] groups;
    /** Single-threaded workspaces of the two sides of a pair. */
    private final Workspace[] sides;
    private boolean profiling;
    private int profiledRuns;

    /** Threads across all cores by default: {@link #defaultThreads()}. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Plans {@code graph} at {@code batch} with {@code weights} keyed {@code layer.param} and runs on {@code threads}. */
    public Executor(NetworkGraph graph, Map<String, Tensor> weights, int batch, int threads) {
        this(ExecutionPlan.build(graph, weights, batch, KernelOptions.defaults(threads)), threads);
    }

    public Executor(ExecutionPlan plan, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (plan.arenaElements() > Tensor.MAX_ELEMENTS - Kernels.ALIGNED_START) {
            throw new IllegalArgumentException("the activations need " + plan.arenaElements()
                    + " floats, more than one Java array holds; "
                    + (plan.batch() > 1 ? "use a smaller batch" : "expected a smaller input or network"));
        }
        this.plan = plan;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
        this.arena = Kernels.alignedFloats(plan.arenaElements());
        this.steps = plan.steps();
        List<Kernel> kernels = new ArrayList<>();
        this.stepInputs = new Tensor[steps.size()][];
        this.stepOutputs = new Tensor[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            ExecutionPlan.Step step = steps.get(i);
            kernels.add(step.kernel());
            List<Layer> reads = new ArrayList<>(step.inputs());
            if (step.staging() != null) {
                reads.add(step.staging());
            }
            stepInputs[i] = reads.stream().map(this::view).toArray(Tensor[]::new);
            stepOutputs[i] = view(step.output());
        }
        this.workspace = Workspace.forKernels(pool, kernels);
        this.groups = threads == 1 ? serial(steps.size()) : pairs(steps, stepInputs, stepOutputs);
        List<Kernel> paired = new ArrayList<>();
        for (int[] group : groups) {
            if (group.length == 2) {
                paired.add(kernels.get(group[0]));
                paired.add(kernels.get(group[1]));
            }
        }
        this.sides = new Workspace[] {Workspace.forKernels(null, paired), Workspace.forKernels(null, paired)};
        MemoryPlan memory = plan.analysis().memoryPlan();
        Map<Layer, String> inputNames = new HashMap<>();
        for (Layer input : plan.graph().inputs()) {
            inputViews.put(input.name(), view(input));
            inputReaders.put(input.name(), new ArrayList<>());
            inputNames.put(input, input.name());
        }
        for (int i = 0; i < steps.size(); i++) {
            List<Layer> reads = steps.get(i).inputs();
            for (int j = 0; j < reads.size(); j++) {
                String input = inputNames.get(memory.bufferOwner(reads.get(j)));
                if (input != null) {
                    inputReaders.get(input).add(new Reader(i, j, plan.shape(reads.get(j))));
                }
            }
        }
        for (Output output : plan.outputs()) {
            outputViews.put(output.name(), view(output.layer()));
            String input = inputNames.get(memory.bufferOwner(output.layer()));
            if (input != null) {
                outputsOfInputs.put(output.name(), input);
            }
        }
        this.stepNanos = new long[steps.size()];
    }

    private Tensor view(Layer layer) {
        return Tensor.view(arena, Kernels.ALIGNED_START + (int) plan.offset(layer), plan.shape(layer));
    }

    /** The steps by name in the order they run, two in one entry when they run side by side. */
    public List<List<String>> schedule() {
        List<List<String>> names = new ArrayList<>();
        for (int[] group : groups) {
            names.add(Arrays.stream(group).mapToObj(i -> steps.get(i).name()).toList());
        }
        return names;
    }

    /** Bytes of the activation arena (4 per float). */
    public long arenaBytes() {
        return 4L * plan.arenaElements();
    }

    public ExecutionPlan plan() {
        return plan;
    }

    /** Input tensor shapes by input name, batch included. */
    public Map<String, int[]> inputShapes() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        inputViews.forEach((name, view) -> shapes.put(name, view.shape()));
        return shapes;
    }

    /**
     * Runs the network on {@code inputs} (by input layer name, batch first) and returns the
     * inference outputs by output name, as tensors of their own.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        Map<String, Tensor> outputs = newOutputs();
        run(inputs, outputs);
        return outputs;
    }

    /** Zero tensors of the output shapes by output name, to be filled by {@link #run(Map, Map)}. */
    public Map<String, Tensor> newOutputs() {
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputViews.forEach((name, view) -> outputs.put(name, Tensor.zeros(view.shape())));
        return outputs;
    }

    /**
     * Runs the network on {@code inputs} and copies the outputs named in {@code outputs} into the
     * tensors given there (of the output shapes, e.g. from {@link #newOutputs}); outputs not named
     * are not copied. Repeated runs on the same input tensors allocate nothing, and a benchmark that
     * passes no outputs times the network alone, as ONNX Runtime's run leaves its outputs in its own
     * buffers.
     */
    public synchronized void run(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
        checkTensors("input", inputViews, inputs, true);
        checkTensors("output", outputViews, outputs, false);
        inputs.forEach(this::bind);
        for (int[] group : groups) {
            if (group.length == 1) {
                runStep(group[0], workspace);
            } else {
                workspace.runSideBySide(() -> runStep(group[0], sides[0]), () -> runStep(group[1], sides[1]));
            }
        }
        if (profiling) {
            profiledRuns++;
        }
        outputs.forEach((name, out) -> {
            String input = outputsOfInputs.get(name);
            Tensor from = input == null ? outputViews.get(name) : bound.get(input);
            System.arraycopy(from.data(), from.offset(), out.data(), out.offset(), out.size());
        });
    }

    /** Points the steps that read input {@code name} at {@code given} (views made again only for another tensor). */
    private void bind(String name, Tensor given) {
        if (bound.get(name) == given) {
            return;
        }
        for (Reader r : inputReaders.get(name)) {
            stepInputs[r.step()][r.position()] = Tensor.view(given.data(), given.offset(), r.shape());
        }
        bound.put(name, given);
    }

    private void runStep(int i, Workspace ws) {
        long start = profiling ? System.nanoTime() : 0;
        steps.get(i).kernel().run(stepInputs[i], stepOutputs[i], ws);
        if (profiling) {
            stepNanos[i] += System.nanoTime() - start;
        }
    }

    /** Work (see {@link #work}) below which a step is paired rather than split. */
    static final long PAIR_WORK = 32L << 20;
    /** How far ahead a partner is looked for. */
    private static final int PAIR_WINDOW = 8;

    private static int[][] serial(int steps) {
        int[][] groups = new int[steps][];
        for (int i = 0; i < steps; i++) {
            groups[i] = new int[] {i};
        }
        return groups;
    }

    /** The schedule in groups: each small step with the first later small step that may run beside it, if any. */
    static int[][] pairs(List<ExecutionPlan.Step> steps, Tensor[][] inputs, Tensor[] outputs) {
        int n = steps.size();
        boolean[] placed = new boolean[n];
        List<int[]> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (placed[i]) {
                continue;
            }
            placed[i] = true;
            int partner = -1;
            int end = small(steps.get(i), outputs[i]) ? Math.min(n, i + PAIR_WINDOW) : i + 1;
            for (int j = i + 1; j < end && partner < 0; j++) {
                if (!placed[j] && small(steps.get(j), outputs[j]) && balanced(steps, outputs, i, j)
                        && mayOvertake(j, i, placed, inputs, outputs)) {
                    partner = j;
                }
            }
            if (partner >= 0) {
                placed[partner] = true;
                groups.add(new int[] {i, partner});
            } else {
                groups.add(new int[] {i});
            }
        }
        return groups.toArray(int[][]::new);
    }

    /** Multiply-adds, or for memory-bound steps 32 per value written (about what a pool or copy costs per value). */
    private static long work(ExecutionPlan.Step step, Tensor output) {
        return step.macs() > 0 ? step.macs() : 32L * output.size();
    }

    /** Whether a step may be paired: little work, and no staging (a buffer it writes besides its output). */
    private static boolean small(ExecutionPlan.Step step, Tensor output) {
        return step.staging() == null && work(step, output) < PAIR_WORK;
    }

    /** Side by side the pair takes as long as its larger step: worth it when the smaller is at least a quarter. */
    private static boolean balanced(List<ExecutionPlan.Step> steps, Tensor[] outputs, int i, int j) {
        long a = work(steps.get(i), outputs[i]), b = work(steps.get(j), outputs[j]);
        return 4 * Math.min(a, b) >= Math.max(a, b);
    }

    /** Step j may run now, beside step {@code from}, ahead of the steps in between not yet placed. */
    private static boolean mayOvertake(int j, int from, boolean[] placed, Tensor[][] inputs, Tensor[] outputs) {
        for (int k = from; k < j; k++) {
            if (k != from && placed[k]) {
                continue;   // already run
            }
            if (overlaps(outputs[j], outputs[k])) {
                return false;
            }
            for (Tensor in : inputs[k]) {
                if (overlaps(outputs[j], in)) {
                    return false;
                }
            }
            for (Tensor in : inputs[j]) {
                if (overlaps(in, outputs[k])) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean overlaps(Tensor a, Tensor b) {
        return a.offset() < b.offset() + b.size() && b.offset() < a.offset() + a.size();
    }

    /** Tensors {@code given} by name only for {@code views}, with their shapes, and every one if {@code all}. */
    private static void checkTensors(String role, Map<String, Tensor> views, Map<String, Tensor> given, boolean all) {
        List<String> problems = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>(given.keySet());
        views.forEach((name, view) -> {
            unexpected.remove(name);
            Tensor t = given.get(name);
            if (t == null && given.containsKey(name)) {
                problems.add(role + " " + name + " is null");
            } else if (t == null && all) {
                problems.add("missing " + role + " " + name + " " + Arrays.toString(view.shape()));
            } else if (t != null && !t.sameShape(view)) {
                problems.add(role + " " + name + " has shape " + Arrays.toString(t.shape()) + ", expected "
                        + Arrays.toString(view.shape()));
            }
        });
        unexpected.forEach(name -> problems.add("unexpected " + role + " " + name));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** Starts (and resets) or stops per-step timing; timing adds two clock reads per step. */
    public synchronized void setProfiling(boolean on) {
        profiling = on;
        Arrays.fill(stepNanos, 0);
        profiledRuns = 0;
    }

    /** Per-step time over the runs since profiling was switched on, in schedule order. */
    public synchronized List<StepProfile> profile() {
        List<StepProfile> result = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            ExecutionPlan.Step step = steps.get(i);
            result.add(new StepProfile(step.name(), step.layers().get(0).kind(), stepNanos[i], step.macs(),
                    profiledRuns));
        }
        return result;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
