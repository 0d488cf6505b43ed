package io.cnnkit.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.diagram.DiagramModel;
import io.cnnkit.diagram.DiagramOptions;
import io.cnnkit.diagram.DiagramRenderer;
import io.cnnkit.diagram.HtmlReport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code cnn serve}'s page: the HTML report of a file, served on 127.0.0.1 and rebuilt whenever the
 * file changes on disk; when it does not compile or analyse, the source with each error under its
 * line. The page asks for {@code /version} a few times a second and reloads when it has changed.
 */
final class LivePreview implements AutoCloseable {
    /** How often the file's modification time is looked at. */
    static final long POLL_MS = 200;
    /** Columns taken by a line number (its CSS width is the same in ch), so that carets line up. */
    private static final int NUMBER_WIDTH = 6;

    /** What is served: {@code html} is {@code source} with the script that reloads it on a newer version. */
    private record Page(int version, String source, String html) {
    }

    private final Path file;
    private final int batch;
    private final HttpServer server;
    private final ScheduledExecutorService watcher;
    private final AtomicReference<Page> page = new AtomicReference<>(new Page(0, "", ""));
    /** The file's modification time and size when last built: a save that keeps the time still changes this. */
    private volatile Stamp seen;

    private record Stamp(FileTime modified, long size) {
        static Stamp of(Path file) throws IOException {
            return Files.exists(file) ? new Stamp(Files.getLastModifiedTime(file), Files.size(file)) : null;
        }
    }

    LivePreview(Path file, int batch, int port) throws IOException {
        this.file = file;
        this.batch = batch;
        rebuild();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, daemon("cnn-serve-http")));
        server.start();
        watcher = Executors.newSingleThreadScheduledExecutor(daemon("cnn-serve-watch"));
        watcher.scheduleWithFixedDelay(this::checkForChange, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void checkForChange() {
        try {
            Stamp now = Stamp.of(file);
            if (now != null && !now.equals(seen)) {
                rebuild();
            }
        } catch (IOException | RuntimeException e) {
            // the next look tries again (the file may be mid-save)
        }
    }

    private void rebuild() throws IOException {
        seen = Stamp.of(file);
        String html;
        Compilation compilation = CnnCompiler.compile(file);
        if (compilation.hasErrors()) {
            html = errorPage(compilation.diagnostics());
        } else {
            Analysis analysis = Analyzer.analyze(compilation.graph().orElseThrow(), batch);
            if (analysis.hasErrors()) {
                List<Diagnostic> all = new ArrayList<>(compilation.diagnostics());
                all.addAll(analysis.diagnostics());
                html = errorPage(all);
            } else {
                html = report(analysis);
            }
        }
        Page current = page.get();
        if (!html.equals(current.source())) { // an open page reloads only when what it shows has changed
            int version = current.version() + 1;
            page.set(new Page(version, html, withReload(html, version)));
        }
    }

    /** The report page; if the diagram engine fails, a page that says so (the preview keeps running). */
    private static String report(Analysis analysis) {
        try {
            DiagramModel model = DiagramModel.of(analysis, DiagramOptions.DEFAULT);
            return HtmlReport.render(analysis, DiagramRenderer.svg(model, DiagramOptions.DEFAULT), DiagramOptions.DEFAULT);
        } catch (RuntimeException e) {
            return "<!doctype html><html><head><meta charset=\"utf-8\"><title>cnn serve</title></head><body>"
                    + "<h1 id=\"status\">the report could not be drawn</h1><p>" + escape(String.valueOf(e.getMessage()))
                    + "</p></body></html>";
        }
    }

    /** The source, each line with errors followed by its messages, a caret under the column. */
    private String errorPage(List<Diagnostic> diagnostics) throws IOException {
        String own = file.toString();
        Map<Integer, List<Diagnostic>> byLine = new TreeMap<>();
        List<Diagnostic> elsewhere = new ArrayList<>();
        for (Diagnostic d : diagnostics) {
            if (d.location().path().equals(own)) {
                byLine.computeIfAbsent(d.location().line(), k -> new ArrayList<>()).add(d);
            } else {
                elsewhere.add(d);
            }
        }
        long errors = diagnostics.stream().filter(Diagnostic::isError).count();
        StringBuilder b = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(file.getFileName().toString())).append(": ").append(Sources.plural(errors, "error"))
                .append("</title><style>body{font:14px/1.4 sans-serif;margin:16px}pre{font:13px/1.45 monospace;margin:0}"
                        + ".line{white-space:pre}.n{color:#888;display:inline-block;width:" + NUMBER_WIDTH + "ch}"
                        + ".bad{background:#fde8e8}"
                        + ".msg{white-space:pre;color:#b00020;font-weight:bold}.warning{color:#8a6d00}</style></head><body>")
                .append("<h1 id=\"status\">").append(escape(file.getFileName().toString())).append(": ")
                .append(Sources.plural(errors, "error")).append("</h1>");
        for (Diagnostic d : elsewhere) {
            b.append("<p class=\"msg").append(d.isError() ? "" : " warning").append("\">")
                    .append(escape(d.headline())).append("</p>");
        }
        b.append("<pre id=\"source\">");
        String[] lines = Files.exists(file) ? Files.readString(file).split("\n", -1) : new String[0];
        for (int i = 0; i < lines.length; i++) {
            List<Diagnostic> here = byLine.getOrDefault(i + 1, List.of());
            b.append("<div class=\"line").append(here.isEmpty() ? "" : " bad").append("\"><span class=\"n\">")
                    .append(i + 1).append("</span>").append(escape(lines[i])).append("</div>");
            for (Diagnostic d : here) {
                String pad = " ".repeat(NUMBER_WIDTH + Math.max(0, d.location().column() - 1));
                String caret = "^" + "~".repeat(Math.max(0, d.location().length() - 1));
                b.append("<div class=\"msg").append(d.isError() ? "" : " warning").append("\" data-line=\"")
                        .append(i + 1).append("\">").append(pad).append(caret).append(' ').append(escape(d.severity().label()))
                        .append(": ").append(escape(d.message())).append(" [").append(escape(d.code())).append("]</div>");
            }
        }
        return b.append("</pre></body></html>").toString();
    }

    private static String withReload(String html, int version) {
        String script = "<script>(function(){const v='" + version + "';setInterval(function(){fetch('/version')"
                + ".then(function(r){return r.text();}).then(function(t){if(t!==v){location.reload();}})"
                + ".catch(function(){});}," + (POLL_MS * 2) + ");})();</script>";
        int end = html.lastIndexOf("</body>");
        return end < 0 ? html + script : html.substring(0, end) + script + html.substring(end);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Page current = page.get();
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            String type;
            int status = 200;
            if (path.equals("/")) {
                body = current.html().getBytes(StandardCharsets.UTF_8);
                type = "text/html; charset=utf-8";
            } else if (path.equals("/version")) {
                body = Integer.toString(current.version()).getBytes(StandardCharsets.UTF_8);
                type = "text/plain";
            } else {
                body = "not found".getBytes(StandardCharsets.UTF_8);
                type = "text/plain";
                status = 404;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        server.stop(0);
    }
}
