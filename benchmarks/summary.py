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

def hop_figures(passes):
    hop = lambda p, m: p["hop[mode=%s]/t1" % m]["primaryMetric"]["score"]
    extra = lambda p, m, base="NO_ACCESSOR": hop(p, m) - hop(p, base)
    bop = lambda m: ("hop B/op: " + m, lambda p: alloc(p["hop[mode=%s]/t1" % m]))
    return [
        ("hop, no accessor registered, ns", lambda p: hop(p, "NO_ACCESSOR")),
        ("extra per hop with SafeMap's accessor (SAFEMAP - NO_ACCESSOR), ns", lambda p: extra(p, "SAFEMAP")),
        ("extra per hop, textbook plain-ThreadLocal accessor (PLAIN_ACCESSOR - NO_ACCESSOR), ns",
         lambda p: extra(p, "PLAIN_ACCESSOR")),
        ("marginal cost of SafeMap's accessor next to another propagated value (PLAIN_AND_SAFEMAP - PLAIN_ACCESSOR), ns",
         lambda p: extra(p, "PLAIN_AND_SAFEMAP", "PLAIN_ACCESSOR")),
        ("extra per hop with 2 MDC keys, starter default (SAFEMAP_MDC - NO_ACCESSOR_MDC), ns",
         lambda p: extra(p, "SAFEMAP_MDC", "NO_ACCESSOR_MDC")),
        ("extra per hop, naive HashMap copy (NAIVE_COPY - NO_ACCESSOR), ns", lambda p: extra(p, "NAIVE_COPY")),
        ("extra-cost ratio SAFEMAP / NAIVE_COPY", lambda p: extra(p, "SAFEMAP") / extra(p, "NAIVE_COPY")),
        ("hop time ratio SAFEMAP / NAIVE_COPY", lambda p: hop(p, "SAFEMAP") / hop(p, "NAIVE_COPY")),
        bop("NO_ACCESSOR"), bop("PLAIN_ACCESSOR"), bop("SAFEMAP"), bop("PLAIN_AND_SAFEMAP"), bop("NO_ACCESSOR_MDC"), bop("SAFEMAP_MDC"),
        bop("NAIVE_COPY"),
    ]


def print_figures(figures, passes):
    for label, fn in figures:
        values = []
        for p in passes:
            try:
                values.append(fn(p))
            except KeyError:  # a mode this pass did not run (older result files)
                pass
        print("| %s | %s |" % (label, med(values) if values else "n/a"))


passes = [load(f) for f in sorted(glob.glob(root + "/request-context-p*.json"))]
hop_passes = [load(f) for f in sorted(glob.glob(root + "/request-context-hop-p*.json"))]
if passes:
    print("### Request context")
    print("| figure | median (min-max) |\n|---|---|")
    figures = [("build a context from 16 allow-listed headers, ns", lambda p: p["build/t1"]["primaryMetric"]["score"])]
    print_figures(figures if hop_passes else figures + hop_figures(passes), passes)
    print()
if hop_passes:
    print("### Request context hop (RequestContextBenchmark.hop, 3 forks per pass)")
    print("| figure | median (min-max) |\n|---|---|")
    print_figures(hop_figures(hop_passes), hop_passes)
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
