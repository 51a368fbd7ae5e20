#!/usr/bin/env python3
"""Ratios of JMH results to a baseline measured in the same pass.

Usage: ratios.py --baseline PARAM=VALUE pass1.json pass2.json ...

Each JSON file is one JMH invocation ("pass") that ran every implementation. Within a pass, every
result is divided by the result of the baseline (same benchmark method, same thread count, same
other @Params, baseline @Param value). Across passes the median ratio is reported with its
min-max spread, as these 2-core machines are too noisy for one pass to prove anything.
For time-per-op modes (avgt, sample, ss) the ratio is inverted so that higher is always better.
"""
import argparse
import json
import statistics
from collections import defaultdict


def key_of(result, drop):
    params = dict(result.get("params") or {})
    params.pop(drop, None)
    return (result["benchmark"].rsplit(".", 1)[-1], result["threads"], tuple(sorted(params.items())))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", required=True, help="PARAM=VALUE that identifies the baseline")
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
    print("| benchmark | threads | params | %s | median score | unit | ratio to %s (median) | spread (min-max) | passes |" % (pname, pvalue))
    print("|---|---|---|---|---|---|---|---|---|")
    for (k, impl) in sorted(ratios):
        bench, threads, params = k
        rs = ratios[(k, impl)]
        p = ", ".join("%s=%s" % kv for kv in params)
        print("| %s | %d | %s | %s | %.3g | %s | %.2f | %.2f-%.2f | %d |" % (
            bench, threads, p, impl, statistics.median(scores[(k, impl)]), units[(k, impl)],
            statistics.median(rs), min(rs), max(rs), len(rs)))


if __name__ == "__main__":
    main()
