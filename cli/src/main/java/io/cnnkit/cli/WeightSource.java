package io.cnnkit.cli;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.exec.io.MemoryCheck;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.Weights;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --weights W | --seed S}: an exclusive option group for commands that need weights. */
public final class WeightSource {
    @Option(names = "--weights", paramLabel = "W",
            description = {"weights with PyTorch state_dict names and layouts: safetensors, or a torch.save",
                    "checkpoint (.pth, read without running any of its code)"})
    Path weights;

    @Option(names = "--seed", paramLabel = "S", description = "initialise weights (He normal) from this seed")
    Long seed;

    /** The seed given, or 0. */
    public long seed() {
        return seed == null ? 0 : seed;
    }

    /** How the weights are obtained, for headers: the file, or "from seed S". */
    public String describe() {
        return weights != null ? weights.toString() : "from seed " + seed();
    }

    /**
     * The loaded or seeded weights of the analysed network; a note on stderr when they are seeded.
     * Refused first when they and the analysis's activation arena cannot fit in the heap.
     */
    public Weights load(Analysis analysis, PrintWriter err, String seededNote) {
        MemoryCheck.checkActivations(analysis);
        List<ParamRequirement> required = ParamRequirement.of(analysis);
        MemoryCheck.check(required, analysis.memoryPlan().arenaBytes());
        if (weights != null) {
            return Weights.load(weights, required);
        }
        if (!required.isEmpty() && seededNote != null) {
            err.println("note: weights initialised from seed " + seed() + " (He normal); " + seededNote);
        }
        return Weights.initialize(required, seed());
    }
}
