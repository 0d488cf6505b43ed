#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, if they are missing:
#   libonnx-testdata  ONNX backend conformance data (node tests)
#   python3-torch, python3-torchvision  reference outputs for the PyTorch-equality fixtures
#   chromium, chromium-driver  the HTML report's browser test (Selenium drives the system chromedriver)
#   nodejs, npm  the VS Code extension's tests (grammar, and cnn lsp from a Node client)
#   fonts-dejavu-core  DejaVu Sans, the font that diagrams are measured and drawn in (tests check the fit)
#   dataset-fashion-mnist  real data for the training tests (cnn train's smoke test)
# Maven downloads the Java dependencies itself.
set -euo pipefail
packages=(libonnx-testdata python3-torch python3-torchvision python3-onnx chromium chromium-driver fonts-dejavu-core dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node may come from elsewhere (its own npm included): Debian's packages only when there is no npm
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  echo "installing: ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
