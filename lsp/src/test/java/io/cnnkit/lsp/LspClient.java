package io.cnnkit.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.*;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/** A real LSP client (LSP4J's client launcher) talking JSON-RPC to the server over piped streams. */
final class LspClient implements LanguageClient, AutoCloseable {
    final BlockingQueue<PublishDiagnosticsParams> diagnostics = new LinkedBlockingQueue<>();
    final LanguageServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<Integer> serverExit;
    private int version = 1;

    LspClient() throws Exception {
        // NIO pipes: java.io's piped streams fail once the thread that last wrote has ended
        Pipe toServer = Pipe.open();
        Pipe toClient = Pipe.open();
        InputStream serverIn = Channels.newInputStream(toServer.source());
        OutputStream clientOut = Channels.newOutputStream(toServer.sink());
        InputStream clientIn = Channels.newInputStream(toClient.source());
        OutputStream serverOut = Channels.newOutputStream(toClient.sink());
        serverExit = CompletableFuture.supplyAsync(() -> {
            try {
                return CnnLanguageServer.serve(serverIn, serverOut);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(this, clientIn, clientOut, threads, null);
        launcher.startListening();
        server = launcher.getRemoteProxy();
        InitializeResult init = server.initialize(new InitializeParams()).get(10, TimeUnit.SECONDS);
        if (init.getCapabilities().getHoverProvider() == null) {
            throw new IllegalStateException("no hover capability");
        }
        server.initialized(new InitializedParams());
    }

    static String uri(Path file) {
        return file.toAbsolutePath().normalize().toUri().toString();
    }

    void open(Path file, String text) {
        server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri(file), "cnn",
                version++, text)));
    }

    int change(Path file, String text) {
        int v = version++;
        server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                new VersionedTextDocumentIdentifier(uri(file), v), List.of(new TextDocumentContentChangeEvent(text))));
        return v;
    }

    /** The next diagnostics published for {@code file}, skipping other files'. */
    List<Diagnostic> nextDiagnostics(Path file) throws InterruptedException {
        while (true) {
            PublishDiagnosticsParams p = diagnostics.poll(20, TimeUnit.SECONDS);
            if (p == null) {
                throw new AssertionError("no diagnostics published for " + file);
            }
            if (p.getUri().equals(uri(file))) {
                return p.getDiagnostics();
            }
        }
    }

    /** Diagnostics of the given version (analyses of older versions may still arrive first). */
    List<Diagnostic> diagnosticsOf(Path file, int v) throws InterruptedException {
        while (true) {
            PublishDiagnosticsParams p = diagnostics.poll(20, TimeUnit.SECONDS);
            if (p == null) {
                throw new AssertionError("no diagnostics published for version " + v);
            }
            if (p.getUri().equals(uri(file)) && p.getVersion() != null && p.getVersion() == v) {
                return p.getDiagnostics();
            }
        }
    }

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams params) {
        diagnostics.add(params);
    }

    @Override
    public void telemetryEvent(Object object) {
    }

    @Override
    public void showMessage(MessageParams params) {
    }

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams params) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void logMessage(MessageParams params) {
        System.err.println("server: " + params.getMessage());
    }

    @Override
    public void close() throws Exception {
        server.shutdown().get(10, TimeUnit.SECONDS);
        server.exit();
        threads.shutdownNow();
    }
}
