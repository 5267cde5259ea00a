"""Turns bench/run.py's results into bench/RESULTS.md and the table printed on stdout."""

from __future__ import annotations

from typing import Any


def _ms(us: float | None) -> str:
    return "–" if us is None else f"{us / 1000:.3f}"


def _f(x: float | None, fmt: str = "{:.1f}") -> str:
    return "–" if x is None else fmt.format(x)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _gap(measured: float | None, target: float, unit: str, lower_is_better: bool = True) -> tuple[str, str]:
    if measured is None:
        return "not measured", "–"
    if lower_is_better:
        if measured <= target:
            return f"met: {target - measured:.3g} {unit} under the target ({measured / target:.0%} of it)", "MET"
        return f"missed by {measured - target:.3g} {unit} ({measured / target:.1f}× the target)", "MISSED"
    return ("met", "MET") if measured >= target else (f"missed by {target - measured:.3g} {unit}", "MISSED")


def _pool_run(res: dict[str, Any], label: str, size: int, workers: int, keep: bool = False) -> dict[str, Any] | None:
    for r in (res.get("pool") or {}).get("runs", []):
        if r["label"] == label and r["profiles"] == size and r["workers"] == workers and r["keep_decision"] == keep:
            return r
    return None


def _est_100k(r: dict[str, Any]) -> tuple[float, str]:
    """Seconds for 100,000 profiles (× actions): measured when the run was that and finished, else the
    measured start-up and first chunk plus the remaining rows at the run's steady rate."""
    total = 100_000 * len(r["actions"])
    if r["profiles"] == 100_000 and not r["capped"]:
        return r["wall_s"], ""
    steady = r.get("steady_rows_per_s") or r["rows_per_s"]
    k = len(r["actions"])  # one Screener, so one start-up, per action
    est = k * (r.get("first_result_s") or 0.0) + max(0, total - k * 1000) / steady
    why = " — the run was capped by the time budget" if r["capped"] else ""
    return est, f" (extrapolated from {r['rows']:,} rows at {steady:,.0f} rows/s steady{why})"


def summary_rows(res: dict[str, Any], targets: dict[str, float]) -> list[list[str]]:
    rows: list[list[str]] = []
    lat = res.get("latency")
    if lat:
        worst = max(lat["actions"].items(), key=lambda kv: kv[1]["median_us"])
        med = worst[1]["median_us"] / 1000
        gap, status = _gap(med, targets["evaluate_median_ms"], "ms")
        rows.append(
            [
                "single `evaluate` median ≤ 1 ms",
                f"worst action {worst[0]}: {med:.3f} ms (p95 {worst[1]['p95_us'] / 1000:.3f} ms)",
                gap,
                status,
            ]
        )
    cli = res.get("cli")
    if cli:
        v = cli["cli_check"]["median_s"]
        gap, status = _gap(v, targets["cli_s"], "s")
        rows.append(["CLI `eligibility check` ≤ 0.5 s", f"{v:.3f} s median of {cli['runs']}", gap, status])
    pool = res.get("pool")
    if pool:
        n = max(r["profiles"] for r in pool["runs"])
        cores = pool["cores"]
        for label in ("planning", "appointment"):
            r = _pool_run(res, label, n, cores)
            if r is None:
                continue
            est, note = _est_100k(r)
            gap, status = _gap(est, targets["pool_one_action_100k_s"], "s")
            rows.append([f"100,000 profiles, {label}, {cores} workers ≤ 20 s", f"{est:.1f} s{note}", gap, status])
        alls = [r for r in pool["runs"] if r["label"] == "all actions" and r["workers"] == cores]
        if alls:
            r = alls[-1]
            est, note = _est_100k(r)
            gap, status = _gap(est, targets["pool_all_actions_100k_s"], "s")
            rows.append([f"100,000 profiles, all 6 actions, {cores} workers ≤ 60 s", f"{est:.1f} s{note}", gap, status])
    floor = res.get("floor")
    if floor:
        worst = max(floor["actions"].items(), key=lambda kv: kv[1]["ratio_engine_floor"])
        v = worst[1]["ratio_engine_floor"]
        gap, status = _gap(v, targets["engine_floor_ratio"], "×")
        rows.append(
            [
                "engine / floor ≤ 10 (DurableEngine.outcomes vs reference loop, same facts)",
                f"worst {worst[0]}: {v:.1f}×",
                gap,
                status,
            ]
        )
        worst2 = max(floor["actions"].items(), key=lambda kv: kv[1]["ratio_evaluate_vs_facts_plus_floor"])
        v2 = worst2[1]["ratio_evaluate_vs_facts_plus_floor"]
        gap, status = _gap(v2, targets["engine_floor_ratio"], "×")
        rows.append(["(end to end) evaluate / (facts + floor loop) ≤ 10", f"worst {worst2[0]}: {v2:.1f}×", gap, status])
    for key, what in (("mem_engine", "DurableEngine.outcomes"), ("mem_evaluate", "full evaluate")):
        m = res.get(key)
        if not m:
            continue
        a, b = m["samples"][0], m["samples"][-1]
        growth = b["rss_mb"] - a["rss_mb"]
        flat = growth <= targets["flat_mb"] and growth <= 0.05 * a["rss_mb"]
        capped = " (capped by time)" if m.get("capped_by_time") else ""
        rows.append(
            [
                f"memory flat: {what}",
                f"RSS {a['rss_mb']:.1f} MB after {a['evaluations']:,} → "
                f"{b['rss_mb']:.1f} MB after {b['evaluations']:,}{capped}",
                f"growth {growth:+.1f} MB (flat = ≤ {targets['flat_mb']:.0f} MB and ≤ 5 %)",
                "MET" if flat else "MISSED",
            ]
        )
    return rows


