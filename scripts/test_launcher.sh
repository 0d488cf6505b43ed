#!/usr/bin/env bash
# Tests the ./cnn launcher with stand-ins for mvn and java (fast, no real build): files under
# target/ do not make it rebuild, and two first calls at once run one build, the second waiting.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/repo"
mkdir -p "$root/cli/src/main/java" "$root/bench/target/generated-sources" "$work/bin"
cp "$here/cnn" "$root/cnn"
echo "class A {}" > "$root/cli/src/main/java/A.java"
echo "<project/>" > "$root/pom.xml"
# mvn: one build at a time or it fails, as two real installs break each other; counts builds
cat > "$work/bin/mvn" <<'MVN'
#!/usr/bin/env bash
while [ "$1" != -f ]; do shift; done
root="$(dirname "$2")"
if ! mkdir "$root/.building" 2>/dev/null; then echo "two builds at once" >&2; exit 1; fi
sleep 1
mkdir -p "$root/cli/target" && echo jar > "$root/cli/target/cnn.jar"
echo build >> "$root/builds.log"
rmdir "$root/.building"
MVN
# java: writes the archive when asked to, else says what it would run
cat > "$work/bin/java" <<'JAVA'
#!/usr/bin/env bash
for a in "$@"; do case "$a" in -XX:ArchiveClassesAtExit=*) echo jsa > "${a#*=}"; exit 0 ;; esac; done
echo "ran ${*: -2}"
JAVA
chmod +x "$work/bin/mvn" "$work/bin/java"
export PATH="$work/bin:$PATH"
fail() { echo "FAIL: $*" >&2; exit 1; }

# two first calls at once: one build, both run
("$root/cnn" check a.cnn > "$work/out1" 2>&1) & first=$!
("$root/cnn" check b.cnn > "$work/out2" 2>&1) & second=$!
wait "$first" || fail "first call: $(cat "$work/out1")"
wait "$second" || fail "second call: $(cat "$work/out2")"
[ "$(wc -l < "$root/builds.log")" -eq 1 ] || fail "expected one build, got $(wc -l < "$root/builds.log")"
grep -q "ran check a.cnn" "$work/out1" || fail "first call did not run: $(cat "$work/out1")"
grep -q "ran check b.cnn" "$work/out2" || fail "second call did not run: $(cat "$work/out2")"
[ -f "$root/cli/target/cnn.jsa" ] || fail "no class-data-sharing archive after the build"

# generated sources under target/, newer than the jar, do not make it stale
sleep 1
echo "class Generated {}" > "$root/bench/target/generated-sources/Generated.java"
"$root/cnn" check c.cnn > "$work/out3" 2>&1
[ "$(wc -l < "$root/builds.log")" -eq 1 ] || fail "a file under target/ made the launcher rebuild"

# a changed source does
touch "$root/cli/src/main/java/A.java"
"$root/cnn" check d.cnn > "$work/out4" 2>&1
[ "$(wc -l < "$root/builds.log")" -eq 2 ] || fail "a changed source did not make the launcher rebuild"
echo "launcher: ok (one build for two concurrent first calls, target/ ignored, sources followed)"
