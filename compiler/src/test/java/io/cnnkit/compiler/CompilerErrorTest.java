package io.cnnkit.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: a source and the exact headlines (position, message, code) it must produce. */
class CompilerErrorTest {
    private static final String HEADER = "network T\ninput x: 3x32x32\n";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("output o = x -> conv(8, 3 -> relu",
                        List.of("t.cnn:3:21: error: '(' is never closed; expected a matching ')' [syntax]")),
                Arguments.of("output o = x -> conv(8, 3) -> ",
                        List.of("t.cnn:3:30: error: unexpected end of file; expected one of 'repeat', '[', an integer, a string, a name [syntax]")),
                Arguments.of("output o = x -> conv(8, 3) -> reLu",
                        List.of("t.cnn:3:31: error: unknown operator or module 'reLu' (did you mean 'relu'?) [unknown-operator]")),
                Arguments.of("output o = x -> conv(8, kernel=3x3, stride=(2, 1), pad=(1, 1, 0, 0), dilation=0)",
                        List.of("t.cnn:3:70: error: conv: 'dilation' must be in [1, 16777216], got 0 [argument-range]")),
                Arguments.of("output o = x -> conv(8, 3, pad=sam)",
                        List.of("t.cnn:3:32: error: unknown name 'sam' (did you mean 'same'?); expected a number,"
                                + " a tuple, same or valid [unknown-name]")),
                Arguments.of("output o = x -> zeropad(same)",
                        List.of("t.cnn:3:25: error: zeropad: 'pad' must be an integer, (h, w), (top, left, bottom,"
                                + " right) or valid, not name 'same' [argument-type]")),
                Arguments.of("output o = x -> leakyrelu(alpha=-1)",
                        List.of("t.cnn:3:27: error: leakyrelu: 'alpha' must be in [0, 1.7976931348623157E308], got -1"
                                + " [argument-range]")),
                Arguments.of("module m(c) { out in -> conv(c, 3) }\noutput o = x -> m(c=1.5)",
                        List.of("t.cnn:3:30: error: conv: 'filters' must be an integer, not number 1.5"
                                + " (in module 'm' called at t.cnn:4:17) [argument-type]")),
                Arguments.of("module m(c) { out in -> conv(c, 3) }\noutput o = x -> m()",
                        List.of("t.cnn:4:17: error: missing argument 'c'; expected m(c) [missing-argument]")),
                Arguments.of("module m(c) { out in -> conv(c, 3) -> n }\nmodule n() { out in -> m(2) }\n"
                                + "output o = x -> m(1)",
                        List.of("t.cnn:4:24: error: module 'm' calls itself through m -> n -> m; expected modules"
                                + " without recursion [module-recursion]")),
                Arguments.of("a = x -> relu\noutput o = concat(a, b)",
                        List.of("t.cnn:4:22: error: unknown value 'b'; expected an input or a value defined above"
                                + " [unknown-name]")),
                Arguments.of("output o = x -> repeat 2 * 3 - 7 relu",
                        List.of("t.cnn:3:24: error: repeat count must be an integer from 0 to 10000, got integer -1"
                                + " [repeat-count]")),
                Arguments.of("output o = x -> conv(if 1 then 2 else 3, 3)",
                        List.of("t.cnn:3:25: error: 'if' needs a condition (true or false), got integer 1"
                                + " [argument-type]")),
                Arguments.of("output o = in -> relu",
                        List.of("t.cnn:3:12: error: 'in' is only defined inside a module; expected the name of an"
                                + " input or value [unknown-name]",
                                "t.cnn:2:7: warning: input 'x' is never used [unused-value]")),
                Arguments.of("y = x -> relu\noutput o = x -> dense(10)\noutput p = x -> tanh",
                        List.of("t.cnn:3:1: warning: value 'y' is never used [unused-value]")),
                Arguments.of("output o = x -> a: relu -> b: [relu -> a: tanh] -> a: sigmoid",
                        List.of("t.cnn:3:52: error: layer name 'a' is already used at t.cnn:3; expected a unique name"
                                + " [duplicate-name]")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void reportsExactly(String body, List<String> expected) {
        Compilation c = CnnCompiler.compileString("t.cnn", HEADER + body + "\n");
        assertEquals(expected, c.diagnostics().stream().map(Diagnostic::headline).toList());
    }
}
