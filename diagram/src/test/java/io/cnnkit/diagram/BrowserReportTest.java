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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The HTML report in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * installed by {@code scripts/install-test-deps.sh}), driven by Selenium with the system driver, so
 * that nothing is downloaded. Screenshots are left in {@code target/browser/}.
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
                "--user-data-dir=" + Files.createTempDirectory("cnnkit-chromium"), "--window-size=1600,1000");
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
        driver.findElement(By.id("n-aux1.fc2")).click();
        WebElement row = driver.findElement(By.id("r-aux1.fc2"));
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> hasClass(row, "selected"));
        screenshot("googlenet-aux-selected.png");
        List<LogEntry> problems = consoleProblems();
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void clickingANodeSelectsItsRowAndTheReverse() throws IOException {
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
        assertTrue(conv.isDisplayed());
        driver.findElement(By.id("s-layer1")).click();
        assertFalse(conv.isDisplayed());
        driver.findElement(By.id("s-layer1")).click();
        assertTrue(conv.isDisplayed());

        driver.findElement(By.cssSelector("#layer-table th[data-col='4']")).click(); // parameters, largest first
        WebElement first = driver.findElements(By.cssSelector("#layer-table tbody tr")).stream()
                .filter(WebElement::isDisplayed).findFirst().orElseThrow();
        // ResNet-18's largest layers are the 3x3 convolutions of 512 to 512 channels: 512 * 512 * 9 weights
        assertEquals("2,359,296", first.findElements(By.tagName("td")).get(4).getText());
        assertEquals("r-layer4.0.conv2", first.getAttribute("id"), "the first of them in schedule order (stable sort)");
        driver.findElement(By.cssSelector("#layer-table th[data-col='0']")).click(); // schedule order again
        WebElement top = driver.findElements(By.cssSelector("#layer-table tbody tr")).get(0);
        assertEquals("r-image", top.getAttribute("id"));
        assertTrue(driver.findElement(By.id("s-layer1")).isDisplayed(), "module rows are back");
    }
}
