#!/usr/bin/env bash
# Prepares this host for memspan's eBPF probe, idempotently:
#   libbcc (Debian/Ubuntu package libbpfcc), its headers (libbpfcc-dev, for `memspan doctor`),
#   kernel headers for the running kernel (linked from the distribution's generic headers when the
#   running kernel has no package of its own), and tracefs mounted.
# Then, as root and when bpf/target/memspan-doctor.jar is built, warms the eBPF compile cache
# (/var/cache/memspan/bpf) by running the doctor once, so that the agent's probe loads without
# libbcc's compile; a warm cache is a hit (~0.3 s of the doctor's JVM) and changes nothing.
# Prints one line per thing it changed; prints nothing else on a host that is already ready.
# With --check it changes nothing: it lists what is missing and exits 1, or exits 0 when ready.
set -euo pipefail

check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  "") ;;
  -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "setup-host: unknown option '$1' (usage: setup-host.sh [--check])" >&2; exit 2 ;;
esac

say() { printf 'setup-host: %s\n' "$*"; }

# The doctor loads the real program with the agent's default options: on a miss it compiles and
# writes the cache entry the agent will hit. Skipped quietly when there is no jar or no java yet
# (a fresh checkout: the first probe of the build or tests writes the entry instead).
warm_compile_cache() {
  [ "$(id -u)" -eq 0 ] || return 0
  local jar java out line
  jar="$(cd "$(dirname "$0")/.." && pwd)/bpf/target/memspan-doctor.jar"
  java=${MEMSPAN_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}
  java=${java:-java}
  [ -f "$jar" ] && command -v "$java" >/dev/null 2>&1 || return 0
  if ! out=$("$java" -jar "$jar" 2>&1); then
    say "eBPF compile cache not warmed: ${out##*$'\n'}"
    return 0
  fi
  line=$(printf '%s\n' "$out" | grep -m1 ' program memspan\.bpf\.c ' || true)
  line=$(printf '%s' "${line#*memspan.bpf.c}" | sed 's/^ *//')
  case "$line" in
    *": hit") ;;
    *) say "warmed the eBPF compile cache: $line" ;;
  esac
}
kver=$(uname -r)
moddir=/lib/modules/$kver

needs=()
ldconfig -p 2>/dev/null | grep -q 'libbcc.so.0 ' || needs+=("libbcc (package libbpfcc)")
[ -e "$moddir/build/include" ] || needs+=("kernel headers at $moddir/build")
tracefs_ok() { [ -r /sys/kernel/tracing/events/exceptions/page_fault_user/format ] || [ -r /sys/kernel/debug/tracing/events/exceptions/page_fault_user/format ]; }
tracefs_ok || needs+=("tracefs mounted at /sys/kernel/tracing")

if [ ${#needs[@]} -eq 0 ]; then
  [ $check_only -eq 1 ] || warm_compile_cache
  exit 0
fi
if [ $check_only -eq 1 ]; then
  say "this host is missing: ${needs[*]}"
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  say "this host is missing: ${needs[*]}"
  say "run as root to install them: sudo $0"
  say "(it runs apt-get install libbpfcc libbpfcc-dev linux-headers-*, links $moddir/{build,source}, mounts tracefs)"
  exit 1
fi

apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    say "no apt-get here: install ${missing[*]} with this distribution's package manager"; exit 1
  fi
  if [ $apt_updated -eq 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

apt_install libbpfcc libbpfcc-dev

if [ ! -e "$moddir/build/include" ]; then
  # The running kernel's own headers when the distribution has them, else the generic ones:
  # memspan's tracepoints read their formats from tracefs, so generic headers compile it.
  if [ $apt_updated -eq 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null; apt_updated=1; fi
  if apt-cache show "linux-headers-$kver" >/dev/null 2>&1; then
    apt_install "linux-headers-$kver"
  else
    arch=$(dpkg --print-architecture)
    apt_install "linux-headers-$arch"
  fi
  if [ ! -e "$moddir/build/include" ]; then
    build=$(ls -d /usr/src/linux-headers-*-"$(dpkg --print-architecture)" 2>/dev/null | sort -V | tail -n 1)
    [ -n "$build" ] || { say "no kernel headers found under /usr/src after installing"; exit 1; }
    common=${build%-*}-common
    [ -d "$common" ] || common=$build
    mkdir -p "$moddir"
    ln -sfn "$build" "$moddir/build"
    ln -sfn "$common" "$moddir/source"
    say "linked $moddir/build -> $build and $moddir/source -> $common (running kernel $kver has no packaged headers)"
  fi
fi

if ! tracefs_ok; then
  mountpoint -q /sys/kernel/tracing || { mount -t tracefs nodev /sys/kernel/tracing && say "mounted tracefs at /sys/kernel/tracing"; }
  if ! tracefs_ok && ! mountpoint -q /sys/kernel/debug; then
    mount -t debugfs nodev /sys/kernel/debug && say "mounted debugfs at /sys/kernel/debug"
  fi
  tracefs_ok || { say "tracefs is mounted but exceptions:page_fault_user is missing: this kernel lacks the tracepoint"; exit 1; }
fi
warm_compile_cache
exit 0
