package io.cnnkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.train.insight.GradientProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each parameter's gradient norm after one forward and backward pass equals PyTorch's in
 * train() mode within 1e-4 relative (scripts/make_train_fixtures.py, grad_norms.json), in the
 * network's layer order, for LeNet-5 and a reduced ResNet with batchnorm.
 */
class GradientProbeTest {

    @ParameterizedTest(name = "{0} on {1} threads")
    @CsvSource({"lenet5, 1", "resnet_mini, 1", "resnet_mini, 2"})
    void normsEqualPyTorch(String name, int threads) throws Exception {
        SafeTensors.Contents contents = SafeTensors.read(TrainerTest.fixture("steps/" + name + ".safetensors"));
        Analysis analysis = Analyzer.analyze(CnnCompiler.compileString(name + ".cnn", contents.metadata().get("source"))
                .graphOrThrow(), 8);
        Map<String, Tensor> weights = TrainerTest.initialWeights(name, contents, analysis).asMap();
        long[] labels = contents.integers().get("labels").values();
        int[] y = new int[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (int) labels[i];
        }
        JsonNode expected = new ObjectMapper().readTree(TrainerTest.fixture("grad_norms.json").toFile()).get(name);
        GradientProbe.Result result = GradientProbe.of(TrainingNetwork.of(analysis, Map.of(), 0.3), weights,
                contents.tensors().get("images"), y, threads, 1);
        assertEquals(expected.get("loss").asDouble(), result.loss(), 1e-4 * expected.get("loss").asDouble());
        List<String> names = new ArrayList<>();
        for (GradientProbe.Row row : result.rows()) {
            String param = row.layer() + "." + row.param();
            names.add(param);
            double want = expected.get("norms").get(param).asDouble();
            assertTrue(Math.abs(row.gradNorm() - want) <= 1e-4 * want, param + ": " + row.gradNorm() + " against " + want);
        }
        List<String> all = new ArrayList<>();
        expected.get("norms").fieldNames().forEachRemaining(all::add);
        assertEquals(all.size(), names.size(), "every parameter once: " + names);
        // the network's layer order, as cnn analyze lists it
        List<String> order = analysis.layers().stream().map(s -> s.layer().name()).toList();
        for (int i = 1; i < result.rows().size(); i++) {
            assertTrue(order.indexOf(result.rows().get(i - 1).layer()) <= order.indexOf(result.rows().get(i).layer()));
        }
    }
}
