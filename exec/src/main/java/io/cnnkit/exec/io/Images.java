package io.cnnkit.exec.io;

import io.cnnkit.exec.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Images (PNG, JPEG, BMP, decoded by {@code javax.imageio}) as network inputs, following
 * {@link ImagePreprocessing}.
 *
 * <p>Resizing is bilinear with antialiasing: a separable triangle filter whose support grows
 * with the downscaling factor, the algorithm of PIL's {@code BILINEAR} (which torchvision's
 * {@code Resize} uses on PIL images) and of torchvision's tensor path with
 * {@code antialias=True}. It differs from torchvision on PIL images only in arithmetic: PIL
 * rounds to 8 bits after each of its two passes and uses fixed-point weights, while this runs in
 * float, so results differ by up to about 1/255 before normalisation; against the float tensor
 * path they agree to float rounding. (Plain bilinear without antialiasing, as OpenCV's
 * {@code INTER_LINEAR} or torchvision with {@code antialias=False}, differs much more when
 * downscaling.)
 *
 * <p>Grey and grey+alpha images are read from their samples directly (not through
 * {@code getRGB}, which would apply a gamma conversion to linear grey); alpha is dropped, as
 * PIL's {@code convert("RGB")} does. Truncated or corrupt files, which the JDK decoders sometimes
 * only report as warnings, end in an {@link InputException}.
 */
