package io.cnnkit.onnx;

import io.cnnkit.onnx.proto.Onnx.AttributeProto;
import io.cnnkit.onnx.proto.Onnx.NodeProto;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to a node's attributes with the defaults the operator specification gives.
 * An attribute of the wrong type is an {@link OnnxException} naming the node.
 */
public final class OnnxAttributes {
    private final NodeProto node;
    private final Map<String, AttributeProto> byName = new LinkedHashMap<>();

    public OnnxAttributes(NodeProto node) {
        this.node = node;
        for (AttributeProto a : node.getAttributeList()) {
            if (byName.put(a.getName(), a) != null) {
                throw new OnnxException(where() + ": attribute '" + a.getName() + "' is given twice");
            }
        }
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public java.util.Set<String> names() {
        return byName.keySet();
    }

    public long getInt(String name, long defaultValue) {
        return find(name, AttributeProto.AttributeType.INT).map(AttributeProto::getI).orElse(defaultValue);
    }

    public float getFloat(String name, float defaultValue) {
        return find(name, AttributeProto.AttributeType.FLOAT).map(AttributeProto::getF).orElse(defaultValue);
    }

    public String getString(String name, String defaultValue) {
        return find(name, AttributeProto.AttributeType.STRING)
                .map(a -> a.getS().toString(StandardCharsets.UTF_8)).orElse(defaultValue);
    }

    /** The INTS attribute, or {@code defaultValue} (may be null) when absent. */
    public long[] getInts(String name, long[] defaultValue) {
        return find(name, AttributeProto.AttributeType.INTS)
                .map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(defaultValue);
    }

    private Optional<AttributeProto> find(String name, AttributeProto.AttributeType type) {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return Optional.empty();
        }
        if (a.hasType() && a.getType() != type) {
            throw new OnnxException(where() + ": attribute '" + name + "' is " + a.getType() + ", expected " + type);
        }
        return Optional.of(a);
    }

    private String where() {
        return node.getOpType() + " node" + (node.getName().isEmpty() ? "" : " '" + node.getName() + "'");
    }
}
