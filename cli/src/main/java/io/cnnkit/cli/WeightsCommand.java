package io.cnnkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.exec.io.AtomicFiles;
import io.cnnkit.exec.io.WeightsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "torchvision's ImageNet weights for a zoo network (URL, SHA-256 prefix); 'fetch' downloads them.",
        subcommands = WeightsCommand.Fetch.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed", "2:the file has errors, or no published weights fit it"})
final class WeightsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", arity = "0..1", description = "a .cnn file of the zoo (examples/)")
    Path model;

    enum Format { table, json, csv }

    @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE})")
    Format format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<TorchvisionWeights> shown = TorchvisionWeights.ALL;
        if (model != null) {
            Optional<Analysis> analysis = Sources.analysis(model, 1, err);
            if (analysis.isEmpty()) {
                return ExitCode.INVALID_INPUT;
            }
            String network = analysis.get().graph().name();
            long parameters = analysis.get().inferenceTotals().parameters();
            shown = TorchvisionWeights.fitting(network, parameters);
            if (shown.isEmpty()) {
                err.println("cnn weights: no published weights fit network " + network + " (" + String.format(Locale.ROOT,
                        "%,d", parameters) + " parameters); 'cnn weights' lists the known ones");
                err.flush();
                return ExitCode.INVALID_INPUT;
            }
        }
        switch (format) {
            case table -> {
                int nameWidth = Math.max(13, shown.stream().mapToInt(w -> w.name().length()).max().orElse(0));
                out.printf(Locale.ROOT, "%-" + nameWidth + "s %-21s %6s  %-15s %s%n", "name", "network", "top-1",
                        "sha256 prefix", "url");
                for (TorchvisionWeights w : shown) {
                    out.printf(Locale.ROOT, "%-" + nameWidth + "s %-21s %5.2f%%  %-15s %s%n", w.name(), w.network(),
                            w.top1(), w.sha256Prefix(), w.url());
                }
                out.println("Download and check one: cnn weights fetch NAME [-o DIR]; then cnn run MODEL.cnn --weights"
                        + " DIR/FILE.pth");
            }
            case csv -> {
                out.println("name,network,parameters,top1,sha256_prefix,url");
                shown.forEach(w -> out.printf(Locale.ROOT, "%s,%s,%d,%.3f,%s,%s%n", w.name(), w.network(), w.parameters(),
                        w.top1(), w.sha256Prefix(), w.url()));
            }
            case json -> {
                ObjectMapper json = new ObjectMapper();
                ArrayNode list = json.createArrayNode();
                shown.forEach(w -> list.addObject().put("name", w.name()).put("network", w.network())
                        .put("parameters", w.parameters()).put("top1", w.top1()).put("sha256Prefix", w.sha256Prefix())
                        .put("url", w.url()));
                out.println(list.toPrettyString());
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download published weights, check their SHA-256 prefix and write them atomically.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:downloaded and checked (or already present)", "1:the download failed or the hash differs",
                    "2:unknown name"})
    static final class Fetch implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "a name from 'cnn weights' (e.g. resnet18)")
        String name;

        @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", defaultValue = ".",
                description = "the folder to write the .pth file to (default: the current one)")
        Path dir;

        @Option(names = "--mirror", paramLabel = "URL",
                description = "download from this base URL instead of download.pytorch.org (the file name is appended)")
        String mirror;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<TorchvisionWeights> known = TorchvisionWeights.named(name);
            if (known.isEmpty()) {
                return fail(err, "no published weights named '" + name + "'; 'cnn weights' lists them",
                        ExitCode.INVALID_INPUT);
            }
            TorchvisionWeights w = known.get();
            if (!Files.isDirectory(dir)) {
                return fail(err, dir + ": no such folder", ExitCode.INVALID_INPUT);
            }
            Path target = dir.resolve(w.fileName());
            String url = mirror == null ? w.url() : mirror.replaceAll("/+$", "") + "/" + w.fileName();
            try {
                if (Files.isRegularFile(target) && sha256(target).startsWith(w.sha256Prefix())) {
                    out.println(target + " is already here and its SHA-256 starts with " + w.sha256Prefix());
                    out.flush();
                    return ExitCode.OK;
                }
                String hash = download(url, target, w.sha256Prefix());
                out.println("wrote " + target + " (sha256 " + hash + ")");
                out.flush();
                return ExitCode.OK;
            } catch (WeightsException e) {
                return fail(err, e.getMessage(), ExitCode.FAILURE);
            } catch (IOException e) {
                return fail(err, url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                        ExitCode.FAILURE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail(err, "interrupted", ExitCode.FAILURE);
            }
        }

        /** Streams the body into a temporary sibling, hashing as it goes; moved into place only when whole and checked. */
        static String download(String url, Path target, String prefix) throws IOException, InterruptedException {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(30)).build();
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode());
                }
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                MessageDigest digest = sha256();
                String[] hash = new String[1];
                AtomicFiles.write(target, channel -> {
                    long received = 0;
                    try (ProgressBar bar = Progress.bar(target.getFileName().toString(), length, " MB", 1_000_000)) {
                        byte[] buffer = new byte[1 << 16];
                        for (int n; (n = body.read(buffer)) > 0; ) {
                            digest.update(buffer, 0, n);
                            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                            while (chunk.hasRemaining()) {
                                channel.write(chunk);
                            }
                            received += n;
                            if (bar != null) {
                                bar.stepTo(received);
                            }
                        }
                    }
                    if (length >= 0 && received != length) {
                        throw new IOException("the download stopped after " + received + " of " + length + " bytes");
                    }
                    hash[0] = HexFormat.of().formatHex(digest.digest());
                    if (!hash[0].startsWith(prefix)) {
                        throw new IOException("SHA-256 " + hash[0] + " does not start with " + prefix
                                + " as the file name says: not written");
                    }
                });
                return hash[0];
            }
        }

        private static String sha256(Path file) throws IOException {
            MessageDigest digest = sha256();
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        private static int fail(PrintWriter err, String message, int code) {
            err.println("cnn weights fetch: " + message);
            err.flush();
            return code;
        }
    }
}
