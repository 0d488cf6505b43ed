#!/usr/bin/env bash
# The K loop of a GEMM micro-kernel as C2 compiles it, to count what each K step costs:
#   scripts/tile_asm.sh [12x32|8x48|8x24] [path/to/bin/java]
# Runs TileBenchmark's tile (exec's test classes, JMH, one short fork) with the tile's method printed
# (-XX:CompileCommand=print), decodes the machine code of its C2 compilation with objdump (binutils;
# no hsdis plugin needed) and prints the innermost loop that holds the multiply-adds, then its
# instruction counts. The default JDK is the newest under /usr/lib/jvm, as `cnn bench` picks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shape="${1:-12x32}"
java_bin="${2:-}"
if [ -z "$java_bin" ]; then # the highest JAVA_VERSION under /usr/lib/jvm, else the java on the path
  java_bin="$(for home in /usr/lib/jvm/*/; do
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || true)"
    if [ -n "$v" ] && [ -x "$home/bin/java" ]; then echo "$v $home/bin/java"; fi
  done | sort -n | tail -1 | cut -d' ' -f2-)"
  java_bin="${java_bin:-java}"
fi
case "$shape" in 12x32|8x48|8x24) ;; *) echo "tile_asm.sh: no tile $shape (12x32, 8x48, 8x24)" >&2; exit 2 ;; esac
command -v objdump >/dev/null || { echo "tile_asm.sh: objdump not found (apt-get install binutils)" >&2; exit 2; }
width=512; [ "$shape" = 8x24 ] && width=256
cd "$root"
mvn -B -q -Dstyle.color=never -DskipTests -pl exec -am install >/dev/null
cp="$(mktemp)"; out="$(mktemp)"
trap 'rm -f "$cp" "$out"' EXIT
mvn -B -q -Dstyle.color=never -pl exec dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
cd exec
"$java_bin" -Djmh.ignoreLock=true --add-modules jdk.incubator.vector -cp "target/test-classes:target/classes:$(cat "$cp")" \
  org.openjdk.jmh.Main 'TileBenchmark.tile$' -p shape="$shape" -f 1 -wi 3 -i 1 -w 1 -r 1 \
  -jvmArgsAppend "-Dcnnkit.simd=$width -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,io.cnnkit.exec.kernel.gemm.Tile$shape::compute" \
  >"$out" 2>&1 || { tail -20 "$out" >&2; exit 1; }
/usr/bin/python3 - "$out" <<'PY'
import re, subprocess, sys, tempfile
text = open(sys.argv[1], errors="replace").read()
# the last standard (not on-stack-replacement) C2 compilation of compute
blocks = re.split(r"\nCompiled method ", text)
c2 = [b for b in blocks if b.startswith("(c2)") and "::compute (" in b.split("\n")[0]]
if not c2:
    sys.exit("tile_asm.sh: no C2 compilation of the tile was printed")
code, base = bytearray(), None
for line in c2[-1].split("\n"):
    m = re.match(r"\s*0x([0-9a-f]+): ((?:[0-9a-f]{2,8}\s*\|?\s*)+)$", line)
    if not m:
        continue
    at = int(m.group(1), 16)
    base = at if base is None else base
    code[at - base:] = bytes.fromhex(re.sub(r"[\s|]", "", m.group(2)))
with tempfile.NamedTemporaryFile(suffix=".bin") as f:
    f.write(code); f.flush()
    asm = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "-Mintel", "--adjust-vma=%#x" % base,
                          f.name], capture_output=True, text=True, check=True).stdout
ins = [(int(m.group(1), 16), m.group(2).strip()) for m in re.finditer(r"^\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(.*)$", asm, re.M)]
# the shortest backward jump around FMAs: the K loop
best = None
for i, (at, op) in enumerate(ins):
    m = re.match(r"j\w+\s+0x([0-9a-f]+)", op)
    if m and int(m.group(1), 16) < at:
        start = int(m.group(1), 16)
        body = [o for a, o in ins if start <= a <= at]
        if any(o.startswith("vfmadd") for o in body) and (best is None or len(body) < len(best)):
            best = body
if best is None:
    sys.exit("tile_asm.sh: no loop with multiply-adds found")
print("\n".join(best))
count = lambda p: sum(1 for o in best if re.match(p, o))
fma, bc = count(r"vfmadd"), count(r"vbroadcast")
loads = count(r"vmov\w*\s+[xyz]mm\d+,\s*\w*\s*PTR")
checks = count(r"j(ae|b|be|a|l|ge|le|g|e|ne)\s") - 1
print(f"\n{len(best)} instructions per K step: {fma} multiply-adds, {bc} broadcasts, {loads} vector loads, "
      f"{len(best) - fma - bc - loads} other (loop counter, index arithmetic, {checks} conditional exits)")
PY
