#!/usr/bin/env bash
# `cnn export` over mutated .cnn sources (seed 1 of the mutant harness), each in its own JVM started as
# the launcher starts it, with a per-input wall limit (default 60 s): docs/robustness.md.
#   scripts/mutants-process.sh [COUNT]   default 2000; writes target/mutants-process/results.tsv
# Verdicts: ok (exit 0, or 2 with a message), trace (a stack trace or an exception's name on stderr),
# hang (the limit passed), partial (a failed export left its output), exitN (any other exit code).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${1:-2000}"; limit="${MUTANTS_LIMIT_S:-60}"
cd "$root"
mvn -B -q -pl cli -am -DskipTests install
mvn -B -q -pl cli test-compile dependency:build-classpath -Dmdep.outputFile=target/mutants-classpath.txt
work="$root/target/mutants-process"; rm -rf "$work"; mkdir -p "$work/src"
jar="$work/cnn.jar"; cp cli/target/cnn.jar "$jar"
java -cp "cli/target/test-classes:$(cat cli/target/mutants-classpath.txt)" io.cnnkit.cli.MutantHarness write cnn "$count" \
  "$root" "$work/src"
out="$work/results.tsv"; : > "$out"
for f in "$work"/src/cnn-1-*.cnn; do
  o="$work/out.onnx"; rm -f "$o"
  set +e
  err=$(nice -n 19 timeout "$limit" java -XX:+UseParallelGC --add-modules jdk.incubator.vector -XX:ObjectAlignmentInBytes=64 \
    -jar "$jar" export "$f" --seed 1 -o "$o" 2>&1 >/dev/null); rc=$?
  set -e
  v=ok
  [ "$rc" = 124 ] && v=hang
  if [ "$rc" != 0 ] && [ "$rc" != 2 ] && [ "$rc" != 124 ]; then v="exit$rc"; fi
  if printf '%s' "$err" | grep -q $'^\tat \\|Exception\\|Error:'; then v=trace; fi
  if [ "$rc" != 0 ] && [ -e "$o" ]; then v=partial; fi
  printf '%s\t%s\t%s\t%s\n' "$(basename "$f")" "$rc" "$v" "$(printf '%s' "$err" | grep -m1 'error:\|^cnn ' | cut -c1-200)" >> "$out"
done
cut -f3 "$out" | sort | uniq -c
