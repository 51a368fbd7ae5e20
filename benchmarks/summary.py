#!/usr/bin/env python3
"""Prints the derived figures of the fallback, request-context and compensation benchmarks from the
JSON passes written by run-all.sh (docs/benchmarks/*-p<N>.json): per pass, then median and spread.
The map comparisons (guard, accounting) are summarized by ratios.py."""
import glob
import json
import statistics
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "docs/benchmarks"


def load(path):
    out = {}
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 1)[-1]
        params = r.get("params") or {}
        key = name + ("[" + ",".join("%s=%s" % kv for kv in sorted(params.items())) + "]" if params else "")
        key += "/t%d" % r["threads"]
        out[key] = r
    return out


def med(values):
    return "%.3g (%.3g-%.3g, %d passes)" % (statistics.median(values), min(values), max(values), len(values))


def pct(r, p):
    return r["primaryMetric"]["scorePercentiles"][p]


def alloc(r):
    m = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    return m["score"] if m else float("nan")


passes = [load(f) for f in sorted(glob.glob(root + "/fallback-p*.json"))]
if passes:
    print("### Fallback cache")
    print("| figure | median (min-max) |\n|---|---|")
    for label, fn in [
        ("direct call, ns/op", lambda p: p["direct/t1"]["primaryMetric"]["score"]),
        ("annotated hit overhead over direct, ns", lambda p: p["annotatedHit/t1"]["primaryMetric"]["score"] - p["direct/t1"]["primaryMetric"]["score"]),
        ("programmatic hit overhead over direct, ns", lambda p: p["programmaticHit/t1"]["primaryMetric"]["score"] - p["direct/t1"]["primaryMetric"]["score"]),
        ("breaker open, annotated fallback p50, ns", lambda p: pct(p["annotatedOpenFallback/t1"], "50.0")),
        ("breaker open, annotated fallback p99, ns", lambda p: pct(p["annotatedOpenFallback/t1"], "99.0")),
        ("breaker open, programmatic fallback p50, ns", lambda p: pct(p["programmaticOpenFallback/t1"], "50.0")),
        ("breaker open, programmatic fallback p99, ns", lambda p: pct(p["programmaticOpenFallback/t1"], "99.0")),
        ("annotated hit, B/op", lambda p: alloc(p["annotatedHit/t1"])),
        ("programmatic hit, B/op", lambda p: alloc(p["programmaticHit/t1"])),
    ]:
        print("| %s | %s |" % (label, med([fn(p) for p in passes])))
    print()

passes = [load(f) for f in sorted(glob.glob(root + "/request-context-p*.json"))]
if passes:
    print("### Request context")
    print("| figure | median (min-max) |\n|---|---|")
    hop = lambda p, m: p["hop[mode=%s]/t1" % m]["primaryMetric"]["score"]
    for label, fn in [
        ("build a context from 16 allow-listed headers, ns", lambda p: p["build/t1"]["primaryMetric"]["score"]),
        ("hop, no accessor registered, ns", lambda p: hop(p, "NO_ACCESSOR")),
        ("extra per hop with SafeMap's accessor (SAFEMAP - NO_ACCESSOR), ns", lambda p: hop(p, "SAFEMAP") - hop(p, "NO_ACCESSOR")),
        ("extra per hop, naive HashMap copy (NAIVE_COPY - NO_ACCESSOR), ns", lambda p: hop(p, "NAIVE_COPY") - hop(p, "NO_ACCESSOR")),
        ("hop time ratio SAFEMAP / NAIVE_COPY", lambda p: hop(p, "SAFEMAP") / hop(p, "NAIVE_COPY")),
        ("extra per hop with MDC mirroring (upper bound), ns", lambda p: hop(p, "SAFEMAP_MDC") - hop(p, "NO_ACCESSOR")),
        ("hop B/op: NO_ACCESSOR", lambda p: alloc(p["hop[mode=NO_ACCESSOR]/t1"])),
        ("hop B/op: SAFEMAP", lambda p: alloc(p["hop[mode=SAFEMAP]/t1"])),
        ("hop B/op: NAIVE_COPY", lambda p: alloc(p["hop[mode=NAIVE_COPY]/t1"])),
    ]:
        print("| %s | %s |" % (label, med([fn(p) for p in passes])))
    print()

files = sorted(glob.glob(root + "/compensation-*.json"))
if files:
    print("### Compensation")
    print("| file | benchmark | store | threads | ops/s | error |\n|---|---|---|---|---|---|")
    for f in files:
        for r in json.load(open(f)):
            pm = r["primaryMetric"]
            scale = 1e6 if pm["scoreUnit"] == "ops/us" else (1e3 if pm["scoreUnit"] == "ops/ms" else 1)
            print("| %s | %s | %s | %d | %.0f | %.0f |" % (f.rsplit("/", 1)[-1], r["benchmark"].rsplit(".", 1)[-1],
                  (r.get("params") or {}).get("store"), r["threads"], pm["score"] * scale, pm["scoreError"] * scale))
