#!/usr/bin/env bash
# Builds editors/vscode/cnnkit.vsix (not committed) with @vscode/vsce from npm.
# Install it with: code --install-extension editors/vscode/cnnkit.vsix
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund >/dev/null
npx vsce package --allow-missing-repository --skip-license -o cnnkit.vsix
