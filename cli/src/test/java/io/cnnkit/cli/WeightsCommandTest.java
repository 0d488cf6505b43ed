package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.cnnkit.exec.io.WeightsException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnn weights} and {@code cnn weights fetch} against a local HTTP server on 127.0.0.1. */
class WeightsCommandTest {
    @TempDir
    Path dir;
    HttpServer server;
    String base;
    final byte[] body = new byte[300_000];

    @BeforeEach
    void serve() throws IOException {
        new Random(5).nextBytes(body);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/whole/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/cut/", exchange -> {
            // declares the whole length, sends a third, then closes the connection
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, body.length / 3);
            out.flush();
            exchange.close();
        });
        server.createContext("/missing/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void listsTheWeightsThatFitAZooNetwork() {
        Cli r = Cli.run("weights", "../examples/resnet18.cnn");
        assertEquals(ExitCode.OK, r.code(), r.err());
        assertTrue(r.out().contains("resnet18      ResNet18              69.76%  f37072fd        "
                + "https://download.pytorch.org/models/resnet18-f37072fd.pth"), r.out());
        assertEquals(3, r.out().lines().count(), r.out());
        Cli all = Cli.run("weights");
        assertEquals(2 + TorchvisionWeights.ALL.size(), all.out().lines().count(), all.out());
        Cli csv = Cli.run("weights", "../examples/vgg16.cnn", "--format", "csv");
        assertEquals("name,network,parameters,top1,sha256_prefix,url\n"
                + "vgg16,VGG16,138357544,71.592,397923af,https://download.pytorch.org/models/vgg16-397923af.pth\n", csv.out());
        Cli json = Cli.run("weights", "--format", "json");
        assertTrue(json.out().contains("\"sha256Prefix\" : \"f37072fd\""), json.out());
        for (String zoo : List.of("mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "efficientnet_b0",
                "shufflenet_v2_x1_0", "regnet_y_400mf", "convnext_tiny")) {
            Cli fits = Cli.run("weights", "../examples/" + zoo + ".cnn", "--format", "csv");
            assertEquals(ExitCode.OK, fits.code(), zoo + ": " + fits.err());
            assertTrue(fits.out().contains("\n" + zoo + ","), fits.out()); // the file's own network and parameters
        }
        Cli none = Cli.run("weights", "../examples/lenet5.cnn");
        assertEquals(ExitCode.INVALID_INPUT, none.code());
        assertTrue(none.err().startsWith("cnn weights: no published weights fit network LeNet5 (61,706 parameters)"),
                none.err());
    }

    @Test
    void aDownloadWhoseHashHasThePrefixIsWrittenWhole() throws Exception {
        String hash = sha256(body);
        Path target = dir.resolve("net-" + hash.substring(0, 8) + ".pth");
        assertEquals(hash, WeightsCommand.Fetch.download(base + "/whole/x.pth", target, hash.substring(0, 8)));
        assertArrayEquals(body, Files.readAllBytes(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void aWrongHashLeavesNoFile() throws IOException {
        // the server's bytes are not torchvision's resnet18: their SHA-256 does not start with f37072fd
        Cli r = Cli.run("weights", "fetch", "resnet18", "-o", dir.toString(), "--mirror", base + "/whole/");
        assertEquals(ExitCode.FAILURE, r.code());
        assertTrue(r.err().startsWith("cnn weights fetch: ") && r.err().contains("does not start with f37072fd"), r.err());
        assertFalse(Files.exists(dir.resolve("resnet18-f37072fd.pth")));
        assertEquals(List.of(), files());
    }

    @Test
    void aTruncatedDownloadLeavesNoFile() throws Exception {
        String prefix = sha256(body).substring(0, 8);
        Path target = dir.resolve("net-" + prefix + ".pth");
        WeightsException e = assertThrows(WeightsException.class,
                () -> WeightsCommand.Fetch.download(base + "/cut/x.pth", target, prefix));
        assertTrue(e.getMessage().startsWith(target + ": cannot write: "), e.getMessage());
        assertEquals(List.of(), files());
        Cli r = Cli.run("weights", "fetch", "resnet18", "-o", dir.toString(), "--mirror", base + "/cut");
        assertEquals(ExitCode.FAILURE, r.code());
        assertEquals(List.of(), files());
    }

    @Test
    void unknownNamesAndHttpErrorsAreClear() throws IOException {
        Cli unknown = Cli.run("weights", "fetch", "resnet19", "-o", dir.toString());
        assertEquals(ExitCode.INVALID_INPUT, unknown.code());
        assertEquals("cnn weights fetch: no published weights named 'resnet19'; 'cnn weights' lists them\n", unknown.err());
        Cli missing = Cli.run("weights", "fetch", "vgg16", "-o", dir.toString(), "--mirror", base + "/missing");
        assertEquals(ExitCode.FAILURE, missing.code());
        assertTrue(missing.err().contains("HTTP 404"), missing.err());
        assertEquals(List.of(), files());
    }
}
