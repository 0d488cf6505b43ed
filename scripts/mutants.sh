#!/usr/bin/env bash
# The mutant harness (docs/robustness.md): mutated ONNX models, images and .cnn sources through
# `cnn import`, `cnn run --input` and `cnn export`, in-process through the CLI's own code path,
# each message judged for whether a person can act on it.
#   scripts/mutants.sh [KIND [COUNT [SEED]]]   KIND onnx|image|cnn|all (default all: 2000, 1500, 2000)
# Writes target/mutants/KIND-SEED.tsv (one line per mutant) and keeps the mutants whose message is
# a finding; prints the counts per verdict and per message shape. Runs at nice 19 with a 2 GB heap
# and a per-input limit of 20 s of CPU time (MUTANTS_LIMIT_MS; 200 s of wall time).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:-all}"; count="${2:-}"; seed="${3:-1}"
cd "$root"
mvn -B -q -pl cli -am -DskipTests install
mvn -B -q -pl cli test-compile dependency:build-classpath -Dmdep.outputFile=target/mutants-classpath.txt
work="$root/target/mutants"; mkdir -p "$work"
# a private copy of the classes, so that a rebuild during a run cannot pull them away
lib="$work/lib-$$"; rm -rf "$lib"; mkdir -p "$lib/jars"
cp -r cli/target/test-classes "$lib/test-classes"; cp -r cli/target/classes "$lib/classes"
cp $(tr ':' ' ' < cli/target/mutants-classpath.txt) "$lib/jars/"
cp="$lib/test-classes:$lib/classes:$(ls "$lib"/jars/*.jar | tr '\n' ':')"
trap 'rm -rf "$lib"' EXIT
one() {
  nice -n 19 java -Xmx2g -XX:+UseSerialGC --add-modules jdk.incubator.vector -Dmutants.limitMillis="${MUTANTS_LIMIT_MS:-20000}" \
    -cp "$cp" io.cnnkit.cli.MutantHarness "$1" "$2" "$seed" "$root" "$work" 2>/dev/null
}
case "$kind" in
  all) one onnx "${count:-2000}"; one image "${count:-1500}"; one cnn "${count:-2000}" ;;
  *) one "$kind" "${count:-2000}" ;;
esac
