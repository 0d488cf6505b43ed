package io.cnnkit.compiler.elab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.compiler.Compilation;
import io.cnnkit.compiler.SourceFile;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.parse.SourceParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The count from the syntax tree equals the layers elaboration makes, so the bound is exact. */
class LayerCountTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    static Stream<Path> zoo() throws IOException {
        return Files.list(EXAMPLES).filter(p -> p.toString().endsWith(".cnn")).sorted();
    }

    @ParameterizedTest
    @MethodSource("zoo")
    void countsTheZooExactly(Path file) throws IOException {
        Compilation compiled = CnnCompiler.compile(file);
        if (compiled.graph().isEmpty() || compiled.graph().get().size() == 0) {
            return; // a library of modules, no network
        }
        assertExact(SourceParser.parse(new SourceFile(file.toString(), Files.readString(file)), 10).unit().orElseThrow(),
                modules(file), compiled.graph().get().size());
    }

    /** Indexed repeats, conditionals on parameters, defaults, merges, groups, spliced repeats. */
    @ParameterizedTest
    @ValueSource(strings = {
        "module b(c, deep=false) { x = in -> conv(c, 1)\n  z = if deep { x -> relu -> relu } else { x -> relu }\n"
            + "  y = in -> conv(c, 1)\n  out add(z, y) }\n"
            + "input i: 3x8x8\no1 = i -> repeat 3 as k b(4, deep=k > 0)\n"
            + "output o = o1 -> repeat 4 as j (repeat j relu) -> g: [repeat 2 (relu -> relu) -> relu]\n",
        "module d(n) { out if n == 0 { in -> relu } else { in -> repeat n relu -> relu } }\n"
            + "module e(n=2) { out in -> d(n) -> d(n - 2) -> d(n=n) }\n"
            + "input i: 3x8x8\noutput o = i -> d(0) -> [relu] -> e -> e(3)\naux output a = i -> relu\n",
        "input i: 3x8x8\nx = i -> relu\ny = i -> relu\noutput o = concat(x, y) -> repeat 0 relu\n",
        "let depth = max(1, 5 / 2)\n"
            + "module s(c, expand=1) { let hidden = c * expand\n"
            + "  out in -> [0: conv(hidden, 1) -> repeat (if expand != 1 then 1 else 0) relu -> 3: conv(c, 1)] }\n"
            + "input i: 3x8x8\noutput o = i -> repeat depth as k s(4, expand=k + 1) -> \"tail-{depth}\": relu\n",
    })
    void countsLanguageFeaturesExactly(String body) {
        String text = "network T\n" + body;
        Compilation compiled = CnnCompiler.compileString("t.cnn", text);
        assertTrue(compiled.graph().isPresent(), compiled.diagnostics().toString());
        Ast.CompilationUnit root = SourceParser.parse(new SourceFile("t.cnn", text), 10).unit().orElseThrow();
        Map<String, Ast.ModuleDecl> modules = new HashMap<>();
        root.modules().forEach(m -> modules.put(m.name().name(), m));
        assertExact(root, modules, compiled.graph().get().size());
    }

    private static void assertExact(Ast.CompilationUnit root, Map<String, Ast.ModuleDecl> modules, int layers) {
        assertEquals(Optional.empty(), LayerCount.pastBound(root, modules, Set.of(), layers));
        Optional<LayerCount.Excess> past = LayerCount.pastBound(root, modules, Set.of(), layers - 1);
        assertEquals(layers, past.orElseThrow().layers());
    }

    /** The modules of a zoo file and of the files it imports (one level, as the zoo uses). */
    private static Map<String, Ast.ModuleDecl> modules(Path file) throws IOException {
        Ast.CompilationUnit root = SourceParser.parse(new SourceFile(file.toString(), Files.readString(file)), 10)
                .unit().orElseThrow();
        Map<String, Ast.ModuleDecl> modules = new HashMap<>();
        for (Ast.Import imported : root.imports()) {
            Path other = file.resolveSibling(imported.path());
            SourceParser.parse(new SourceFile(other.toString(), Files.readString(other)), 10).unit().orElseThrow()
                    .modules().forEach(m -> modules.put(m.name().name(), m));
        }
        root.modules().forEach(m -> modules.put(m.name().name(), m));
        return modules;
    }
}
