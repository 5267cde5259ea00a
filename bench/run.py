#!/usr/bin/env python
"""Benchmark of the eligibility engine (issue 7). Plain Python: ``time.perf_counter``, ``resource``,
``/proc``; no timed assertions anywhere.

    python bench/run.py            # full run (< 10 minutes on a 2-core box), writes bench/RESULTS.md
    python bench/run.py --quick    # smaller run (~1.5 minutes), same table
    python bench/run.py --only latency,cli --no-write

Every section runs in its own child process (``--child NAME``) so that memory figures start from a
clean interpreter and one section's warm caches do not flatter the next. See bench/README.md for
what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # a fresh clone without ``pip install -e``
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

ACTIONS = ["planning", "appointment", "reappointment", "nomination", "rotation", "nonlocal_placement"]
# one request per action; profiles vary (a pool shares one request, so prepare() is cached)
REQUESTS: dict[str, dict[str, Any]] = {
    "planning": {
        "action": "planning",
        "post": "giam-doc-so",
        "locality": "lao-cai",
        "date": "2025-11-03",
        "term": "2026-2031",
        "pool_size_for_title": 2,
    },
    "appointment": {"action": "appointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"},
    "reappointment": {"action": "reappointment", "post": "giam-doc-so", "locality": "lao-cai", "date": "2025-11-03"},
    "nomination": {"action": "nomination", "event": "congress-2025", "level": "province", "date": "2025-09-01"},
    "rotation": {
        "action": "rotation",
        "post": "giam-doc-so",
        "locality": "lao-cai",
        "date": "2025-11-03",
        "rotation_months": 36,
    },
    "nonlocal_placement": {
        "action": "nonlocal_placement",
        "post": "chu-tich-ubnd-tinh",
        "locality": "lao-cai",
        "date": "2025-11-03",
    },
}
CLI_ARGS = [
    "check",
    "examples/profile.yaml",
    "--action",
    "appointment",
    "--post",
    "giam-doc-so",
    "--locality",
    "lao-cai",
    "--date",
    "2025-11-03",
]

TARGETS = {
    "evaluate_median_ms": 1.0,
    "cli_s": 0.5,
    "pool_one_action_100k_s": 20.0,
    "pool_all_actions_100k_s": 60.0,
    "engine_floor_ratio": 10.0,
    "flat_mb": 5.0,  # "flat": RSS growth between the two points at most this (and < 5 %)
}

FULL = {
    "latency_n": 1000,
    "latency_warm": 200,
    "cli_runs": 7,
    "floor_n": 2000,
    "profile_n": 2000,
    "mem_engine_n": 1_000_000,
    "mem_engine_cap_s": 90.0,
    "mem_eval_n": 100_000,
    "mem_eval_cap_s": 120.0,
    "pool_sizes": [1000, 10_000, 100_000],
    "pool_all_n": 100_000,
    "pool_all_one_worker": False,
    "pool_keep_false_n": 10_000,
    "budget_s": 570.0,
}
QUICK = {
    "latency_n": 1000,
    "latency_warm": 100,
    "cli_runs": 5,
    "floor_n": 500,
    "profile_n": 2000,
    "mem_engine_n": 100_000,
    "mem_engine_cap_s": 30.0,
    "mem_eval_n": 30_000,
    "mem_eval_cap_s": 40.0,
    "pool_sizes": [1000, 5000],
    "pool_all_n": 5000,
    "pool_all_one_worker": True,
    "pool_keep_false_n": 5000,
    "budget_s": 150.0,
}


# ----- small utilities ----------------------------------------------------------------------
def log(msg: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS / VmHWM / VmSize in kB from /proc/<pid>/status ({} if unavailable)."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(("VmRSS:", "VmHWM:", "VmSize:")):
                    key, val = line.split(":", 1)
                    out[key] = int(val.split()[0])
    except OSError:
        pass
    return out


def rss_mb() -> float:
    st = proc_status()
    if "VmRSS" in st:
        return st["VmRSS"] / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # fallback: peak, not current


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def pss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(name))
    out: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        for c in children.get(pid, []):
            out.append(c)
            todo.append(c)
    return out


class TreeMemory:
    """Samples the memory of this process and all its descendants (the pool workers) every ``every`` s.

    peak_pss: the largest sum of PSS (proportional set size: shared copy-on-write pages split
    between the processes) seen in one sample — the honest "memory the screening took".
    peak_rss: the same with RSS (double-counts pages shared after fork). Workers' own VmHWM are kept
    too (the kernel's exact per-process peak)."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.peak_pss = 0
        self.peak_rss = 0
        self.max_workers = 0
        self.worker_hwm: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def sample(self) -> None:
        me = os.getpid()
        pids = [me] + descendants(me)
        pss = rss = 0
        for pid in pids:
            p = pss_kb(pid)
            st = proc_status(pid)
            rss += st.get("VmRSS", 0)
            pss += p if p is not None else st.get("VmRSS", 0)
            if pid != me and "VmHWM" in st:
                self.worker_hwm[pid] = max(self.worker_hwm.get(pid, 0), st["VmHWM"])
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_rss = max(self.peak_rss, rss)
        self.max_workers = max(self.max_workers, len(pids) - 1)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()


def summary(ns: list[int]) -> dict[str, float]:
    """Median, p95, p99, mean and max of durations in nanoseconds, returned in microseconds."""
    s = sorted(ns)
    n = len(s)

    def rank(q: float) -> float:
        return s[max(0, math.ceil(q * n) - 1)] / 1000

    return {
        "n": n,
        "median_us": statistics.median(s) / 1000,
        "p95_us": rank(0.95),
        "p99_us": rank(0.99),
        "mean_us": sum(s) / n / 1000,
        "max_us": s[-1] / 1000,
    }


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_total = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem_total = int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = {}
    for dist in ("durable_rules", "pydantic", "pydantic_core", "PyYAML"):
        try:
            from importlib.metadata import version

            versions[dist] = version(dist)
        except Exception:  # noqa: BLE001
            versions[dist] = "?"
    git: dict[str, Any] = {}
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--short", "--", "eligibility", "rules"], cwd=ROOT, capture_output=True, text=True
        )
        if head.returncode == 0:
            git = {"head": head.stdout.strip(), "modified": [ln[3:] for ln in dirty.stdout.splitlines()]}
    except OSError:
        pass
    return {
        "git": git,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "cpu_model": model,
        "mem_total_mb": mem_total,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": versions,
        "loadavg_start": os.getloadavg(),
    }