public final class Images {
    /** The longer side of a resized image is bounded (a thin image resized by its shorter side grows fast). */
    public static final int MAX_RESIZED_SIDE = 65_536;
    /** Decoded images larger than this (width × height) are refused before decoding. */
    public static final long MAX_PIXELS = 40_000_000L;
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "bmp");
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp");

    private Images() {
    }

    /** One image as a {@code [1, C, H, W]} tensor. */
    public static Tensor load(Path file, ImagePreprocessing p) {
        return loadBatch(List.of(file), p, done -> { });
    }

    /**
     * Several images as one {@code [N, C, H, W]} batch, in the given order; {@code progress} is
     * told the number of images done after each one.
     */
    public static Tensor loadBatch(List<Path> files, ImagePreprocessing p, IntConsumer progress) {
        if (files.isEmpty()) {
            throw new InputException("no images given");
        }
        int per = p.channels() * p.height() * p.width();
        Tensor batch = Tensor.zeros(files.size(), p.channels(), p.height(), p.width());
        for (int i = 0; i < files.size(); i++) {
            float[] one = loadOne(files.get(i), p);
            System.arraycopy(one, 0, batch.data(), batch.offset() + i * per, per);
            progress.accept(i + 1);
        }
        return batch;
    }

    /**
     * One image, decoded and preprocessed, as {@code C×H×W} floats.
     *
     * @throws InputException naming the file when it cannot be read, decoded or resized
     */
    public static float[] loadOne(Path file, ImagePreprocessing p) {
        Decoded image = decode(file);
        try {
            return preprocess(image, p);
        } catch (InputException e) {
            throw new InputException(file + ": " + e.getMessage(), e);
        }
    }

    /** The image files (by extension: png, jpg, jpeg, bmp) directly in {@code folder}, sorted by name. */
    public static List<Path> listFolder(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            List<Path> images = entries.filter(Files::isRegularFile).filter(Images::hasImageExtension).sorted().toList();
            if (images.isEmpty()) {
                throw new InputException(folder + ": no PNG, JPEG or BMP files in this folder");
            }
            return images;
        } catch (NoSuchFileException e) {
            throw new InputException(folder + ": no such folder", e);
        } catch (IOException e) {
            throw new InputException(folder + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static boolean hasImageExtension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Planes of one decoded image with values in [0, 1]: one (grey) or three (RGB). */
    record Decoded(int width, int height, float[][] planes) {
    }

    static Decoded decode(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(file + (Files.exists(file) ? ": not a regular file (a device, FIFO or socket)"
                    : ": no such file"));
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new InputException(file + ": cannot open");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InputException(file + ": not a PNG, JPEG or BMP image");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            try {
                if (!FORMATS.contains(format)) {
                    throw new InputException(file + ": " + format + " images are not supported (use PNG, JPEG or BMP)");
                }
                if (format.equals("bmp") && embedsCompressedImage(file)) {
                    // the JDK's reader allocates the embedded image's declared size, up to 4 GB, from a few bytes
                    throw new InputException(file + ": BMP files with an embedded JPEG or PNG are not supported");
                }
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w * h > MAX_PIXELS) {
                    throw new InputException(file + ": image of " + w + "x" + h + " pixels is empty or larger than "
                            + MAX_PIXELS + " pixels");
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new InputException(damaged(file, format, warnings.get(0), in));
                }
                if (format.equals("png") && !endsWithIend(file)) {
                    // the JDK decoder accepts a file cut after the pixel data
                    throw new InputException(file + ": truncated PNG (no IEND chunk at the end); save it again with an"
                            + " image editor or leave it out");
                }
                return planes(image);
            } catch (InputException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // the JDK decoders throw IIOExceptions and assorted unchecked exceptions on malformed data;
                // the stream's position, read before it closes, says how far decoding got
                throw new InputException(damaged(file, format, decoderMessage(e), in), e);
            } finally {
                reader.dispose();
            }
        } catch (InputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InputException(damaged(file, "image", decoderMessage(e), null), e);
        }
    }

    /** A decoder's own message, "end of file" for an EOFException (it has none), "" for its unchecked failures. */
    private static String decoderMessage(Exception e) {
        if (e instanceof java.io.EOFException) {
            return "end of file";
        }
        return e instanceof RuntimeException || e.getMessage() == null ? "" : e.getMessage();
    }

    /**
     * "FILE: the JPEG image is damaged (WHAT, found at byte N of M); ..." in a person's words: the
     * JDK decoders' own messages ("Bogus marker length", "null") are for their authors.
     */
    private static String damaged(Path file, String format, String decoderMessage, ImageInputStream in) {
        String what = plainReason(decoderMessage == null ? "" : decoderMessage);
        String where = "";
        try {
            long size = Files.size(file);
            if (in != null) {
                where = String.format(Locale.ROOT, "found at byte %,d of %,d", Math.min(in.getStreamPosition(), size), size);
            }
        } catch (IOException | RuntimeException e) {
            // without the position the message still says what is wrong
        }
        String detail = what.isEmpty() ? where : where.isEmpty() ? what : what + ", " + where;
        return file + ": the " + (format.equals("image") ? "image" : format.toUpperCase(Locale.ROOT) + " image")
                + " is damaged and cannot be decoded" + (detail.isEmpty() ? "" : " (" + detail + ")")
                + "; save it again with an image editor or leave it out";
    }

    /** What a JDK image decoder's message means for the file, or "" when it says nothing a person can use. */
    static String plainReason(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("premature end") || m.contains("truncat") || m.contains("eof") || m.contains("end of file")) {
            return "the file ends early";
        }
        if (m.contains("huffman") || m.contains("quantization")) {
            return "a compression table is missing or damaged";
        }
        if (m.contains("png image data") || m.contains("inflat") || m.contains("zlib") || m.contains("corrupt jpeg data")) {
            return "the compressed pixel data is damaged";
        }
        if (m.contains("palette")) {
            return "its colour palette is damaged";
        }
        if (m.contains("marker") || m.contains("file structure") || m.contains("sof") || m.contains("sos")) {
            return "its JPEG markers are damaged";
        }
        if (m.contains("metadata") || m.contains("header") || m.contains("magic") || m.contains("compression")
                || m.contains("filter") || m.contains("interlace") || m.contains("bit depth") || m.contains("colo")
                || m.contains("unsupported") || m.contains("width") || m.contains("height")) {
            return "its header is damaged or uses a variant that is not supported";
        }
        return "";
    }

    /** Whether a BMP's info header declares BI_JPEG (4) or BI_PNG (5) compression (offset 30, little-endian). */
    private static boolean embedsCompressedImage(Path file) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(34).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            while (header.hasRemaining() && ch.read(header) > 0) {
                // the file and info headers up to the compression field
            }
            if (header.position() < 34) {
                return false;
            }
            int compression = header.getInt(30);
            return compression == 4 || compression == 5;
        }
    }

    /** A PNG's last chunk must be IEND: length 0, type "IEND", CRC AE 42 60 82. */
    private static boolean endsWithIend(Path file) throws IOException {
        byte[] iend = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            if (ch.size() < iend.length) {
                return false;
            }
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(iend.length);
            while (tail.hasRemaining() && ch.read(tail, ch.size() - iend.length + tail.position()) > 0) {
                // read the last 12 bytes
            }
            return java.util.Arrays.equals(tail.array(), iend);
        }
    }

    private static Decoded planes(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        boolean palette = image.getColorModel() instanceof IndexColorModel;
        if (palette || image.getColorModel().getNumColorComponents() != 1) {
            return rgbPlanes(image, w, h);
        }
        Raster raster = image.getRaster();
        float max = (1L << raster.getSampleModel().getSampleSize(0)) - 1;
        float[] grey = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                grey[y * w + x] = raster.getSample(x, y, 0) / max;
            }
        }
        return new Decoded(w, h, new float[][] {grey});
    }

    private static Decoded rgbPlanes(BufferedImage image, int w, int h) {
        float[][] rgb = new float[3][w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                rgb[0][y * w + x] = ((argb >> 16) & 0xff) / 255f;
                rgb[1][y * w + x] = ((argb >> 8) & 0xff) / 255f;
                rgb[2][y * w + x] = (argb & 0xff) / 255f;
            }
        }
        return new Decoded(w, h, rgb);
    }

    /** Channel conversion, resize, centre crop and normalisation; the result is C×H×W. */
    static float[] preprocess(Decoded image, ImagePreprocessing p) {
        float[][] planes = convertChannels(image.planes(), p.channels());
        int inW = image.width();
        int inH = image.height();
        long longer = (long) p.resizeShorter() * Math.max(inW, inH) / Math.min(inW, inH);
        if (longer > MAX_RESIZED_SIDE) {
            throw new InputException("resizing the " + inW + "x" + inH + " image's shorter side to "
                    + p.resizeShorter() + " makes its longer side " + longer + " pixels (at most "
                    + MAX_RESIZED_SIDE + ")");
        }
        int outW;
        int outH;
        if (inW <= inH) { // torchvision Resize(int): the shorter side becomes the size, the other is truncated
            outW = p.resizeShorter();
            outH = (int) longer;
        } else {
            outH = p.resizeShorter();
            outW = (int) longer;
        }
        int top = (int) Math.rint((outH - p.height()) / 2.0);  // CenterCrop: Python's round(), half to even
        int left = (int) Math.rint((outW - p.width()) / 2.0);
        Filter horizontal = Filter.of(inW, outW);
        Filter vertical = Filter.of(inH, outH);
        float[] out = new float[p.channels() * p.height() * p.width()];
        float[] mean = p.mean();
        float[] std = p.std();
        float[] rows = new float[inH * p.width()];
        for (int c = 0; c < planes.length; c++) {
            float[] src = planes[c];
            // horizontal pass, only for the columns of the crop
            for (int y = 0; y < inH; y++) {
                for (int x = 0; x < p.width(); x++) {
                    rows[y * p.width() + x] = horizontal.apply(src, y * inW, 1, left + x);
                }
            }
            // vertical pass, only for the rows of the crop
            for (int y = 0; y < p.height(); y++) {
                for (int x = 0; x < p.width(); x++) {
                    float v = vertical.apply(rows, x, p.width(), top + y);
                    out[(c * p.height() + y) * p.width() + x] = (v - mean[c]) / std[c];
                }
            }
        }
        return out;
    }

    private static float[][] convertChannels(float[][] planes, int channels) {
        if (planes.length == channels) {
            return planes;
        }
        if (channels == 3) {
            return new float[][] {planes[0], planes[0], planes[0]};
        }
        float[] luma = new float[planes[0].length];
        for (int i = 0; i < luma.length; i++) {
            luma[i] = 0.299f * planes[0][i] + 0.587f * planes[1][i] + 0.114f * planes[2][i];
        }
        return new float[][] {luma};
    }

    /**
     * One axis of the antialiased bilinear resampling: for each output position, the first
     * input index and the normalised triangle-filter weights.
     */
    private record Filter(int[] first, float[][] weights) {
        static Filter of(int in, int out) {
            double scale = (double) in / out;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the triangle's radius is 1, stretched when downscaling
            int[] first = new int[out];
            float[][] weights = new float[out][];
            for (int i = 0; i < out; i++) {
                double centre = (i + 0.5) * scale;
                int lo = Math.max(0, (int) (centre - support + 0.5));
                int hi = Math.min(in, (int) (centre + support + 0.5));
                double[] w = new double[Math.max(0, hi - lo)];
                double sum = 0;
                for (int j = 0; j < w.length; j++) {
                    w[j] = Math.max(0, 1 - Math.abs((lo + j + 0.5 - centre) / filterScale));
                    sum += w[j];
                }
                weights[i] = new float[w.length];
                for (int j = 0; j < w.length; j++) {
                    weights[i][j] = (float) (sum == 0 ? 0 : w[j] / sum);
                }
                first[i] = lo;
            }
            return new Filter(first, weights);
        }

        /** The filtered value at output position {@code i} of the line at {@code base} with {@code step}. */
        float apply(float[] line, int base, int step, int i) {
            float[] w = weights[i];
            int at = base + first[i] * step;
            double acc = 0;
            for (float wj : w) {
                acc += wj * line[at];
                at += step;
            }
            return (float) acc;
        }
    }
}
