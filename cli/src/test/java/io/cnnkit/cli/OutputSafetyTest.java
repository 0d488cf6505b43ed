package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that writes a file goes through one guard: no device or FIFO replaced, none of
 * the command's own inputs overwritten, an existing file's mode kept; a FIFO given as an input is
 * refused instead of blocking.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutputSafetyTest {
    private static final String NET = "network Net\ninput image: 1x8x8\n"
            + "output logits = image -> conv1: conv(2, 3) -> relu -> flatten -> fc: dense(3)\n";

    @TempDir
    Path dir;

    private Path net() throws IOException {
        return Files.writeString(dir.resolve("net.cnn"), NET);
    }

    private Path fifo(String name) throws Exception {
        Path path = dir.resolve(name);
        assertEquals(0, new ProcessBuilder("mkfifo", path.toString()).start().waitFor());
        return path;
    }

    private Path onnx() throws IOException {
        Path model = dir.resolve("net.onnx");
        Cli export = Cli.run("export", net().toString(), "--seed", "1", "-o", model.toString());
        assertEquals(ExitCode.OK, export.code(), export.err());
        return model;
    }

    private static void assertRefused(Cli cli, String command, Path output, String reason) {
        assertEquals(ExitCode.INVALID_INPUT, cli.code(), cli.err());
        assertTrue(cli.err().contains("cnn " + command + ": cannot write " + output + ": " + reason), cli.err());
    }

    @Test
    void aFifoOutputIsNeverReplaced() throws Exception {
        String source = net().toString();
        Path input = dir.resolve("x.safetensors");
        SafeTensors.write(input, Map.of("x", Tensor.of(new float[64], 1, 1, 8, 8)));
        Path fifo = fifo("out");
        String why = "it exists and is not a regular file (a device, FIFO or socket)";
        assertRefused(Cli.run("export", source, "--seed", "1", "-o", fifo.toString()), "export", fifo, why);
        assertRefused(Cli.run("report", source, "-o", fifo.toString()), "report", fifo, why);
        assertRefused(Cli.run("run", source, "--seed", "1", "--input", input.toString(), "--output", fifo.toString()),
                "run", fifo, why);
        Path model = onnx();
        assertRefused(Cli.run("import", model.toString(), "-o", fifo.toString()), "import", fifo, why);
        assertRefused(Cli.run("import", model.toString(), "-o", dir.resolve("b.cnn").toString(),
                "--weights-out", fifo.toString()), "import", fifo, why);
        assertFalse(Files.isRegularFile(fifo));
        assertFalse(Files.exists(dir.resolve("b.cnn")));
    }

    @Test
    void noCommandOverwritesItsOwnInput() throws Exception {
        Path model = onnx();
        Path source = dir.resolve("net.cnn");
        Path weights = dir.resolve("w.safetensors");
        Cli imported = Cli.run("import", model.toString(), "-o", dir.resolve("copy.cnn").toString(),
                "--weights-out", weights.toString());
        assertEquals(ExitCode.OK, imported.code(), imported.err());
        Path input = dir.resolve("x.safetensors");
        SafeTensors.write(input, Map.of("x", Tensor.of(new float[64], 1, 1, 8, 8)));
        Map<Path, byte[]> before = new java.util.HashMap<>();
        for (Path p : new Path[] {model, source, weights, input}) {
            before.put(p, Files.readAllBytes(p));
        }
        String same = "it is the same file as ";
        assertRefused(Cli.run("report", source.toString(), "-o", source.toString()), "report", source, same + source);
        Path link = Files.createSymbolicLink(dir.resolve("net.dot"), source);
        assertRefused(Cli.run("render", source.toString(), "-o", link.toString()), "render", link, same + source);
        assertRefused(Cli.run("export", source.toString(), "--weights", weights.toString(), "-o", weights.toString()),
                "export", weights, same + weights);
        String s = source.toString();
        assertRefused(Cli.run("run", s, "--weights", weights.toString(), "--input", input.toString(), "--output",
                weights.toString()), "run", weights, same + weights);
        assertRefused(Cli.run("run", s, "--seed", "1", "--input", input.toString(), "--output", input.toString()),
                "run", input, same + input);
        assertRefused(Cli.run("import", model.toString(), "-o", model.toString()), "import", model, same + model);
        Path both = dir.resolve("both");
        assertRefused(Cli.run("import", model.toString(), "-o", both.toString(), "--weights-out",
                dir.resolve("sub/../both").toString()), "import", both, same + dir.resolve("sub/../both"));
        for (var e : before.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), e.getKey().toString());
        }
        assertFalse(Files.exists(both));
    }

    @Test
    void anExistingOutputKeepsItsMode() throws Exception {
        Path model = dir.resolve("private.onnx");
        Path cnn = dir.resolve("private.cnn");
        Path weights = dir.resolve("private.safetensors");
        Path out = dir.resolve("private.out.safetensors");
        Path html = dir.resolve("private.html");
        for (Path p : new Path[] {model, cnn, weights, out, html}) {
            Files.writeString(p, "old");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
        String source = net().toString();
        assertEquals(ExitCode.OK, Cli.run("export", source, "--seed", "1", "-o", model.toString()).code());
        assertEquals(ExitCode.OK, Cli.run("import", model.toString(), "-o", cnn.toString(), "--weights-out",
                weights.toString()).code());
        Path input = dir.resolve("x.safetensors");
        SafeTensors.write(input, Map.of("x", Tensor.of(new float[64], 1, 1, 8, 8)));
        assertEquals(ExitCode.OK, Cli.run("run", source, "--seed", "1", "--input", input.toString(), "--output",
                out.toString()).code());
        assertEquals(ExitCode.OK, Cli.run("report", source, "-o", html.toString()).code());
        for (Path p : new Path[] {model, cnn, weights, out, html}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            assertFalse(Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1).equals("old"), p.toString());
        }
    }

    @Test
    void aFifoInputIsRefusedInsteadOfBlocking() throws Exception {
        String source = net().toString();
        Path fifo = fifo("w.safetensors");
        Cli export = Cli.run("export", source, "--weights", fifo.toString(), "-o", dir.resolve("a.onnx").toString());
        assertEquals(ExitCode.INVALID_INPUT, export.code());
        assertEquals("cnn export: " + fifo + ": cannot read: not a regular file (a device, FIFO or socket)",
                export.err().strip());
        Cli imported = Cli.run("import", fifo.toString(), "-o", dir.resolve("a.cnn").toString());
        assertEquals(ExitCode.INVALID_INPUT, imported.code());
        assertEquals("cnn import: " + fifo + ": not a regular file (a device, FIFO or socket)", imported.err().strip());
    }
}