# ----- shared set-up inside a child -----------------------------------------------------------
def generator() -> tuple[Any, str]:
    """The library's deterministic synthetic-pool generator (``eligibility.batch.synthetic``)."""
    from eligibility.batch.synthetic import generate

    return generate, "eligibility.batch.synthetic.generate (seeded; person i depends only on (seed, i))"


def to_profiles(items: Any) -> list[Any]:
    from eligibility import Profile, parse_profile

    out = []
    for it in items:
        out.append(it if isinstance(it, Profile) else parse_profile(it))
    return out


def raw_dicts(n: int, seed: int) -> list[Any]:
    gen, _ = generator()
    items = list(gen(n, seed=seed))
    from eligibility import Profile

    return [
        it.model_dump(mode="json", by_alias=True, exclude_none=True) if isinstance(it, Profile) else it for it in items
    ]


def setup() -> tuple[Any, dict[str, Any]]:
    from eligibility import Evaluator, load_rules, parse_request

    ev = Evaluator(load_rules())
    reqs = {a: parse_request(dict(REQUESTS[a])) for a in ACTIONS}
    return ev, reqs


# ----- section: single evaluate latency -------------------------------------------------------
def sec_latency(cfg: dict[str, Any]) -> dict[str, Any]:
    from eligibility import EngineError, evaluate, parse_profile

    n, warm = cfg["latency_n"], cfg["latency_warm"]
    pc = time.perf_counter_ns
    t0 = pc()
    ev, reqs = setup()
    t_setup = (pc() - t0) / 1e6
    _, source = generator()
    dicts = raw_dicts(n + warm, seed=11)
    parse_ns = []
    profiles = []
    for d in dicts:
        t = pc()
        profiles.append(parse_profile(d))
        parse_ns.append(pc() - t)
    out: dict[str, Any] = {
        "generator": source,
        "setup_ms": t_setup,
        "parse_profile": summary(parse_ns[warm:]),
        "actions": {},
    }
    for a in ACTIONS:
        q = reqs[a]
        t = pc()
        ev.evaluate(profiles[0], q)  # prepare + compile + create the durable rulesets
        first_ms = (pc() - t) / 1e6
        for p in profiles[:warm]:
            try:  # noqa: SIM105 - in timed loops; contextlib.suppress costs more
                ev.evaluate(p, q)
            except EngineError:
                pass
        ns: list[int] = []
        verdicts: Counter[str] = Counter()
        errors = 0
        findings = 0
        for p in profiles[warm : warm + n]:
            t = pc()
            try:
                d = ev.evaluate(p, q)
            except EngineError:
                ns.append(pc() - t)
                errors += 1
                continue
            ns.append(pc() - t)
            verdicts[d.verdict] += 1
            findings += len(d.findings)
        prep_ns = []
        try:  # prepare() on a cache miss (rulesets already created): what a new request costs
            for _ in range(30):
                t = pc()
                ev._prepare(q)  # noqa: SLF001 - benchmark of the uncached path
                prep_ns.append(pc() - t)
        except Exception:  # noqa: BLE001
            prep_ns = []
        out["actions"][a] = {
            **summary(ns),
            "first_call_ms": first_ms,
            "engine_errors": errors,
            "verdicts": dict(verdicts),
            "findings_per_decision": findings / max(1, n - errors),
            "criteria": len(ev.prepare(q).version.criteria),
            "prepare_uncached_us": statistics.median(prep_ns) / 1000 if prep_ns else None,
        }
        log(f"latency {a}: median {out['actions'][a]['median_us']:.0f} us, p95 {out['actions'][a]['p95_us']:.0f} us")
    # the public API from plain dicts (validates profile and request on every call)
    req = dict(REQUESTS["appointment"])
    ns = []
    for d in dicts[:warm]:
        evaluate(d, req)
    for d in dicts[warm : warm + n]:
        t = pc()
        try:  # noqa: SIM105 - in timed loops; contextlib.suppress costs more
            evaluate(d, req)
        except EngineError:
            pass
        ns.append(pc() - t)
    out["public_api_from_dicts_appointment"] = summary(ns)
    return out


# ----- section: CLI cold start --------------------------------------------------------------
def _cli_command() -> list[str]:
    exe = Path(sys.executable).with_name("eligibility")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("eligibility")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from eligibility.cli import main; sys.exit(main())"]


