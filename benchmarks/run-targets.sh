#!/usr/bin/env bash
# Runs only the JMH comparisons that carry an issue's target, PASSES times (default 3), implementations
# interleaved within each pass (one JMH invocation per comparison), raw JSON to docs/benchmarks/targets/.
# Meant for a quiet machine (nothing else building); about 25 minutes on 2 cores. TARGETS (default
# "guard accounting context compensation") picks the comparisons, OUT the output directory. Summarize with
#   python3 benchmarks/ratios.py --baseline impl=CHM docs/benchmarks/targets/guard-t*-p*.json
#   python3 benchmarks/ratios.py --baseline impl=off docs/benchmarks/targets/accounting-t*-p*.json
#   python3 benchmarks/summary.py docs/benchmarks/targets
# (docs/benchmarks.md, "Targets run").
set -euo pipefail
cd "$(dirname "$0")/.."
PASSES=${PASSES:-3}
JAR=benchmarks/target/benchmarks.jar
OUT=${OUT:-docs/benchmarks/targets}
TARGETS=${TARGETS:-guard accounting context compensation}
want() { [[ " $TARGETS " == *" $1 "* ]]; }
mkdir -p "$OUT"
[ -f "$JAR" ] || ./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
JVM='-Xms2g -Xmx2g -XX:+AlwaysPreTouch'
common=(-f 1 -wi 2 -w 2s -i 3 -r 1s -prof gc -jvmArgs "$JVM")
stores=h2,h2-unbatched
if (command -v pg_isready >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q); then stores=$stores,postgresql; fi
for p in $(seq 1 "$PASSES"); do
  for t in 1 2; do
    # issue 2: guard mode against ConcurrentHashMap (readWrite and the hot-key counter)
    if want guard; then
      java -jar "$JAR" 'GuardedMapBenchmark' -t $t "${common[@]}" -p impl=CHM,GUARDED \
        -rf json -rff "$OUT/guard-t$t-p$p.json"
    fi
    # issue 3: accounting on (sampled reads, the default), exact, an empty observer, and off; a longer
    # warm-up: the read path's inlining settles late
    if want accounting; then
      java -jar "$JAR" 'AccountingBenchmark.(readMostly|writes)' -t $t -f 1 -wi 5 -w 2s -i 3 -r 1s -prof gc \
        -jvmArgs "$JVM" -p impl=off,observed,accounting,exact -rf json -rff "$OUT/accounting-t$t-p$p.json"
    fi
  done
  # issue 6: the extra cost of a hop with the accessor registered, against the same executor without it
  if want context; then
    java -jar "$JAR" 'RequestContextBenchmark.hop' "${common[@]}" \
      -p mode=NO_ACCESSOR,PLAIN_ACCESSOR,SAFEMAP,NO_ACCESSOR_MDC,SAFEMAP_MDC,NAIVE_COPY \
      -rf json -rff "$OUT/request-context-hop-p$p.json"
  fi
  # issue 5: durable enqueues per second, embedded store (and PostgreSQL when it answers), 1 and 4 threads
  for t in 1 4; do
    want compensation || continue
    java -jar "$JAR" 'CompensationBenchmark.enqueue$' -t $t -p store=$stores -f 1 -wi 1 -w 3s -i 3 -r 2s \
      -rf json -rff "$OUT/compensation-enqueue-t$t-p$p.json"
  done
done
