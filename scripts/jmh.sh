#!/usr/bin/env bash
# Runs the JMH benchmarks of one module from its test classes:
#   scripts/jmh.sh MODULE [JMH options and benchmark regex]
# e.g. scripts/jmh.sh compiler CompileBenchmark -f 1 -wi 3 -i 5
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="$1"; shift
cd "$root"
mvn -B -q -Dstyle.color=never -DskipTests -pl "$module" -am install >/dev/null
cp="$(mktemp)"
mvn -B -q -Dstyle.color=never -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
cd "$root/$module"
exec java -Djmh.ignoreLock=true --add-modules jdk.incubator.vector -cp "target/test-classes:target/classes:$(cat "$cp")" org.openjdk.jmh.Main "$@"
