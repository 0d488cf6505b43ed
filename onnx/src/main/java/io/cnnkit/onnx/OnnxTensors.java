package io.cnnkit.onnx;

import com.google.protobuf.ByteString;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.HalfFloats;
import io.cnnkit.onnx.proto.Onnx.TensorProto;
import io.cnnkit.onnx.proto.Onnx.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Conversion between ONNX {@code TensorProto} and cnnkit tensors. Float tensors (FLOAT, and
 * DOUBLE, FLOAT16, BFLOAT16 converted to float32) become {@link Tensor}s; integer tensors (INT64
 * shapes and pads, INT32, …) become {@code long[]}. Elements come from {@code raw_data} (fixed
 * width, little endian) or from the typed field that the specification assigns to the data type.
 * Every size is checked against the declared dims before anything is allocated. Data in external
 * files is read only when the caller gives the model's folder, and only from inside it
 * ({@link ExternalData}).
 */
public final class OnnxTensors {
    private OnnxTensors() {
    }

    /** The dims as ints, checked non-negative and within one Java array. */
    public static int[] shape(TensorProto t) {
        int[] shape = new int[t.getDimsCount()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw bad(t, "dimension " + d + " is outside [0, 2^31)");
            }
            shape[i] = (int) d;
            n *= d;
            if (n > Tensor.MAX_ELEMENTS) {
                throw bad(t, "dims " + t.getDimsList() + " have more than " + Tensor.MAX_ELEMENTS + " elements");
            }
        }
        return shape;
    }

    public static DataType dataType(TensorProto t) {
        DataType type = DataType.forNumber(t.getDataType());
        if (type == null) {
            throw bad(t, "unknown data_type " + t.getDataType());
        }
        return type;
    }

    public static boolean isFloating(TensorProto t) {
        return switch (dataType(t)) {
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16 -> true;
            default -> false;
        };
    }

    /** A float32 tensor with the proto's dims; FLOAT, DOUBLE, FLOAT16 and BFLOAT16 are accepted. */
    public static Tensor toTensor(TensorProto t) {
        return toTensor(t, null);
    }

    /**
     * As {@link #toTensor(TensorProto)}, with data stored in an external file resolved against
     * {@code modelFolder} (the folder of the model file); null refuses external data.
     */
    public static Tensor toTensor(TensorProto t, Path modelFolder) {
        int[] shape = shape(t);
        int n = Tensor.checkedSize(shape);
        DataType type = dataType(t);
        if (!isFloating(t)) {
            throw bad(t, "data_type " + type + " is not a floating-point type");
        }
        if (t.hasRawData() || isExternal(t)) {
            ByteBuffer raw = bytes(t, type, n, modelFolder); // checks the size before anything is allocated
            float[] out = new float[n];
            switch (type) {
                case FLOAT -> raw.asFloatBuffer().get(out);
                case DOUBLE -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) raw.getDouble();
                    }
                }
                case FLOAT16 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = HalfFloats.f16ToFloat(raw.getShort());
                    }
                }
                case BFLOAT16 -> {
                    for (int i = 0; i < n; i++) {
                        out[i] = HalfFloats.bf16ToFloat(raw.getShort());
                    }
                }
                default -> throw bad(t, "data_type " + type + " is not a floating-point type");
            }
            return Tensor.of(out, shape);
        }
        requireCount(t, typedField(t, type), typedCount(t, type), n);
        float[] out = new float[n];
        switch (type) {
            case FLOAT -> {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getFloatData(i);
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) t.getDoubleData(i);
                }
            }
            case FLOAT16, BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    short bits = (short) t.getInt32Data(i);
                    out[i] = type == DataType.FLOAT16 ? HalfFloats.f16ToFloat(bits) : HalfFloats.bf16ToFloat(bits);
                }
            }
            default -> throw bad(t, "data_type " + type + " is not a floating-point type");
        }
        return Tensor.of(out, shape);
    }

    /** The elements of an integer tensor (INT64, INT32, INT16, INT8, UINT8, UINT16, UINT32, BOOL). */
    public static long[] toLongs(TensorProto t) {
        return toLongs(t, null);
    }

    /** As {@link #toLongs(TensorProto)}, with external data resolved against {@code modelFolder}. */
    public static long[] toLongs(TensorProto t, Path modelFolder) {
        int n = Tensor.checkedSize(shape(t));
        DataType type = dataType(t);
        switch (type) {
            case INT64, UINT64, INT32, UINT32, INT16, UINT16, INT8, UINT8, BOOL -> { }
            default -> throw bad(t, "data_type " + type + " is not an integer type");
        }
        if (t.hasRawData() || isExternal(t)) {
            ByteBuffer raw = bytes(t, type, n, modelFolder); // checks the size before anything is allocated
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case INT64, UINT64 -> raw.getLong();
                    case INT32 -> raw.getInt();
                    case UINT32 -> raw.getInt() & 0xffffffffL;
                    case INT16 -> raw.getShort();
                    case UINT16 -> raw.getShort() & 0xffffL;
                    case INT8 -> raw.get();
                    case UINT8, BOOL -> raw.get() & 0xffL;
                    default -> throw bad(t, "data_type " + type + " is not an integer type");
                };
            }
            return out;
        }
        requireCount(t, typedField(t, type), typedCount(t, type), n);
        long[] out = new long[n];
        switch (type) {
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt64Data(i);
                }
            }
            case UINT32, UINT64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getUint64Data(i);
                }
            }
            case INT32, INT16, INT8, UINT16, UINT8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt32Data(i);
                }
            }
            default -> throw bad(t, "data_type " + type + " is not an integer type");
        }
        return out;
    }

    /** A FLOAT tensor with the data in raw_data (the form every ONNX runtime reads fastest). */
    public static TensorProto fromTensor(String name, Tensor tensor) {
        ByteBuffer raw = ByteBuffer.allocate(4 * tensor.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < tensor.size(); i++) {
            raw.putFloat(tensor.get(i));
        }
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (int d : tensor.shape()) {
            b.addDims(d);
        }
        return b.build();
    }

    /** A 1-D INT64 tensor, as ONNX uses for shapes, pads and axes. */
    public static TensorProto int64(String name, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        return TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE)
                .addDims(values.length).setRawData(ByteString.copyFrom(raw.array())).build();
    }

    private static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /** The fixed-width little-endian bytes of the elements, from raw_data or an external file. */
    private static ByteBuffer bytes(TensorProto t, DataType type, int n, Path modelFolder) {
        long expected = (long) n * elementBytes(t, type);
        if (isExternal(t)) {
            return ExternalData.read(t, expected, modelFolder).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (t.getRawData().size() != expected) {
            throw bad(t, type + " dims " + t.getDimsList() + " need " + expected + " bytes of raw_data, found "
                    + t.getRawData().size());
        }
        return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int elementBytes(TensorProto t, DataType type) {
        return switch (type) {
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT, INT32, UINT32 -> 4;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL -> 1;
            default -> throw bad(t, "data_type " + type + " is not supported");
        };
    }

    /** The typed field the specification assigns to a data type (for data not in raw_data). */
    private static String typedField(TensorProto t, DataType type) {
        return switch (type) {
            case FLOAT -> "float_data";
            case DOUBLE -> "double_data";
            case INT64 -> "int64_data";
            case UINT32, UINT64 -> "uint64_data";
            case INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16 -> "int32_data";
            default -> throw bad(t, "data_type " + type + " is not supported");
        };
    }

    private static int typedCount(TensorProto t, DataType type) {
        return switch (typedField(t, type)) {
            case "float_data" -> t.getFloatDataCount();
            case "double_data" -> t.getDoubleDataCount();
            case "int64_data" -> t.getInt64DataCount();
            case "uint64_data" -> t.getUint64DataCount();
            default -> t.getInt32DataCount();
        };
    }

    private static void requireCount(TensorProto t, String field, int count, int expected) {
        if (count != expected) {
            throw bad(t, "dims " + t.getDimsList() + " need " + expected + " values in " + field + ", found " + count);
        }
    }

    static OnnxException bad(TensorProto t, String message) {
        String name = t.getName().isEmpty() ? "unnamed tensor" : "tensor '" + t.getName() + "'";
        return new OnnxException(name + ": " + message);
    }
}
