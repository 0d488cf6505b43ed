package io.cnnkit.onnx;

/**
 * An ONNX file or tensor that cannot be used: malformed or truncated protobuf, lying sizes,
 * unsupported types. The message names the file and, where there is one, the tensor or node.
 */
public class OnnxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OnnxException(String message) {
        super(message);
    }

    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }
}
