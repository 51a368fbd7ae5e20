#!/usr/bin/env bash
# Issue 20's plain harness: DefaultPathBenchmark, each implementation in a JVM of its own (one JMH
# invocation per implementation and cell, JIT left alone), the order of implementations rotated from one
# pass to the next, PASSES passes (default 3), 1 and 2 threads; IMPLS picks the implementations (default
# CHM CHM2 GUARD DEFAULT WRAPPER; CHM2 is ConcurrentHashMap again, the control). Each pass's files are merged into
# one so that ratios.py divides by ConcurrentHashMap measured in the same pass:
#   python3 benchmarks/ratios.py --baseline impl=CHM  "$OUT"/*-p*.json
#   python3 benchmarks/ratios.py --baseline impl=GUARD "$OUT"/*-p*.json
# Then, unless ALTERNATING=0, the project's other harness on the cells it has: AccountingAlternatingBenchmark
# (accounting against off, i.e. DEFAULT against GUARD, alternating 100 ms iterations in one JVM, inlining pinned),
# 95/5 at 1 and 2 threads (4 forks) and writes (2 forks), summarized with
#   python3 benchmarks/alternating.py "$OUT"/alternating-*.json
# Meant for a quiet machine: about 8 minutes per pass on 2 cores, 7 more for the alternating runs. CELLS picks
# the benchmarks, THREADS the thread counts.
set -euo pipefail
cd "$(dirname "$0")/.."
PASSES=${PASSES:-3}
JAR=benchmarks/target/benchmarks.jar
OUT=${OUT:-benchmarks/target/results/default}
CELLS=${CELLS:-reads readMostly readWrite merge increment}
THREADS=${THREADS:-1 2}
mkdir -p "$OUT/raw"
[ -f "$JAR" ] || ./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
read -r -a impls <<< "${IMPLS:-CHM CHM2 GUARD DEFAULT WRAPPER}"
for p in $(seq 1 "$PASSES"); do
  for cell in $CELLS; do
    for t in $THREADS; do
      files=()
      for k in "${!impls[@]}"; do
        impl=${impls[$(( (k + p - 1) % ${#impls[@]} ))]}
        f="$OUT/raw/$cell-t$t-p$p-$impl.json"
        java -jar "$JAR" "DefaultPathBenchmark\.$cell\$" -t "$t" -p impl="$impl" -prof gc -rf json -rff "$f" > "$f.log"
        files+=("$f")
      done
      python3 -c 'import json,sys; print(json.dumps([r for f in sys.argv[2:] for r in json.load(open(f))]))' \
        x "${files[@]}" > "$OUT/$cell-t$t-p$p.json"
    done
  done
done
if [ "${ALTERNATING:-1}" = 1 ]; then
  for t in 1 2; do
    java -jar "$JAR" 'AccountingAlternatingBenchmark.readMostly$' -t "$t" -f 4 -p candidate=accounting \
      -rf json -rff "$OUT/alternating-readMostly-t$t.json" > "$OUT/raw/alternating-readMostly-t$t.log"
    java -jar "$JAR" 'AccountingAlternatingBenchmark.writes$' -t "$t" -f 2 -p candidate=accounting \
      -rf json -rff "$OUT/alternating-writes-t$t.json" > "$OUT/raw/alternating-writes-t$t.log"
  done
fi
