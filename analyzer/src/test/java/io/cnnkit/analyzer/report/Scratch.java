package io.cnnkit.analyzer.report;
import io.cnnkit.analyzer.*;
public class Scratch {
    public static void main(String[] args) throws Exception {
        var vgg = Analyzer.analyze(Nets.vgg16(), 1);
        var a = Analyzer.analyze(Nets.inception(false), 1);
        var b = Analyzer.analyze(Nets.inception(true), 1);
        System.out.println(TextReport.render(vgg));
        System.out.println(TextReport.render(b, 0));
        System.out.println(MarkdownReport.render(b, 1));
        System.out.println(CsvReport.render(b, 5));
        System.out.println(Comparison.of(a, b).renderText());
        System.out.println(JsonReport.render(b).substring(0, 3000));
    }
}
