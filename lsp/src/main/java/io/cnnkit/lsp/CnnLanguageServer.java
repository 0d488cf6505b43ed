package io.cnnkit.lsp;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.grammar.CnnBaseLexer;
import io.cnnkit.lsp.SymbolIndex.Kind;
import io.cnnkit.lsp.SymbolIndex.Occurrence;
import io.cnnkit.lsp.SymbolIndex.Symbol;
import io.cnnkit.compiler.format.Formatter;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.eclipse.lsp4j.*;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.Either3;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * The `.cnn` language server. Each open document is re-analysed on one worker thread a short
 * debounce after it changes (at once when opened or saved); the newest analysis is published as
 * diagnostics, and requests read the last snapshot that parsed, so hover and navigation keep
 * working while the text is briefly broken. Imports are read from disk: saving a file (or a
 * watched-file event) re-analyses the open documents that import it.
 */
public final class CnnLanguageServer implements LanguageServer, LanguageClientAware, TextDocumentService,
        WorkspaceService {

    /** Milliseconds between the last keystroke and the analysis. */
    public static final long DEBOUNCE_MS = 25;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");
    private static final Set<String> KEYWORDS = Set.of("network", "import", "input", "output", "aux", "module",
            "out", "repeat", "as", "if", "then", "else", "true", "false", "in");

    /** The text of an open document and its latest and last good analyses. */
    private static final class Document {
        final Path path;
        volatile String text;
        volatile int version;
        volatile Snapshot latest;
        volatile Snapshot lastParsed;
        volatile Snapshot lastAnalysed;
        ScheduledFuture<?> pending;

        Document(Path path, String text, int version) {
            this.path = path;
            this.text = text;
            this.version = version;
        }
    }

    private final Map<String, Document> documents = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(null, r, "cnn-lsp-analysis", 64L << 20);
        t.setDaemon(true);
        return t;
    });
    private volatile LanguageClient client;

    /** Serves on {@code in}/{@code out} until the client exits; returns the exit code LSP asks for. */
    public static int serve(InputStream in, OutputStream out) throws Exception {
        CnnLanguageServer server = new CnnLanguageServer();
        Launcher<LanguageClient> launcher = LSPLauncher.createServerLauncher(server, in, out);
        server.connect(launcher.getRemoteProxy());
        java.util.concurrent.Future<Void> listening = launcher.startListening();
        while (!listening.isDone()) { // until the client says exit or the stream closes
            try {
                server.exited.get(200, TimeUnit.MILLISECONDS);
                break;
            } catch (java.util.concurrent.TimeoutException e) {
                // still serving
            }
        }
        listening.cancel(true);
        server.worker.shutdownNow();
        return server.shutdownRequested ? 0 : 1;
    }

    private volatile boolean shutdownRequested;
    private final CompletableFuture<Void> exited = new CompletableFuture<>();

    @Override
    public void connect(LanguageClient client) {
        this.client = client;
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        ServerCapabilities caps = new ServerCapabilities();
        TextDocumentSyncOptions sync = new TextDocumentSyncOptions();
        sync.setOpenClose(true);
        sync.setChange(TextDocumentSyncKind.Full);
        sync.setSave(new SaveOptions(false));
        caps.setTextDocumentSync(sync);
        caps.setHoverProvider(true);
        caps.setCompletionProvider(new CompletionOptions(false, List.of("(", ",", ">", "\"", " ")));
        caps.setSignatureHelpProvider(new SignatureHelpOptions(List.of("(", ",")));
        caps.setDefinitionProvider(true);
        caps.setReferencesProvider(true);
        caps.setRenameProvider(new RenameOptions(true));
        caps.setDocumentSymbolProvider(true);
        caps.setDocumentFormattingProvider(true);
        caps.setCodeActionProvider(new CodeActionOptions(List.of(CodeActionKind.QuickFix)));
        caps.setSemanticTokensProvider(new SemanticTokensWithRegistrationOptions(TokenHighlighter.LEGEND, true, false));
        return CompletableFuture.completedFuture(new InitializeResult(caps, new ServerInfo("cnn lsp", "0.1.0")));
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdownRequested = true;
        worker.shutdownNow();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        worker.shutdownNow();
        exited.complete(null);
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return this;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return this;
    }

    // ---- documents ------------------------------------------------------------------------------

    @Override
    public void didOpen(DidOpenTextDocumentParams params) {
        TextDocumentItem item = params.getTextDocument();
        Document doc = new Document(Positions.path(item.getUri()), item.getText(), item.getVersion());
        documents.put(item.getUri(), doc);
        schedule(item.getUri(), doc, 0);
    }

    @Override
    public void didChange(DidChangeTextDocumentParams params) {
        Document doc = documents.get(params.getTextDocument().getUri());
        if (doc == null || params.getContentChanges().isEmpty()) {
            return;
        }
        doc.text = params.getContentChanges().get(params.getContentChanges().size() - 1).getText();
        doc.version = params.getTextDocument().getVersion();
        schedule(params.getTextDocument().getUri(), doc, DEBOUNCE_MS);
    }

    @Override
    public void didClose(DidCloseTextDocumentParams params) {
        Document doc = documents.remove(params.getTextDocument().getUri());
        if (doc != null) {
            synchronized (doc) {
                if (doc.pending != null) {
                    doc.pending.cancel(false);
                }
            }
            client.publishDiagnostics(new PublishDiagnosticsParams(params.getTextDocument().getUri(), List.of()));
        }
    }

    @Override
    public void didSave(DidSaveTextDocumentParams params) {
        reanalyseImporters(Positions.path(params.getTextDocument().getUri()));
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
        for (FileEvent event : params.getChanges()) {
            reanalyseImporters(Positions.path(event.getUri()));
        }
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams params) {
    }

    private void reanalyseImporters(Path changed) {
        documents.forEach((uri, doc) -> {
            Snapshot s = doc.latest;
            if (s != null && s.imports().contains(changed)) {
                schedule(uri, doc, 0);
            }
        });
    }

    private void schedule(String uri, Document doc, long delayMs) {
        synchronized (doc) {
            if (doc.pending != null) {
                doc.pending.cancel(false);
            }
            doc.pending = worker.schedule(() -> analyse(uri, doc), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void analyse(String uri, Document doc) {
        String text = doc.text;
        int version = doc.version;
        Snapshot snapshot;
        try {
            snapshot = Snapshot.analyse(doc.path, version, text);
        } catch (RuntimeException e) {
            client.logMessage(new MessageParams(MessageType.Error, "cnn lsp: internal error analysing " + uri + ": " + e));
            return;
        }
        doc.latest = snapshot;
        if (snapshot.index().isPresent()) {
            doc.lastParsed = snapshot;
        }
        if (snapshot.analysis().isPresent()) {
            doc.lastAnalysed = snapshot;
        }
        PublishDiagnosticsParams published = new PublishDiagnosticsParams(uri, diagnostics(snapshot), version);
        client.publishDiagnostics(published);
    }

    /** The snapshot's diagnostics; those located in an imported file are shown at the import that brings it in. */
    private static List<org.eclipse.lsp4j.Diagnostic> diagnostics(Snapshot snapshot) {
        String own = snapshot.path().toString();
        List<org.eclipse.lsp4j.Diagnostic> result = new ArrayList<>();
        SourceLocation firstImport = firstImport(snapshot);
        for (Diagnostic d : snapshot.diagnostics()) {
            org.eclipse.lsp4j.Diagnostic lsp = LspDiagnostics.toLsp(d);
            if (!d.location().path().equals(own) && d.location() != SourceLocation.NONE) {
                lsp.setRange(Positions.range(firstImport));
                lsp.setMessage(d.location() + ": " + d.message());
            }
            result.add(lsp);
        }
        return result;
    }

    /** The first {@code import "..."} (its keyword and path), or the first character. */
    private static SourceLocation firstImport(Snapshot snapshot) {
        SourceFile file = new SourceFile(snapshot.path().toString(), snapshot.text());
        CnnBaseLexer lexer = new CnnBaseLexer(CharStreams.fromString(snapshot.text()));
        lexer.removeErrorListeners();
        List<? extends Token> tokens = lexer.getAllTokens().stream()
                .filter(t -> t.getChannel() == Token.DEFAULT_CHANNEL).toList();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.getType() == CnnBaseLexer.IMPORT) {
                Token end = i + 1 < tokens.size() && tokens.get(i + 1).getLine() == t.getLine()
                        ? tokens.get(i + 1) : t;
                return new SourceLocation(file, t.getLine(), t.getCharPositionInLine() + 1,
                        end.getStopIndex() - t.getStartIndex() + 1);
            }
        }
        return new SourceLocation(file, 1, 1, 1);
    }


    /** The last snapshot that parsed, waiting for a pending first analysis if there is none yet. */
    private Optional<Snapshot> parsed(String uri) {
        Document doc = documents.get(uri);
        if (doc == null) {
            return Optional.empty();
        }
        if (doc.lastParsed == null && doc.latest == null) {
            try {
                worker.submit(() -> { }).get(); // the open's analysis is queued before this
            } catch (Exception e) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(doc.lastParsed);
    }

    private Optional<Occurrence> occurrenceAt(String uri, Position position) {
        return parsed(uri).flatMap(s -> s.index().flatMap(ix -> ix.at(position.getLine() + 1, position.getCharacter() + 1)));
    }

    // ---- features -------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Hover> hover(HoverParams params) {
        return CompletableFuture.supplyAsync(() -> {
            String uri = params.getTextDocument().getUri();
            Optional<Snapshot> snapshot = parsed(uri);
            return occurrenceAt(uri, params.getPosition()).flatMap(o -> Hovers.hover(o, snapshot.get().index().get(),
                            snapshot.get().analysis().or(() -> lastAnalysis(uri)))
                    .map(md -> new Hover(new MarkupContent(MarkupKind.MARKDOWN, md), Positions.range(o.location()))))
                    .orElse(null);
        });
    }

    /** The analysis of the last version that compiled: while the text has errors, hovers show the figures from before. */
    private Optional<io.cnnkit.analyzer.Analysis> lastAnalysis(String uri) {
        Document doc = documents.get(uri);
        return doc == null || doc.lastAnalysed == null ? Optional.empty() : doc.lastAnalysed.analysis();
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
        return CompletableFuture.supplyAsync(() -> {
            String uri = params.getTextDocument().getUri();
            Document doc = documents.get(uri);
            if (doc == null) {
                return Either.forLeft(List.of());
            }
            String text = doc.text;
            return Either.forLeft(Completions.complete(text, Positions.offset(text, params.getPosition()), doc.path,
                    parsed(uri).flatMap(Snapshot::index)));
        });
    }

    @Override
    public CompletableFuture<SignatureHelp> signatureHelp(SignatureHelpParams params) {
        return CompletableFuture.supplyAsync(() -> {
            String uri = params.getTextDocument().getUri();
            Document doc = documents.get(uri);
            if (doc == null) {
                return null;
            }
            String text = doc.text;
            return Completions.signatureHelp(text, Positions.offset(text, params.getPosition()),
                    parsed(uri).flatMap(Snapshot::index)).orElse(null);
        });
    }

    @Override
    public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(
            DefinitionParams params) {
        return CompletableFuture.supplyAsync(() -> {
            List<Location> found = occurrenceAt(params.getTextDocument().getUri(), params.getPosition())
                    .map(Occurrence::symbol).filter(s -> s.definition() != SourceLocation.NONE)
                    .map(s -> List.of(Positions.location(s.definition()))).orElse(List.of());
            return Either.forLeft(found);
        });
    }

    @Override
    public CompletableFuture<List<? extends Location>> references(ReferenceParams params) {
        return CompletableFuture.supplyAsync(() -> {
            String uri = params.getTextDocument().getUri();
            boolean declaration = params.getContext() == null || params.getContext().isIncludeDeclaration();
            return occurrenceAt(uri, params.getPosition()).map(o -> occurrences(uri, o.symbol()).stream()
                    .filter(x -> declaration || !x.definition()).map(x -> Positions.location(x.location())).toList())
                    .orElse(List.of());
        });
    }

    /**
     * Every occurrence of {@code symbol}: in this document, and for a module also in the other open
     * documents and in the file that defines it.
     */
    private List<Occurrence> occurrences(String uri, Symbol symbol) {
        String key = key(symbol);
        Map<String, SymbolIndex> indexes = new LinkedHashMap<>();
        parsed(uri).flatMap(Snapshot::index).ifPresent(ix -> indexes.put(uri, ix));
        if (symbol.kind() == Kind.MODULE || !symbol.definition().path().equals(Positions.path(uri).toString())) {
            documents.keySet().forEach(other -> parsed(other).flatMap(Snapshot::index)
                    .ifPresent(ix -> indexes.putIfAbsent(other, ix)));
            Path home = Path.of(symbol.definition().path());
            String homeUri = Positions.uri(home);
            if (!indexes.containsKey(homeUri) && Files.isRegularFile(home)) {
                try {
                    Snapshot.analyse(home, 0, Files.readString(home)).index().ifPresent(ix -> indexes.put(homeUri, ix));
                } catch (java.io.IOException e) {
                    // unreadable: its occurrences are left out
                }
            }
        }
        List<Occurrence> result = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (SymbolIndex ix : indexes.values()) {
            for (Occurrence o : ix.occurrences()) {
                if (key(o.symbol()).equals(key) && seen.add(Snapshot.key(o.location()))) {
                    result.add(o);
                }
            }
        }
        return result;
    }

    private static String key(Symbol s) {
        return s.kind() + " " + s.name() + " " + s.container() + " " + Snapshot.key(s.definition());
    }

    private static boolean renameable(Symbol s) {
        return s.kind() != Kind.OPERATOR && s.kind() != Kind.ARGUMENT;
    }

    @Override
    public CompletableFuture<Either3<Range, PrepareRenameResult, PrepareRenameDefaultBehavior>> prepareRename(
            PrepareRenameParams params) {
        return CompletableFuture.supplyAsync(() -> occurrenceAt(params.getTextDocument().getUri(), params.getPosition())
                .filter(o -> renameable(o.symbol()))
                .map(o -> Either3.<Range, PrepareRenameResult, PrepareRenameDefaultBehavior>forSecond(
                        new PrepareRenameResult(Positions.range(o.location()), o.symbol().name())))
                .orElse(null));
    }

    @Override
    public CompletableFuture<WorkspaceEdit> rename(RenameParams params) {
        return CompletableFuture.supplyAsync(() -> {
            String name = params.getNewName();
            if (!IDENTIFIER.matcher(name).matches() || KEYWORDS.contains(name)) {
                throw new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams,
                        "'" + name + "' is not a name; expected letters, digits and '_', not a keyword", null));
            }
            String uri = params.getTextDocument().getUri();
            Optional<Occurrence> at = occurrenceAt(uri, params.getPosition()).filter(o -> renameable(o.symbol()));
            if (at.isEmpty()) {
                throw new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams,
                        "only values, modules, parameters and labels can be renamed", null));
            }
            Map<String, List<TextEdit>> changes = new LinkedHashMap<>();
            for (Occurrence o : occurrences(uri, at.get().symbol())) {
                changes.computeIfAbsent(Positions.uri(Path.of(o.location().path())), k -> new ArrayList<>())
                        .add(new TextEdit(Positions.range(o.location()), name));
            }
            return new WorkspaceEdit(changes);
        });
    }

    @Override
    public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(DocumentSymbolParams params) {
        return CompletableFuture.supplyAsync(() -> parsed(params.getTextDocument().getUri())
                .flatMap(Snapshot::index).map(Outline::symbols).orElse(List.of()).stream()
                .map(Either::<SymbolInformation, DocumentSymbol>forRight).toList());
    }

    @Override
    public CompletableFuture<SemanticTokens> semanticTokensFull(SemanticTokensParams params) {
        return CompletableFuture.supplyAsync(() -> {
            String uri = params.getTextDocument().getUri();
            Document doc = documents.get(uri);
            return doc == null ? new SemanticTokens(List.of())
                    : new SemanticTokens(TokenHighlighter.encode(doc.text, parsed(uri).flatMap(Snapshot::index)));
        });
    }

    @Override
    public CompletableFuture<List<? extends TextEdit>> formatting(DocumentFormattingParams params) {
        return CompletableFuture.supplyAsync(() -> {
            Document doc = documents.get(params.getTextDocument().getUri());
            if (doc == null) {
                return List.of();
            }
            String text = doc.text;
            Formatter.Result result = Formatter.format(doc.path.toString(), text);
            if (!result.ok() || result.text().equals(text)) {
                return List.of(); // nothing to change, or a syntax error the diagnostics already show
            }
            Range all = new Range(new Position(0, 0), Positions.position(text, text.length()));
            return List.of(new TextEdit(all, result.text()));
        });
    }

    @Override
    public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(CodeActionParams params) {
        return CompletableFuture.supplyAsync(() -> {
            Document doc = documents.get(params.getTextDocument().getUri());
            List<Either<Command, CodeAction>> actions = new ArrayList<>();
            Snapshot snapshot = doc == null ? null : doc.latest;
            if (snapshot == null) {
                return actions;
            }
            List<org.eclipse.lsp4j.Diagnostic> published = diagnostics(snapshot);
            for (org.eclipse.lsp4j.Diagnostic asked : params.getContext().getDiagnostics()) {
                for (int i = 0; i < published.size(); i++) {
                    if (!LspDiagnostics.same(published.get(i), asked)) {
                        continue;
                    }
                    for (Diagnostic.Fix fix : snapshot.diagnostics().get(i).fixes()) {
                        CodeAction action = new CodeAction(fix.title());
                        action.setKind(CodeActionKind.QuickFix);
                        action.setDiagnostics(List.of(asked));
                        action.setIsPreferred(snapshot.diagnostics().get(i).fixes().size() == 1);
                        action.setEdit(new WorkspaceEdit(Map.of(Positions.uri(Path.of(fix.range().path())),
                                List.of(new TextEdit(Positions.range(fix.range()), fix.replacement())))));
                        actions.add(Either.forRight(action));
                    }
                }
            }
            return actions;
        });
    }
}
