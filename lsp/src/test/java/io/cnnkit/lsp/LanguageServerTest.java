package io.cnnkit.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.*;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server through a real LSP client over JSON-RPC, on copies of the examples. */
class LanguageServerTest {
    static final Path EXAMPLES = Path.of("..", "examples");
    @TempDir
    static Path dir;
    static LspClient client;
    static Path resnet18;
    static String resnet18Text;

    @BeforeAll
    static void start() throws Exception {
        for (String name : List.of("resnet18.cnn", "resnet_blocks.cnn", "lenet5.cnn")) {
            Files.copy(EXAMPLES.resolve(name), dir.resolve(name));
        }
        resnet18 = dir.resolve("resnet18.cnn");
        resnet18Text = Files.readString(resnet18);
        client = new LspClient();
        client.open(resnet18, resnet18Text);
        assertEquals(List.of(), client.nextDiagnostics(resnet18));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
    }

    static Position at(String text, String needle, int plus) {
        int offset = text.indexOf(needle);
        assertTrue(offset >= 0, needle);
        return Positions.position(text, offset + plus);
    }

    static TextDocumentIdentifier doc(Path file) {
        return new TextDocumentIdentifier(LspClient.uri(file));
    }

    String hover(Path file, Position p) throws Exception {
        Hover h = client.server.getTextDocumentService().hover(new HoverParams(doc(file), p)).get(10, TimeUnit.SECONDS);
        return h == null ? "" : h.getContents().getRight().getValue();
    }

    @Test
    void diagnosticsAsYouTypeIncludeTheAnalyzersShapeErrorsAndClearWhenFixed() throws Exception {
        Path file = dir.resolve("typing.cnn");
        String good = "network T\ninput x: 3x32x32\na = x -> conv(32, 3, pad=1)\nb = x -> conv(16, 3, pad=1)\n"
                + "output o = add(a, b) -> flatten -> dense(10)\n";
        client.open(file, good.replace("conv(16", "conv(32"));
        assertEquals(List.of(), client.nextDiagnostics(file));
        int v = client.change(file, good.replace("conv(32, 3, pad=1)\nb", "cnov(32, 3, pad=1)\nb"));
        List<Diagnostic> unknown = client.diagnosticsOf(file, v);
        assertEquals(1, unknown.size(), unknown.toString());
        assertEquals("unknown-operator", unknown.get(0).getCode().getLeft());
        assertEquals(new Range(new Position(2, 9), new Position(2, 13)), unknown.get(0).getRange());
        assertTrue(unknown.get(0).getMessage().contains("did you mean 'conv'"), unknown.get(0).getMessage());

        CodeActionParams actions = new CodeActionParams(doc(file), unknown.get(0).getRange(),
                new CodeActionContext(unknown));
        List<Either<Command, CodeAction>> fixes = client.server.getTextDocumentService().codeAction(actions)
                .get(10, TimeUnit.SECONDS);
        assertEquals(1, fixes.size());
        assertEquals("conv", fixes.get(0).getRight().getEdit().getChanges().get(LspClient.uri(file)).get(0).getNewText());

        v = client.change(file, good); // 32 + 16 channels into add: only the analyzer sees it
        List<Diagnostic> shapes = client.diagnosticsOf(file, v);
        assertEquals(1, shapes.size(), shapes.toString());
        assertEquals(DiagnosticSeverity.Error, shapes.get(0).getSeverity());
        assertEquals(4, shapes.get(0).getRange().getStart().getLine());
        List<DiagnosticRelatedInformation> related = shapes.get(0).getRelatedInformation();
        assertEquals(List.of(2, 3), related.stream().map(r -> r.getLocation().getRange().getStart().getLine()).toList(),
                shapes.toString()); // where a and b were made
        assertEquals(LspClient.uri(file), related.get(0).getLocation().getUri());

        v = client.change(file, good.replace("conv(16", "conv(32"));
        assertEquals(List.of(), client.diagnosticsOf(file, v));
        v = client.change(file, good.replace("conv(16", "conv(32").replace("dense(10)", "dense(q)"));
        assertEquals("unknown-name", client.diagnosticsOf(file, v).get(0).getCode().getLeft());
        String text = good.replace("conv(16", "conv(32").replace("dense(10)", "dense(q)");
        String kept = hover(file, at(text, "a = ", 0)); // the figures of the last version that compiled
        assertTrue(kept.contains("output **32x32x32**"), kept);
    }

