package io.cnnkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** cnn serve in Chromium: saving the file updates the open page, errors in place, then the report again. */
class LivePreviewBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void savingTheFileUpdatesTheOpenPage() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "the browser test needs Debian's chromium and chromium-driver: run scripts/install-test-deps.sh");
        Path file = dir.resolve("live.cnn");
        String good = Files.readString(Path.of("..", "examples", "lenet5.cnn"));
        Files.writeString(file, good);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--user-data-dir=" + Files.createTempDirectory("cnnkit-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        try (LivePreview preview = new LivePreview(file, 1, 0)) {
            // a page may reload between finding an element and reading it: wait on what it shows
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            wait.ignoring(StaleElementReferenceException.class);
            driver.get(preview.url());
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("layer-table")));
            assertTrue(driver.getTitle().startsWith("LeNet5"), driver.getTitle());

            int line = lineOf(good, "conv(16, 5)");
            Files.writeString(file, good.replace("conv(16, 5)", "conv(16, 50)"));
            By message = By.cssSelector(".msg[data-line]");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(message,
                    "conv kernel 50 is larger than the padded input"));
            assertEquals("live.cnn: 1 error", driver.findElement(By.id("status")).getText());
            assertEquals(Integer.toString(line), driver.findElement(message).getAttribute("data-line"));

            Files.writeString(file, good.replace("dense(10)", "dense(12)"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("layer-table"), "dense 12"));
        } finally {
            driver.quit();
            service.stop();
        }
    }

    private static int lineOf(String text, String needle) {
        return text.substring(0, text.indexOf(needle)).split("\n", -1).length;
    }
}
