package io.cnnkit.compiler.format;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A layout document in the style of Wadler's "prettier printer": text, optional line breaks and
 * groups that are printed on one line when they fit and with every break taken when they don't.
 * {@link Fresh} and {@link Blank} end the current line whatever the mode, so a group holding one
 * (a line comment, say) always breaks.
 */
sealed interface Doc {

    record Text(String text) implements Doc {
    }

    /** A break: {@code flat} when its group fits on the line, else a new line (unless one just began). */
    record Line(String flat) implements Doc {
    }

    /** A new line unless the current line is still empty. */
    record Fresh() implements Doc {
    }

    /** A fresh line, then one empty line, unless the output starts here or an empty line or an opening brace precedes. */
    record Blank() implements Doc {
    }

    record Nest(int indent, Doc body) implements Doc {
    }

    record Group(Doc body) implements Doc {
    }

    record Cat(List<Doc> parts) implements Doc {
        public Cat {
            parts = List.copyOf(parts);
        }
    }

    static Doc text(String s) {
        return new Text(s);
    }

    static Doc line() {
        return new Line(" ");
    }

    static Doc softLine() {
        return new Line("");
    }

    static Doc cat(Doc... parts) {
        return new Cat(List.of(parts));
    }

    /** Lays {@code doc} out within {@code width} columns. */
    static String print(Doc doc, int width) {
        return new Printer(width).print(doc);
    }

    /** The printer's state: output, column, and whether the current line holds anything yet. */
    final class Printer {
        private record Item(int indent, boolean flat, Doc doc) {
        }

        private final int width;
        private final StringBuilder out = new StringBuilder();
        private int column;
        private boolean lineUsed;

        Printer(int width) {
            this.width = width;
        }

        String print(Doc root) {
            Deque<Item> stack = new ArrayDeque<>();
            stack.push(new Item(0, false, root));
            while (!stack.isEmpty()) {
                Item item = stack.pop();
                Doc doc = item.doc();
                if (doc instanceof Text t) {
                    write(t.text(), item.indent());
                } else if (doc instanceof Line l) {
                    if (item.flat()) {
                        write(l.flat(), item.indent());
                    } else if (lineUsed) {
                        newline();
                    }
                } else if (doc instanceof Fresh) {
                    if (lineUsed) {
                        newline();
                    }
                } else if (doc instanceof Blank) {
                    if (lineUsed) {
                        newline();
                    }
                    if (!out.isEmpty() && !endsWithEmptyLine() && !endsWithOpenBrace()) {
                        out.append('\n');
                    }
                } else if (doc instanceof Nest n) {
                    stack.push(new Item(item.indent() + n.indent(), item.flat(), n.body()));
                } else if (doc instanceof Group g) {
                    boolean flat = item.flat() || fits(g.body(), width - (lineUsed ? column : item.indent()));
                    stack.push(new Item(item.indent(), flat, g.body()));
                } else if (doc instanceof Cat c) {
                    for (int i = c.parts().size() - 1; i >= 0; i--) {
                        stack.push(new Item(item.indent(), item.flat(), c.parts().get(i)));
                    }
                }
            }
            if (lineUsed) {
                out.append('\n');
            }
            return out.toString();
        }

        private void write(String s, int indent) {
            if (s.isEmpty() || (s.equals(" ") && !lineUsed)) {
                return;
            }
            if (!lineUsed) {
                out.append(" ".repeat(indent));
                column = indent;
                lineUsed = true;
            }
            out.append(s);
            int lastBreak = s.lastIndexOf('\n');
            column = lastBreak < 0 ? column + s.length() : s.length() - lastBreak - 1;
        }

        private void newline() {
            out.append('\n');
            column = 0;
            lineUsed = false;
        }

        private boolean endsWithEmptyLine() {
            return out.length() >= 2 && out.charAt(out.length() - 1) == '\n' && out.charAt(out.length() - 2) == '\n';
        }

        private boolean endsWithOpenBrace() {
            int end = out.length() - 1;
            while (end >= 0 && out.charAt(end) == '\n') {
                end--;
            }
            return end >= 0 && out.charAt(end) == '{';
        }

        /** Whether {@code doc} prints nothing but possibly line ends. */
        private static boolean blank(Doc doc) {
            if (doc instanceof Text t) {
                return t.text().isEmpty();
            }
            if (doc instanceof Nest n) {
                return blank(n.body());
            }
            if (doc instanceof Group g) {
                return blank(g.body());
            }
            if (doc instanceof Cat c) {
                return c.parts().stream().allMatch(Printer::blank);
            }
            return doc instanceof Fresh;
        }

        /** Whether {@code doc} printed flat takes at most {@code room} columns and has no forced break. */
        private static boolean fits(Doc doc, int room) {
            Deque<Doc> stack = new ArrayDeque<>();
            stack.push(doc);
            int used = 0;
            while (!stack.isEmpty()) {
                Doc next = stack.pop();
                if (next instanceof Text t) {
                    if (t.text().indexOf('\n') >= 0) {
                        return false;
                    }
                    used += t.text().length();
                } else if (next instanceof Line l) {
                    used += l.flat().length();
                } else if (next instanceof Fresh) {
                    return stack.stream().allMatch(Printer::blank); // a line comment that ends the group fits
                } else if (next instanceof Blank) {
                    return false;
                } else if (next instanceof Nest n) {
                    stack.push(n.body());
                } else if (next instanceof Group g) {
                    stack.push(g.body());
                } else if (next instanceof Cat c) {
                    for (int i = c.parts().size() - 1; i >= 0; i--) {
                        stack.push(c.parts().get(i));
                    }
                }
                if (used > room) {
                    return false;
                }
            }
            return true;
        }
    }
}