    @Test
    void hoverShowsShapesParametersMacsAndReceptiveFields() throws Exception {
        String conv1 = hover(resnet18, at(resnet18Text, "conv1: conv", 1));
        assertTrue(conv1.contains("output **64x112x112** from 3x224x224; 9,408 parameters, 118,013,952 MACs"), conv1);
        assertTrue(conv1.contains("receptive field 7x7 (stride 2)"), conv1);
        String op = hover(resnet18, at(resnet18Text, "conv(64, 7", 1));
        assertTrue(op.contains("conv(filters, kernel, stride=1, pad=0, dilation=1, groups=1, bias=true)"), op);
        assertTrue(op.contains("2-D convolution"), op);
        assertTrue(op.contains("- `groups` = `1`: channel groups"), op);
        assertTrue(op.contains("9,408 parameters"), op);
        String value = hover(resnet18, at(resnet18Text, "layer2 = ", 1));
        assertTrue(value.contains("value layer2") && value.contains("output **128x28x28**"), value);
        String module = hover(resnet18, at(resnet18Text, "basic(64)", 1));
        assertTrue(module.contains("module basic(planes, stride=1, project=false)"), module);
        assertTrue(module.contains("from `resnet_blocks.cnn`"), module);
        assertTrue(module.contains("`layer1.0`") && module.contains("73,984 parameters"), module);
    }

    @Test
    void hoverInsideAModuleListsEachInstance() throws Exception {
        Path blocks = dir.resolve("resnet_blocks.cnn");
        String text = Files.readString(blocks);
        client.open(resnet18, resnet18Text); // already open: re-sent, same text
        String label = hover(resnet18, at(resnet18Text, "fc: dense", 0));
        assertTrue(label.contains("output **1000**"), label);
        client.open(blocks, text);
        String conv = hover(blocks, at(text, "conv1: conv(planes, 3", 0));
        assertTrue(conv.contains("layer conv1"), conv);
    }

    @Test
    void hoverNamesLetsAndNumberedLabelsAndFindsTheirDefinitions() throws Exception {
        Path file = dir.resolve("lets.cnn");
        String text = "network L\ninput x: 16x8x8\nmodule cbr(c) {\n  let hidden = max(8, c / 4)\n"
                + "  out in -> [0: conv(hidden, 1) -> batchnorm -> relu6]\n}\noutput o = x -> cbr(64) -> flatten\n";
        client.open(file, text);
        assertEquals(List.of(), client.nextDiagnostics(file));
        String let = hover(file, at(text, "conv(hidden", 6));
        assertTrue(let.contains("let hidden in module cbr"), let);
        String label = hover(file, at(text, "0: conv", 0));
        assertTrue(label.contains("output **16x8x8**"), label);
    }