def sec_cli(cfg: dict[str, Any]) -> dict[str, Any]:
    runs = cfg["cli_runs"]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    cmds = {
        "cli_check": _cli_command() + CLI_ARGS,
        "import_eligibility": [sys.executable, "-c", "import eligibility"],
        "python_pass": [sys.executable, "-c", "pass"],
    }
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for cmd in cmds.values():  # one unmeasured run each (page cache, .pyc)
        subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
    for _ in range(runs):
        for name, cmd in cmds.items():  # interleaved so that load changes hit all three alike
            t = time.perf_counter()
            r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
            times[name].append(time.perf_counter() - t)
            if r.returncode != 0:
                raise RuntimeError(f"{cmd} exited {r.returncode}: {r.stderr.decode()[-500:]}")
    out: dict[str, Any] = {"command": " ".join(["eligibility"] + CLI_ARGS), "runs": runs}
    for name, ts in times.items():
        out[name] = {"median_s": statistics.median(ts), "min_s": min(ts), "max_s": max(ts)}
    # where a cold CLI run spends its time, measured inside one fresh interpreter
    probe = r"""
import json, sys, time
t0 = time.perf_counter()
import eligibility
t1 = time.perf_counter()
from eligibility import cli
ctx = cli.cli.make_context("eligibility", list(__ARGS__))  # parse the options (click)
t2 = time.perf_counter()
from eligibility.rulepack import load_rules
rules = load_rules()
t3 = time.perf_counter()
from eligibility import api
from eligibility.cli.options import request_fields
from eligibility.model import load_profile
profile = load_profile("examples/profile.yaml")
sub = cli.cli.get_command(ctx, ctx.protected_args[0]).make_context("check", list(ctx.args))
request = api.request_of(request_fields(sub.params), rules)
t4 = time.perf_counter()
from eligibility.explain.evaluate import Evaluator
ev = Evaluator(rules)
prepared = ev.prepare(request)
t5 = time.perf_counter()
from eligibility.engine.durable_adapter import compile_rules
chunks = compile_rules(prepared.version)
t5b = time.perf_counter()
decision = ev.evaluate(profile, request)
t6 = time.perf_counter()
from eligibility.explain.render import render_text
text = render_text(decision, "vi")
t7 = time.perf_counter()
import yaml
from eligibility.rulepack import loader
files = sorted(p for p in loader.default_rules_dir().rglob("*.yaml"))
t8 = time.perf_counter()
for p in files:
    yaml.load(p.read_text(encoding="utf-8"), Loader=loader._LineLoader)
t9 = time.perf_counter()
class PyLine(yaml.SafeLoader):
    pass
class CLine(yaml.CSafeLoader):
    pass
for cls in (PyLine, CLine):
    cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, loader._construct_mapping)
t10 = time.perf_counter()
for p in files:
    yaml.load(p.read_text(encoding="utf-8"), Loader=PyLine)
t11 = time.perf_counter()
for p in files:
    yaml.load(p.read_text(encoding="utf-8"), Loader=CLine)
t12 = time.perf_counter()
same = all(yaml.load(p.read_text(encoding="utf-8"), Loader=CLine)
           == yaml.load(p.read_text(encoding="utf-8"), Loader=PyLine) for p in files)
base = loader._LineLoader.__mro__[1].__name__
print(json.dumps({"import_eligibility": t1 - t0, "import_cli_and_parser": t2 - t1, "load_rules": t3 - t2,
                  "load_profile_and_request": t4 - t3, "prepare_first": t5 - t4, "compile_rules_again": t5b - t5,
                  "evaluate_first": t6 - t5b, "render_text": t7 - t6, "yaml_parse_library_loader": t9 - t8,
                  "library_loader_base": base, "yaml_parse_python_loader": t11 - t10,
                  "yaml_parse_c_loader": t12 - t11, "c_loader_same_data": bool(same),
                  "yaml_files": len(files), "yaml_bytes": sum(p.stat().st_size for p in files),
                  "modules_loaded": len(sys.modules)}))
""".replace("__ARGS__", repr(CLI_ARGS))
    breakdowns = []
    for _ in range(3):
        r = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, check=True)
        breakdowns.append(json.loads(r.stdout))
    out["breakdown_s"] = {
        k: (statistics.median(b[k] for b in breakdowns) if isinstance(breakdowns[0][k], float) else breakdowns[0][k])
        for k in breakdowns[0]
    }
    # the heaviest imports (python -X importtime, cumulative microseconds, top level packages)
    r = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "import eligibility.cli, eligibility.explain.evaluate,"
            " eligibility.explain.render, eligibility.engine.durable_adapter, durable_rules_engine",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    cum: dict[str, int] = {}
    for line in r.stderr.decode().splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = [p.strip() for p in line[len("import time:") :].split("|")]
        try:
            us = int(parts[1])
        except ValueError:
            continue
        name = parts[2]
        if not name.startswith(" ") and "." not in name.strip():
            cum[name.strip()] = max(cum.get(name.strip(), 0), us)
    out["import_cumulative_ms"] = {k: v / 1000 for k, v in sorted(cum.items(), key=lambda kv: -kv[1])[:8]}
    log(
        f"cli: check {out['cli_check']['median_s']:.3f} s, import {out['import_eligibility']['median_s']:.3f} s, "
        f"python {out['python_pass']['median_s']:.3f} s"
    )
    return out


