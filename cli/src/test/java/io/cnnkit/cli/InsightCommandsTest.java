package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cnnkit.analyzer.Analyzer;
import io.cnnkit.compiler.CnnCompiler;
import io.cnnkit.exec.Tensor;
import io.cnnkit.exec.io.ParamRequirement;
import io.cnnkit.exec.io.SafeTensors;
import io.cnnkit.exec.io.Weights;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Level;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Looking into training: per-layer statistics in the metrics file, cnn grads, the report of a run
 * in a real headless Chromium (screenshot in target/browser/), cnn compare --runs, and fine-tuning
 * ResNet-18's head from weights with another class count on an image folder the test makes.
 */
class InsightCommandsTest {
    static final String LENET = "../examples/lenet5.cnn";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path trainLenet(String name, String lr) {
        Path metrics = dir.resolve(name + ".jsonl");
        List<String> args = new ArrayList<>(List.of("train", LENET, "--data", "fashion-mnist:train", "--val",
                "fashion-mnist:test", "--pad", "2", "--mean", "0.286", "--std", "0.353", "--limit", "160", "--batch", "32",
                "--lr", lr, "--momentum", "0.9", "--epochs", "2", "--threads", "2", "--stats-every", "2",
                "-o", dir.resolve(name + ".safetensors").toString(), "--metrics", metrics.toString()));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return metrics;
    }

