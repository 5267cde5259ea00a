"""What verifying a timeline against ``Evaluator.evaluate`` costs (``timeline.build(verify=True)``).

Every command that shows a timeline verifies it (``explain``, ``screen --timeline``, ``compare --when``):
the reference date and both sides of every reported change are re-evaluated by the default path. This
script builds the timelines of synthetic profiles with and without the check, alternately in this one
process, and prints the time per profile and the ratio — what the choice to verify every row of a pool
(rather than a sample) rests on. Results: ``bench/RESULTS.md``.

    .venv/bin/python bench/timeline_verify.py [--profiles 150] [--action appointment]
"""

from __future__ import annotations

import argparse
import statistics
import time

from eligibility import load_rules, parse_profile, parse_request
from eligibility.batch.synthetic import generate
from eligibility.explain import timeline
from eligibility.explain.evaluate import Evaluator

REQUESTS = {
    "planning": {"action": "planning", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-10-01"},
    "appointment": {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"},
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profiles", type=int, default=150)
    ap.add_argument("--action", choices=sorted(REQUESTS), default="appointment")
    args = ap.parse_args()
    rules = load_rules()
    evaluator = Evaluator(rules)
    request = parse_request(REQUESTS[args.action])
    profiles = [parse_profile(p) for p in generate(args.profiles, seed=11)]
    timeline.build(evaluator, profiles[0], request)  # warm the rulesets
    times: dict[bool, list[float]] = {False: [], True: []}
    changes = 0
    for i, p in enumerate(profiles):
        for verify in (i % 2 == 0, i % 2 != 0):  # alternate which goes first
            t0 = time.perf_counter()
            tl = timeline.build(evaluator, p, request, verify=verify)
            times[verify].append(time.perf_counter() - t0)
        changes += len(tl.changes)
    plain, checked = statistics.mean(times[False]), statistics.mean(times[True])
    print(f"{args.profiles} synthetic profiles, {args.action}, 10-year window each side; {changes} verdict changes")
    print(
        f"  build(verify=False)  {plain * 1000:7.1f} ms a profile (median {statistics.median(times[False]) * 1000:.1f})"
    )
    print(
        f"  build(verify=True)   {checked * 1000:7.1f} ms a profile (median {statistics.median(times[True]) * 1000:.1f})"
    )
    print(f"  verification costs {checked / plain - 1:+.1%} ({(checked - plain) * 1000:.1f} ms a profile)")


if __name__ == "__main__":
    main()
