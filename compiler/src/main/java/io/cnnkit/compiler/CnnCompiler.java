package io.cnnkit.compiler;

import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.elab.Diagnostics;
import io.cnnkit.compiler.elab.Elaborator;
import io.cnnkit.compiler.elab.ModuleChecker;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.io.InputFile;
import io.cnnkit.compiler.io.RefusedFileException;
import io.cnnkit.compiler.parse.SourceParser;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Compiles `.cnn` sources: parse, load imports, check modules, elaborate to a {@link NetworkGraph}.
 * Never throws for bad input: everything wrong comes back as a {@link Diagnostic}.
 */
public final class CnnCompiler {
    /** Larger sources are refused before they are read into memory. */
    public static final long MAX_SOURCE_BYTES = 16L << 20;
    /** Errors reported per run before the compiler stops looking. */
    public static final int MAX_ERRORS = 50;
    /** The compiler runs on a thread with a deep stack; recursion is bounded separately. */
    private static final long STACK_BYTES = 256L << 20;

    private CnnCompiler() {
    }

    public static Compilation compile(Path file) {
        Diagnostics diagnostics = new Diagnostics(MAX_ERRORS);
        Optional<SourceFile> source = read(file, file.toString(), null, diagnostics);
        if (source.isEmpty()) {
            return new Compilation(Optional.empty(), diagnostics.list());
        }
        return compile(source.get(), file.toAbsolutePath().getParent(), diagnostics);
    }

    /** Compiles text as if it were the file {@code path}; imports resolve next to that path. */
    public static Compilation compileString(String path, String text) {
        Path parent = Path.of(path).toAbsolutePath().getParent();
        return compile(new SourceFile(path, text), parent, new Diagnostics(MAX_ERRORS));
    }