# ----- section: the floor, phases, cProfile ----------------------------------------------------
def _closure(c: Any) -> Any:
    """A hand-written-style compiled closure of a resolved condition (three-valued)."""
    import operator

    from eligibility.rulepack import conditions as cd

    ops = {
        "eq": operator.eq,
        "ne": operator.ne,
        "lt": operator.lt,
        "le": operator.le,
        "gt": operator.gt,
        "ge": operator.ge,
    }
    if isinstance(c, cd.Compare):
        f, op = c.fact, ops[c.op]
        if isinstance(c.right, cd.FactRef):
            g = c.right.name

            def cmpf(v: dict[str, Any]) -> str:
                if f not in v or g not in v:
                    return "unknown"
                return "pass" if op(v[f], v[g]) else "fail"

            return cmpf
        k = c.right.value

        def cmpc(v: dict[str, Any]) -> str:
            x = v.get(f)
            if x is None:
                return "unknown"
            return "pass" if op(x, k) else "fail"

        return cmpc
    if isinstance(c, cd.Exists):
        f = c.fact
        return lambda v: "pass" if f in v else "fail"
    if isinstance(c, cd.Not):
        inner = _closure(c.part)
        flip = {"pass": "fail", "fail": "pass", "unknown": "unknown"}
        return lambda v: flip[inner(v)]
    parts = [_closure(p) for p in c.parts]
    if isinstance(c, cd.All):

        def all_(v: dict[str, Any]) -> str:
            unk = False
            for p in parts:
                r = p(v)
                if r == "fail":
                    return "fail"
                unk = unk or r == "unknown"
            return "unknown" if unk else "pass"

        return all_

    def any_(v: dict[str, Any]) -> str:
        unk = False
        for p in parts:
            r = p(v)
            if r == "pass":
                return "pass"
            unk = unk or r == "unknown"
        return "unknown" if unk else "fail"

    return any_


def sec_floor(cfg: dict[str, Any]) -> dict[str, Any]:
    from eligibility import EngineError
    from eligibility.engine.reference import evaluate as kleene

    n = cfg["floor_n"]
    pc = time.perf_counter_ns
    ev, reqs = setup()
    profiles = to_profiles(generator()[0](n, seed=23))
    engine = ev.engine
    out: dict[str, Any] = {"n": n, "actions": {}}
    for a in ACTIONS:
        q = reqs[a]
        pr = ev.prepare(q)
        crit = pr.version.criteria
        closures = [(c.id, _closure(c.condition)) for c in crit]
        facts = [ev.facts(p, pr) for p in profiles]
        for fs in facts[:100]:  # warm the rulesets
            try:  # noqa: SIM105 - in timed loops; contextlib.suppress costs more
                engine.outcomes(pr.version, fs.values)
            except EngineError:
                pass
        t_facts, t_engine, t_floor, t_closure, t_decide, t_eval = [], [], [], [], [], []
        outs: list[dict[str, str] | None] = []
        errors = mismatches = closure_mismatches = 0
        for p in profiles:
            t = pc()
            ev.facts(p, pr)
            t_facts.append(pc() - t)
        for fs in facts:
            v = fs.values
            t = pc()
            try:
                o = engine.outcomes(pr.version, v)
            except EngineError:
                o = None
                errors += 1
            t_engine.append(pc() - t)
            outs.append(o)
            t = pc()
            ref = {c.id: kleene(c.condition, v) for c in crit}
            t_floor.append(pc() - t)
            t = pc()
            clo = {cid: fn(v) for cid, fn in closures}
            t_closure.append(pc() - t)
            if o is not None and o != ref:
                mismatches += 1
            if clo != ref:
                closure_mismatches += 1
        for p, fs, o in zip(profiles, facts, outs, strict=True):
            if o is None:
                continue
            t = pc()
            ev.decide(p, pr, fs, o)
            t_decide.append(pc() - t)
        for p in profiles:
            t = pc()
            try:  # noqa: SIM105 - in timed loops; contextlib.suppress costs more
                ev.evaluate(p, q)
            except EngineError:
                pass
            t_eval.append(pc() - t)
        med = {
            k: statistics.median(v) / 1000
            for k, v in (
                ("facts", t_facts),
                ("engine", t_engine),
                ("floor_reference", t_floor),
                ("floor_closures", t_closure),
                ("decide", t_decide or [0]),
                ("evaluate", t_eval),
            )
        }
        out["actions"][a] = {
            "criteria": len(crit),
            "rulesets": len(engine._load(pr.version)[0]),  # noqa: SLF001
            "median_us": med,
            "engine_errors": errors,
            "engine_vs_reference_mismatches": mismatches,
            "closure_vs_reference_mismatches": closure_mismatches,
            "ratio_engine_floor": med["engine"] / med["floor_reference"],
            "ratio_engine_closures": med["engine"] / med["floor_closures"],
            "ratio_evaluate_vs_facts_plus_floor": med["evaluate"] / (med["facts"] + med["floor_reference"]),
            "per_criterion_engine_us": med["engine"] / len(crit),
        }
        log(
            f"floor {a}: engine {med['engine']:.1f} us vs floor {med['floor_reference']:.1f} us "
            f"(x{med['engine'] / med['floor_reference']:.1f}); facts {med['facts']:.1f} us; "
            f"decide {med['decide']:.1f} us; evaluate {med['evaluate']:.1f} us"
        )
    out["engine_breakdown"] = _engine_breakdown(ev, reqs, profiles)
    out["profile"] = _cprofile(ev, reqs, profiles, cfg["profile_n"])
    return out


