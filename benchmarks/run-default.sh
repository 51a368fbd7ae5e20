#!/usr/bin/env bash
# Issue 20's plain harness: DefaultPathBenchmark, each implementation in a JVM of its own (one JMH
# invocation per implementation and cell, JIT left alone), the order of implementations rotated from one
# pass to the next, PASSES passes (default 3), 1 and 2 threads. Each pass's three files are merged into
# one so that ratios.py divides by ConcurrentHashMap measured in the same pass:
#   python3 benchmarks/ratios.py --baseline impl=CHM  "$OUT"/*-p*.json
#   python3 benchmarks/ratios.py --baseline impl=GUARD "$OUT"/*-p*.json
# Meant for a quiet machine: about 6 minutes per pass on 2 cores. CELLS picks the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
PASSES=${PASSES:-3}
JAR=benchmarks/target/benchmarks.jar
OUT=${OUT:-benchmarks/target/results/default}
CELLS=${CELLS:-reads readMostly readWrite merge increment}
THREADS=${THREADS:-1 2}
mkdir -p "$OUT/raw"
[ -f "$JAR" ] || ./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
impls=(CHM GUARD DEFAULT)
for p in $(seq 1 "$PASSES"); do
  for cell in $CELLS; do
    for t in $THREADS; do
      files=()
      for k in 0 1 2; do
        impl=${impls[$(( (k + p - 1) % 3 ))]}
        f="$OUT/raw/$cell-t$t-p$p-$impl.json"
        java -jar "$JAR" "DefaultPathBenchmark\.$cell\$" -t "$t" -p impl="$impl" -prof gc -rf json -rff "$f" > "$f.log"
        files+=("$f")
      done
      python3 -c 'import json,sys; print(json.dumps([r for f in sys.argv[2:] for r in json.load(open(f))]))' \
        x "${files[@]}" > "$OUT/$cell-t$t-p$p.json"
    done
  done
done
