package io.cnnkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cnnkit.compiler.graph.Layer;
import io.cnnkit.compiler.graph.NetworkGraph;
import io.cnnkit.compiler.graph.Output;
import io.cnnkit.compiler.graph.Scope;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Print the elaborated graph: every layer with its resolved arguments and inputs.")
final class GraphCommand implements Callable<Integer> {
    enum Format { dot, json }

    @Parameters(paramLabel = "FILE", description = "the .cnn file")
    Path file;

    @Option(names = "--format", defaultValue = "dot", description = "dot or json (default: ${DEFAULT-VALUE})")
    Format format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Optional<NetworkGraph> graph = Sources.graph(file, spec.commandLine().getErr());
        if (graph.isEmpty()) {
            return ExitCode.INVALID_INPUT;
        }
        out.print(format == Format.dot ? graph.get().toDot() : json(graph.get()));
        out.println();
        out.flush();
        return ExitCode.OK;
    }

    static String json(NetworkGraph graph) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("network", graph.name());
        ArrayNode layers = root.putArray("layers");
        for (Layer layer : graph.layers()) {
            ObjectNode node = layers.addObject();
            node.put("name", layer.name());
            node.put("op", layer.kind());
            node.set("args", mapper.valueToTree(layer.op()));
            ArrayNode inputs = node.putArray("inputs");
            graph.inputsOf(layer).forEach(in -> inputs.add(in.name()));
            ArrayNode scopes = node.putArray("scopes");
            for (Scope scope : layer.scopes()) {
                scopes.addObject().put("path", scope.path()).put("kind", scope.kind());
            }
            layer.assertedShape().ifPresent(s -> node.put("assertedShape", s.toString()));
            node.put("source", layer.site().toString());
        }
        ArrayNode outputs = root.putArray("outputs");
        for (Output o : graph.outputs()) {
            outputs.addObject().put("name", o.name()).put("layer", o.layer().name()).put("aux", o.aux());
        }
        return mapper.writeValueAsString(root);
    }
}
