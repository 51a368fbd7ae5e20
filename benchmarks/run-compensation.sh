#!/usr/bin/env bash
# Durable enqueue rate of the compensation queue: the embedded store as shipped (h2: group commit) against the
# same H2 file database committing every enqueue on its own (h2-unbatched), at 1 and 4 threads, PASSES times
# (default 3), each pass one JMH invocation with both stores; then one replay pass. PostgreSQL is added when it
# answers on 127.0.0.1:5432. Raw JSON: docs/benchmarks/compensation-*.json; summarize with
#   python3 benchmarks/ratios.py --baseline store=h2-unbatched docs/benchmarks/compensation-enqueue-t*-p*.json
set -euo pipefail
cd "$(dirname "$0")/.."
PASSES=${PASSES:-3}
JAR=benchmarks/target/benchmarks.jar
OUT=docs/benchmarks
mkdir -p "$OUT"
[ -f "$JAR" ] || ./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
stores=h2,h2-unbatched
if (command -v pg_isready >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q); then stores=$stores,postgresql; fi
for p in $(seq 1 "$PASSES"); do
  for t in 1 4; do
    java -jar "$JAR" 'CompensationBenchmark.enqueue' -p store=$stores -t $t -f 1 -wi 2 -w 3s -i 5 -r 2s \
      -rf json -rff "$OUT/compensation-enqueue-t$t-p$p.json"
  done
done
java -jar "$JAR" 'CompensationBenchmark.replay' -p store=$stores -f 1 -wi 1 -w 3s -i 3 -r 2s \
  -rf json -rff "$OUT/compensation-replay-t1.json"
