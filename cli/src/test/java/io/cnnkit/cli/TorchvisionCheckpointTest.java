package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A torchvision ResNet-18 state dict saved by torch.save gives the same {@code cnn run} results as
 * its safetensors export: scripts/make_pth_fixtures.py (Debian's python3-torch and
 * python3-torchvision) writes both from one randomly initialised model. The committed LeNet-5
 * checkpoint runs and exports as its safetensors; a hostile one is refused.
 */
class TorchvisionCheckpointTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void resnet18PthRunsAsItsSafetensors() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3 with python3-torch (scripts/install-test-deps.sh)");
        Path log = dir.resolve("script.log");
        Process p = new ProcessBuilder(PYTHON.toString(), "../scripts/make_pth_fixtures.py", "--torchvision", "resnet18",
                dir.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "make_pth_fixtures.py timed out");
        assertEquals(0, p.exitValue(), () -> "make_pth_fixtures.py failed (it needs python3-torch and python3-torchvision):\n"
                + readQuietly(log));
        BufferedImage img = new BufferedImage(300, 240, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 300; x++) {
                img.setRGB(x, y, (x * 5 + y * 3) % 256 << 16 | (x ^ y) % 256 << 8 | (x * y) % 256);
            }
        }
        Path image = dir.resolve("in.png");
        ImageIO.write(img, "png", image.toFile());
        Cli pth = Cli.run("run", "../examples/resnet18.cnn", "--weights", dir.resolve("resnet18.pth").toString(),
                "--input", image.toString(), "--format", "csv", "--top", "10");
        Cli safetensors = Cli.run("run", "../examples/resnet18.cnn", "--weights",
                dir.resolve("resnet18.safetensors").toString(), "--input", image.toString(), "--format", "csv", "--top", "10");
        assertEquals(ExitCode.OK, pth.code(), pth.err());
        assertEquals(ExitCode.OK, safetensors.code(), safetensors.err());
        // identical rows but for the weights column, which names the file
        assertEquals(safetensors.out().replace("resnet18.safetensors", "W"), pth.out().replace("resnet18.pth", "W"));
        assertEquals(11, pth.out().lines().count(), pth.out());
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Test
    void exportAndRunTakeACheckpointWhereverTheyTakeWeights() throws IOException {
        String fixtures = "../exec/src/test/resources/fixtures/";
        Path input = Path.of(fixtures + "lenet5.io.safetensors");
        // the io file holds 'input' and 'output'; cnn run wants one tensor, so write the input alone
        Path x = dir.resolve("x.safetensors");
        io.cnnkit.exec.io.SafeTensors.write(x, java.util.Map.of("image",
                io.cnnkit.exec.io.SafeTensors.read(input).tensors().get("input")));
        Cli pth = Cli.run("run", fixtures + "lenet5.cnn", "--weights", fixtures + "torch/lenet5.pth", "--input", x.toString(),
                "--format", "json");
        Cli st = Cli.run("run", fixtures + "lenet5.cnn", "--weights", fixtures + "lenet5.weights.safetensors",
                "--input", x.toString(), "--format", "json");
        assertEquals(ExitCode.OK, pth.code(), pth.err());
        assertEquals(st.out().replace("lenet5.weights.safetensors", "W"), pth.out().replace("torch/lenet5.pth", "W"));
        Path onnx = dir.resolve("lenet5.onnx");
        Cli export = Cli.run("export", fixtures + "lenet5.cnn", "--weights", fixtures + "torch/lenet5.pth", "-o",
                onnx.toString());
        assertEquals(ExitCode.OK, export.code(), export.err());
        assertTrue(Files.size(onnx) > 4 * 61_706, "the weights are in the model");
        Cli hostile = Cli.run("run", fixtures + "lenet5.cnn", "--weights", fixtures + "torch/hostile.pth", "--input",
                x.toString());
        assertEquals(ExitCode.INVALID_INPUT, hostile.code());
        assertTrue(hostile.err().contains("cnn run: ") && hostile.err().contains("refusing global posix.system"),
                hostile.err());
    }
}
