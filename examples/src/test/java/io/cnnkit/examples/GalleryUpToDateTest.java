package io.cnnkit.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cnnkit.analyzer.report.MarkdownReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/zoo.md shows each model's current summary table and diagram: it was regenerated after the last change. */
class GalleryUpToDateTest {
    static final Path DOCS = Zoo.DIR.resolve("../docs");

    @ParameterizedTest
    @MethodSource("io.cnnkit.examples.Zoo#models")
    void galleryShowsTheCurrentModel(String file) throws IOException {
        String page = Files.readString(DOCS.resolve("zoo.md"));
        String report = MarkdownReport.render(Zoo.analyze(file), 1);
        // The table as the gallery prints it: without the report's heading and convention banner.
        String table = report.substring(report.indexOf("\n| Layer |") + 1);
        String stale = " is stale: run scripts/make_zoo_gallery.sh";
        assertTrue(page.contains(table), "the table of " + file + " in docs/zoo.md" + stale);
        String name = file.replace(".cnn", "");
        assertTrue(Files.isRegularFile(DOCS.resolve("zoo/" + name + ".svg")), "docs/zoo/" + name + ".svg is missing");
        assertTrue(page.contains("](zoo/" + name + ".svg)"), "docs/zoo.md does not show " + name + ".svg");
    }
}
