package io.cnnkit.analyzer.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.cnnkit.analyzer.Analysis;
import io.cnnkit.analyzer.ReceptiveField;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One CSV row per layer or collapsed scope (headers of expanded scopes are left out), with a
 * header line. Counts are exact integers; RF fields are empty when the field is global or unknown.
 */
public final class CsvReport {
    static final List<String> COLUMNS = List.of("kind", "path", "type", "level", "output_shape", "parameters", "macs",
            "flops", "rf_size_h", "rf_size_w", "rf_stride_h", "rf_stride_w", "rf_offset_h", "rf_offset_w",
            "rf_global", "activation_bytes", "aux");

    private CsvReport() {
    }

    public static String render(Analysis analysis, int depth) {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        COLUMNS.forEach(schema::addColumn);
        List<List<Object>> rows = new ArrayList<>();
        for (ReportRow row : ReportRow.of(analysis, depth)) {
            if (row.kind() == ReportRow.Kind.HEADER) {
                continue;
            }
            ReceptiveField rf = row.receptiveField();
            boolean spatial = rf != null && !rf.global();
            List<Object> cells = new ArrayList<>(Arrays.asList(row.kind().name().toLowerCase(java.util.Locale.ROOT),
                    row.path(), row.type(), row.level(), row.outputShape() == null ? "" : row.outputShape().toString(),
                    row.parameters(), row.macs(), row.flops()));
            for (long v : spatial ? new long[] {rf.sizeH(), rf.sizeW(), rf.strideH(), rf.strideW(), rf.offsetH(),
                    rf.offsetW()} : new long[0]) {
                cells.add(v);
            }
            while (cells.size() < 14) {
                cells.add("");
            }
            cells.addAll(List.of(rf != null && rf.global(), row.activationBytes(), row.aux()));
            rows.add(cells);
        }
        try {
            return new CsvMapper().writer(schema.build()).writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
