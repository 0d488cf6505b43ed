package io.cnnkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Mutates valid inputs and runs them through the {@code cnn} command in-process (the same code as
 * the launcher's JVM, {@link CnnCli#newCommandLine}), collecting what a person would read: the exit
 * code and the command's error line. Each message is then judged: an exception class, a library's
 * package or text, "null", a message that does not name the file, a stack trace, exit 1 for bad
 * input, a partial output file or a hang is a finding.
 *
 * <p>{@code MutantHarness KIND COUNT SEED ROOT WORK}: KIND is {@code onnx} ({@code cnn import}),
 * {@code image} ({@code cnn run --input}) or {@code cnn} ({@code cnn export}); the seed makes the
 * mutants reproducible. Writes {@code WORK/KIND-SEED.tsv} (one line per mutant) and prints a summary;
 * {@code scripts/mutants.sh} runs it.
 */
public final class MutantHarness {
    /** CPU time one mutant may take before it counts as a hang. */
    static final long LIMIT_MILLIS = Long.getLong("mutants.limitMillis", 20_000);

    /** The JVM's own stderr while a mutant runs: stack traces printed by threads of a pool land there. */
    private static final java.io.ByteArrayOutputStream STRAY = new java.io.ByteArrayOutputStream();

    /** Why a message does not help a person, by the pattern that gives it away. */
    static final Map<String, Pattern> UNCLEAR = new java.util.LinkedHashMap<>();

    static {
        UNCLEAR.put("exception class", Pattern.compile("\\b[A-Z][A-Za-z0-9]*(Exception|Error)\\b"));
        UNCLEAR.put("library package", Pattern.compile("\\b(java|javax|com|org|sun|jdk)\\.[a-z]"));
        UNCLEAR.put("library text", Pattern.compile("Protocol message|CodedInputStream|setSizeLimit|wire type"
                + "|StreamReadConstraints|Unexpected character \\(|Unsupported Image Type|Invalid JPEG|Bogus"
                + "|Huffman|Premature end|Corrupt JPEG|BMPImageReader|Error reading|No image data|extraneous bytes"));
        UNCLEAR.put("null", Pattern.compile("\\bnull\\b"));
        UNCLEAR.put("raw control character", Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f]"));
        UNCLEAR.put("stack trace", Pattern.compile("\\n\\s+at [a-z]"));
    }

    /** The judged outcome of one mutant. */
    record Outcome(int exit, String message, String verdict) {
    }

    private MutantHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("sample")) {
            sample(Path.of(args[1]), Files.createDirectories(Path.of(args[2])), Path.of(args[3]), 400, 14);
            System.exit(0);
        }
        if (args.length == 5 && args[0].equals("write")) { // write KIND COUNT ROOT DIR: the mutants alone
            List<Path> seeds = seeds(args[1], Path.of(args[3]));
            for (int i = 0; i < Integer.parseInt(args[2]); i++) {
                mutant(args[1], 1, i, seeds, Files.createDirectories(Path.of(args[4])), new StringBuilder());
            }
            return;
        }
        if (args.length == 2 && args[0].equals("rejudge")) {
            rejudge(Path.of(args[1]));
            return;
        }
        if (args.length != 5) {
            System.err.println("usage: MutantHarness onnx|image|cnn COUNT SEED ROOT WORK");
            System.exit(2);
        }
        String kind = args[0];
        int count = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        Path root = Path.of(args[3]);
        Path work = Files.createDirectories(Path.of(args[4]));
        System.setErr(new java.io.PrintStream(STRAY, true, StandardCharsets.UTF_8));
        List<Path> seeds = seeds(kind, root);
        Path model = kind.equals("image") ? Files.writeString(work.resolve("net.cnn"), IMAGE_NET) : null;
        Map<String, Integer> verdicts = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        try (PrintWriter tsv = new PrintWriter(Files.newBufferedWriter(work.resolve(kind + "-" + seed + ".tsv")))) {
            tsv.println("mutant\tmutation\texit\tverdict\tmessage");
            for (int i = 0; i < count; i++) {
                StringBuilder how = new StringBuilder();
                Path mutant = mutant(kind, seed, i, seeds, work, how);
                Outcome outcome = run(kind, mutant, model, work);
                verdicts.merge(outcome.verdict(), 1, Integer::sum);
                if (!outcome.verdict().equals("ok")) {
                    kinds.merge(outcome.verdict() + "\t" + shape(outcome.message(), mutant), 1, Integer::sum);
                }
                tsv.println(mutant.getFileName() + "\t" + how + "\t" + outcome.exit() + "\t" + outcome.verdict() + "\t"
                        + outcome.message().replace('\t', ' ').replace('\n', ' '));
                if (outcome.verdict().equals("clear") || outcome.verdict().equals("ok")) {
                    Files.delete(mutant); // keep only the mutants worth looking at
                }
            }
        }
        System.out.println(kind + " seed " + seed + ": " + count + " mutants " + verdicts);
        kinds.entrySet().stream().filter(e -> !e.getKey().startsWith("clear"))
                .sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> System.out.println(String.format("%6d  %s", e.getValue(), e.getKey())));
        System.out.println("message shapes of the clear refusals (top 40):");
        kinds.entrySet().stream().filter(e -> e.getKey().startsWith("clear"))
                .sorted((a, b) -> b.getValue() - a.getValue()).limit(40)
                .forEach(e -> System.out.println(String.format("%6d  %s", e.getValue(), e.getKey().substring(6))));
        System.exit(0); // a hung mutant's thread must not keep the JVM alive
    }

    /** Writes mutant {@code i} of {@code seed}, the same on every machine, and says how it was made. */
    static Path mutant(String kind, long seed, int i, List<Path> seeds, Path work, StringBuilder how) throws IOException {
        Random random = new Random(seed * 1_000_003L + i);
        Path from = seeds.get(random.nextInt(seeds.size()));
        byte[] original = Files.readAllBytes(from);
        how.append(from.getFileName());
        byte[] bytes = kind.equals("cnn") ? Mutations.text(original, random, how)
                : Mutations.binary(original, seeds, random, how);
        return Files.write(work.resolve(String.format("%s-%d-%05d%s", kind, seed, i, extension(from))), bytes);
    }

    /**
     * Writes the regression sample {@link MutantMessagesTest} checks: of the first {@code count}
     * mutants of each kind (seed 1), the first of each message shape, at most {@code perKind}.
     */
    static void sample(Path root, Path work, Path out, int count, int perKind) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String kind : List.of("onnx", "image", "cnn")) {
            List<Path> seeds = seeds(kind, root);
            Path model = Files.writeString(work.resolve("net.cnn"), IMAGE_NET);
            java.util.Set<String> shapes = new java.util.HashSet<>();
            for (int i = 0; i < count && shapes.size() < perKind; i++) {
                Path mutant = mutant(kind, 1, i, seeds, work, new StringBuilder());
                Outcome outcome = run(kind, mutant, model, work);
                String shape = shape(outcome.message(), mutant);
                if (shapes.add(outcome.verdict() + shape)) {
                    lines.add(kind + "\t" + i + "\t" + outcome.verdict() + "\t" + shape);
                }
                Files.delete(mutant);
            }
        }
        Files.write(out, lines);
    }

    /**
     * Judges the messages of an earlier run's TSV again (after the rules changed, or to compare a
     * run of an older build with the same rules) and prints the counts per verdict.
     */
    static void rejudge(Path tsv) throws IOException {
        Map<String, Integer> verdicts = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        for (String line : Files.readAllLines(tsv).subList(1, Files.readAllLines(tsv).size())) {
            String[] f = line.split("\t", 5);
            if (f.length < 5) {
                continue;
            }
            int exit = Integer.parseInt(f[2]);
            Path mutant = tsv.resolveSibling(f[0]);
            String verdict = f[3].equals("hang") || f[3].equals("uncaught") || f[3].equals("partial output")
                    ? f[3] : judge(exit, exit == 0 ? "" : f[4], mutant).verdict();
            verdicts.merge(verdict, 1, Integer::sum);
            if (!verdict.equals("ok") && !verdict.equals("clear")) {
                kinds.merge(verdict + "\t" + shape(f[4], mutant), 1, Integer::sum);
            }
        }
        System.out.println(tsv.getFileName() + ": " + verdicts);
        kinds.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> System.out.println(String.format("%6d  %s", e.getValue(), e.getKey())));
    }

    /** A small network that takes any image: run resizes and crops to its input. */
    static final String IMAGE_NET = "network Probe\ninput image: 3x16x16\n"
            + "output logits = image -> conv(4, 3) -> relu -> globalavgpool -> flatten -> dense(3)\n";

    static List<Path> seeds(String kind, Path root) throws IOException {
        List<String> names = switch (kind) {
            case "onnx" -> List.of("fuzz/src/test/resources/io/cnnkit/fuzz/OnnxImportFuzzTestInputs/onnxImport/tiny.onnx",
                    "onnx/src/test/resources/fixtures/mobile_mini.onnx", "onnx/src/test/resources/fixtures/inception_mini.onnx",
                    "onnx/src/test/resources/fixtures/resnet_mini.onnx");
            case "image" -> List.of("exec/src/test/resources/fixtures/images/grey.png",
                    "exec/src/test/resources/fixtures/images/rgb.jpg", "exec/src/test/resources/fixtures/images/rgb.bmp",
                    "exec/src/test/resources/fixtures/images/rgb.png", "exec/src/test/resources/fixtures/images/rgba.png",
                    "fuzz/src/test/resources/io/cnnkit/fuzz/ImageFuzzTestInputs/image/palette.png",
                    "fuzz/src/test/resources/io/cnnkit/fuzz/ImageFuzzTestInputs/image/rgb.bmp");
            case "cnn" -> List.of("examples/lenet5.cnn", "cli/src/test/resources/mutants/blocks.cnn",
                    "cli/src/test/resources/mutants/branches.cnn");
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
        List<Path> paths = new ArrayList<>();
        for (String name : names) {
            paths.add(root.resolve(name));
        }
        return paths;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        return name.substring(name.lastIndexOf('.'));
    }

    /** Runs one mutant through its command and judges what the person sees. */
    static Outcome run(String kind, Path mutant, Path model, Path work) throws IOException {
        // outputs named after the mutant: a hung run that ends later cannot pass for another's partial output
        String stem = mutant.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path output = work.resolve(stem + (kind.equals("onnx") ? ".out.cnn" : ".out.onnx"));
        Path weightsOut = work.resolve(stem + ".out.safetensors");
        Files.deleteIfExists(output);
        Files.deleteIfExists(weightsOut);
        String[] args = switch (kind) {
            case "onnx" -> new String[] {"import", mutant.toString(), "-o", output.toString(), "--weights-out",
                    weightsOut.toString()};
            case "image" -> new String[] {"run", model.toString(), "--seed", "1", "--input", mutant.toString()};
            default -> new String[] {"export", mutant.toString(), "--seed", "1", "-o", output.toString()};
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        STRAY.reset(); // what a library or another thread prints on the JVM's own stderr is seen too
        AtomicReference<Integer> exit = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(null, () -> {
            try {
                exit.set(CnnCli.newCommandLine(new PrintWriter(out), new PrintWriter(err)).execute(args));
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "mutant"); // the default stack, as the launcher's main thread has: deep recursion must not hide
        worker.setDaemon(true);
        worker.start();
        // the limit is on the command's CPU time, so that a machine busy with other work (this runs at
        // nice 19) does not pass for a hang; ten times the limit in wall time ends it anyway
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        while (worker.isAlive()) {
            try {
                worker.join(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long cpuMillis = Math.max(0, cpu.getThreadCpuTime(worker.getId())) / 1_000_000;
            long wallMillis = (System.nanoTime() - start) / 1_000_000;
            if (worker.isAlive() && (cpuMillis > LIMIT_MILLIS || wallMillis > 10 * LIMIT_MILLIS)) {
                return new Outcome(-1, "no result after " + cpuMillis + " ms of CPU time (" + wallMillis + " ms)", "hang");
            }
        }
        if (thrown.get() != null) {
            return new Outcome(-1, String.valueOf(thrown.get()), "uncaught");
        }
        Outcome outcome = judge(exit.get(), err + STRAY.toString(StandardCharsets.UTF_8), mutant);
        boolean partial = exit.get() != 0 && (Files.exists(output) || Files.exists(weightsOut));
        Files.deleteIfExists(output);
        Files.deleteIfExists(weightsOut);
        return partial ? new Outcome(outcome.exit(), outcome.message(), "partial output") : outcome;
    }

    /**
     * The message a person reads (the first error diagnostic or the command's last error line) and
     * whether it is clear: names the file, no internals, exit 2 for a bad input.
     */
    static Outcome judge(int exit, String err, Path mutant) {
        if (exit == 0) {
            boolean trace = UNCLEAR.get("stack trace").matcher(err).find();
            return new Outcome(0, trace ? err.strip().lines().limit(3).reduce((a, b) -> a + " | " + b).orElse("") : "",
                    trace ? "stack trace" : "ok");
        }
        List<String> lines = err.lines().toList();
        String message = lines.stream().filter(l -> l.contains(": error: ")).findFirst().orElse(null);
        if (message == null) { // the command's last error line, with the indented lines that continue it
            int last = -1;
            for (int i = 0; i < lines.size(); i++) {
                last = lines.get(i).startsWith("cnn ") ? i : last;
            }
            StringBuilder text = new StringBuilder(last < 0 ? err.strip() : lines.get(last));
            for (int i = last + 1; last >= 0 && i < lines.size() && i <= last + 3 && lines.get(i).startsWith(" "); i++) {
                text.append(" | ").append(lines.get(i).strip());
            }
            message = text.toString();
        }
        for (Map.Entry<String, Pattern> unclear : UNCLEAR.entrySet()) {
            if (unclear.getValue().matcher(unclear.getKey().equals("stack trace") ? err : message).find()) {
                return new Outcome(exit, message, unclear.getKey());
            }
        }
        if (!message.contains(mutant.getFileName().toString())) {
            return new Outcome(exit, message, "file not named");
        }
        if (exit != 2) {
            return new Outcome(exit, message, "exit " + exit);
        }
        return new Outcome(exit, message, "clear");
    }

    /** The message with the mutant's path and every number replaced, to count kinds of messages. */
    static String shape(String message, Path mutant) {
        String shaped = message.replace(mutant.toString(), "FILE").replace(mutant.getFileName().toString(), "FILE")
                .replaceAll("\\d[\\d,.]*", "N").replaceAll("'[^']*'", "'X'");
        return shaped.length() > 160 ? shaped.substring(0, 160) + "..." : shaped;
    }

    /** Seeded byte and text mutations. */
    static final class Mutations {
        private static final int[] INTERESTING = {0, 0xff, 0x7f, 0x80, 0x01, 0xfe};
        private static final int[] INTERESTING_INTS = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 65_535, 1 << 24,
            1 << 16, 255};
        private static final String[] NUMBERS = {"0", "-1", "1", "3", "99999999999", "2147483648", "65536", "1e309",
            "0.0", "10000", "-7"};
        private static final String[] TOKENS = {"(", ")", "[", "]", "->", ",", ":", "=", "{", "}", "repeat 10000 ",
            "module m() { out in }\n", "in", "out", "if", "x", "concat(", "add(", "\"", "/*", "//", "import \"a.cnn\"\n",
            "\u0000", "\uFEFF", "as i ", "output", "input q: 0x0x0\n", "aux ", "dense(16777216)"};

        private Mutations() {
        }

        static byte[] binary(byte[] original, List<Path> seeds, Random random, StringBuilder how) throws IOException {
            byte[] bytes = original;
            int rounds = 1 + random.nextInt(3);
            for (int r = 0; r < rounds && bytes.length > 0; r++) {
                int at = random.nextInt(bytes.length);
                switch (random.nextInt(seeds.isEmpty() ? 7 : 8)) {
                    case 0 -> {
                        int flips = 1 + random.nextInt(8);
                        bytes = bytes.clone();
                        for (int f = 0; f < flips; f++) {
                            bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                        }
                        how.append(" flip").append(flips);
                    }
                    case 1 -> {
                        bytes = bytes.clone();
                        bytes[at] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                        how.append(" set@").append(at);
                    }
                    case 2 -> {
                        bytes = java.util.Arrays.copyOf(bytes, at);
                        how.append(" truncate@").append(at);
                    }
                    case 3 -> {
                        int n = Math.min(bytes.length - at, 1 + random.nextInt(64));
                        bytes = concat(slice(bytes, 0, at), slice(bytes, at + n, bytes.length));
                        how.append(" delete").append(n).append('@').append(at);
                    }
                    case 4 -> {
                        int n = Math.min(bytes.length - at, 1 + random.nextInt(64));
                        bytes = concat(slice(bytes, 0, at + n), slice(bytes, at, bytes.length));
                        how.append(" duplicate").append(n).append('@').append(at);
                    }
                    case 5 -> {
                        byte[] noise = new byte[1 + random.nextInt(32)];
                        random.nextBytes(noise);
                        bytes = concat(concat(slice(bytes, 0, at), noise), slice(bytes, at, bytes.length));
                        how.append(" insert").append(noise.length).append('@').append(at);
                    }
                    case 6 -> {
                        if (bytes.length >= 4) {
                            bytes = bytes.clone();
                            int p = random.nextInt(bytes.length - 3);
                            int v = INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
                            boolean big = random.nextBoolean();
                            for (int k = 0; k < 4; k++) {
                                bytes[p + k] = (byte) (v >>> (big ? 24 - 8 * k : 8 * k));
                            }
                            how.append(" int").append(big ? "BE" : "LE").append('@').append(p);
                        }
                    }
                    default -> {
                        byte[] other = Files.readAllBytes(seeds.get(random.nextInt(seeds.size())));
                        int from = other.length == 0 ? 0 : random.nextInt(other.length);
                        bytes = concat(slice(bytes, 0, at), slice(other, from, other.length));
                        how.append(" splice@").append(at);
                    }
                }
            }
            return bytes;
        }

        static byte[] text(byte[] original, Random random, StringBuilder how) throws IOException {
            String text = new String(original, StandardCharsets.UTF_8);
            int rounds = 1 + random.nextInt(3);
            for (int r = 0; r < rounds; r++) {
                List<String> lines = new ArrayList<>(text.lines().toList());
                int line = random.nextInt(Math.max(1, lines.size()));
                switch (random.nextInt(7)) {
                    case 0 -> {
                        java.util.regex.Matcher m = Pattern.compile("\\d+").matcher(text);
                        List<int[]> spans = new ArrayList<>();
                        while (m.find()) {
                            spans.add(new int[] {m.start(), m.end()});
                        }
                        if (!spans.isEmpty()) {
                            int[] s = spans.get(random.nextInt(spans.size()));
                            String n = NUMBERS[random.nextInt(NUMBERS.length)];
                            text = text.substring(0, s[0]) + n + text.substring(s[1]);
                            how.append(" number=").append(n);
                        }
                    }
                    case 1 -> {
                        if (!lines.isEmpty()) {
                            lines.remove(line);
                            text = String.join("\n", lines) + "\n";
                            how.append(" deleteLine").append(line);
                        }
                    }
                    case 2 -> {
                        if (!lines.isEmpty()) {
                            lines.add(random.nextInt(lines.size() + 1), lines.get(line));
                            text = String.join("\n", lines) + "\n";
                            how.append(" duplicateLine").append(line);
                        }
                    }
                    case 3 -> {
                        if (lines.size() > 1) {
                            int other = random.nextInt(lines.size());
                            String l = lines.get(line);
                            lines.set(line, lines.get(other));
                            lines.set(other, l);
                            text = String.join("\n", lines) + "\n";
                            how.append(" swapLines").append(line).append(',').append(other);
                        }
                    }
                    case 4 -> {
                        int at = random.nextInt(text.length() + 1);
                        String token = TOKENS[random.nextInt(TOKENS.length)];
                        text = text.substring(0, at) + token + text.substring(at);
                        how.append(" insert@").append(at);
                    }
                    case 5 -> {
                        int at = random.nextInt(Math.max(1, text.length()));
                        int n = Math.min(text.length() - at, 1 + random.nextInt(12));
                        text = text.substring(0, at) + text.substring(at + n);
                        how.append(" deleteChars").append(n).append('@').append(at);
                    }
                    default -> {
                        byte[] bytes = binary(text.getBytes(StandardCharsets.UTF_8), List.of(), random, how);
                        text = new String(bytes, StandardCharsets.UTF_8);
                    }
                }
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }

        private static byte[] slice(byte[] bytes, int from, int to) {
            return java.util.Arrays.copyOfRange(bytes, from, Math.max(from, to));
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }
    }
}