    private static Compilation compile(SourceFile source, Path directory, Diagnostics diagnostics) {
        AtomicReference<Compilation> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(null, () -> result.set(pipeline(source, directory, diagnostics)), "cnn-compiler",
                STACK_BYTES);
        worker.setUncaughtExceptionHandler((thread, error) -> failure.set(error));
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Compilation compilation = result.get();
        if (compilation != null) {
            return compilation;
        }
        SourceLocation start = new SourceLocation(source, 1, 1, 1);
        Throwable error = failure.get();
        if (error instanceof StackOverflowError) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.TOO_DEEP, start,
                    "the source is nested too deeply to compile; expected a flatter structure"));
        } else if (error instanceof OutOfMemoryError) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.TOO_LARGE, start, "the network does not fit in the "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB of memory the JVM may use; expected a smaller"
                    + " network, or more memory (java -Xmx)"));
        } else {
            // a defect of the compiler, not of the source: say so rather than blame the source
            throw new IllegalStateException("the compiler failed on " + source.path() + ": " + error, error);
        }
        return new Compilation(Optional.empty(), diagnostics.list());
    }

    private static Compilation pipeline(SourceFile source, Path directory, Diagnostics diagnostics) {
        SourceParser.Result parsed = SourceParser.parse(source, MAX_ERRORS);
        diagnostics.addAll(parsed.diagnostics());
        if (parsed.unit().isEmpty()) {
            return new Compilation(Optional.empty(), diagnostics.list());
        }
        Ast.CompilationUnit root = parsed.unit().get();
        ImportLoader loader = new ImportLoader(diagnostics);
        Map<String, Ast.ModuleDecl> modules = loader.load(root, directory);
        boolean importsFailed = diagnostics.hasErrors();
        Set<String> broken = ModuleChecker.check(modules, diagnostics);
        if (importsFailed) {
            return new Compilation(Optional.empty(), diagnostics.list()); // expanding would only cascade
        }
        String name = root.network().map(Ast.Identifier::name).orElse(stem(source.path()));
        Optional<NetworkGraph> graph = Elaborator.elaborate(root, name, modules, broken, diagnostics);
        return new Compilation(diagnostics.hasErrors() ? Optional.empty() : graph, diagnostics.list());
    }

    private static String stem(String path) {
        String file = Path.of(path).getFileName() == null ? path : Path.of(path).getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    /**
     * Reads a source file as UTF-8 within the size bound. {@code display} is how messages name it;
     * problems are reported at {@code from} (the import) when given.
     */
    static Optional<SourceFile> read(Path file, String display, SourceLocation from, Diagnostics diagnostics) {
        SourceLocation at = from != null ? from : new SourceLocation(new SourceFile(display, ""), 1, 1, 1);
        try {
            long size;
            try {
                size = InputFile.check(file, Long.MAX_VALUE);
            } catch (RefusedFileException e) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.FILE_NOT_FOUND, at, "cannot read '" + display + "': "
                        + e.getMessage()));
                return Optional.empty();
            }
            if (size > MAX_SOURCE_BYTES) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.TOO_LARGE, at, "'" + display + "' is " + size
                        + " bytes; expected a source of at most " + MAX_SOURCE_BYTES + " bytes"));
                return Optional.empty();
            }
            byte[] bytes = InputFile.readAll(file, MAX_SOURCE_BYTES);
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1); // a byte order mark, as some Windows editors write
            }
            return Optional.of(new SourceFile(display, text));
        } catch (CharacterCodingException e) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.ENCODING, at, "'" + display + "' is not valid UTF-8 text"));
        } catch (IOException e) {
            diagnostics.add(Diagnostic.error(DiagnosticCode.FILE_NOT_FOUND, at, "cannot read '" + display + "': " + e.getMessage()));
        }
        return Optional.empty();
    }

    /** Loads imports depth-first, once per file, reporting missing files and cycles at the import. */
    private static final class ImportLoader {
        private final Diagnostics diagnostics;
        private Path rootDirectory;
        private Path rootDisplay;
        private final Map<Path, Ast.CompilationUnit> loaded = new LinkedHashMap<>();
        private final List<Path> stack = new ArrayList<>();
        private final Map<String, Ast.ModuleDecl> modules = new LinkedHashMap<>();

        ImportLoader(Diagnostics diagnostics) {
            this.diagnostics = diagnostics;
        }

        Map<String, Ast.ModuleDecl> load(Ast.CompilationUnit root, Path directory) {
            Path rootPath = directory.resolve(Path.of(root.file().path()).getFileName().toString()).normalize();
            rootDirectory = directory;
            rootDisplay = Path.of(root.file().path());
            stack.add(rootPath);
            loaded.put(rootPath, root);
            visit(root, directory);
            return modules;
        }

        /** An imported file named as the user would: relative to the file they compiled. */
        private String display(Path target) {
            Path relative = rootDirectory.relativize(target);
            Path parent = rootDisplay.getParent();
            return (parent == null ? relative : parent.resolve(relative)).normalize().toString();
        }

        private void visit(Ast.CompilationUnit unit, Path directory) {
            for (Ast.Import imp : unit.imports()) {
                Optional<Path> resolved = importPath(imp, directory);
                if (resolved.isEmpty()) {
                    continue;
                }
                Path target = resolved.get();
                if (stack.contains(target)) {
                    List<String> cycle = new ArrayList<>();
                    for (Path p : stack.subList(stack.indexOf(target), stack.size())) {
                        cycle.add(p.getFileName().toString());
                    }
                    cycle.add(target.getFileName().toString());
                    diagnostics.add(Diagnostic.error(DiagnosticCode.IMPORT_CYCLE, imp.location(),
                            "import cycle: " + String.join(" -> ", cycle) + "; expected imports without cycles"));
                    continue;
                }
                if (loaded.containsKey(target)) {
                    continue;
                }
                Optional<SourceFile> source = read(target, display(target), imp.location(), diagnostics);
                if (source.isEmpty()) {
                    continue;
                }
                // one error is enough to tell a file that is not a .cnn source; its lines are not echoed at length
                SourceParser.Result parsed = SourceParser.parse(source.get(), 1);
                diagnostics.addAll(parsed.diagnostics());
                if (parsed.unit().isEmpty()) {
                    continue;
                }
                loaded.put(target, parsed.unit().get());
                stack.add(target);
                visit(parsed.unit().get(), target.getParent());
                stack.remove(stack.size() - 1);
            }
            for (Ast.ModuleDecl module : unit.modules()) {
                Ast.ModuleDecl previous = modules.putIfAbsent(module.name().name(), module);
                if (previous != null) {
                    diagnostics.add(Diagnostic.error(DiagnosticCode.DUPLICATE_MODULE, module.name().location(),
                            "module '" + module.name().name() + "' is already defined at "
                                    + previous.name().location() + "; expected a new name"));
                }
            }
        }

        /** The file an import names: only a {@code .cnn} file, by a path the file system can hold. */
        private Optional<Path> importPath(Ast.Import imp, Path directory) {
            String path = imp.path();
            if (!path.endsWith(".cnn")) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.FILE_NOT_FOUND, imp.location(), "cannot import '"
                        + Diagnostic.printable(path) + "': imports take .cnn files; expected a path ending in .cnn"));
                return Optional.empty();
            }
            try {
                return Optional.of(directory.resolve(path).normalize());
            } catch (InvalidPathException e) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.FILE_NOT_FOUND, imp.location(), "cannot import '"
                        + Diagnostic.printable(path) + "': not a valid file path (" + e.getReason() + ")"));
                return Optional.empty();
            }
        }
    }
}