    @Test
    void completionOffersOperatorsModulesValuesNamedArgumentsAndImportPaths() throws Exception {
        Path file = dir.resolve("complete.cnn");
        String text = "network C\nimport \"\"\ninput image: 3x32x32\nstem = image -> conv(8, 3, )\noutput y = stem -> \n";
        // typed into a version that parsed: its names stay known while the text is incomplete
        client.open(file, "network C\ninput image: 3x32x32\nstem = image -> conv(8, 3)\noutput y = stem -> relu\n");
        assertEquals(List.of(), client.nextDiagnostics(file));
        int v = client.change(file, text);
        assertFalse(client.diagnosticsOf(file, v).isEmpty());
        List<String> afterArrow = labels(file, at(text, "y = stem -> ", 12));
        assertTrue(afterArrow.containsAll(List.of("conv", "maxpool", "concat", "stem", "image")), afterArrow.toString());
        List<String> inCall = labels(file, at(text, "conv(8, 3, )", 11));
        assertTrue(inCall.containsAll(List.of("stride=", "pad=", "groups=")), inCall.toString());
        assertFalse(inCall.contains("maxpool"), inCall.toString());
        List<String> paths = labels(file, at(text, "import \"\"", 8));
        assertTrue(paths.containsAll(List.of("resnet_blocks.cnn", "lenet5.cnn")), paths.toString());

        CompletionItem conv = items(file, at(text, "y = stem -> ", 12)).stream()
                .filter(i -> i.getLabel().equals("conv")).findFirst().orElseThrow();
        assertEquals("conv(${1:filters}, ${2:kernel})$0", conv.getInsertText());
        assertEquals("conv(filters, kernel, stride=1, pad=0, dilation=1, groups=1, bias=true)", conv.getDetail());

        SignatureHelp help = client.server.getTextDocumentService().signatureHelp(
                new SignatureHelpParams(doc(file), at(text, "conv(8, 3, )", 11))).get(10, TimeUnit.SECONDS);
        assertEquals("conv(filters, kernel, stride=1, pad=0, dilation=1, groups=1, bias=true)",
                help.getSignatures().get(0).getLabel());
        assertTrue(help.getSignatures().get(0).getParameters().get(2).getDocumentation().getRight().getValue()
                .startsWith("step between windows"));
        assertEquals(2, help.getActiveParameter());
    }

    List<CompletionItem> items(Path file, Position p) throws Exception {
        return client.server.getTextDocumentService().completion(new CompletionParams(doc(file), p))
                .get(10, TimeUnit.SECONDS).getLeft();
    }

    List<String> labels(Path file, Position p) throws Exception {
        return items(file, p).stream().map(CompletionItem::getLabel).toList();
    }

