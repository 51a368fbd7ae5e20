#!/usr/bin/env python3
"""Ratios from AccountingAlternatingBenchmark: within each fork, iterations alternate between the
baseline map (even iterations, warm-up included) and the candidate (odd ones), so each adjacent pair
of measured iterations (baseline, candidate) gives one ratio candidate / baseline, free of
fork-to-fork differences.

Usage: alternating.py result.json [more.json ...]

Prints, per benchmark, candidate and thread count: the number of forks and pairs, the median pair
ratio, the mean of the per-fork mean ratios, and a 95% bootstrap interval of the median pair ratio
that resamples whole forks (10,000 resamples, fixed seed), since pairs of one fork are not
independent of each other.
"""
import json
import random
import statistics
import sys
from collections import defaultdict


def main():
    forks = defaultdict(list)  # (benchmark, candidate, threads) -> [[pair ratios of one fork], ...]
    for name in sys.argv[1:]:
        for r in json.load(open(name)):
            if r["warmupIterations"] % 2 != 0:
                sys.exit("%s: an odd number of warm-up iterations; the pairing needs an even one" % name)
            key = (r["benchmark"].rsplit(".", 1)[-1], (r.get("params") or {}).get("candidate"), r["threads"])
            for fork in r["primaryMetric"]["rawData"]:
                ratios = [fork[i + 1] / fork[i] for i in range(0, len(fork) - 1, 2)]
                forks[key].append(ratios)
    print("| benchmark | candidate | threads | forks | pairs | median pair ratio | mean of fork means | "
          "median 95% bootstrap (forks resampled) |")
    print("|---|---|---|---|---|---|---|---|")
    rng = random.Random(1)
    for key in sorted(forks):
        per_fork = forks[key]
        pooled = [x for f in per_fork for x in f]
        boot = []
        for _ in range(10000):
            sample = [x for f in rng.choices(per_fork, k=len(per_fork)) for x in f]
            boot.append(statistics.median(sample))
        boot.sort()
        print("| %s | %s | %d | %d | %d | %.3f | %.3f | %.3f-%.3f |" % (
            key[0], key[1], key[2], len(per_fork), len(pooled), statistics.median(pooled),
            statistics.mean(statistics.mean(f) for f in per_fork), boot[249], boot[9749]))


if __name__ == "__main__":
    main()
