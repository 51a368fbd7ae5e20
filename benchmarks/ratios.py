#!/usr/bin/env python3
"""Ratios of JMH results to a baseline measured in the same pass.

Usage: ratios.py [--bootstrap] --baseline PARAM=VALUE pass1.json pass2.json ...

Each JSON file is one JMH invocation ("pass") that ran every implementation. Within a pass, every
result is divided by the result of the baseline (same benchmark method, same thread count, same
other @Params, baseline @Param value). Across passes the median ratio is reported with its
min-max spread, as these 2-core machines are too noisy for one pass to prove anything.
For time-per-op modes (avgt, sample, ss) the ratio is inverted so that higher is always better.
With --bootstrap, a 95% percentile-bootstrap interval of the median ratio is added (10,000 resamples of
the passes, fixed seed): how far the median itself could move with other passes of the same noise.
"""
import argparse
import json
import random
import statistics
from collections import defaultdict


def key_of(result, drop):
    params = dict(result.get("params") or {})
    params.pop(drop, None)
    return (result["benchmark"].rsplit(".", 1)[-1], result["threads"], tuple(sorted(params.items())))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", required=True, help="PARAM=VALUE that identifies the baseline")
    ap.add_argument("--bootstrap", action="store_true", help="add a 95%% bootstrap interval of the median")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    pname, pvalue = args.baseline.split("=", 1)
    ratios = defaultdict(list)   # (key, impl) -> [ratio per pass]
    scores = defaultdict(list)   # (key, impl) -> [score per pass]
    units = {}
    for f in args.files:
        results = json.load(open(f))
        base = {}
        for r in results:
            if (r.get("params") or {}).get(pname) == pvalue:
                base[key_of(r, pname)] = r["primaryMetric"]["score"]
        for r in results:
            impl = (r.get("params") or {}).get(pname)
            if impl is None:
                continue
            k = key_of(r, pname)
            if k not in base:
                continue
            score = r["primaryMetric"]["score"]
            higher_is_better = r["mode"] == "thrpt"
            ratio = score / base[k] if higher_is_better else base[k] / score
            ratios[(k, impl)].append(ratio)
            scores[(k, impl)].append(score)
            units[(k, impl)] = r["primaryMetric"]["scoreUnit"]
    extra_head = " median 95%% bootstrap |" if args.bootstrap else ""
    print(("| benchmark | threads | params | %s | median score | unit | ratio to %s (median) | spread (min-max) |"
           + extra_head + " passes |") % (pname, pvalue))
    print("|---|---|---|---|---|---|---|---|" + ("---|" if args.bootstrap else "") + "---|")
    rng = random.Random(1)
    for (k, impl) in sorted(ratios):
        bench, threads, params = k
        rs = ratios[(k, impl)]
        p = ", ".join("%s=%s" % kv for kv in params)
        extra = ""
        if args.bootstrap:
            meds = sorted(statistics.median(rng.choices(rs, k=len(rs))) for _ in range(10000))
            extra = " %.2f-%.2f |" % (meds[250], meds[9749])
        print("| %s | %d | %s | %s | %.3g | %s | %.2f | %.2f-%.2f |%s %d |" % (
            bench, threads, p, impl, statistics.median(scores[(k, impl)]), units[(k, impl)],
            statistics.median(rs), min(rs), max(rs), extra, len(rs)))

if __name__ == "__main__":
    main()
