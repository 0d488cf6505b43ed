#!/usr/bin/env bash
# The extension's tests: its TextMate grammar (assertions, and every example), and `cnn lsp` driven
# from Node over stdio. Needs cli/target/cnn.jar (mvn package) and Node with npm.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund >/dev/null
npm test
