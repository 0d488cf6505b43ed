#!/usr/bin/env bash
# Adds a dummy operator to Op (a record and its OpVisitor method, nothing else) in a copy of the
# sources and compiles every module's main code at once: each stage that maps operators must then
# fail to compile. Prints one line per stage that does. Needs a built tree (./cnn builds one).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
copy="$(mktemp -d)"
trap "rm -rf \"$copy\"" EXIT
git -C "$root" ls-files -z -- '*/src/main/java/*.java' | (cd "$root" && xargs -0 cp --parents -t "$copy")
op="$copy/compiler/src/main/java/io/cnnkit/compiler/op"
python3 - "$op" <<'EOF'
import sys
op = sys.argv[1]
for name, addition in [
        ("Op.java", '    record Dummy() implements Op {\n'
                    '        public String kind() { return "dummy"; }\n\n'
                    '        public <R> R accept(OpVisitor<R> visitor) { return visitor.dummy(this); }\n    }\n'),
        ("OpVisitor.java", "    R dummy(Op.Dummy op);\n")]:
    path = f"{op}/{name}"
    text = open(path).read().rstrip()
    open(path, "w").write(text[:-1] + addition + "}\n")
EOF
# each module writes its own class path; together they are every stage's
mvn -B -q -o -f "$root/pom.xml" dependency:build-classpath -Dmdep.outputFile=target/stage-classpath.txt \
  -Dmdep.includeScope=compile >/dev/null
classpath="$copy/classpath.txt"
cat "$root"/*/target/stage-classpath.txt | tr ':' '\n' | sort -u > "$classpath"
generated="$root/grammar/target/classes:$root/onnx/target/classes"
find "$copy" -name '*.java' -not -path '*/grammar/*' > "$copy/sources.txt"
javac --add-modules jdk.incubator.vector -proc:none -d "$copy/out" \
  -cp "$(tr '\n' ':' < "$classpath" | tr -s ':'):$generated" @"$copy/sources.txt" 2>&1 \
  | tee "$copy/javac.log" | grep -E "does not override abstract method dummy" \
  | sed -E "s|^$copy/||; s|: error: (.*) is not abstract.*|: \1 does not handle dummy|" | sort -u || true
[ -n "${KEEP:-}" ] && cp "$copy/javac.log" /tmp/dummy-javac.log || true
