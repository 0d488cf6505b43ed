package io.cnnkit.analyzer;

import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.op.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where every layer's output lives in one float32 arena, for the schedule the executor follows.
 *
 * <p><b>Schedule.</b> The layers run one after another in {@link NetworkGraph#layers()} order
 * (step {@code i} runs the {@code i}-th layer). Network inputs are layers too, with buffers live
 * from step 0, so that the plan holds a copy of them; the executor reads them where the caller's
 * tensors lie instead and leaves those buffers unused.
 *
 * <p><b>Aliasing.</b> {@code flatten}, {@code dropout} and {@code stochastic_depth} always reuse their input's buffer (they
 * are views). {@code relu}, {@code relu6}, {@code leakyrelu}, {@code tanh}, {@code sigmoid},
 * {@code silu}, {@code hardsigmoid}, {@code hardswish}, {@code gelu}, {@code batchnorm} and {@code scale} work in place when their single input has no other consumer and is not a
 * network input or output; when that input is itself a view, the same must hold for every layer
 * sharing the buffer up the chain, since the in-place write changes all of them. An {@code add}
 * works in place on one of its inputs under the same condition: on the one computed last of those
 * that meet it and share no buffer with another input. (The executor then fuses a convolution,
 * its batchnorm and the add into one kernel writing that buffer, reading the other input.) A
 * buffer belongs to the first layer of its chain (its root).
 *
 * <p><b>Lifetimes.</b> A buffer is live from the step of its root through the last step that
 * reads any layer sharing it; a buffer holding a network output stays live to the end.
 *
 * <p><b>Placement.</b> Greedy by size (as TensorFlow Lite's arena planner): buffers are taken
 * largest first (ties: earlier root first), and each goes at the lowest offset where it overlaps
 * no already placed buffer whose lifetime intersects its own. The arena is the highest end.
 * Two buffers live at the same step therefore never overlap, and the arena is at least the sum
 * of the buffers live at any step.
 */
public final class MemoryPlan {
    private final List<Layer> schedule;
    private final Layer[] byId;
    private final int[] alias;      // by id: the layer whose buffer this one reuses, or -1
    private final int[] root;       // by id: the layer owning the buffer
    private final long[] elements;  // by id of a root: buffer size (batch included)
    private final long[] offsets;   // by id of a root
    private final int[] start;      // by id of a root: first live step
    private final int[] end;        // by id of a root: last live step
    private final long arenaElements;

    private MemoryPlan(List<Layer> schedule, int[] alias, int[] root, long[] elements, long[] offsets,
                       int[] start, int[] end, long arenaElements) {
        this.schedule = schedule;
        this.byId = new Layer[alias.length];
        for (Layer layer : schedule) {
            byId[layer.id()] = layer;
        }
        this.alias = alias;
        this.root = root;
        this.elements = elements;
        this.offsets = offsets;
        this.start = start;
        this.end = end;
        this.arenaElements = arenaElements;
    }

    /**
     * Plans {@code graph} with {@code outputElements[id]} elements (batch included) for each
     * layer's output; 0 for a layer that could not be analysed (it gets no buffer).
     */
    static MemoryPlan plan(NetworkGraph graph, long[] outputElements) {
        List<Layer> schedule = graph.layers();
        int n = graph.size();
        int[] step = new int[n];
        for (int i = 0; i < schedule.size(); i++) {
            step[schedule.get(i).id()] = i;
        }
        boolean[] isOutput = new boolean[n];
        for (Output o : graph.outputs()) {
            isOutput[o.layer().id()] = true;
        }
        int[] alias = new int[n];
        int[] root = new int[n];
        // by id: no layer sharing this one's buffer has another consumer or is a network input or
        // output; set once per layer in schedule order, so a chain of in-place layers is not re-walked
        boolean[] writable = new boolean[n];
        for (Layer layer : schedule) {
            int from = aliasTarget(graph, layer, writable, root, step);
            alias[layer.id()] = from;
            root[layer.id()] = from < 0 ? layer.id() : root[from];
            writable[layer.id()] = graph.consumersOf(layer).size() == 1 && !isOutput[layer.id()]
                    && !(layer.op() instanceof Op.Input) && (from < 0 || writable[from]);
        }
        long[] elements = new long[n];
        int[] start = new int[n];
        int[] end = new int[n];
        Arrays.fill(start, Integer.MAX_VALUE);
        Arrays.fill(end, -1);
        for (Layer layer : schedule) {
            int r = root[layer.id()];
            int s = step[layer.id()];
            start[r] = Math.min(start[r], s);
            end[r] = Math.max(end[r], isOutput[layer.id()] ? schedule.size() - 1 : s);
            for (Layer consumer : graph.consumersOf(layer)) {
                end[r] = Math.max(end[r], step[consumer.id()]);
            }
            if (r == layer.id()) {
                elements[r] = outputElements[layer.id()];
            }
        }
        long[] offsets = new long[n];
        long arena = place(root, elements, start, end, offsets);
        return new MemoryPlan(schedule, alias, root, elements, offsets, start, end, arena);
    }

    private static int aliasTarget(NetworkGraph graph, Layer layer, boolean[] writable, int[] root, int[] step) {
        List<Layer> in = graph.inputsOf(layer);
        Op op = layer.op();
        if (op instanceof Op.Add) {
            // inputs per buffer, so that an add of many inputs stays linear in their number
            Map<Integer, Integer> sharing = new HashMap<>();
            for (Layer input : in) {
                sharing.merge(root[input.id()], 1, Integer::sum);
            }
            int target = -1;
            for (Layer candidate : in) {
                boolean shared = sharing.get(root[candidate.id()]) > 1;
                if (!shared && writable[candidate.id()]
                        && (target < 0 || step[candidate.id()] > step[target])) {
                    target = candidate.id();
                }
            }
            return target;
        }
        if (in.size() != 1) {
            return -1;
        }
        if (op instanceof Op.Flatten || op instanceof Op.Dropout || op instanceof Op.StochasticDepth) {
            return in.get(0).id();
        }
        boolean inPlace = op instanceof Op.Relu || op instanceof Op.Relu6 || op instanceof Op.LeakyRelu
                || op instanceof Op.Tanh || op instanceof Op.Sigmoid || op instanceof Op.Silu
                || op instanceof Op.HardSigmoid || op instanceof Op.HardSwish || op instanceof Op.Gelu
                || op instanceof Op.BatchNorm || op instanceof Op.Scale;
        return inPlace && writable[in.get(0).id()] ? in.get(0).id() : -1;
    }

    /** Greedy-by-size placement; returns the arena size in elements. */
    private static long place(int[] root, long[] elements, int[] start, int[] end, long[] offsets) {
        List<Integer> buffers = new ArrayList<>();
        for (int id = 0; id < root.length; id++) {
            if (root[id] == id && elements[id] > 0) {
                buffers.add(id);
            }
        }
        buffers.sort(Comparator.<Integer>comparingLong(id -> -elements[id]).thenComparingInt(id -> start[id])
                .thenComparingInt(id -> id));
        // placed buffers in offset order: one pass over them finds the lowest gap among those whose
        // lifetime meets this one's (no per-step lists, no sorting per buffer)
        int[] byOffset = new int[buffers.size()];
        int placed = 0;
        long arena = 0;
        for (int b : buffers) {
            long offset = 0;
            for (int k = 0; k < placed; k++) {
                int other = byOffset[k];
                if (start[other] > end[b] || end[other] < start[b]) {
                    continue;
                }
                if (offsets[other] - offset >= elements[b]) {
                    break;
                }
                offset = Math.max(offset, Math.addExact(offsets[other], elements[other]));
            }
            offsets[b] = offset;
            arena = Math.max(arena, Math.addExact(offset, elements[b]));
            int at = placed;
            while (at > 0 && offsets[byOffset[at - 1]] > offset) {
                at--;
            }
            System.arraycopy(byOffset, at, byOffset, at + 1, placed - at);
            byOffset[at] = b;
            placed++;
        }
        return arena;
    }

    /** Execution order (= {@code graph.layers()}). */
    public List<Layer> schedule() {
        return schedule;
    }

    /** float32 elements of one arena for the analysed batch. */
    public long arenaElements() {
        return arenaElements;
    }

    /** {@code 4 * arenaElements()}: the peak activation memory. */
    public long arenaBytes() {
        return Math.multiplyExact(4, arenaElements);
    }

    /** Element offset of the layer's output buffer in the arena. */
    public long offset(Layer layer) {
        return offsets[root[layer.id()]];
    }

    /** The layer whose buffer this layer's output reuses in place, if any. */
    public Optional<Layer> aliasOf(Layer layer) {
        int from = alias[layer.id()];
        return from < 0 ? Optional.empty() : Optional.of(layerById(from));
    }

    /** The first layer of the chain sharing this layer's buffer (the layer itself when it owns it). */
    public Layer bufferOwner(Layer layer) {
        return layerById(root[layer.id()]);
    }

    /** Elements of the layer's buffer (batch included); 0 for a layer that could not be analysed. */
    public long elements(Layer layer) {
        return elements[root[layer.id()]];
    }

    /** First schedule step at which the layer's buffer is live. */
    public int firstStep(Layer layer) {
        return start[root[layer.id()]];
    }

    /** Last schedule step at which the layer's buffer is live (the last step for outputs). */
    public int lastStep(Layer layer) {
        return end[root[layer.id()]];
    }

    /** The largest sum of live buffer sizes over all steps: a lower bound for any arena. */
    public long peakLiveElements() {
        long[] live = new long[schedule.size() + 1];
        for (Layer layer : schedule) {
            int id = layer.id();
            if (root[id] == id && elements[id] > 0) {
                live[start[id]] += elements[id];
                live[end[id] + 1] -= elements[id];
            }
        }
        long peak = 0;
        long sum = 0;
        for (long delta : live) {
            sum = Math.addExact(sum, delta);
            peak = Math.max(peak, sum);
        }
        return peak;
    }

    private Layer layerById(int id) {
        return byId[id];
    }
}