def render_report(res: dict[str, Any], targets: dict[str, float]) -> tuple[str, str]:
    m = res["machine"]
    out: list[str] = []
    out.append("# Benchmark results (generated by `python bench/run.py`)\n")
    out.append(
        f"- Run: {res['started_utc']} UTC, mode **{res['mode']}**, {res['total_wall_s']:.0f} s in all; "
        f"profiles from {res['generator']}."
    )
    out.append(
        f"- Machine: {m['cores']} cores ({m['usable_cores']} usable), CPU model `{m['cpu_model']}`, "
        f"{m['mem_total_mb']} MB RAM; Python {m['python']} ({m['implementation']}), {m['platform']}; "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
        + "."
    )
    git = m.get("git") or {}
    if git:
        mod = git.get("modified") or []
        out.append(
            f"- Code: commit `{git['head']}`"
            + (
                f", with uncommitted changes (other developers' work in progress) in: {', '.join(mod)}."
                if mod
                else ", clean working tree for eligibility/ and rules/."
            )
        )
    la, lb = m["loadavg_start"], m.get("loadavg_end", m["loadavg_start"])
    out.append(
        f"- Load average (1/5/15 min) at start {la[0]:.2f}/{la[1]:.2f}/{la[2]:.2f}, at end "
        f"{lb[0]:.2f}/{lb[1]:.2f}/{lb[2]:.2f}. **The box was shared**: other developers ran test suites "
        "during the run, so wall-clock figures are noisy and pessimistic; medians are reported, and the pool "
        "runs also give CPU time per row, which contention does not inflate.\n"
    )

    summ = summary_rows(res, targets)
    out.append("## Targets\n")
    out.append(_table(["target", "measured", "gap", "status"], summ))
    out.append("")

    lat = res.get("latency")
    if lat:
        out.append("## 1. Single `evaluate` latency (in process, prepared request cached)\n")
        out.append(
            f"{lat['actions']['appointment']['n']:,} timed calls per action over distinct synthetic profiles "
            f"(after {res['config']['latency_warm']} warm-up calls); one request per action (see `REQUESTS` in "
            "run.py). `first call` includes preparing the request and creating its durable rulesets; "
            "`prepare uncached` is `Evaluator._prepare` once the rulesets exist.\n"
        )
        rows = []
        for a, r in lat["actions"].items():
            rows.append(
                [
                    a,
                    r["criteria"],
                    _ms(r["median_us"]),
                    _ms(r["p95_us"]),
                    _ms(r["p99_us"]),
                    _ms(r["max_us"]),
                    f"{r['first_call_ms']:.1f}",
                    _ms(r["prepare_uncached_us"]),
                    ", ".join(f"{k} {v}" for k, v in sorted(r["verdicts"].items())),
                    r["engine_errors"],
                ]
            )
        out.append(
            _table(
                [
                    "action",
                    "criteria",
                    "median ms",
                    "p95 ms",
                    "p99 ms",
                    "max ms",
                    "first call ms",
                    "prepare uncached ms",
                    "verdicts",
                    "engine errors",
                ],
                rows,
            )
        )
        pp, api = lat["parse_profile"], lat["public_api_from_dicts_appointment"]
        out.append(
            f"\nValidating a profile dict (`parse_profile`, pydantic): median {_ms(pp['median_us'])} ms, "
            f"p95 {_ms(pp['p95_us'])} ms — not part of `evaluate` but paid by every screened row. "
            f"`eligibility.evaluate(dict, dict)` (validates both, appointment): median {_ms(api['median_us'])} ms,"
            f" p95 {_ms(api['p95_us'])} ms.\n"
        )

    cli = res.get("cli")
    if cli:
        out.append("## 2. CLI cold start\n")
        out.append(f"`{cli['command']}`, {cli['runs']} process runs each, interleaved, after one unmeasured run.\n")
        out.append(
            _table(
                ["command", "median s", "min s", "max s"],
                [
                    [k, f"{cli[k]['median_s']:.3f}", f"{cli[k]['min_s']:.3f}", f"{cli[k]['max_s']:.3f}"]
                    for k in ("cli_check", "import_eligibility", "python_pass")
                ],
            )
        )
        b = cli["breakdown_s"]
        out.append("\nInside one cold run (median of 3 fresh interpreters):\n")
        keys = [
            "import_eligibility",
            "import_cli_and_parser",
            "load_rules",
            "load_profile_and_request",
            "prepare_first",
            "evaluate_first",
            "render_text",
        ]
        out.append(_table(["step", "s"], [[k, f"{b[k]:.3f}"] for k in keys]))
        out.append(
            f"\n`load_rules` parses {b['yaml_files']} YAML files ({b['yaml_bytes']:,} bytes); the library's "
            f"line-tracking loader (on `yaml.{b.get('library_loader_base', '?')}`) takes "
            f"{b.get('yaml_parse_library_loader', float('nan')):.3f} s; the same loader on the pure-Python "
            f"`yaml.SafeLoader` {b['yaml_parse_python_loader']:.3f} s, on libyaml's `yaml.CSafeLoader` "
            f"{b['yaml_parse_c_loader']:.3f} s (identical data: {b['c_loader_same_data']}). "
            "Heaviest imports (cumulative ms, `-X importtime`): "
            + ", ".join(f"{k} {v:.0f}" for k, v in cli["import_cumulative_ms"].items())
            + ".\n"
        )

    pool = res.get("pool")
    if pool:
        info = pool["implementation"]
        out.append("## 3. Pool screening\n")
        out.append(
            f"{info['api']}. Input: synthetic JSONL pools written before timing ({info['generator']}). "
            f"Each run in a fresh process; `peak PSS` = largest sum of proportional set size over the run's "
            "process and its workers (sampled every 0.2 s), `worker HWM` = a worker's own VmHWM. `CPU µs/row` = "
            "user+system CPU of the run's process and its workers per row, which contention does not inflate. "
            "`first result s` = start-up (spawning workers that import the package, load the rules and "
            "create their rulesets) plus the first chunk, per action; `steady rows/s` = rows after each "
            "action's first chunk over the time after it. The runs on the largest pool share the time budget left by the other sections and "
            "stop early (`capped`) when their share is spent; `est. full s` then = first result + the remaining "
            'rows at the steady rate. A row of "all actions" is one profile screened for one action.\n'
        )
        rows = []
        for r in pool["runs"]:
            rows.append(
                [
                    r["label"],
                    f"{r['profiles']:,}",
                    r["workers"],
                    "yes" if r["keep_decision"] else "no",
                    f"{r['rows']:,}",
                    f"{r['wall_s']:.1f}",
                    f"{r['rows_per_s']:,.0f}",
                    _f(r.get("first_result_s")),
                    _f(r.get("steady_rows_per_s"), "{:,.0f}"),
                    f"{r['est_full_s']:.1f}" + (" (capped)" if r["capped"] else ""),
                    f"{r['cpu_us_per_row']:,.0f}",
                    f"{r['peak_pss_mb']:.0f}",
                    f"{r['parent_hwm_mb']:.0f}",
                    f"{r['max_worker_hwm_mb']:.0f}" if r["max_worker_hwm_mb"] else "– (in process)",
                    f"{r['loadavg_1m_start']:.1f}",
                ]
            )
        out.append(
            _table(
                [
                    "actions",
                    "profiles",
                    "workers",
                    "keep decision",
                    "rows",
                    "wall s",
                    "rows/s",
                    "first result s",
                    "steady rows/s",
                    "est. full s",
                    "CPU µs/row",
                    "peak PSS MB",
                    "parent HWM MB",
                    "worker HWM MB",
                    "load at start",
                ],
                rows,
            )
        )
        rp = info.get("row_profile")
        if rp:
            out.append(
                f"\nWhere a screening row's time goes (cProfile of {rp['calls']:,} appointment rows in process, "
                f"API defaults; the Decision JSON is {rp['decision_json_bytes_median']:,.0f} bytes per row; a "
                f"RowResult pickles to {rp['pickled_result_bytes_per_row']:,.0f} bytes with keep_decision=True, "
                f"{rp['pickled_result_bytes_per_row_keep_false']:,.0f} without):\n"
            )
            out.append(_table(["phase", "share of row"], [[p["phase"], f"{p['share']:.1%}"] for p in rp["phases"]]))
            out.append("")

    floor = res.get("floor")
    if floor:
        out.append("## 4. The floor: same criteria, same facts, no engine\n")
        out.append(
            f"Median µs per call over {floor['n']:,} profiles per action. `floor` = "
            "`{c.id: eligibility.engine.reference.evaluate(c.condition, facts) for c in version.criteria}` over "
            "precomputed facts; `closures` = the same conditions compiled once to Python closures; `engine` = "
            "`DurableEngine.outcomes` on the same facts; `decide` = findings, messages and the Decision; "
            "`evaluate` = the whole call. Mismatches = engine outcomes ≠ reference outcomes.\n"
        )
        rows = []
        for a, r in floor["actions"].items():
            mu = r["median_us"]
            rows.append(
                [
                    a,
                    r["criteria"],
                    f"{mu['facts']:.1f}",
                    f"{mu['engine']:.1f}",
                    f"{mu['floor_reference']:.1f}",
                    f"{mu['floor_closures']:.1f}",
                    f"{mu['decide']:.1f}",
                    f"{mu['evaluate']:.1f}",
                    f"{r['ratio_engine_floor']:.1f}×",
                    f"{r['ratio_engine_closures']:.1f}×",
                    f"{r['ratio_evaluate_vs_facts_plus_floor']:.1f}×",
                    r["engine_vs_reference_mismatches"],
                    r["engine_errors"],
                ]
            )
        out.append(
            _table(
                [
                    "action",
                    "criteria",
                    "facts µs",
                    "engine µs",
                    "floor µs",
                    "closures µs",
                    "decide µs",
                    "evaluate µs",
                    "engine/floor",
                    "engine/closures",
                    "evaluate/(facts+floor)",
                    "mismatches",
                    "engine errors",
                ],
                rows,
            )
        )
        eb = floor["engine_breakdown"]
        out.append(
            f"\nInside `DurableEngine.outcomes` (appointment, {eb['rulesets']} ruleset(s), {eb['facts_used']} facts "
            f"used, {eb['fired_per_ruleset_median']:.0f} rules fired per call, unprofiled medians): "
            f"`encode_fact` {eb['encode_fact_us']:.1f} µs (with the `used` names as a set instead of a list: "
            f"{eb['encode_fact_with_set_us']:.1f} µs); C `assert_fact` {eb['assert_fact_us']:.1f} µs; draining the "
            f"fired rules {eb['drain_us']:.1f} µs; `retract_fact` {eb['retract_fact_us']:.1f} µs. What remains in "
            f"durable_rules itself is the C calls: {eb['assert_fact_us'] + eb['drain_us'] + eb['retract_fact_us']:.1f}"
            " µs per evaluation.\n"
        )
        pr = floor["profile"]
        out.append(f"cProfile of {pr['calls']:,} evaluations (all six actions in turn); shares of `evaluate`:\n")
        out.append(_table(["phase", "share"], [[p["phase"], f"{p['share']:.1%}"] for p in pr["phases"]]))
        out.append("\nTop functions by self time (share of all profiled time):\n")
        out.append(
            _table(
                ["function", "calls", "self s", "share"],
                [
                    [f"`{t['function']}`", f"{t['calls']:,}", f"{t['self_s']:.3f}", f"{t['share']:.1%}"]
                    for t in pr["top_self"][:15]
                ],
            )
        )
        out.append("")

    for key, title in (
        ("mem_engine", "## 5. Memory: `DurableEngine.outcomes` directly, varied facts"),
        ("mem_evaluate", "## 6. Memory: the full `evaluate` path"),
    ):
        mm = res.get(key)
        if not mm:
            continue
        out.append(title + "\n")
        extra = ""
        if key == "mem_engine":
            extra = (
                f"{mm['done']:,} of {mm['requested']:,} calls"
                + (f" — **capped by time at {mm['cap_s']:.0f} s**" if mm["capped_by_time"] else "")
                + f", {mm['per_call_us']:.1f} µs per call; every fact differs (months and age shifted by the "
                "call number) and the calls cycle through all six actions' rule versions."
            )
        else:
            extra = (
                f"{mm['done']:,} of {mm['requested']:,} evaluations"
                + (f" — **capped by time at {mm['cap_s']:.0f} s**" if mm["capped_by_time"] else "")
                + f", cycling six actions over 5,000 profiles, {mm['per_call_us']:.0f} µs "
                f"per call; prepared-request cache holds {mm['prepared_cache_entries']} entries."
            )
        out.append(extra + f" RSS before the loop {mm['rss_start_mb']:.1f} MB; after `gc.collect()` at each point:\n")
        out.append(
            _table(
                ["calls", "RSS MB", "elapsed s"],
                [[f"{s['evaluations']:,}", f"{s['rss_mb']:.1f}", f"{s['elapsed_s']:.1f}"] for s in mm["samples"]],
            )
        )
        out.append(
            f"\nGrowth from the first to the last point: {mm['growth_mb']:+.1f} MB; engine errors: "
            f"{mm['engine_errors']}.\n"
        )

    text = "\n".join(out) + "\n"
    table = "\n".join(
        [
            "",
            "Targets (box shared with other developers' test runs; medians):",
            _table(["target", "measured", "gap", "status"], summ),
        ]
    )
    if lat:
        table += "\n\nSingle evaluate (ms):\n" + _table(
            ["action", "median", "p95"], [[a, _ms(r["median_us"]), _ms(r["p95_us"])] for a, r in lat["actions"].items()]
        )
    if pool:
        table += "\n\nPool screening:\n" + _table(
            ["actions", "profiles", "workers", "keep", "rows/s", "est. full s", "CPU µs/row", "peak PSS MB"],
            [
                [
                    r["label"],
                    f"{r['profiles']:,}",
                    r["workers"],
                    r["keep_decision"],
                    f"{r['rows_per_s']:,.0f}",
                    f"{r['est_full_s']:.1f}{' (capped)' if r['capped'] else ''}",
                    f"{r['cpu_us_per_row']:,.0f}",
                    f"{r['peak_pss_mb']:.0f}",
                ]
                for r in pool["runs"]
            ],
        )
    if floor:
        table += "\n\nFloor (µs median):\n" + _table(
            ["action", "facts", "engine", "floor", "decide", "evaluate", "engine/floor"],
            [
                [
                    a,
                    f"{r['median_us']['facts']:.0f}",
                    f"{r['median_us']['engine']:.0f}",
                    f"{r['median_us']['floor_reference']:.1f}",
                    f"{r['median_us']['decide']:.0f}",
                    f"{r['median_us']['evaluate']:.0f}",
                    f"{r['ratio_engine_floor']:.1f}×",
                ]
                for a, r in floor["actions"].items()
            ],
        )
    return text, table
