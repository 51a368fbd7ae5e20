#!/usr/bin/env bash
# Issue 19's comparisons, in one JMH invocation each so that the implementations share a run:
#  - watch mode against plain guard mode and ConcurrentHashMap (95/5 and writes, Zipf; 1 and 2 threads);
#  - watch mode's sampling curve (cost per sampling value, 95/5 at 1 thread);
#  - the flight recorder events: no recording, a JDK recording without SafeMap's events, SafeMap's settings,
#    and every contended write recorded (hot-key counter, 2 threads);
#  - the flight recorder calls in the path (hooks=ON, no recording) against the same path without them
#    (hooks=OFF: -Ddev.safemap.jfr.events=false), hot-key counter and 95/5 Zipf, 2 threads;
#  - the wall-clock time to watch mode's first report per sampling value (free-running threads).
# Raw JSON and text to docs/benchmarks/watch/ (OUT). QUICK=1 for one short pass on a busy machine.
# Summarize with: python3 benchmarks/ratios.py --baseline impl=GUARD docs/benchmarks/watch/watch-t*.json
#            and: python3 benchmarks/ratios.py --baseline hooks=OFF docs/benchmarks/watch/jfr-hooks-t2.json
# ONLY=jfr-hooks runs the last comparison alone.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
OUT=${OUT:-docs/benchmarks/watch}
mkdir -p "$OUT"
[ -f "$JAR" ] || ./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
JVM='-Xms2g -Xmx2g -XX:+AlwaysPreTouch'
if [ "${QUICK:-0}" = 1 ]; then
  common=(-f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc -jvmArgs "$JVM")
else
  common=(-f 3 -wi 5 -w 2s -i 5 -r 1s -prof gc -jvmArgs "$JVM")
fi
if [ "${ONLY:-}" = jfr-hooks ]; then
  java -jar "$JAR" 'FlightRecorderHooksBenchmark' -t 2 "${common[@]}" \
    -rf json -rff "$OUT/jfr-hooks-t2.json" | grep -E '^(Benchmark|FlightRecorder)|writes met' || true
  exit 0
fi
for t in 1 2; do
  java -jar "$JAR" 'WatchModeBenchmark' -t $t "${common[@]}" -p impl=CHM,GUARD,WATCH -p readPercent=95,0 \
    -rf json -rff "$OUT/watch-t$t.json" | grep -E '^(Benchmark|WatchMode)' || true
done
java -jar "$JAR" 'WatchModeBenchmark' -t 1 "${common[@]}" -p impl=WATCH -p readPercent=95 -p sampling=1,16,64,256,1024 \
  -rf json -rff "$OUT/watch-sampling-t1.json" | grep -E '^(Benchmark|WatchMode)' || true
java -jar "$JAR" 'FlightRecorderBenchmark' -t 2 "${common[@]}" \
  -rf json -rff "$OUT/jfr-t2.json" | grep -E '^(Benchmark|FlightRecorder)' || true
java -jar "$JAR" 'FlightRecorderHooksBenchmark' -t 2 "${common[@]}" \
  -rf json -rff "$OUT/jfr-hooks-t2.json" | grep -E '^(Benchmark|FlightRecorder)|writes met' || true
java -cp "$JAR" dev.safemap.benchmarks.WatchDetectionTime 10 1 16 64 256 1024 4096 | grep "^|" | tee "$OUT/detection-time.md"