def _engine_breakdown(ev: Any, reqs: dict[str, Any], profiles: list[Any]) -> dict[str, Any]:
    """Inside DurableEngine.outcomes for appointment: encode, C calls, bookkeeping (unprofiled timing)."""
    import durable_rules_engine as dre

    from eligibility.engine.durable_adapter import encode_fact

    pc = time.perf_counter_ns
    pr = ev.prepare(reqs["appointment"])
    sets, used = ev.engine._load(pr.version)  # noqa: SLF001
    facts = [ev.facts(p, pr).values for p in profiles[:1000]]
    t_enc, t_assert, t_drain, t_retract, n_fired = [], [], [], [], []
    for v in facts:
        t = pc()
        payload = encode_fact(v, used)
        t_enc.append(pc() - t)
        for rs in sets:
            h = rs.handle
            t = pc()
            rc, state = dre.assert_fact(h, payload)
            t_assert.append(pc() - t)
            t = pc()
            k = 0
            if rc == 0:
                res = dre.start_action_for_state(h, state)
                while res is not None:
                    k += 1
                    res = dre.complete_and_start_action(h, state)
            t_drain.append(pc() - t)
            n_fired.append(k)
            t = pc()
            if rc == 0:
                dre.retract_fact(h, payload)
            t_retract.append(pc() - t)
    used_set = set(used)
    t_enc_set = []
    for v in facts:
        t = pc()
        encode_fact(v, used_set)  # type: ignore[arg-type]
        t_enc_set.append(pc() - t)
    med = statistics.median
    return {
        "rulesets": len(sets),
        "facts_used": len(used),
        "fired_per_ruleset_median": med(n_fired),
        "encode_fact_us": med(t_enc) / 1000,
        "encode_fact_with_set_us": med(t_enc_set) / 1000,
        "assert_fact_us": med(t_assert) / 1000,
        "drain_us": med(t_drain) / 1000,
        "retract_fact_us": med(t_retract) / 1000,
    }


def _cprofile(ev: Any, reqs: dict[str, Any], profiles: list[Any], n: int) -> dict[str, Any]:
    import cProfile

    from eligibility import EngineError

    work = [(profiles[i % len(profiles)], reqs[ACTIONS[i % len(ACTIONS)]]) for i in range(n)]
    prof = cProfile.Profile()
    prof.enable()
    for p, q in work:
        try:  # noqa: SIM105 - in timed loops; contextlib.suppress costs more
            ev.evaluate(p, q)
        except EngineError:
            pass
    prof.disable()
    phases = [
        ("evaluate (total)", "cum", "explain/evaluate.py", "evaluate"),
        ("prepare (cached lookup: hash of the frozen pydantic Request)", "cum", "explain/evaluate.py", "prepare"),
        ("facts: derive_facts", "cum", "explain/evaluate.py", "facts"),
        ("  facts: whole_months_between (dateutil.relativedelta)", "cum", "facts/months.py", "whole_months_between"),
        ("engine: DurableEngine.outcomes", "cum", "engine/durable_adapter.py", "outcomes"),
        (
            "  engine: encode_fact (JSON, `name not in used` on a list)",
            "cum",
            "engine/durable_adapter.py",
            "encode_fact",
        ),
        ("  engine: C assert_fact", "builtin", "", "assert_fact"),
        ("  engine: C start_action/complete_and_start_action (drain)", "builtin", "", "start_action"),
        ("  engine: C retract_fact", "builtin", "", "retract_fact"),
        ("decide: findings, messages, Decision", "cum", "explain/evaluate.py", "decide"),
        ("  decide: _finding", "cum", "explain/evaluate.py", "_finding"),
        ("  decide: _message (templates)", "cum", "explain/evaluate.py", "_message"),
        (
            "  decide: conditions.facts_of (static per criterion, recomputed per finding)",
            "cum",
            "rulepack/conditions.py",
            "facts_of",
        ),
        ("  decide: _source_ref (a pydantic SourceRef per finding)", "cum", "explain/evaluate.py", "_source_ref"),
        ("  decide: pydantic BaseModel.__init__ (Finding, Text, ...)", "cum", "pydantic/main.py", "__init__"),
        ("  decide: regimes_at", "cum", "rulepack/loader.py", "regimes_at"),
    ]
    return analyse(prof, phases, "evaluate (total)", n)


def analyse(prof: Any, phases: list[tuple[str, str, str, str]], total_phase: str, n: int) -> dict[str, Any]:
    """Phase shares (cumulative time of entry points; C builtins by self time) and the top self-time
    functions of a cProfile run. Shares are of the profiled time, which cProfile inflates for Python
    code with many small calls; the unprofiled phase timings in the same section are the check."""
    import pstats

    st = pstats.Stats(prof)
    stats = st.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.values())

    def short(key: tuple[str, int, str]) -> str:
        f, line, fn = key
        if f == "~":
            return fn
        parts = Path(f).parts
        if "eligibility" in parts:
            rel = "/".join(parts[len(parts) - 1 - parts[::-1].index("eligibility") :])
        elif "site-packages" in parts:
            rel = "/".join(parts[parts.index("site-packages") + 1 :])
        else:
            rel = Path(f).name
        return f"{rel}:{fn}"

    def measure(kind: str, file_end: str, funcs: str) -> float:
        names = funcs.split("|")
        if kind == "builtin":
            return sum(v[2] for k, v in stats.items() if k[0] == "~" and any(x in k[2] for x in names))
        return sum(v[3] for k, v in stats.items() if k[0].endswith(file_end) and k[2] in names)

    values = {label: measure(kind, f, fn) for label, kind, f, fn in phases}
    base = values[total_phase] or total
    top = sorted(stats.items(), key=lambda kv: -kv[1][2])[:20]
    return {
        "calls": n,
        "profiled_total_s": total,
        "phases": [{"phase": k, "s": v, "share": v / base} for k, v in values.items()],
        "top_self": [
            {"function": short(k), "calls": v[1], "self_s": v[2], "share": v[2] / total, "cum_s": v[3]} for k, v in top
        ],
    }


