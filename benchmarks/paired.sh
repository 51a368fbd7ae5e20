#!/usr/bin/env bash
# Paired comparison for targets smaller than this machine's noise: ROUNDS rounds, each running the
# baseline and every candidate once (one JVM fork each, back to back, the order reversed every other
# round), so that slow drift of the machine hits both sides of each pair alike. Each round's results are
# merged into one JSON file, so that
#   python3 benchmarks/ratios.py --baseline PARAM=BASE OUT/NAME-t*-r*.json
# reports the median per-round ratio with its spread. Meant for a quiet machine.
#   BENCH   JMH regex (default 'AccountingBenchmark.readMostly$')
#   PARAM   the @Param that tells the implementations apart (default impl)
#   VALUES  baseline first, then candidates (default "off accounting")
#   THREADS thread counts (default "1 2"), ROUNDS (default 10), OUT (default docs/benchmarks/paired),
#   NAME    file prefix (default accounting), JMH extra JMH arguments (default: 5x1s warm-up, 5x1s measured)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-'AccountingBenchmark.readMostly$'}
PARAM=${PARAM:-impl}
VALUES=(${VALUES:-off accounting})
THREADS=${THREADS:-1 2}
ROUNDS=${ROUNDS:-10}
OUT=${OUT:-docs/benchmarks/paired}
NAME=${NAME:-accounting}
JMH=${JMH:--wi 5 -w 1s -i 5 -r 1s}
JAR=benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || ./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq 1 "$ROUNDS"); do
  for t in $THREADS; do
    order=("${VALUES[@]}")
    if (( r % 2 == 0 )); then order=($(printf '%s\n' "${VALUES[@]}" | tac)); fi
    parts=()
    for v in "${order[@]}"; do
      # shellcheck disable=SC2086
      java -jar "$JAR" "$BENCH" -t "$t" -f 1 $JMH -p "$PARAM=$v" \
        -jvmArgsAppend '-Xms1g -Xmx1g -XX:+AlwaysPreTouch' -rf json -rff "$tmp/$v.json" >/dev/null
      parts+=("$tmp/$v.json")
    done
    python3 -c 'import json,sys; print(json.dumps([r for f in sys.argv[1:] for r in json.load(open(f))], indent=1))' \
      "${parts[@]}" > "$OUT/$NAME-t$t-r$r.json"
    echo "round $r, $t thread(s): $OUT/$NAME-t$t-r$r.json"
  done
done