    @Test
    void definitionReferencesAndRenameFollowNamesAcrossImports() throws Exception {
        var service = client.server.getTextDocumentService();
        List<? extends Location> def = service.definition(new DefinitionParams(doc(resnet18),
                at(resnet18Text, "basic(64)", 2))).get(10, TimeUnit.SECONDS).getLeft();
        assertEquals(1, def.size());
        assertTrue(def.get(0).getUri().endsWith("/resnet_blocks.cnn"), def.get(0).getUri());
        assertEquals(Files.readAllLines(dir.resolve("resnet_blocks.cnn")).get(def.get(0).getRange().getStart().getLine())
                .indexOf("basic("), def.get(0).getRange().getStart().getCharacter());

        List<? extends Location> refs = service.references(new ReferenceParams(doc(resnet18),
                at(resnet18Text, "layer1 = ", 0), new ReferenceContext(true))).get(10, TimeUnit.SECONDS);
        assertEquals(2, refs.size(), refs.toString()); // its definition and layer2's head

        WorkspaceEdit rename = service.rename(new RenameParams(doc(resnet18), at(resnet18Text, "-> repeat 2 basic", 12),
                "block")).get(10, TimeUnit.SECONDS);
        List<TextEdit> here = rename.getChanges().get(LspClient.uri(resnet18));
        List<TextEdit> there = rename.getChanges().get(LspClient.uri(dir.resolve("resnet_blocks.cnn")));
        assertEquals(4, here.size(), rename.toString());   // four stages call basic
        assertEquals(1, there.size(), rename.toString());  // the module's definition
        assertTrue(here.stream().allMatch(e -> e.getNewText().equals("block")));

        var error = service.rename(new RenameParams(doc(resnet18), at(resnet18Text, "layer1 = ", 0), "in"));
        try {
            error.get(10, TimeUnit.SECONDS);
            throw new AssertionError("renaming to a keyword was accepted");
        } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(e.getCause().getMessage().contains("not a name"), e.getCause().getMessage());
        }
    }

    @Test
    void outlineSemanticTokensAndFormatting() throws Exception {
        var service = client.server.getTextDocumentService();
        Path blocks = dir.resolve("resnet_blocks.cnn");
        String text = Files.readString(blocks);
        client.open(blocks, text);
        List<Either<SymbolInformation, DocumentSymbol>> outline = service.documentSymbol(
                new DocumentSymbolParams(doc(blocks))).get(10, TimeUnit.SECONDS);
        List<String> names = outline.stream().map(e -> e.getRight().getName()).toList();
        assertEquals(List.of("basic", "bottleneck"), names);
        List<String> inBasic = outline.get(0).getRight().getChildren().stream().map(DocumentSymbol::getName).toList();
        assertEquals(List.of("planes", "stride", "project", "y", "s"), inBasic);

        List<Integer> data = service.semanticTokensFull(new SemanticTokensParams(doc(resnet18)))
                .get(10, TimeUnit.SECONDS).getData();
        assertEquals(0, data.size() % 5);
        // find the token at "conv1: conv(" -> 'conv' is a function (an operator), 'conv1' a property (a label)
        Position label = at(resnet18Text, "conv1: conv", 0);
        Position op = at(resnet18Text, "conv1: conv", 7);
        assertEquals("property", tokenType(data, label));
        assertEquals("function", tokenType(data, op));
        assertEquals("class", tokenType(data, at(resnet18Text, "basic(64)", 0)));

        Path messy = dir.resolve("messy.cnn");
        String source = "network   M\ninput x:3x8x8\noutput o=x->flatten->dense( 10 )  // head\n";
        client.open(messy, source);
        List<? extends TextEdit> edits = service.formatting(new DocumentFormattingParams(doc(messy),
                new FormattingOptions(2, true))).get(10, TimeUnit.SECONDS);
        assertEquals(1, edits.size());
        assertEquals("network M\ninput x: 3x8x8\noutput o = x -> flatten -> dense(10) // head\n", edits.get(0).getNewText());
    }

    static String tokenType(List<Integer> data, Position p) {
        int line = 0;
        int column = 0;
        for (int i = 0; i < data.size(); i += 5) {
            line += data.get(i);
            column = data.get(i) == 0 ? column + data.get(i + 1) : data.get(i + 1);
            if (line == p.getLine() && column == p.getCharacter()) {
                return TokenHighlighter.TYPES.get(data.get(i + 3));
            }
        }
        return "none";
    }

    @Test
    void anImportedFileChangingOnDiskReanalysesItsImporters() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("dep"));
        Path blocks = sub.resolve("blocks.cnn");
        Files.writeString(blocks, "module unit(c) {\n  out in -> conv(c, 3, pad=1) -> relu\n}\n");
        Path main = sub.resolve("main.cnn");
        String text = "network D\nimport \"blocks.cnn\"\ninput x: 3x8x8\noutput o = x -> unit(4) -> flatten\n";
        client.open(main, text);
        assertEquals(List.of(), client.nextDiagnostics(main));
        Files.writeString(blocks, "module unit(c) {\n  out in -> conv(c, 3, pad=1) -> relu\n}\nmodule unit(d) {\n  out in\n}\n");
        client.server.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(
                List.of(new FileEvent(LspClient.uri(blocks), FileChangeType.Changed))));
        List<Diagnostic> after = client.nextDiagnostics(main);
        assertEquals(1, after.size(), after.toString());
        assertTrue(after.get(0).getMessage().contains("blocks.cnn:4:8"), after.get(0).getMessage());
        assertEquals(1, after.get(0).getRange().getStart().getLine()); // shown at the import
    }
}