# ----- section: memory ------------------------------------------------------------------------
def sec_mem_engine(cfg: dict[str, Any]) -> dict[str, Any]:
    """DurableEngine.outcomes called directly, varied facts, RSS at checkpoints (capped by time)."""
    from eligibility import EngineError

    n, cap = cfg["mem_engine_n"], cfg["mem_engine_cap_s"]
    ev, reqs = setup()
    profiles = to_profiles(generator()[0](2000, seed=31))
    work = []
    for a in ACTIONS:
        pr = ev.prepare(reqs[a])
        for p in profiles:
            work.append((pr.version, ev.facts(p, pr).values))
    engine = ev.engine
    checkpoints = sorted({10_000, 100_000, 250_000, 500_000, 750_000, n} - {x for x in () if x > n})
    checkpoints = [c for c in checkpoints if c <= n]
    samples: list[dict[str, float]] = []
    gc.collect()
    rss0 = rss_mb()
    errors = 0
    t0 = time.perf_counter()
    i = 0
    capped = False
    nxt = 0
    m = len(work)
    while i < n:
        version, values = work[(i * 7919) % m]  # a stride through all actions and profiles
        v = dict(values)
        if "months_to_retirement" in v:  # every call a different fact
            v["months_to_retirement"] = int(v["months_to_retirement"]) + (i % 41) - 20
        if "age_months" in v:
            v["age_months"] = int(v["age_months"]) + (i % 13)
        try:
            engine.outcomes(version, v)
        except EngineError:
            errors += 1
        i += 1
        if i == checkpoints[nxt]:
            gc.collect()
            samples.append({"evaluations": i, "rss_mb": rss_mb(), "elapsed_s": time.perf_counter() - t0})
            log(f"mem engine: {i:,} outcomes, RSS {samples[-1]['rss_mb']:.1f} MB")
            nxt += 1
            if nxt >= len(checkpoints):
                break
        if i % 10_000 == 0 and time.perf_counter() - t0 > cap:
            capped = True
            gc.collect()
            samples.append({"evaluations": i, "rss_mb": rss_mb(), "elapsed_s": time.perf_counter() - t0})
            log(f"mem engine: time cap {cap:.0f} s reached at {i:,} outcomes")
            break
    elapsed = time.perf_counter() - t0
    base = samples[0]
    last = samples[-1]
    return {
        "requested": n,
        "done": i,
        "capped_by_time": capped,
        "cap_s": cap,
        "elapsed_s": elapsed,
        "per_call_us": elapsed / i * 1e6,
        "rss_start_mb": rss0,
        "samples": samples,
        "engine_errors": errors,
        "growth_mb": last["rss_mb"] - base["rss_mb"],
        "peak_mb": peak_mb(),
    }


def sec_mem_evaluate(cfg: dict[str, Any]) -> dict[str, Any]:
    """The full evaluate path (facts → engine → findings → Decision) at 10,000 and N evaluations."""
    from eligibility import EngineError

    n = cfg["mem_eval_n"]
    ev, reqs = setup()
    profiles = to_profiles(generator()[0](5000, seed=37))
    checkpoints = [c for c in (10_000, 25_000, 50_000, 75_000, 100_000) if c < n] + [n]
    samples = []
    gc.collect()
    rss0 = rss_mb()
    errors = 0
    t0 = time.perf_counter()
    nxt = 0
    capped = False
    done = 0
    for i in range(1, n + 1):
        p = profiles[(i * 7919) % len(profiles)]
        try:
            ev.evaluate(p, reqs[ACTIONS[i % len(ACTIONS)]])
        except EngineError:
            errors += 1
        done = i
        if i == checkpoints[nxt]:
            gc.collect()
            samples.append({"evaluations": i, "rss_mb": rss_mb(), "elapsed_s": time.perf_counter() - t0})
            log(f"mem evaluate: {i:,} evaluations, RSS {samples[-1]['rss_mb']:.1f} MB")
            nxt += 1
        elif i % 5000 == 0 and i > 10_000 and time.perf_counter() - t0 > cfg["mem_eval_cap_s"]:
            capped = True
            gc.collect()
            samples.append({"evaluations": i, "rss_mb": rss_mb(), "elapsed_s": time.perf_counter() - t0})
            log(f"mem evaluate: time cap reached at {i:,} evaluations")
            break
    elapsed = time.perf_counter() - t0
    return {
        "done": done,
        "requested": n,
        "capped_by_time": capped,
        "cap_s": cfg["mem_eval_cap_s"],
        "elapsed_s": elapsed,
        "per_call_us": elapsed / done * 1e6,
        "rss_start_mb": rss0,
        "samples": samples,
        "engine_errors": errors,
        "growth_mb": samples[-1]["rss_mb"] - samples[0]["rss_mb"],
        "prepared_cache_entries": len(getattr(ev, "_prepared", {})),
        "peak_mb": peak_mb(),
    }


