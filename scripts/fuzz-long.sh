#!/usr/bin/env bash
# Long coverage-guided fuzz runs of cnnkit's Jazzer targets (docs/robustness.md), one after another.
#   [FUZZ_SECONDS=S] scripts/fuzz-long.sh [RUNS] [TARGET...]   default: 1000000 runs (at most a day) of every target
# Each target runs in its own JVM at low priority, with a per-input time limit (60 s: at nice 19 on a busy
# machine the first input also pays for loading and instrumenting the classes) and an RSS limit;
# its growing corpus is kept in fuzz/target/corpus/TARGET, findings in fuzz/target/findings/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-1000000}"; shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(CnnSourceFuzzTest SafeTensorsFuzzTest OnnxImportFuzzTest ImageFuzzTest)
cd "$root"
mvn -B -q -pl fuzz -am -DskipTests install
mvn -B -q -pl fuzz test-compile dependency:build-classpath -Dmdep.outputFile=target/fuzz-classpath.txt
# a private copy of the classes, so that a rebuild during a long run cannot pull them away
work="$root/fuzz/target/long"; rm -rf "$work"; mkdir -p "$work/lib"
cp -r fuzz/target/test-classes "$work/classes"
cp $(tr ':' ' ' < fuzz/target/fuzz-classpath.txt) "$work/lib/"
cp="$work/classes:$(ls "$work"/lib/*.jar | tr '\n' ':')"
mkdir -p fuzz/target/findings
fuzz() {
  local t="$1"
  seeds="fuzz/src/test/resources/io/cnnkit/fuzz/${t}Inputs"
  corpus="fuzz/target/corpus/$t"; mkdir -p "$corpus"
  nice -n 19 java -Xmx2g -Xss8m --add-modules jdk.incubator.vector -cp "$cp" com.code_intelligence.jazzer.Jazzer \
    --target_class="io.cnnkit.fuzz.$t" --instrumentation_includes='io.cnnkit.**' \
    -runs="$runs" -max_total_time="${FUZZ_SECONDS:-86400}" -timeout=60 -rss_limit_mb=3000 -print_final_stats=1 \
    -artifact_prefix="fuzz/target/findings/$t-" "$corpus" "$seeds"/*/ 2>&1 | grep -E '^Done|stat::|ERROR|Exception|==[0-9]+==' \
    | sed "s/^/$t: /" || true
}
# FUZZ_PARALLEL=1 runs the targets at the same time (each still at nice 19)
for t in "${targets[@]}"; do
  if [ -n "${FUZZ_PARALLEL:-}" ]; then fuzz "$t" & else fuzz "$t"; fi
done
wait
