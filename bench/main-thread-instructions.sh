#!/usr/bin/env bash
# The instructions a JVM's main thread executes, counted by valgrind's callgrind: deterministic
# to ~0.02 % run to run here (JIT compiles made synchronous, serial GC, fixed heap), where timing
# the same code moves ±15-25 %. Compare two runs that differ in one thing (the agent, N).
#
# usage: bench/main-thread-instructions.sh AGENT_ARGS|none MAIN_CLASS [ARGS...]
#   AGENT_ARGS: -javaagent arguments (key=value,...), or 'none' for no agent
#   JVM flags: $MEMSPAN_BENCH_JVM_FLAGS, default below; the JVM: $JAVA (default: java on the PATH).
#   Prints the main thread's instruction count.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind not installed (apt-get install valgrind)" >&2; exit 1; }
agent_args=$1; shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=${MEMSPAN_BENCH_JVM_FLAGS:--XX:-BackgroundCompilation -XX:+UseSerialGC -Xms2g -Xmx2g -Xmn1500m}
agent=()
[ "$agent_args" != none ] && agent=("-javaagent:$here/agent/target/memspan-agent.jar=$agent_args")
# shellcheck disable=SC2086
valgrind --tool=callgrind --smc-check=all-non-file --separate-threads=yes \
  --callgrind-out-file="$out/cg.out" \
  "${JAVA:-java}" $flags "${agent[@]}" -cp "$here/bench/target/memspan-bench.jar" "$@" >"$out/stdout" 2>"$out/stderr" ||
  { cat "$out/stderr" >&2; exit 1; }
# thread 1 is the launcher's primordial thread, which only waits; thread 2 runs main
grep -m1 '^totals:' "$out/cg.out-02" | cut -d' ' -f2