# ----- section: pool screening ----------------------------------------------------------------
def sec_pool(cfg: dict[str, Any]) -> dict[str, Any]:
    """All screening runs; each in a fresh process, each with a share of the remaining time budget."""
    import pool  # bench/pool.py

    ncores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    worker_counts = sorted({1, ncores})
    deadline = time.perf_counter() + cfg["pool_budget_s"]
    plan: list[dict[str, Any]] = []
    sizes = sorted(cfg["pool_sizes"])
    for size in sizes:  # small runs first, so that every configuration gets a rate
        for a in ("appointment", "planning"):
            for w in sorted(worker_counts, reverse=True):
                plan.append({"label": a, "actions": [a], "size": size, "workers": w, "keep": False})
        if size == cfg["pool_all_n"] or (size == sizes[-1] and cfg["pool_all_n"] not in sizes):
            for w in sorted(worker_counts, reverse=True):
                if w == 1 and not cfg["pool_all_one_worker"] and ncores > 1:
                    continue
                plan.append(
                    {
                        "label": "all actions",
                        "actions": list(ACTIONS),
                        "size": cfg["pool_all_n"],
                        "workers": w,
                        "keep": False,
                    }
                )
    # what keeping each row's full Decision as JSON costs (what a .jsonl report asks for; the default is not to)
    first_big = next(i for i, r in enumerate(plan) if r["size"] == max(sizes))
    plan.insert(
        first_big,
        {
            "label": "appointment",
            "actions": ["appointment"],
            "size": cfg["pool_keep_false_n"],
            "workers": ncores,
            "keep": True,
        },
    )
    info = pool.describe()
    runs = []
    with tempfile.TemporaryDirectory(prefix="elig-bench-") as tmp:
        paths, gen_s, source = pool.write_pools(
            Path(tmp), sorted(set(sizes) | {cfg["pool_all_n"], cfg["pool_keep_false_n"]})
        )
        info["generator"] = source
        info["input_written_s"] = gen_s
        log(f"pool: wrote {len(paths)} JSONL pools in {gen_s:.1f} s (not timed)")
        src = min((k for k in paths if k >= 2000), default=max(paths))
        info["row_profile"] = _screen_profile(paths[src], min(2000, src))
        # the runs below the largest size run to completion (a 120 s safety cap); the largest share what is
        # left of the budget in proportion to their expected cost, all-cores runs (the targets) weighted double
        big = max(r["size"] * len(r["actions"]) for r in plan)
        cost = [len(r["actions"]) * r["size"] * (1.0 if r["workers"] > 1 else 0.5) for r in plan]
        for i, spec in enumerate(plan):
            remaining = deadline - time.perf_counter()
            if spec["size"] < max(sizes) and spec["size"] * len(spec["actions"]) < big:
                cap = 120.0
            else:
                rest = sum(c for j, c in enumerate(cost) if j >= i and plan[j]["size"] >= max(sizes))
                cap = max(10.0, remaining * cost[i] / max(1.0, rest))
            spec = {**spec, "path": str(paths[spec["size"]]), "cap_s": cap}
            r = _pool_child(spec)
            runs.append(r)
            capped = f" (CAPPED at {cap:.0f} s; est. full {r['est_full_s']:.0f} s)" if r["capped"] else ""
            log(
                f"pool {r['label']} n={r['profiles']:,} workers={r['workers']} keep_decision={r['keep_decision']}: "
                f"{r['rows']:,} rows in {r['wall_s']:.1f} s = {r['rows_per_s']:,.0f} rows/s{capped}, "
                f"peak PSS {r['peak_pss_mb']:.0f} MB"
            )
    return {"runs": runs, "implementation": info, "cores": ncores, "budget_s": cfg["pool_budget_s"]}


def _screen_profile(path: Path, n: int) -> dict[str, Any]:
    """cProfile of one screening worker's rows (in process, appointment, API defaults)."""
    import cProfile
    from itertools import islice

    from eligibility import load_rules
    from eligibility.batch.reader import read_pool
    from eligibility.batch.screen import Screener

    rules = load_rules()
    rows = list(islice(read_pool(path, titles=rules.titles), n))
    with Screener(REQUESTS["appointment"], rules, workers=1) as s:
        list(s.screen(rows[:100]))
        prof = cProfile.Profile()
        prof.enable()
        for _ in s.screen(rows):
            pass
        prof.disable()
    phases = [
        ("row (total: _Worker.run)", "cum", "batch/screen.py", "run"),
        ("parse_profile (pydantic validation)", "cum", "model/load.py", "parse_profile"),
        ("  of which levels.Vocabulary.parse (coded values)", "cum", "model/levels.py", "parse"),
        ("facts: derive_facts", "cum", "facts/derive.py", "derive_facts"),
        ("engine: DurableEngine.outcomes", "cum", "engine/durable_adapter.py", "outcomes"),
        ("decide: findings, messages, Decision", "cum", "explain/evaluate.py", "decide"),
        ("RowResult: _result (briefs, traits, decision JSON)", "cum", "batch/screen.py", "_result"),
        ("  of which Decision.to_dict", "cum", "explain/decision.py", "to_dict"),
        ("  of which json.dumps of the Decision (keep_decision=True)", "cum", "json/__init__.py", "dumps"),
    ]
    out = analyse(prof, phases, "row (total: _Worker.run)", len(rows))
    import pickle

    with Screener(REQUESTS["appointment"], rules, workers=1) as s:
        res = list(s.screen(rows[:500]))
    out["decision_json_bytes_median"] = statistics.median(len(r.decision_json or "") for r in res)
    out["pickled_result_bytes_per_row"] = len(pickle.dumps(res)) / len(res)
    with Screener(REQUESTS["appointment"], rules, workers=1, keep_decision=False) as s:
        res = list(s.screen(rows[:500]))
    out["pickled_result_bytes_per_row_keep_false"] = len(pickle.dumps(res)) / len(res)
    return out


