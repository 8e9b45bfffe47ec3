#!/usr/bin/env bash
# Builds jmh/target/benchmarks.jar and runs the routing and point-read benchmarks the way the
# numbers in docs/benchmarks.md were measured: this JVM (and JMH's fork, which inherits the CPU
# mask) on CPU 1, every PostgreSQL server process the benchmark starts pinned to CPU 0 by the
# benchmark itself (taskset -a -p -c 0 on each descendant process; backends forked later inherit
# it). Takes about 6 minutes on 2 cores. Every command is printed before it runs.
#
#   jmh/run-benchmarks.sh              build, then run everything
#   SKIP_BUILD=1 jmh/run-benchmarks.sh reuse jmh/target/benchmarks.jar
#   CLIENT_CPU=1 SERVER_CPU=0          the defaults; change them on a machine with other CPU ids
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENT_CPU=${CLIENT_CPU:-1}
SERVER_CPU=${SERVER_CPU:-0}
JAR=jmh/target/benchmarks.jar
OUT=jmh/target/bench-results
mkdir -p "$OUT"

run() {
  echo "+ $*" >&2
  "$@"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(java -version 2>&1 | head -1)"
echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout'), uncommitted changes in driver/routing/lag-monitor: $(git status --porcelain driver routing lag-monitor 2>/dev/null | wc -l) files"
# Anything else busy on the machine (a test run, another benchmark) shows in these numbers.
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$(nproc)" -lt 2 ]; then
  echo "need 2 CPUs to pin client and servers apart" >&2
  exit 1
fi

if [ -z "${SKIP_BUILD:-}" ]; then
  run ./mvnw -B -ntp -q -pl jmh -am package -DskipTests
fi

# 1. Routing decision of a cached statement: ns/op and B/op (GC profiler), with baselines.
run taskset -c "$CLIENT_CPU" java -jar "$JAR" RoutingDecisionBenchmark -f 1 -prof gc \
  -jvmArgsAppend "-Dlagwise.bench.serverCpus=$SERVER_CPU" \
  -rf json -rff "$OUT/routing.json" | tee "$OUT/routing.txt"

# 1b. A pass-through call (getInt, getString) on a generated delegate vs the same call made
#     directly on the vendor result set, in-memory (no server): ns/op and B/op.
run taskset -c "$CLIENT_CPU" java -jar "$JAR" PassThroughBenchmark -prof gc \
  -rf json -rff "$OUT/pass-through.json" | tee "$OUT/pass-through.txt"

# 2. Point read, raw PgJDBC vs Lagwise to the same replica, one fork (and one cluster) each.
run taskset -c "$CLIENT_CPU" java -jar "$JAR" PointReadBenchmark -f 1 -prof gc \
  -jvmArgsAppend "-Dlagwise.bench.serverCpus=$SERVER_CPU" \
  -rf json -rff "$OUT/point-read.json" | tee "$OUT/point-read.txt"

# 3. The ratio: raw, raw (control) and Lagwise alternated statement by statement.
#    Arguments: iterations per round, rounds, warm-up iterations.
run taskset -c "$CLIENT_CPU" java "-Dlagwise.bench.serverCpus=$SERVER_CPU" \
  -cp "$JAR" dev.lagwise.jmh.AlternatingPointRead 20000 7 20000 | tee "$OUT/alternating.txt"

# 4. For contrast, the same alternation unpinned: the noise floor that makes pinning necessary.
run java -Dlagwise.bench.pin=false -cp "$JAR" dev.lagwise.jmh.AlternatingPointRead 20000 7 20000 \
  | tee "$OUT/alternating-unpinned.txt"

# 5. Read-your-writes: share of read-after-write reads served by replicas, per capture mode and
#    pause between the write and the read (counts, not timings; unpinned).
run java -cp "$JAR" dev.lagwise.jmh.ReadAfterWrite 400 exact | tee "$OUT/read-after-write-exact.txt"
run java -cp "$JAR" dev.lagwise.jmh.ReadAfterWrite 400 observed \
  | tee "$OUT/read-after-write-observed.txt"

# 6. Replica offload and violations per consistency scope, pooled POST/GET mix, 10 s each.
run java -cp "$JAR" dev.lagwise.jmh.ScopeOffload 10 | tee "$OUT/scope-offload.txt"

echo "# load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

# Summary: the median of the measurement iterations (JMH prints their mean), and B/op.
echo
echo "## Summary"
jq -r '.[] | def med: sort | .[(length / 2 | floor)]; def r(n): . * n | round / n;
  [(.benchmark | sub("^.*\\."; "")), (.params.statement // .params.target),
   ((if .mode == "sample" then .primaryMetric.scorePercentiles["50.0"]
     else [.primaryMetric.rawData[][]] | med end) | r(100) | tostring) + " " + .primaryMetric.scoreUnit
     + (if .mode == "sample" then " (p50 of all samples)" else " (median of iterations)" end),
   ([.secondaryMetrics["gc.alloc.rate.norm"].rawData[][]] | med | r(1000) | tostring) + " B/op"]
  | @tsv' "$OUT/routing.json" "$OUT/pass-through.json" "$OUT/point-read.json" | column -t -s "$(printf '\t')"
echo
echo "## Alternating, pinned"
sed -n '/^median over/,$p' "$OUT/alternating.txt"
echo "## Alternating, unpinned"
sed -n '/^median over/,$p' "$OUT/alternating-unpinned.txt"
