package io.cnnkit.compiler;

import java.util.Locale;

/**
 * Every kind of finding the compiler reports. The kebab-case {@link #id()} is printed in brackets
 * after each message and is stable: tests, editors and scripts may match on it.
 */
public enum DiagnosticCode {
    SYNTAX("the text does not follow the grammar"),
    TOO_DEEP("brackets or expressions nested beyond the compiler's bound"),
    TOO_LARGE("a source file, or the expanded network, beyond the size bound"),
    FILE_NOT_FOUND("a source or imported file that cannot be read"),
    ENCODING("a source file that is not UTF-8"),
    IMPORT_CYCLE("files that import each other"),
    NUMBER_RANGE("a literal too large to represent"),
    UNKNOWN_NAME("a name that is neither a value nor a parameter in scope"),
    USED_BEFORE_DEFINITION("a value read above the line that defines it"),
    UNKNOWN_OPERATOR("a call to something that is neither an operator nor a module"),
    UNKNOWN_ARGUMENT("a named argument the callee does not have"),
    MISSING_ARGUMENT("a required argument left out"),
    TOO_MANY_ARGUMENTS("more positional arguments than parameters"),
    DUPLICATE_ARGUMENT("one parameter given twice"),
    ARGUMENT_ORDER("a positional argument after a named one, or a required parameter after a defaulted one"),
    ARGUMENT_TYPE("an argument of the wrong kind (a tuple where an integer is needed, say)"),
    ARGUMENT_RANGE("an argument outside its valid range (a zero stride, say)"),
    DIVISION_BY_ZERO("an expression that divides by zero"),
    OVERFLOW("integer arithmetic beyond 64 bits"),
    REPEAT_COUNT("a repeat count that is not an integer from 0 to 10,000"),
    DUPLICATE_NAME("a layer, value, output, parameter or let name used twice in one scope"),
    LABEL("a quoted label that is empty or contains '.', which PyTorch's module names cannot"),
    DUPLICATE_MODULE("two modules with one name, or a module named like an operator"),
    MODULE_OUT("a module without exactly one 'out'"),
    MODULE_RECURSION("a module that reaches itself through its calls"),
    MISSING_INPUT("a layer at the start of a chain, with nothing flowing into it"),
    MERGE_ARITY("concat or add used with fewer than two inputs, or inside a chain"),
    INPUT_SHAPE("an input shape that is neither CxHxW nor F, or has a dimension out of range"),
    NO_INPUT("a network without an input"),
    NO_OUTPUT("a network without an output"),
    UNUSED_VALUE("a value or input that nothing reads (a warning)");

    private final String description;

    DiagnosticCode(String description) {
        this.description = description;
    }

    /** {@code unknown-operator}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String description() {
        return description;
    }
}
