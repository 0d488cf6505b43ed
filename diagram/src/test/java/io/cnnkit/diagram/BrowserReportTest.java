package io.cnnkit.diagram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.Analysis;
import io.cnnkit.compiler.io.OutputFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The HTML report in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * installed by {@code scripts/install-test-deps.sh}), driven by Selenium with the system driver, so
 * that nothing is downloaded. The window is 1280 px wide, the width the report is laid out for.
 * Screenshots are left in {@code target/browser/}.
 */
class BrowserReportTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path OUT = Path.of("target", "browser");

    private static Analysis analysis;
    private static Path page;
    private static ChromeDriverService service;
    private static WebDriver driver;

    @BeforeAll
    static void openReport() throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "the browser test needs Debian's chromium and chromium-driver: run scripts/install-test-deps.sh");
        analysis = Fixtures.analyze(Fixtures.example("resnet18.cnn"));
        Files.createDirectories(OUT);
        page = write("resnet18.html", analysis);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory("cnnkit-chromium"), "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    private static Path write(String name, Analysis analysis) throws IOException {
        Path file = OUT.resolve(name).toAbsolutePath();
        OutputFile.write(file, HtmlReportTest.report(analysis).getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /** The report as {@code cnn report} writes it without options: deep networks collapsed until legible. */
    private static Path writeLegible(String name, Analysis analysis) throws IOException {
        DiagramOptions options = DiagramOptions.DEFAULT.withDepth(
                DiagramModel.fittingDepth(analysis, DiagramOptions.DEFAULT, DiagramOptions.LEGIBLE_NODES));
        String svg = DiagramRenderer.svg(DiagramModel.of(analysis, options), options);
        Path file = OUT.resolve(name).toAbsolutePath();
        OutputFile.write(file, HtmlReport.render(analysis, svg, options).getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** True when the element's centre lies inside the visible box of {@code pane}. */
    private static boolean insidePane(WebElement element, WebElement pane) {
        return (Boolean) js("var e = arguments[0].getBoundingClientRect(), p = arguments[1].getBoundingClientRect();"
                + "var x = e.left + e.width / 2, y = e.top + e.height / 2;"
                + "return x >= p.left && x <= p.right && y >= p.top && y <= p.bottom;", element, pane);
    }

    private static double canvasScale() {
        return ((Number) js("return new DOMMatrix(getComputedStyle(document.querySelector('#diagram .canvas')).transform).a;"))
                .doubleValue();
    }

    private static double[] canvasOffset() {
        String t = (String) js("var m = new DOMMatrix(getComputedStyle(document.querySelector('#diagram .canvas')).transform);"
                + "return m.e + ',' + m.f;");
        String[] parts = t.split(",");
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    }

    private static void assertMemoryColumnInView() {
        WebElement memory = driver.findElement(By.cssSelector("#layer-table th[data-col='8']"));
        double overflow = ((Number) js("var p = document.getElementById('table-scroll');"
                + "return arguments[0].getBoundingClientRect().right - (p.getBoundingClientRect().left + p.clientWidth);",
                memory)).doubleValue();
        assertTrue(overflow < 1, "the Memory column ends " + overflow + " px past the table's pane");
    }

    /** The diagram and the table side by side at the top of the window, for a screenshot of what a reader works with. */
    private static void showMainPanes() {
        js("window.scrollTo(0, document.querySelector('.main').getBoundingClientRect().top + window.scrollY - 8);");
    }

    /** Each test starts from a freshly loaded page. */
    @BeforeEach
    void load() {
        driver.get(page.toUri().toString());
    }

    private static List<LogEntry> consoleProblems() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    private static boolean hasClass(WebElement e, String cls) {
        return List.of(e.getAttribute("class").split("\\s+")).contains(cls);
    }

    private static void screenshot(String name) throws IOException {
        Files.write(OUT.resolve(name), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void loadsWithoutConsoleErrorsWithDiagramAndOneRowPerLayer() throws IOException {
        assertEquals(analysis.graph().name() + " \u2014 cnnkit report", driver.getTitle());
        assertEquals(1, driver.findElements(By.cssSelector("#diagram svg")).size());
        assertEquals(analysis.layers().size(), driver.findElements(By.cssSelector("#layer-table tbody tr.layer")).size());
        assertEquals(1, driver.findElements(By.cssSelector("svg.rf-chart")).size());
        screenshot("report.png");
        List<LogEntry> problems = consoleProblems();
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void googLeNetWithAuxiliaryHeadsLoadsCleanly() throws IOException {
        Analysis googlenet = Fixtures.analyze(Fixtures.resource("googlenet.cnn"));
        driver.get(write("googlenet.html", googlenet).toUri().toString());
        assertEquals(googlenet.layers().size(), driver.findElements(By.cssSelector("#layer-table tbody tr.layer")).size());
        assertEquals(googlenet.layers().stream().filter(s -> !s.inference()).count(),
                driver.findElements(By.cssSelector("#layer-table tbody tr.layer.aux")).size());
        showMainPanes();
        driver.findElement(By.id("zoom-fit")).click();
        driver.findElement(By.id("n-aux1.fc2")).click();
        WebElement row = driver.findElement(By.id("r-aux1.fc2"));
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> hasClass(row, "selected"));
        screenshot("googlenet-aux-selected.png");
        List<LogEntry> problems = consoleProblems();
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void clickingANodeSelectsItsRowAndTheReverse() throws IOException {
        showMainPanes();
        driver.findElement(By.id("zoom-fit")).click(); // every node inside the pane
        WebElement node = driver.findElement(By.id("n-layer2.0.conv1"));
        node.click();
        WebElement row = driver.findElement(By.id("r-layer2.0.conv1"));
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> hasClass(row, "selected"));
        assertTrue(hasClass(node, "selected"));
        assertEquals(1, driver.findElements(By.cssSelector("#layer-table tr.selected")).size());
        screenshot("report-node-selected.png");

        driver.findElement(By.id("r-fc")).click();
        WebElement fc = driver.findElement(By.id("n-fc"));
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> hasClass(fc, "selected"));
        assertFalse(hasClass(node, "selected"));
        assertFalse(hasClass(row, "selected"));
    }

    @Test
    void moduleRowsFoldAndColumnsSort() {
        WebElement conv = driver.findElement(By.id("r-layer1.0.conv1"));
        assertFalse(conv.isDisplayed(), "blocks (depth 2) start folded");
        driver.findElement(By.id("s-layer1.0")).click();
        assertTrue(conv.isDisplayed());
        driver.findElement(By.id("s-layer1")).click();
        assertFalse(conv.isDisplayed());
        driver.findElement(By.id("s-layer1")).click();
        assertTrue(conv.isDisplayed());

        driver.findElement(By.cssSelector("#layer-table th[data-col='4']")).click(); // parameters, largest first
        WebElement first = driver.findElements(By.cssSelector("#layer-table tbody tr")).stream()
                .filter(WebElement::isDisplayed).findFirst().orElseThrow();
        // ResNet-18's largest layers are the 3x3 convolutions of 512 to 512 channels: 512 * 512 * 9 weights
        WebElement params = first.findElements(By.tagName("td")).get(4);
        assertEquals("2.36 M", params.getText());
        assertEquals("2,359,296", params.getAttribute("title"));
        assertEquals("r-layer4.0.conv2", first.getAttribute("id"), "the first of them in schedule order (stable sort)");
        driver.findElement(By.cssSelector("#layer-table th[data-col='0']")).click(); // schedule order again
        WebElement top = driver.findElements(By.cssSelector("#layer-table tbody tr")).get(0);
        assertEquals("r-image", top.getAttribute("id"));
        assertTrue(driver.findElement(By.id("s-layer1")).isDisplayed(), "module rows are back");
    }

    @Test
    void searchScrollsToAndHighlightsTheRowAndTheNode() throws IOException {
        WebElement search = driver.findElement(By.id("search"));
        search.sendKeys("layer3.1.conv2");
        WebElement row = driver.findElement(By.id("r-layer3.1.conv2"));
        WebElement node = driver.findElement(By.id("n-layer3.1.conv2"));
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> hasClass(row, "selected") && hasClass(node, "selected"));
        assertTrue(row.isDisplayed(), "its folded block was unfolded");
        assertTrue(insidePane(row, driver.findElement(By.id("table-scroll"))), "row scrolled into its pane");
        assertTrue(insidePane(node, driver.findElement(By.id("diagram"))), "node panned into the diagram pane");
        assertEquals("1 of 1", driver.findElement(By.id("search-count")).getText());

        search.clear();
        search.sendKeys("downsample.0"); // in the first block of stages 2, 3 and 4
        assertEquals("1 of 3", driver.findElement(By.id("search-count")).getText());
        search.sendKeys(Keys.ENTER);
        assertEquals("2 of 3", driver.findElement(By.id("search-count")).getText());
        WebElement second = driver.findElement(By.id("r-layer3.0.downsample.0"));
        assertTrue(hasClass(second, "selected") && insidePane(second, driver.findElement(By.id("table-scroll"))));
        assertTrue(insidePane(driver.findElement(By.id("n-layer3.0.downsample.0")), driver.findElement(By.id("diagram"))));
        showMainPanes();
        screenshot("report-search.png");
    }

    @Test
    void wheelZoomsAndDragPansWithoutSelecting() {
        showMainPanes();
        WebElement pane = driver.findElement(By.id("diagram"));
        double before = canvasScale();
        new Actions(driver).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(pane), 0, -400).perform();
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> canvasScale() > before * 1.2);
        double zoomed = canvasScale();
        double[] start = canvasOffset();
        new Actions(driver).moveToElement(pane, 0, 0).clickAndHold().moveByOffset(60, 40).moveByOffset(60, 40)
                .release().perform();
        double[] end = canvasOffset();
        assertEquals(120, end[0] - start[0], 2, "dragged right");
        assertEquals(80, end[1] - start[1], 2, "dragged down");
        assertEquals(zoomed, canvasScale(), 1e-9, "panning keeps the zoom");
        assertTrue(driver.findElements(By.cssSelector(".selected")).isEmpty(), "a drag selects nothing");
        driver.findElement(By.id("zoom-fit")).click();
        assertTrue(canvasScale() < before, "fit shows the whole tall diagram");
    }

    /** ResNet-152 as cnn report writes it: stages and blocks, a node per block, every column inside 1280 px. */
    @Test
    void resNet152OpensFoldedWithEveryColumnInView() throws IOException {
        Analysis resnet152 = Fixtures.analyze(Fixtures.example("resnet152.cnn"));
        driver.get(writeLegible("resnet152.html", resnet152).toUri().toString());
        long visible = driver.findElements(By.cssSelector("#layer-table tbody tr")).stream().filter(WebElement::isDisplayed).count();
        assertTrue(visible < 80, visible + " rows visible at first, of " + resnet152.layers().size() + " layers");
        assertMemoryColumnInView();
        showMainPanes();
        screenshot("resnet152-report-1280.png");

        // a layer inside a collapsed block: its row is unfolded and selected, the block's node highlighted
        driver.findElement(By.id("search")).sendKeys("layer3.20.conv2");
        WebElement row = driver.findElement(By.id("r-layer3.20.conv2"));
        WebElement block = driver.findElement(By.id("n-layer3.20"));
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> hasClass(row, "selected") && hasClass(block, "selected"));
        assertTrue(row.isDisplayed());
        assertTrue(insidePane(block, driver.findElement(By.id("diagram"))));
        screenshot("resnet152-report-search.png");
        List<LogEntry> problems = consoleProblems();
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void googLeNetAt1280() throws IOException {
        Analysis googlenet = Fixtures.analyze(Fixtures.example("googlenet.cnn"));
        driver.get(writeLegible("googlenet-zoo.html", googlenet).toUri().toString());
        assertMemoryColumnInView();
        driver.findElement(By.id("search")).sendKeys("inception4a.branch1");
        assertEquals("1 of 2", driver.findElement(By.id("search-count")).getText());
        assertTrue(insidePane(driver.findElement(By.id("n-inception4a.branch1.0")), driver.findElement(By.id("diagram"))));
        showMainPanes();
        screenshot("googlenet-report-1280.png");
    }
}
