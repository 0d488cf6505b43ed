package io.cnnkit.exec.io;

import static io.cnnkit.exec.io.TorchFixturesTest.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.exec.Tensor;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fixture networks' .cnn sources compile, and PyTorch's state_dicts load strictly against
 * the parameters the analyzer derives from them: every name and shape agrees.
 */
class FixtureNetworksTest {
    @ParameterizedTest
    @CsvSource({"lenet5, 61706", "resnet_mini, 43706", "inception_mini, 9302", "mobile_mini, 6850", "shuffle_mini, 4906"})
    void pytorchStateDictMatchesTheAnalysedNetwork(String name, long parameters) {
        Compilation c = CnnCompiler.compile(fixture(name + ".cnn"));
        assertFalse(c.hasErrors(), () -> c.diagnostics().toString());
        Analysis analysis = Analyzer.analyze(c.graphOrThrow(), 2);
        assertFalse(analysis.hasErrors(), () -> analysis.diagnostics().toString());
        List<ParamRequirement> required = ParamRequirement.of(analysis);
        Weights w = Weights.load(fixture(name + ".weights.safetensors"), required);
        assertEquals(required.size(), w.size());
        // the count published by PyTorch (sum of numel over the state_dict without counters)
        assertEquals(parameters, w.asMap().values().stream().mapToLong(Tensor::size).sum());
        int[] output = SafeTensors.read(fixture(name + ".io.safetensors")).tensors().get("output").shape();
        assertArrayEquals(new int[] {2, 10}, output);

        // seeded initialisation covers exactly the same names and shapes
        Weights init = Weights.initialize(required, 5);
        assertEquals(parameters, init.asMap().values().stream().mapToLong(Tensor::size).sum());
        init.requireExactly(required);
    }
}
