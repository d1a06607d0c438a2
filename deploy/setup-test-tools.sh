#!/usr/bin/env bash
# Installs the tools some tests drive (as real parts, never mocks), idempotently:
#   chromium + chromium-driver  the collector's page test (headless chromium through chromedriver)
#   libcap2-bin                 capsh: bpf's UnprivilegedIT runs JVMs as nobody with ambient capabilities
#   gcc                         bpf's SlotLayoutTest compiles the C layout to check Java's offsets
#   curl                        the collector's receiver test sends OTLP/JSON the way users do
# Keep this a plain package list. Prints one line per thing it changed; nothing on a ready host.
set -euo pipefail

packages=(
  chromium
  chromium-driver
  libcap2-bin
  gcc
  curl
)

say() { printf 'setup-test-tools: %s\n' "$*"; }
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  say "missing test tools: ${missing[*]}; run as root: sudo $0"
  exit 1
fi
command -v apt-get >/dev/null || { say "no apt-get here: install ${missing[*]} with this distribution's package manager"; exit 1; }
say "apt-get update"
DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
say "installing ${missing[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
