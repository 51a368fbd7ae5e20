#!/usr/bin/env bash
# Runs every SafeMap JMH comparison PASSES times (default 3), each pass one JMH invocation per
# comparison with all its implementations, and writes raw JSON to docs/benchmarks/<name>-p<N>.json.
# Summarize with benchmarks/ratios.py (median ratio to the same-run baseline, with spread).
# Settings are short (1 fork per pass, 1 x 2 s warm-up, 2 x 1 s measurement) so that the whole set
# fits in about 25 minutes on a 2-core machine; the passes give the spread.
set -euo pipefail
cd "$(dirname "$0")/.."
PASSES=${PASSES:-3}
JAR=benchmarks/target/benchmarks.jar
OUT=docs/benchmarks
mkdir -p "$OUT"
[ -f "$JAR" ] || ./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
JVM='-Xms2g -Xmx2g -XX:+AlwaysPreTouch'
common=(-f 1 -wi 1 -w 2s -i 2 -r 1s -prof gc -jvmArgs "$JVM")
for p in $(seq 1 "$PASSES"); do
  for t in 1 2; do
    java -jar "$JAR" 'GuardedMapBenchmark' -t $t "${common[@]}" -p impl=CHM,GUARDED,SYNCHRONIZED,RWLOCK \
      -rf json -rff "$OUT/guard-t$t-p$p.json"
    java -jar "$JAR" 'AccountingBenchmark' -t $t "${common[@]}" -rf json -rff "$OUT/accounting-t$t-p$p.json"
  done
  java -jar "$JAR" 'FallbackBenchmark' "${common[@]}" -rf json -rff "$OUT/fallback-p$p.json"
  java -jar "$JAR" 'RequestContextBenchmark.build' "${common[@]}" -rf json -rff "$OUT/request-context-p$p.json"
  # the per-hop cost is tens of ns: 3 forks and longer runs per pass (docs/benchmarks.md, request context)
  java -jar "$JAR" 'RequestContextBenchmark.hop' -f 3 -wi 4 -w 1s -i 5 -r 1s -prof gc \
    -jvmArgs '-Xms1g -Xmx1g -XX:+AlwaysPreTouch' -rf json -rff "$OUT/request-context-hop-p$p.json"
done
# detect mode's cost, once: 95/5 uniform and the hot-key counter, against ConcurrentHashMap
for t in 1 2; do
  java -jar "$JAR" 'GuardedMapBenchmark' -t $t "${common[@]}" -p impl=CHM,DETECT -p readPercent=95 \
    -p distribution=UNIFORM -rf json -rff "$OUT/guard-detect-t$t.json"
done
# durable enqueue (group commit against one commit per enqueue, 1 and 4 threads) and replay rates
benchmarks/run-compensation.sh
