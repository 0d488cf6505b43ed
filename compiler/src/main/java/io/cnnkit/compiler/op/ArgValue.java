package io.cnnkit.compiler.op;

import java.util.List;
import java.util.stream.Collectors;

/** The value of an evaluated argument expression. */
public sealed interface ArgValue {

    /** How the value is named in messages: "integer 3", "tuple (1, 2)". */
    String describe();

    record IntValue(long value) implements ArgValue {
        public String describe() { return "integer " + value; }
        @Override public String toString() { return Long.toString(value); }
    }

    record FloatValue(double value) implements ArgValue {
        public String describe() { return "number " + this; }
        @Override public String toString() { return Double.toString(value); }
    }

    record BoolValue(boolean value) implements ArgValue {
        public String describe() { return "boolean " + value; }
        @Override public String toString() { return Boolean.toString(value); }
    }

    record StringValue(String value) implements ArgValue {
        public String describe() { return "string \"" + value + "\""; }
        @Override public String toString() { return "\"" + value + "\""; }
    }

    record TupleValue(List<ArgValue> elements) implements ArgValue {
        public TupleValue {
            elements = List.copyOf(elements);
        }
        public String describe() { return "tuple " + this; }
        @Override public String toString() {
            return elements.stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
        }
    }

    /** A bare word that is not a parameter, such as {@code same}; operators decide if they accept it. */
    record SymbolValue(String name) implements ArgValue {
        public String describe() { return "name '" + name + "'"; }
        @Override public String toString() { return name; }
    }
}
