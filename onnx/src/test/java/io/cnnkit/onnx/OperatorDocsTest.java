package io.cnnkit.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.compiler.op.ArgValue;
import io.cnnkit.compiler.op.Arguments;
import io.cnnkit.compiler.op.Operators;
import io.cnnkit.onnx.imports.OnnxReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/operators.md is the generated table, and the table's ONNX columns are what the importer reads. */
class OperatorDocsTest {
    private static final Path DOC = Path.of("../docs/operators.md");

    @Test
    void theOperatorTableIsCurrent() throws IOException {
        String generated = OperatorDocs.markdown();
        if (Boolean.getBoolean("cnnkit.regenerate")) {
            Files.writeString(DOC, generated, StandardCharsets.UTF_8);
        }
        assertEquals(generated, Files.readString(DOC, StandardCharsets.UTF_8),
                "docs/operators.md is stale: rerun this test with -Dcnnkit.regenerate=true");
    }

    @Test
    void theImportColumnMatchesTheImportersNodeTypes() {
        Set<String> listed = new TreeSet<>();
        for (Operators.Spec spec : Operators.all()) {
            Map<String, ArgValue> args = new HashMap<>();
            spec.params().stream().filter(Operators.Param::required)
                    .forEach(p -> args.put(p.name(), new ArgValue.IntValue(1)));
            listed.addAll(OnnxMapping.of(spec.build().apply(new Arguments(args))).imports());
        }
        Set<String> read = new TreeSet<>(OnnxReader.NODE_TYPES);
        read.remove("Constant"); // it holds a value; no layer comes of it
        OnnxReader.SIZE_NODE_TYPES.stream().filter(t -> !listed.contains(t)).forEach(read::remove);
        assertEquals(read, listed, "node types the importer reads against the types the table lists");
        assertTrue(OnnxReader.NODE_TYPES.containsAll(listed));
    }
}
