package io.cnnkit.train.data;

import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.DType;
import io.cnnkit.exec.io.ImagePreprocessing;
import io.cnnkit.exec.io.Images;
import io.cnnkit.exec.io.SafeTensors;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Opens a dataset from a specification:
 * <ul>
 *   <li>{@code fashion-mnist:train} or {@code fashion-mnist:test}: the IDX files of Debian's
 *       {@code dataset-fashion-mnist} in {@value #FASHION_MNIST};
 *   <li>{@code idx:IMAGES,LABELS}: MNIST-style IDX files, gzipped or not;
 *   <li>{@code cifar10:FILE[,FILE...]}: CIFAR-10 binary batches (a label byte, then 3x32x32 bytes);
 *   <li>{@code safetensors:FILE} (or a path ending in {@code .safetensors}): {@code images}
 *       [N, C, H, W] float32 or uint8 and {@code labels} [N] int64;
 *   <li>{@code folder:ROOT}: torchvision's ImageFolder layout {@code ROOT/CLASS/*.png|jpg|bmp},
 *       classes in name order, images read when needed and resized to the network's input.
 * </ul>
 */
public final class DataSources {
    public static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    private DataSources() {
    }

    /** {@code input}: the network's per-sample input shape C, H, W (folders are read at that size). */
    public static Dataset open(String spec, int[] input) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? "" : spec.substring(0, colon), rest = colon < 0 ? spec : spec.substring(colon + 1);
        switch (kind) {
            case "fashion-mnist":
                if (!rest.equals("train") && !rest.equals("test")) {
                    throw new DataException("fashion-mnist:" + rest + ": expected fashion-mnist:train or fashion-mnist:test");
                }
                String prefix = rest.equals("train") ? "train" : "t10k";
                Path dir = Path.of(FASHION_MNIST);
                if (!Files.isDirectory(dir)) {
                    throw new DataException(dir + " is missing: install Debian's dataset-fashion-mnist "
                            + "(scripts/install-test-deps.sh does)");
                }
                return idx(dir.resolve(prefix + "-images-idx3-ubyte.gz"), dir.resolve(prefix + "-labels-idx1-ubyte.gz"),
                        FASHION_CLASSES);
            case "idx": {
                String[] files = rest.split(",");
                if (files.length != 2) {
                    throw new DataException(spec + ": expected idx:IMAGES,LABELS");
                }
                return idx(Path.of(files[0]), Path.of(files[1]), List.of());
            }
            case "cifar10":
                return cifar10(Arrays.stream(rest.split(",")).map(Path::of).toList());
            case "safetensors":
                return safetensors(Path.of(rest));
            case "folder":
                return folder(Path.of(rest), input);
            default:
                if (spec.endsWith(".safetensors")) {
                    return safetensors(Path.of(spec));
                }
                throw new DataException("unknown data '" + spec + "': expected fashion-mnist:train|test, idx:IMAGES,LABELS,"
                        + " cifar10:FILE[,FILE...], safetensors:FILE or folder:ROOT");
        }
    }

    /** Fashion-MNIST's ten classes, by label. */
    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The first {@code limit} samples. */
    public static Dataset limit(Dataset data, int limit) {
        if (limit >= data.size()) {
            return data;
        }
        int[] indices = new int[limit];
        Arrays.setAll(indices, i -> i);
        return new Subset(data, indices, data.describe() + " (first " + limit + ")");
    }

    /**
     * A seeded split: a shuffled {@code fraction} of the samples for validation, the rest for
     * training; {@code [train, validation]}.
     */
    public static Dataset[] split(Dataset data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new DataException("the validation fraction must be between 0 and 1, got " + fraction);
        }
        int[] order = permutation(data.size(), new SplittableRandom(seed));
        int val = (int) Math.round(data.size() * fraction);
        if (val == 0 || val == data.size()) {
            throw new DataException(data.describe() + ": " + data.size() + " samples are too few to split " + fraction);
        }
        int[] valIdx = Arrays.copyOfRange(order, 0, val), trainIdx = Arrays.copyOfRange(order, val, order.length);
        Arrays.sort(valIdx);
        Arrays.sort(trainIdx);
        return new Dataset[] {new Subset(data, trainIdx, data.describe() + " (training split)"),
                new Subset(data, valIdx, data.describe() + " (validation split)")};
    }

    /** A Fisher-Yates permutation of [0, n). */
    static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static Dataset idx(Path images, Path labels, List<String> classes) {
        try (DataInputStream in = open(images)) {
            int magic = in.readInt();
            if (magic != 0x803) {
                throw new DataException(images + ": not an IDX image file (magic " + Integer.toHexString(magic)
                        + ", expected 803: unsigned bytes, 3 dimensions)");
            }
            int n = in.readInt(), h = in.readInt(), w = in.readInt();
            if (n < 0 || h <= 0 || w <= 0 || (long) n * h * w > Integer.MAX_VALUE - 8) {
                throw new DataException(images + ": bad IDX dimensions " + n + "x" + h + "x" + w);
            }
            byte[] pixels = new byte[n * h * w];
            in.readFully(pixels);
            int[] y = idxLabels(labels);
            if (y.length != n) {
                throw new DataException("the label count does not match the images: " + labels + " has " + y.length
                        + " labels, " + images + " " + n + " images");
            }
            return StoredImages.ofBytes(pixels, y, new int[] {1, h, w}, classes, images.getFileName().toString());
        } catch (EOFException e) {
            throw new DataException(images + ": the file ends early (truncated?)", e);
        } catch (IOException e) {
            throw new DataException(images + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static int[] idxLabels(Path labels) throws IOException {
        try (DataInputStream in = open(labels)) {
            int magic = in.readInt();
            if (magic != 0x801) {
                throw new DataException(labels + ": not an IDX label file (magic " + Integer.toHexString(magic)
                        + ", expected 801: unsigned bytes, 1 dimension)");
            }
            int n = in.readInt();
            if (n < 0) {
                throw new DataException(labels + ": negative label count");
            }
            byte[] raw = new byte[n];
            in.readFully(raw);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = raw[i] & 0xff;
            }
            return y;
        } catch (EOFException e) {
            throw new DataException(labels + ": the file ends early (truncated?)", e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such file");
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return new DataInputStream(in);
    }

    static final List<String> CIFAR10_CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    static Dataset cifar10(List<Path> files) {
        int record = 1 + 3 * 32 * 32;
        List<byte[]> contents = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            try {
                byte[] bytes = Files.readAllBytes(f);
                if (bytes.length == 0 || bytes.length % record != 0) {
                    throw new DataException(f + ": " + bytes.length + " bytes is not a whole number of CIFAR-10 records"
                            + " (" + record + " bytes each: a label, then 3x32x32 pixels)");
                }
                contents.add(bytes);
                total += bytes.length / record;
            } catch (IOException e) {
                throw new DataException(f + ": cannot read: " + e.getMessage(), e);
            }
        }
        int n = Math.toIntExact(total);
        byte[] pixels = new byte[n * (record - 1)];
        int[] labels = new int[n];
        int at = 0;
        for (byte[] bytes : contents) {
            for (int r = 0; r < bytes.length / record; r++, at++) {
                labels[at] = bytes[r * record] & 0xff;
                System.arraycopy(bytes, r * record + 1, pixels, at * (record - 1), record - 1);
            }
        }
        return StoredImages.ofBytes(pixels, labels, new int[] {3, 32, 32}, CIFAR10_CLASSES,
                files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " CIFAR-10 batches");
    }

    static Dataset safetensors(Path file) {
        Map<String, SafeTensors.Entry> entries = SafeTensors.readEntries(file);
        SafeTensors.Entry images = entries.get("images"), labels = entries.get("labels");
        if (images == null || labels == null) {
            throw new DataException(file + ": expected tensors 'images' [N, C, H, W] and 'labels' [N], found "
                    + entries.keySet());
        }
        int[] shape = images.shape();
        if (shape.length != 4 || (images.dtype() != DType.F32 && images.dtype() != DType.U8)) {
            throw new DataException(file + ": 'images' must be [N, C, H, W] float32 or uint8, is " + images.dtype() + " "
                    + Arrays.toString(shape));
        }
        if (labels.shape().length != 1 || labels.dtype() != DType.I64) {
            throw new DataException(file + ": 'labels' must be [N] int64, is " + labels.dtype() + " "
                    + Arrays.toString(labels.shape()));
        }
        if (labels.shape()[0] != shape[0]) {
            throw new DataException("the label count does not match the images: " + file + " has " + labels.shape()[0]
                    + " labels and " + shape[0] + " images");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer size = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(size, 0);
            long dataStart = 8 + size.getLong(0);
            ByteBuffer labelBytes = read(ch, dataStart + labels.begin(), labels.end() - labels.begin());
            int[] y = new int[shape[0]];
            for (int i = 0; i < y.length; i++) {
                long v = labelBytes.getLong(i * 8);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new DataException(file + ": label " + v + " of sample " + i + " is out of range");
                }
                y[i] = (int) v;
            }
            ByteBuffer pixels = read(ch, dataStart + images.begin(), images.end() - images.begin());
            int[] per = {shape[1], shape[2], shape[3]};
            String name = file.getFileName().toString();
            if (images.dtype() == DType.U8) {
                byte[] bytes = new byte[pixels.remaining()];
                pixels.get(bytes);
                return StoredImages.ofBytes(bytes, y, per, List.of(), name);
            }
            float[] values = new float[pixels.remaining() / 4];
            pixels.asFloatBuffer().get(values);
            return StoredImages.ofFloats(values, y, per, name);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer read(FileChannel ch, long at, long length) throws IOException {
        if (length > Integer.MAX_VALUE - 8) {
            throw new DataException("a tensor of " + length + " bytes is larger than one Java array");
        }
        ByteBuffer b = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new EOFException("the file ends early");
            }
        }
        return b.flip();
    }

    static Dataset folder(Path root, int[] input) {
        if (!Files.isDirectory(root)) {
            throw new DataException(root + ": no such folder");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new DataException(root + ": cannot list: " + e.getMessage(), e);
        }
        if (classDirs.isEmpty()) {
            throw new DataException(root + ": no class folders (expected ROOT/CLASS/image files)");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path dir : classDirs) {
            names.add(dir.getFileName().toString());
            for (Path f : Images.listFolder(dir)) {
                files.add(f);
                labels.add(names.size() - 1);
            }
        }
        ImagePreprocessing p = new ImagePreprocessing(input[0], input[1], input[2], Math.max(input[1], input[2]),
                new float[input[0]], ones(input[0]));
        return new FolderImages(List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray(), p,
                List.copyOf(names), root.toString());
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    /** An image folder, each image decoded when asked: resized (shorter side) and centre-cropped to the input, in [0, 1]. */
    record FolderImages(List<Path> files, int[] labels, ImagePreprocessing preprocessing, List<String> classNames,
                        String describe) implements Dataset {
        @Override
        public int size() {
            return files.size();
        }

        @Override
        public int[] shape() {
            return new int[] {preprocessing.channels(), preprocessing.height(), preprocessing.width()};
        }

        @Override
        public int label(int index) {
            return labels[index];
        }

        @Override
        public void image(int index, float[] into, int offset) {
            Tensor t;
            try {
                t = Images.load(files.get(index), preprocessing);
            } catch (RuntimeException e) {
                throw new DataException(files.get(index) + ": unreadable image: " + e.getMessage(), e);
            }
            System.arraycopy(t.data(), t.offset(), into, offset, t.size());
        }
    }
}
