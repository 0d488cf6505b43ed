package io.cnnkit.onnx.imports;

import io.cnnkit.compiler.format.Formatter;
import io.cnnkit.compiler.op.ArgValue;
import io.cnnkit.compiler.op.Op;
import io.cnnkit.compiler.op.Operators;
import io.cnnkit.compiler.parse.Keywords;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes an {@link ImportedNetwork} as {@code .cnn} source. In structured mode the dotted layer
 * names become scopes: a scope with one entry and one exit becomes a module instance (modules
 * with the same body are written once), a scope numbered {@code 0, 1, …} whose elements form a
 * chain becomes a group like {@code nn.Sequential}, and identical consecutive module instances
 * become {@code repeat}. Scopes that are not single-entry, single-exit are dissolved into their
 * parent with {@code _}-joined labels. Flat mode labels every layer with its whole name joined by
 * {@code _}. {@link Written#names} maps each imported layer name to its name in the source.
 */
final class CnnWriter {
    private static final Set<String> KEYWORDS = reservedWords();

    private static Set<String> reservedWords() {
        Set<String> words = new HashSet<>(Keywords.all());
        words.addAll(Keywords.argumentSymbols());
        return Set.copyOf(words);
    }

    record Written(String source, Map<String, String> names) {
    }

    /** A scope of the name tree, or a leaf layer. */
    private static final class Item {
        String label;
        final int layer; // leaf: layer index; scope: -1
        final List<Item> children = new ArrayList<>();
        Item parent;
        // for a scope that is written as a composite
        int entry = -1;
        int exit = -1;
        /** A group whose numbering keeps gaps, each written as a placeholder step. */
        boolean gaps;

        Item(String label, int layer) {
            this.label = label;
            this.layer = layer;
        }

        boolean leaf() {
            return layer >= 0;
        }
    }

    private final ImportedNetwork net;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<List<Integer>> consumers = new ArrayList<>();
    private final Set<Integer> outputLayers = new HashSet<>();
    private final Set<String> moduleNames = new HashSet<>();
    private final Map<Integer, Item> leafOf = new HashMap<>();
    private boolean placeholders;


    private CnnWriter(ImportedNetwork net) {
        this.net = net;
        for (int i = 0; i < net.layers().size(); i++) {
            index.put(net.layers().get(i).name(), i);
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < net.layers().size(); i++) {
            for (String in : net.layers().get(i).inputs()) {
                consumers.get(index.get(in)).add(i);
            }
        }
        net.outputs().forEach(o -> outputLayers.add(index.get(o.layer())));
    }

    static Written write(ImportedNetwork net, boolean structured) {
        return new CnnWriter(net).write(structured);
    }

    private Written write(boolean structured) {
        Item root = new Item("", -1);
        for (int i = 0; i < net.layers().size(); i++) {
            ImportedNetwork.Layer l = net.layers().get(i);
            String[] parts = structured && !(l.op() instanceof Op.Input) ? l.name().split("\\.")
                    : new String[] {l.name().replace('.', '_')};
            Item scope = root;
            for (int p = 0; p < parts.length - 1; p++) {
                scope = child(scope, parts[p]);
            }
            Item leaf = new Item(parts[parts.length - 1], i);
            leaf.parent = scope;
            scope.children.add(leaf);
            leafOf.put(i, leaf);
        }
        settle(root);
        StringBuilder body = new StringBuilder();
        writeBody(root, body, "", null);
        templatesById.forEach(this::nameModule);
        StringBuilder out = new StringBuilder();
        out.append("// imported from ONNX by cnnkit\n");
        if (placeholders) {
            out.append("// dropout(0.0) in a group stands for a module the export left out (a batchnorm folded into\n"
                    + "// the convolution before it, an inference-time dropout): it keeps torchvision's numbering\n");
        }
        out.append("network ").append(identifier(net.name().isEmpty() ? "Imported" : net.name(), "Imported"))
                .append("\n\n");
        for (Template t : templates.values()) {
            out.append(t.declaration()).append('\n');
        }
        out.append(resolveCalls(body.toString()));
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < net.layers().size(); i++) {
            names.put(net.layers().get(i).name(), pathOf(leafOf.get(i)));
        }
        // laid out as `cnn fmt` lays out any source; text the formatter cannot parse is kept as it is,
        // for the importer's compile check to report
        Formatter.Result formatted = Formatter.format("imported.cnn", out.toString());
        return new Written(formatted.ok() ? formatted.text() : out.toString(), names);
    }

    private static Item child(Item scope, String label) {
        for (Item c : scope.children) {
            if (!c.leaf() && c.label.equals(label)) {
                return c;
            }
        }
        Item c = new Item(label, -1);
        c.parent = scope;
        scope.children.add(c);
        return c;
    }

    private static String pathOf(Item item) {
        List<String> parts = new ArrayList<>();
        for (Item i = item; i != null && i.parent != null; i = i.parent) {
            parts.add(0, i.label);
        }
        return String.join(".", parts);
    }

    // ---- deciding the scopes ----

    /** Children first: every scope either gets its entry and exit or is dissolved into its parent. */
    private void settle(Item scope) {
        for (Item c : List.copyOf(scope.children)) {
            if (!c.leaf()) {
                settle(c);
            }
        }
        if (scope.parent == null) {
            labelsUnique(scope);
            return;
        }
        closeGaps(scope);
        if (!singleEntryExit(scope)) {
            dissolve(scope);
        } else {
            labelsUnique(scope);
        }
    }

    /** A scope whose layers are fed by one outside layer and feed the rest through one layer (its last). */
    private boolean singleEntryExit(Item scope) {
        Set<Integer> members = new HashSet<>();
        collect(scope, members);
        int entry = -1;
        int exit = -1;
        int last = members.stream().max(Integer::compare).orElse(-1);
        for (int m : members) {
            for (String in : net.layers().get(m).inputs()) {
                int i = index.get(in);
                if (!members.contains(i)) {
                    if (entry >= 0 && entry != i) {
                        return false;
                    }
                    entry = i;
                }
            }
            boolean usedOutside = outputLayers.contains(m) || consumers.get(m).stream().anyMatch(c -> !members.contains(c));
            if (usedOutside) {
                if (exit >= 0) {
                    return false;
                }
                exit = m;
            }
        }
        if (entry < 0 || exit != last) {
            return false;
        }
        // a numbered scope must be a chain of its elements (a group); others need identifier labels
        if (numbered(scope) && !chainOfElements(scope, entry)) {
            return false;
        }
        if (!numbered(scope) && scope.children.stream().anyMatch(c -> !isIdentifier(c.label) && !isQuotable(c.label))) {
            return false;
        }
        scope.entry = entry;
        scope.exit = exit;
        return true;
    }

    /**
     * A numbered scope with gaps ({@code block.0.0}, {@code block.0.2}: the export left out a
     * batchnorm folded into the convolution before it, or an inference-time dropout) is numbered
     * anew from 0 when only layers without parameters move; otherwise it keeps its numbers and
     * each gap is written as a placeholder ({@link #PLACEHOLDER}), so that every weight keeps its
     * name.
     */
    private void closeGaps(Item scope) {
        List<Item> kids = scope.children;
        long previous = -1;
        for (Item c : kids) {
            if (!c.label.matches("0|[1-9][0-9]{0,8}") || Long.parseLong(c.label) <= previous) {
                return;
            }
            previous = Long.parseLong(c.label);
        }
        if (previous >= MAX_GROUP) {
            return;
        }
        for (int i = 0; i < kids.size(); i++) {
            Set<Integer> members = new HashSet<>();
            collect(kids.get(i), members);
            if (!kids.get(i).label.equals(Integer.toString(i))
                    && members.stream().anyMatch(m -> !net.layers().get(m).params().isEmpty())) {
                scope.gaps = true;
                return;
            }
        }
        for (int i = 0; i < kids.size(); i++) {
            kids.get(i).label = Integer.toString(i);
        }
    }

    /** A step that computes nothing, standing for a module the export left out. */
    static final Op PLACEHOLDER = new Op.Dropout(0);
    /** Gaps are filled up to this number: beyond it the labels are not torchvision's numbering. */
    private static final int MAX_GROUP = 10_000;

    private boolean numbered(Item scope) {
        if (scope.gaps) {
            return true;
        }
        for (int i = 0; i < scope.children.size(); i++) {
            if (!scope.children.get(i).label.equals(Integer.toString(i))) {
                return false;
            }
        }
        return true;
    }

    /** Element k takes element k-1's exit (the scope's entry for k = 0) as its only input. */
    private boolean chainOfElements(Item scope, int entry) {
        int previous = entry;
        List<Item> kids = scope.children;
        for (int k = 0; k < kids.size(); k++) {
            Item c = kids.get(k);
            int in = c.leaf() ? singleInput(c.layer) : c.entry;
            int out = c.leaf() ? c.layer : c.exit;
            if (in != previous) {
                return false;
            }
            if (k + 1 < kids.size()) {
                // the element's exit feeds the next element only
                Set<Integer> next = new HashSet<>();
                collect(kids.get(k + 1), next);
                if (outputLayers.contains(out) || !next.containsAll(consumers.get(out))) {
                    return false;
                }
            }
            previous = out;
        }
        return true;
    }

    private int singleInput(int layer) {
        List<String> in = net.layers().get(layer).inputs();
        return in.size() == 1 ? index.get(in.get(0)) : -2;
    }

    private void collect(Item scope, Set<Integer> members) {
        if (scope.leaf()) {
            members.add(scope.layer);
            return;
        }
        scope.children.forEach(c -> collect(c, members));
    }

    /** Moves a scope's children into its parent, their labels prefixed with the scope's. */
    private void dissolve(Item scope) {
        Item parent = scope.parent;
        int at = parent.children.indexOf(scope);
        parent.children.remove(at);
        for (Item c : scope.children) {
            c.label = scope.label + "_" + c.label;
            c.parent = parent;
        }
        parent.children.addAll(at, scope.children);
    }

    /** Labels that are not identifiers (a number outside a group) or collide get a fixed-up name. */
    private void labelsUnique(Item scope) {
        Set<String> used = new HashSet<>();
        boolean group = scope.parent != null && numbered(scope);
        for (Item c : scope.children) {
            boolean input = c.leaf() && net.layers().get(c.layer).op() instanceof Op.Input;
            if (!group && (input || !isQuotable(c.label))) {
                c.label = identifier(c.label, c.leaf() ? net.layers().get(c.layer).op().kind() : "block");
            }
            String base = c.label;
            for (int k = 1; !used.add(c.label); k++) {
                c.label = base + "_" + k;
            }
        }
    }

    // ---- writing ----

    /** The statements of a scope (root or module body): chains of its items in layer order. */
    private void writeBody(Item scope, StringBuilder out, String indent, Lits lits) {
        boolean root = scope.parent == null;
        List<Item> items = new ArrayList<>(scope.children);
        items.sort((a, b) -> Integer.compare(last(a), last(b)));
        Map<Integer, Item> itemOfLayer = new HashMap<>();
        for (Item it : items) {
            Set<Integer> members = new HashSet<>();
            collect(it, members);
            members.forEach(m -> itemOfLayer.put(m, it));
        }
        Set<String> taken = new HashSet<>();
        items.forEach(i -> taken.add(i.label));
        Set<String> labels = Set.copyOf(taken);
        if (root) {
            net.outputs().forEach(o -> taken.add(outputName(o, labels)));
        }
        Map<Item, String> valueOf = new HashMap<>();
        int[] counter = {0};
        StringBuilder chain = null;
        Item chainEnd = null;
        List<String> statements = new ArrayList<>();
        for (Item it : items) {
            if (!it.leaf() || !(net.layers().get(it.layer).op() instanceof Op.Input)) {
                List<Integer> inputs = inputsOf(it);
                boolean continues = chain != null && inputs.size() == 1 && itemOfLayer.get(inputs.get(0)) == chainEnd
                        && usesOf(chainEnd, itemOfLayer) == 1;
                if (!continues) {
                    if (chain != null) {
                        statements.add(chain.toString());
                    }
                    chain = new StringBuilder();
                    String name = fresh(taken, counter);
                    valueOf.put(it, name);
                    chain.append(name).append(" = ");
                    if (!isMerge(it)) {
                        chain.append(source(inputs.get(0), scope, itemOfLayer, valueOf)).append(" -> ");
                    }
                } else {
                    valueOf.put(it, valueOf.get(chainEnd));
                    chain.append("\n").append(indent).append("    -> ");
                }
                chain.append(step(it, scope, itemOfLayer, valueOf, lits));
                chainEnd = it;
            } else {
                ImportedNetwork.Layer l = net.layers().get(it.layer);
                statements.add("input " + it.label + ": " + shape(l.shape()));
                valueOf.put(it, it.label);
            }
        }
        if (chain != null) {
            statements.add(chain.toString());
        }
        // a value that is renamed by a later chain continuing it is still referred to by its first name
        for (String s : statements) {
            out.append(indent).append(s).append('\n');
        }
        if (root) {
            for (ImportedNetwork.Output o : net.outputs()) {
                Item it = itemOfLayer.get(index.get(o.layer()));
                out.append("output ").append(outputName(o, labels)).append(" = ").append(valueOf.get(it)).append('\n');
            }
        } else {
            out.append(indent).append("out ").append(valueOf.get(itemOfLayer.get(scope.exit))).append('\n');
        }
    }

    /** The output's name as an identifier, moved aside when a layer of the network has it as a label. */
    private String outputName(ImportedNetwork.Output o, Set<String> labels) {
        String name = identifier(o.name(), "output");
        return labels.contains(name) && !net.outputs().stream().anyMatch(x -> x != o && x.name().equals(name + "_out"))
                ? name + "_out" : name;
    }

    private int last(Item it) {
        Set<Integer> m = new HashSet<>();
        collect(it, m);
        return m.stream().max(Integer::compare).orElse(-1);
    }

    /** The layers outside the item that feed it. */
    private List<Integer> inputsOf(Item it) {
        if (it.leaf()) {
            return net.layers().get(it.layer).inputs().stream().map(index::get).toList();
        }
        return List.of(it.entry);
    }

    /** How many items, outputs or module exits use the item's result. */
    private int usesOf(Item it, Map<Integer, Item> itemOfLayer) {
        int exit = it.leaf() ? it.layer : it.exit;
        Set<Item> users = new HashSet<>();
        for (int c : consumers.get(exit)) {
            users.add(itemOfLayer.get(c));
        }
        int n = users.size() + (outputLayers.contains(exit) ? 1 : 0);
        Item scope = it.parent;
        if (scope != null && scope.parent != null && scope.exit == exit) {
            n++;
        }
        return n;
    }

    private boolean isMerge(Item it) {
        return it.leaf() && Operators.of(net.layers().get(it.layer).op())
                .map(spec -> spec.arity() == Operators.Arity.MERGE).orElse(false);
    }

    private String source(int layer, Item scope, Map<Integer, Item> itemOfLayer, Map<Item, String> valueOf) {
        if (scope.parent != null && layer == scope.entry) {
            return "in";
        }
        return valueOf.get(itemOfLayer.get(layer));
    }

    private String step(Item it, Item scope, Map<Integer, Item> itemOfLayer, Map<Item, String> valueOf, Lits lits) {
        if (it.leaf()) {
            ImportedNetwork.Layer l = net.layers().get(it.layer);
            List<String> args = l.inputs().stream()
                    .map(in -> source(index.get(in), scope, itemOfLayer, valueOf)).toList();
            return labelText(it.label) + ": " + call(l.op(), args, lits);
        }
        return labelText(it.label) + ": " + composite(it, lits);
    }

    /** A module call, a repeat of one, or a group for a scope. */
    private String composite(Item scope, Lits lits) {
        if (!numbered(scope)) {
            Instance m = instance(scope);
            return m.template().call(m.values(), lits);
        }
        List<String> elements = new ArrayList<>();
        List<Item> kids = scope.children;
        int next = 0; // the number the next step gets
        for (int i = 0; i < kids.size(); ) {
            Item c = kids.get(i);
            for (; next < Integer.parseInt(c.label); next++) {
                elements.add(call(PLACEHOLDER, List.of(), null));
                placeholders = true;
            }
            next++;
            if (c.leaf()) {
                elements.add(call(net.layers().get(c.layer).op(), List.of(), lits));
                i++;
                continue;
            }
            if (numbered(c)) {
                // a group in a group (nn.Sequential in nn.Sequential); a repeat in brackets, not spliced
                String inner = composite(c, lits);
                elements.add(inner.startsWith("[") ? inner : "[" + inner + "]");
                i++;
                continue;
            }
            Instance m = instance(c);
            int j = i + 1;
            while (j < kids.size() && !kids.get(j).leaf() && !numbered(kids.get(j))
                    && Integer.parseInt(kids.get(j).label) == Integer.parseInt(c.label) + j - i
                    && instance(kids.get(j)).equals(m)) {
                j++;
            }
            String call = m.template().call(m.values(), lits);
            elements.add(j - i > 1 ? "repeat " + (j - i) + " " + call : call);
            next += j - i - 1;
            i = j;
        }
        if (elements.size() == 1 && elements.get(0).startsWith("repeat ")) {
            return elements.get(0);
        }
        return "[" + String.join(" -> ", elements) + "]";
    }

    // ---- modules ----

    /**
     * The numbers a module body may take as parameters (conv filters, dense units), in order of
     * appearance; a body is rendered with a placeholder for each, so bodies that differ only in
     * widths share a template. Null outside modules: the numbers are written as they are.
     */
    private static final class Lits {
        final List<Integer> values = new ArrayList<>();

        String token(int v) {
            values.add(v);
            return "" + PLACEHOLDER_OPEN + (values.size() - 1) + PLACEHOLDER_CLOSE;
        }
    }

    private static final char PLACEHOLDER_OPEN = '\u0001';
    private static final char PLACEHOLDER_CLOSE = '\u0002';
    private static final char CALL_OPEN = '\u0003';
    private static final char CALL_CLOSE = '\u0004';

    private static String literal(Lits lits, int v) {
        return lits == null ? Integer.toString(v) : lits.token(v);
    }

    /** One scope written as a module: its template and the numbers it fills in. */
    private record Instance(Template template, List<Integer> values) {
    }

    /**
     * A module body with placeholders and every set of numbers it is instantiated with. Its
     * parameters are the placeholders that vary between instances; placeholders equal in every
     * instance share one parameter, and those constant over all instances are written inline.
     */
    private final class Template {
        final int id;
        final String body;
        final List<List<Integer>> instances = new ArrayList<>();
        /** The names the instances suggest (their labels), from which the module's name is made. */
        final List<String> suggestions = new ArrayList<>();
        String name;

        Template(int id, String body) {
            this.id = id;
            this.body = body;
        }

        /** For each placeholder: the index of its parameter, or -1 when it is the same everywhere. */
        int[] parameterOf() {
            int n = instances.get(0).size();
            int[] param = new int[n];
            List<Integer> firstOfParam = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final int at = i;
                if (instances.stream().allMatch(v -> v.get(at).equals(instances.get(0).get(at)))) {
                    param[i] = -1;
                    continue;
                }
                param[i] = -2;
                for (int p = 0; p < firstOfParam.size(); p++) {
                    int first = firstOfParam.get(p);
                    if (instances.stream().allMatch(v -> v.get(at).equals(v.get(first)))) {
                        param[i] = p;
                        break;
                    }
                }
                if (param[i] == -2) {
                    param[i] = firstOfParam.size();
                    firstOfParam.add(i);
                }
            }
            return param;
        }

        /** A call: a token resolved once every instance is known ({@link #resolveCalls}). */
        String call(List<Integer> values, Lits lits) {
            StringBuilder b = new StringBuilder().append(CALL_OPEN).append(id).append('(');
            for (int i = 0; i < values.size(); i++) {
                b.append(i == 0 ? "" : ",").append(literal(lits, values.get(i)));
            }
            return b.append(')').append(CALL_CLOSE).toString();
        }

        String declaration() {
            int[] param = parameterOf();
            List<String> names = new ArrayList<>();
            for (int p : param) {
                if (p >= names.size()) {
                    names.add("c" + (p + 1));
                }
            }
            String[] fill = new String[param.length];
            for (int i = 0; i < param.length; i++) {
                fill[i] = param[i] < 0 ? Integer.toString(instances.get(0).get(i)) : names.get(param[i]);
            }
            return "module " + name + "(" + String.join(", ", names) + ") {\n"
                    + resolveCalls(fillPlaceholders(body, fill)) + "}\n";
        }

        /** The call with the arguments of its parameters, taken from the call token's arguments. */
        String resolve(List<String> args) {
            int[] param = parameterOf();
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < param.length; i++) {
                if (param[i] == shown.size()) {
                    shown.add(args.get(i));
                }
            }
            return shown.isEmpty() ? name : name + "(" + String.join(", ", shown) + ")";
        }
    }

    private final Map<String, Template> templates = new LinkedHashMap<>();
    private final List<Template> templatesById = new ArrayList<>();
    private final Map<Item, Instance> instanceOf = new HashMap<>();

    /** The scope as a module instance; the module is created on first use of its template. */
    private Instance instance(Item scope) {
        Instance known = instanceOf.get(scope);
        if (known != null) {
            return known;
        }
        StringBuilder body = new StringBuilder();
        Lits lits = new Lits();
        writeBody(scope, body, "  ", lits);
        String text = body.toString();
        Template t = templates.get(text);
        if (t == null) {
            t = new Template(templatesById.size(), text);
            templates.put(text, t);
            templatesById.add(t);
        }
        t.suggestions.add(identifier(suggestedName(scope), "block"));
        t.instances.add(List.copyOf(lits.values));
        Instance instance = new Instance(t, List.copyOf(lits.values));
        instanceOf.put(scope, instance);
        return instance;
    }

    /** A scope's label, or for an element of a group the nearest named scope's with {@code _block}. */
    private static String suggestedName(Item scope) {
        Item named = scope;
        while (named.label.matches("\\d+") && named.parent != null && named.parent.parent != null) {
            named = named.parent;
        }
        return named == scope ? scope.label : named.label.matches("\\d+") ? "block" : named.label + "_block";
    }

    /**
     * Names a module after what its instances have in common: their labels without numbers (and a letter suffix after a number), cut to
     * the longest common prefix ({@code inception3a}, {@code inception4b} give {@code inception});
     * the label itself when all instances have one, the first label when nothing useful is shared.
     */
    private void nameModule(Template t) {
        List<String> stems = t.suggestions.stream().map(x -> x.replaceAll("[0-9]+[A-Za-z]*", "").replaceAll("__+", "_")).toList();
        String common = stems.get(0);
        for (String stem : stems) {
            int k = 0;
            while (k < common.length() && k < stem.length() && common.charAt(k) == stem.charAt(k)) {
                k++;
            }
            common = common.substring(0, k);
        }
        common = common.replaceAll("_+$", "");
        boolean oneName = t.suggestions.stream().distinct().count() == 1;
        String base = !oneName && isIdentifier(common) && common.length() >= 2 ? common : t.suggestions.get(0);
        String name = base;
        for (int k = 2; moduleNames.contains(name) || io.cnnkit.compiler.op.Operators.lookup(name).isPresent(); k++) {
            name = base + "_" + k;
        }
        moduleNames.add(name);
        t.name = name;
    }

    private static String fillPlaceholders(String text, String[] fill) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == PLACEHOLDER_OPEN) {
                int end = text.indexOf(PLACEHOLDER_CLOSE, i);
                out.append(fill[Integer.parseInt(text.substring(i + 1, end))]);
                i = end;
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** Replaces every call token by the module's name and the arguments of its parameters. */
    private String resolveCalls(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == CALL_OPEN) {
                int end = text.indexOf(CALL_CLOSE, i);
                String token = text.substring(i + 1, end);
                int paren = token.indexOf('(');
                Template t = templatesById.get(Integer.parseInt(token.substring(0, paren)));
                String inner = token.substring(paren + 1, token.length() - 1);
                out.append(t.resolve(inner.isEmpty() ? List.of() : List.of(inner.split(",", -1))));
                i = end;
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private String fresh(Set<String> taken, int[] counter) {
        String name;
        do {
            name = "x" + (++counter[0]);
        } while (taken.contains(name));
        taken.add(name);
        return name;
    }

    // ---- operators ----

    /** The call that states {@code op}, its arguments from the operator's declaration. */
    static String call(Op op, List<String> inputs, Lits lits) {
        List<String> args = new ArrayList<>(inputs.size());
        Operators.Spec spec = Operators.of(op).orElseThrow();
        if (spec.arity() == Operators.Arity.MERGE) {
            args.addAll(inputs);
        }
        for (Operators.Argument a : Operators.arguments(op)) {
            String value = a.width() ? literal(lits, Math.toIntExact(((ArgValue.IntValue) a.value()).value()))
                    : text(a.value());
            args.add(a.positional() ? value : a.name() + "=" + value);
        }
        return args.isEmpty() ? op.kind() : op.kind() + "(" + String.join(", ", args) + ")";
    }

    /** A value as the language writes it; numbers as the shortest decimal that reads back as float32. */
    private static String text(ArgValue value) {
        if (value instanceof ArgValue.FloatValue f) {
            return real(f.value());
        }
        return value.toString();
    }

    /** The shortest decimal that reads back as the same float32 (ONNX attributes are float32). */
    static String real(double v) {
        String s = new BigDecimal(Float.toString((float) v)).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    private static String shape(int[] withBatch) {
        List<String> dims = new ArrayList<>();
        for (int i = 1; i < withBatch.length; i++) {
            dims.add(Integer.toString(withBatch[i]));
        }
        return String.join("x", dims);
    }

    static boolean isIdentifier(String s) {
        return s.matches("[A-Za-z_][A-Za-z0-9_]*") && !KEYWORDS.contains(s);
    }

    /**
     * A name part that is no identifier but can be a quoted label ({@code "block1-0"}, as torchvision's
     * RegNet names its blocks): it starts with a letter and holds no dot, quote, brace or space.
     */
    static boolean isQuotable(String s) {
        return !isIdentifier(s) && s.matches("[A-Za-z_][^.\"\\\\{}\\s]*") && !s.matches("[A-Za-z0-9_]*");
    }

    /** A label as written: quoted when it is no identifier. */
    private static String labelText(String label) {
        return isQuotable(label) ? "\"" + label + "\"" : label;
    }

    static String identifier(String raw, String fallback) {
        if (isIdentifier(raw)) {
            return raw;
        }
        String s = OnnxReader.sanitise(raw, fallback);
        return KEYWORDS.contains(s) ? s + "_" : s;
    }
}