def _pool_child(spec: dict[str, Any]) -> dict[str, Any]:
    """One screening run in a fresh process (so ru_maxrss and the memory sampler see only it)."""
    with tempfile.TemporaryDirectory() as tmp:
        res = Path(tmp) / "r.json"
        cmd = [
            sys.executable,
            str(Path(__file__)),
            "--child",
            "pool_one",
            "--spec",
            json.dumps(spec),
            "--result",
            str(res),
        ]
        subprocess.run(cmd, cwd=ROOT, env=_child_env(), check=True)
        return json.loads(res.read_text())


def sec_pool_one(spec: dict[str, Any]) -> dict[str, Any]:
    import pool

    load0 = os.getloadavg()[0]
    with TreeMemory() as mem:
        r = pool.run(
            spec["actions"],
            spec["path"],
            spec["workers"],
            {a: REQUESTS[a] for a in spec["actions"]},
            keep_decision=spec["keep"],
            cap_s=spec["cap_s"],
        )
    rows = r["rows"]
    total_rows = spec["size"] * len(spec["actions"])
    rate = rows / r["wall_s"]
    est = r["wall_s"]
    if r["capped"]:  # each action's start-up and first chunk as measured, the rest at the steady rate
        steady = r["steady_rows_per_s"] or rate
        k = len(spec["actions"])
        est = k * (r["first_result_s"] or 0.0) + max(0, total_rows - k * 1000) / steady
    return {
        "label": spec["label"],
        "actions": spec["actions"],
        "profiles": spec["size"],
        "workers": spec["workers"],
        "cap_s": spec["cap_s"],
        "rows": rows,
        "rows_requested": total_rows,
        "wall_s": r["wall_s"],
        "rows_per_s": rate,
        "est_full_s": est,
        "peak_pss_mb": mem.peak_pss / 1024,
        "peak_rss_sum_mb": mem.peak_rss / 1024,
        "parent_hwm_mb": peak_mb(),
        "max_worker_hwm_mb": max(mem.worker_hwm.values(), default=0) / 1024,
        "processes_seen": mem.max_workers + 1,
        "loadavg_1m_start": load0,
        "loadavg_1m_end": os.getloadavg()[0],
        **{k: v for k, v in r.items() if k not in ("rows", "wall_s")},
    }


KEPT = "<!-- Below: measured by other scripts of bench/ (kept when run.py rewrites the report above). -->"


def write_results(path: Path, text: str) -> None:
    """Write the report, keeping the part of the file below the KEPT marker (other scripts' results)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = old[old.index(KEPT) :] if KEPT in old else ""
    path.write_text(text.rstrip("\n") + ("\n\n" + kept if kept else "\n"), encoding="utf-8")


SECTIONS = {
    "latency": sec_latency,
    "cli": sec_cli,
    "floor": sec_floor,
    "mem_engine": sec_mem_engine,
    "mem_evaluate": sec_mem_evaluate,
    "pool": sec_pool,
}


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE), env.get("PYTHONPATH", "")])
    return env


def run_child(name: str, cfg: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        res = Path(tmp) / "r.json"
        cmd = [sys.executable, str(Path(__file__)), "--child", name, "--spec", json.dumps(cfg), "--result", str(res)]
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=_child_env(), check=True)
        out = json.loads(res.read_text())
        out["section_wall_s"] = time.perf_counter() - t
        return out


# ----- report ----------------------------------------------------------------------------------
from report import render_report  # noqa: E402  (bench/report.py)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller run (about 1.5 minutes)")
    ap.add_argument(
        "--budget",
        type=float,
        help="seconds for the whole run (default 570; quick 150): the "
        "pool runs share what the other sections leave and stop early (marked) when over",
    )
    ap.add_argument("--only", help="comma-separated sections: " + ",".join(SECTIONS))
    ap.add_argument("--no-write", action="store_true", help="print the table, do not write bench/RESULTS.md")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="re-render --out and the table from results.json beside it, without measuring",
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        spec = json.loads(args.spec)
        fn = sec_pool_one if args.child == "pool_one" else SECTIONS[args.child]
        result = fn(spec)
        Path(args.result).write_text(json.dumps(result, ensure_ascii=False, default=str))
        return 0

    if args.report_only:
        results = json.loads((Path(args.out).parent / "results.json").read_text())
        text, table = render_report(results, TARGETS)
        print(table)
        if not args.no_write:
            write_results(Path(args.out), text)
        return 0

    cfg = dict(QUICK if args.quick else FULL)
    if args.budget:
        cfg["budget_s"] = args.budget
    names = args.only.split(",") if args.only else list(SECTIONS)
    t0 = time.perf_counter()
    started = dt.datetime.now(dt.UTC)
    results: dict[str, Any] = {
        "machine": machine(),
        "mode": "quick" if args.quick else "full",
        "config": cfg,
        "started_utc": started.isoformat(timespec="seconds"),
    }
    _, results["generator"] = generator()
    log(f"{results['mode']} run; sections: {', '.join(names)}; generator: {results['generator']}")
    for name in names:
        log(f"section {name} ...")
        if name == "pool":  # the pool runs get whatever is left of the time budget
            cfg["pool_budget_s"] = max(60.0, cfg["budget_s"] - (time.perf_counter() - t0))
        results[name] = run_child(name, cfg)
        log(f"section {name} done in {results[name]['section_wall_s']:.1f} s")
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["total_wall_s"] = time.perf_counter() - t0
    text, table = render_report(results, TARGETS)
    print(table)
    if not args.no_write:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        write_results(Path(args.out), text)
        raw = Path(args.out).parent / "results.json"
        raw.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
        log(f"wrote {args.out} and {raw} ({results['total_wall_s']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
