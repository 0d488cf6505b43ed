package io.cnnkit.exec.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.exec.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsTest {
    @TempDir
    Path dir;

    static ParamRequirement req(String name, int... shape) {
        return new ParamRequirement(name, shape);
    }

    static final List<ParamRequirement> CONV_BN = List.of(
            req("conv1.weight", 64, 32, 3, 3), req("conv1.bias", 64),
            req("bn1.weight", 64), req("bn1.bias", 64), req("bn1.running_mean", 64), req("bn1.running_var", 64),
            req("fc.weight", 10, 500), req("fc.bias", 10));

    @Test
    void heNormalHasTheDocumentedMomentsAndBatchnormIsIdentity() {
        Weights w = Weights.initialize(CONV_BN, 42);
        assertEquals(CONV_BN.size(), w.size());
        assertMoments(w.get("conv1.weight"), Math.sqrt(2.0 / (32 * 3 * 3)));
        assertMoments(w.get("fc.weight"), Math.sqrt(2.0 / 500));
        for (String zero : List.of("conv1.bias", "bn1.bias", "bn1.running_mean", "fc.bias")) {
            assertArrayEquals(new float[w.get(zero).size()], w.get(zero).toArray(), zero);
        }
        for (String one : List.of("bn1.weight", "bn1.running_var")) {
            for (float v : w.get(one).toArray()) {
                assertEquals(1f, v, one);
            }
        }
    }

    static void assertMoments(Tensor t, double std) {
        double sum = 0;
        double sq = 0;
        for (float v : t.toArray()) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / t.size();
        double sampleStd = Math.sqrt(sq / t.size() - mean * mean);
        // 5 standard errors: σ/√n for the mean, σ/√(2n) for the standard deviation
        assertEquals(0, mean, 5 * std / Math.sqrt(t.size()));
        assertEquals(std, sampleStd, 5 * std / Math.sqrt(2.0 * t.size()));
    }

    @Test
    void initialisationIsDeterministicPerSeedAndIndependentOfOtherParameters() {
        Tensor a = Weights.initialize(CONV_BN, 7).get("fc.weight");
        Tensor b = Weights.initialize(List.of(req("fc.weight", 10, 500)), 7).get("fc.weight");
        Tensor c = Weights.initialize(CONV_BN, 8).get("fc.weight");
        assertArrayEquals(a.toArray(), b.toArray());
        assertFalse(java.util.Arrays.equals(a.toArray(), c.toArray()));
        assertNotEquals(a.get(0), Weights.initialize(List.of(req("fc2.weight", 10, 500)), 7).get("fc2.weight").get(0));
    }

    @Test
    void unknownParameterHasNoRule() {
        assertThrows(IllegalArgumentException.class, () -> Weights.initialize(List.of(req("x.alpha", 3)), 1));
    }

    @Test
    void saveThenLoadStrictlyRoundTrips() {
        Weights w = Weights.initialize(CONV_BN, 3);
        Path p = dir.resolve("w.safetensors");
        w.save(p);
        Weights back = Weights.load(p, CONV_BN);
        for (ParamRequirement r : CONV_BN) {
            assertArrayEquals(w.get(r.name()).toArray(), back.get(r.name()).toArray());
        }
        assertEquals(List.of("weight", "bias", "running_mean", "running_var"), List.copyOf(back.layer("bn1").keySet()));
    }

    @Test
    void everyMismatchIsListedInOneError() {
        Path p = dir.resolve("bad.safetensors");
        SafeTensors.write(p, Map.of(
                "conv1.weight", Tensor.zeros(64, 32, 5, 5),   // wrong shape
                "conv1.bias", Tensor.zeros(64),
                "bn1.weight", Tensor.zeros(64), "bn1.bias", Tensor.zeros(64),
                "bn1.running_mean", Tensor.zeros(64),         // running_var missing
                "fc.weight", Tensor.zeros(10, 500), "fc.bias", Tensor.zeros(10),
                "fc2.weight", Tensor.zeros(3)));              // unexpected
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.load(p, CONV_BN));
        assertEquals(p + ": the weights do not match the network:\n"
                + "  wrong shape: conv1.weight is [64, 32, 5, 5], expected [64, 32, 3, 3]\n"
                + "  missing: bn1.running_var [64]\n"
                + "  unexpected: fc2.weight [3]", e.getMessage());
    }

    @Test
    void numBatchesTrackedIsAcceptedOnlyBesideABatchnorm() throws IOException {
        List<ParamRequirement> bn = List.of(req("bn.weight", 2), req("bn.bias", 2),
                req("bn.running_mean", 2), req("bn.running_var", 2));
        String entries = "\"bn.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"bn.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"bn.running_mean\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]},"
                + "\"bn.running_var\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},";
        byte[] data = ByteBuffer.allocate(40).putFloat(0, 1f).array();
        Path ok = dir.resolve("ok.safetensors");
        Files.write(ok, SafeTensorsTest.file("{" + entries
                + "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[32,40]}}", data));
        assertEquals(4, Weights.load(ok, bn).size());

        Path stray = dir.resolve("stray.safetensors");
        Files.write(stray, SafeTensorsTest.file("{" + entries
                + "\"conv.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[32,40]}}", data));
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.load(stray, bn));
        assertTrue(e.getMessage().endsWith("unexpected: conv.num_batches_tracked []"), e.getMessage());
    }

    @Test
    void integerTensorWhereFloatsAreNeededIsReported() throws IOException {
        Path p = dir.resolve("int.safetensors");
        Files.write(p, SafeTensorsTest.file(
                "{\"fc.bias\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]));
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.load(p, List.of(req("fc.bias", 1))));
        assertTrue(e.getMessage().contains("wrong type: fc.bias is I64"), e.getMessage());
    }

    @Test
    void requireExactlyChecksInMemoryWeights() {
        Weights w = Weights.of(Map.of("a.weight", Tensor.zeros(2, 2)));
        assertEquals(w, w.requireExactly(List.of(req("a.weight", 2, 2))));
        WeightsException e = assertThrows(WeightsException.class, () -> w.requireExactly(List.of(req("a.weight", 2))));
        assertTrue(e.getMessage().contains("wrong shape: a.weight is [2, 2], expected [2]"), e.getMessage());
    }

    @Test
    void nonFiniteWeightsAndNegativeVariancesAreRefusedByName() {
        Map<String, Tensor> tensors = new java.util.LinkedHashMap<>(Weights.initialize(CONV_BN, 3).asMap());
        Tensor conv = tensors.get("conv1.weight").copy();
        conv.set(0, Float.NaN);
        conv.set(1, Float.POSITIVE_INFINITY);
        tensors.put("conv1.weight", conv);
        Tensor var = tensors.get("bn1.running_var").copy();
        var.set(5, -0.5f);
        tensors.put("bn1.running_var", var);
        Path p = dir.resolve("bad.safetensors");
        SafeTensors.write(p, tensors);
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.load(p, CONV_BN));
        assertEquals(p + ": the weights hold values no network can use:\n"
                + "  conv1.weight: 1 NaN and 1 infinite of 18432 values; expected finite numbers\n"
                + "  bn1.running_var: 1 negative of 64 variances; expected 0 or more", e.getMessage());
    }

    @Test
    void aDenormalStdIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ImagePreprocessing(1, 4,
                4, 5, new float[] {0.5f}, new float[] {1e-45f}));
        assertEquals("std values must be finite and at least 1.0E-6, got [1.4E-45]", e.getMessage());
    }
}