    @Test
    void statisticsReportAndComparison() throws Exception {
        Path metrics = trainLenet("a", "0.05");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            lines.add(JSON.readTree(line));
        }
        List<JsonNode> samples = lines.stream().filter(l -> l.path("kind").asText().equals("layers")).toList();
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L), samples.stream().map(s -> s.get("step").asLong()).toList());
        assertEquals(7, lines.size(), "five statistics lines and two epochs");
        for (JsonNode sample : samples) {
            assertEquals(0.05, sample.get("lr").asDouble(), 1e-9, "a constant schedule's rate at every sample");
            JsonNode layers = sample.get("layers");
            assertEquals(12, layers.size(), "every layer but the input");
            for (JsonNode layer : layers) {
                String name = layer.get("name").asText();
                boolean weighted = name.startsWith("conv") || name.startsWith("fc");
                assertEquals(weighted, layer.has("grad_norm"), name);
                if (weighted) {
                    double ratio = layer.get("update_ratio").asDouble();
                    assertTrue(layer.get("grad_norm").asDouble() > 0 && ratio > 1e-6 && ratio < 1, layer.toString());
                }
                assertEquals(name.startsWith("relu"), layer.has("zero_fraction"), name);
                if (name.startsWith("relu")) {
                    double zeros = layer.get("zero_fraction").asDouble();
                    assertTrue(zeros > 0 && zeros < 1, layer.toString());
                    assertTrue(layer.get("act_mean").asDouble() > 0, "ReLU outputs are not negative");
                }
                assertTrue(layer.get("act_std").asDouble() > 0, layer.toString());
            }
        }

        Path html = dir.resolve("report.html");
        Cli report = Cli.run("report", LENET, "--run", metrics.toString(), "--heat", "grad", "-o", html.toString());
        assertEquals(0, report.code(), report.err());
        String page = Files.readString(html);
        assertTrue(page.contains("gradient norm (last sampled step) per node"), "the diagram's heat legend");
        browse(html, 5 * 5);

        Cli noRun = Cli.run("render", LENET, "--heat", "grad", "-o", dir.resolve("x.svg").toString());
        assertEquals(2, noRun.code());
        assertTrue(noRun.err().contains("--heat grad colours by a training run's gradients: give --run"), noRun.err());
        assertFalse(Files.exists(dir.resolve("x.svg")));
        Cli svg = Cli.run("render", LENET, "--heat", "grad", "--run", metrics.toString(), "-o",
                dir.resolve("g.svg").toString());
        assertEquals(0, svg.code(), svg.err());

        Path other = trainLenet("b", "0.01");
        Path compared = dir.resolve("compare.html");
        Cli compare = Cli.run("compare", LENET, LENET, "--runs", metrics.toString(), other.toString(), "-o",
                compared.toString());
        assertEquals(0, compare.code(), compare.err());
        String both = Files.readString(compared);
        assertTrue(both.contains("data-label=\"a.jsonl validation loss\"") && both.contains("data-label=\"b.jsonl validation loss\""),
                "both runs' curves");
        Cli bad = Cli.run("compare", LENET, LENET, "--runs", metrics.toString(), LENET, "-o", dir.resolve("c.html").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("lenet5.cnn:1: not a JSON object"), bad.err());
    }

    /** The report in Chromium: three charts with their lines, the strip's cells, no script errors; a screenshot. */
    private static void browse(Path html, int stripCells) throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "the browser test needs Debian's chromium and chromium-driver: run scripts/install-test-deps.sh");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--user-data-dir=" + Files.createTempDirectory("cnnkit-chromium"),
                "--window-size=1280,1400");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        try {
            driver.get(html.toUri().toString());
            new WebDriverWait(driver, Duration.ofSeconds(60))
                    .until(ExpectedConditions.presenceOfElementLocated(By.id("training")));
            for (String chart : List.of("chart-loss", "chart-accuracy", "chart-lr")) {
                var figure = driver.findElement(By.id(chart));
                assertTrue(figure.isDisplayed() && figure.getSize().getWidth() > 400, chart);
                assertFalse(figure.findElements(By.tagName("polyline")).isEmpty(), chart);
            }
            assertEquals(3, driver.findElements(By.cssSelector("#chart-loss polyline")).size(),
                    "sampled training loss, training loss per epoch, validation loss");
            assertEquals(stripCells, driver.findElements(By.cssSelector("#grad-strip rect")).size());
            List<LogEntry> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
            assertTrue(severe.isEmpty(), severe.toString());
            Path shots = Path.of("target", "browser");
            Files.createDirectories(shots);
            Files.write(shots.resolve("run-report.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.quit();
            service.stop();
        }
    }

    @Test
    void gradsPrintsEveryParameterInAnalyzeOrder() throws Exception {
        Cli json = Cli.run("grads", LENET, "--data", "fashion-mnist:test", "--pad", "2", "--batch", "8", "--seed", "4",
                "--threads", "1", "--format", "json");
        assertEquals(0, json.code(), json.err());
        List<String> layers = new ArrayList<>();
        JSON.readTree(json.out()).get("params").forEach(p -> {
            if (p.get("param").asText().equals("weight")) {
                layers.add(p.get("layer").asText());
            }
            assertTrue(p.get("grad_norm").asDouble() > 0, p.toString());
        });
        List<String> analyzed = new ArrayList<>();
        JSON.readTree(Cli.run("analyze", LENET, "--format", "json").out()).get("layers").forEach(l -> {
            if (l.path("params").size() > 0) {
                analyzed.add(l.get("name").asText());
            }
        });
        assertEquals(analyzed, layers);
        Cli table = Cli.run("grads", LENET, "--data", "fashion-mnist:test", "--pad", "2", "--batch", "8", "--threads", "1");
        assertTrue(table.out().contains("Grad norm") && table.out().contains("fc3    bias"), table.out());
        Cli bad = Cli.run("grads", LENET, "--data", "fashion-mnist:test", "--batch", "8");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("cnn grads: the images are 1x28x28"), bad.err());
    }

    @Test
    void fineTunesResNet18sHeadOnAnImageFolder() throws Exception {
        // ResNet-18 on 64x64 inputs with a two-class head; the shape annotations of the 224x224 example dropped
        String source = Files.readString(Path.of("../examples/resnet18.cnn")).replace("3x224x224", "3x64x64")
                .replaceAll("(?m)\\)\\s*:\\s*\\d+x\\d+x\\d+\\s*$", ")");
        Files.copy(Path.of("../examples/resnet_blocks.cnn"), dir.resolve("resnet_blocks.cnn"));
        Path model = dir.resolve("resnet18_two.cnn");
        Files.writeString(model, source.replace("dense(1000)", "dense(2)"));
        // "pretrained" weights with ImageNet's 1000-class head
        Path original = dir.resolve("resnet18_imagenet.cnn");
        Files.writeString(original, source);
        var imagenet = Analyzer.analyze(CnnCompiler.compile(original).graphOrThrow(), 1);
        Map<String, Tensor> pretrained = Weights.initialize(ParamRequirement.of(imagenet), 11).asMap();
        Path pre = dir.resolve("pretrained.safetensors");
        SafeTensors.write(pre, pretrained);
        Random random = new Random(2);
        for (String cls : List.of("dark", "light")) {
            Files.createDirectories(dir.resolve("images").resolve(cls));
            for (int i = 0; i < 3; i++) {
                BufferedImage image = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 40; y++) {
                    for (int x = 0; x < 48; x++) {
                        int v = (cls.equals("dark") ? 40 : 180) + random.nextInt(60);
                        image.setRGB(x, y, v << 16 | (v / 2) << 8 | (255 - v));
                    }
                }
                ImageIO.write(image, "png", dir.resolve("images").resolve(cls).resolve(i + ".png").toFile());
            }
        }
        Path out = dir.resolve("tuned.safetensors");
        Cli r = Cli.run("train", model.toString(), "--data", "folder:" + dir.resolve("images"), "--weights", pre.toString(),
                "--freeze", "!fc", "--epochs", "2", "--batch", "6", "--lr", "0.001", "--threads", "2", "--seed", "1",
                "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("cnn train: fc has other shapes in " + pre + " (a head for another class count?):"
                + " initialised it from seed 1, loaded everything else"), r.err());
        assertTrue(r.err().contains("freezing 40 layers: conv1, bn1, layer1.0.conv1, layer1.0.bn1, layer1.0.conv2, layer1.0.bn2 and 34 more"), r.err());
        Map<String, Tensor> tuned = SafeTensors.read(out).tensors();
        for (String name : List.of("conv1.weight", "bn1.running_mean", "bn1.running_var", "layer4.1.bn2.weight",
                "layer4.1.bn2.running_var")) {
            assertArrayEquals(pretrained.get(name).toArray(), tuned.get(name).toArray(), name + " is frozen");
        }
        assertArrayEquals(new int[] {2, 512}, tuned.get("fc.weight").shape());

        Cli all = Cli.run("train", model.toString(), "--data", "folder:" + dir.resolve("images"), "--weights",
                pre.toString(), "--freeze", "*", "--epochs", "1", "--lr", "0.05", "-o", dir.resolve("n.safetensors").toString());
        assertEquals(2, all.code());
        assertTrue(all.err().contains("--freeze '*' freezes every layer: nothing would train"), all.err());
    }
}
