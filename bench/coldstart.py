#!/usr/bin/env python
"""CLI cold start against ``python -c "import pydantic"`` (issue 14: ``eligibility check`` ≤ 3× it).

    python bench/coldstart.py                 # 15 rounds; prints medians and the ratios within the run
    python bench/coldstart.py --instructions  # also instruction counts (valgrind callgrind; load-proof)

Each round runs, in a shuffled order, as new processes: ``eligibility check`` (the command of bench/run.py)
with the rule-pack cache warm, the same with ``ELIGIBILITY_CACHE=0`` (the YAML read and validated), ``python
-c "import pydantic"`` and ``python -c pass``. Figures: CPU seconds of each process (user + system, from
``os.wait4``: other processes' load does not inflate it much) and wall seconds; the ratio to ``import
pydantic`` is taken within each round, then the median over the rounds.

Bytecode: an installed package has its ``.pyc`` files (pip compiles them), so the package is compiled first
(``compileall``, into ``__pycache__``) and the runs do not inherit ``PYTHONDONTWRITEBYTECODE``; otherwise
every run would compile the package's sources again, which no user pays.
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import CLI_ARGS  # bench/run.py (stdlib imports only)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHECK = CLI_ARGS  # the same command bench/run.py times


def commands() -> dict[str, tuple[list[str], dict[str, str]]]:
    exe = Path(sys.executable).with_name("eligibility")
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "eligibility.cli"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    cache = tempfile.mkdtemp(prefix="bench-coldstart-cache-")
    warm = {**env, "ELIGIBILITY_CACHE_DIR": cache}
    off = {**env, "ELIGIBILITY_CACHE": "0"}
    return {
        "check": (cli + CHECK, warm),
        "check_no_cache": (cli + CHECK, off),
        "import_pydantic": ([sys.executable, "-c", "import pydantic"], env),
        "python_pass": ([sys.executable, "-c", "pass"], env),
    }


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {err[-500:]}")
    return usage.ru_utime + usage.ru_stime, wall


def instructions(cmd: list[str], env: dict[str, str]) -> int | None:
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out", *cmd],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    m = re.search(r"Collected : (\d+)", out.stderr)
    return int(m.group(1)) if m else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--instructions", action="store_true", help="instruction counts with valgrind (slow)")
    args = ap.parse_args()
    compileall.compile_dir(str(ROOT / "eligibility"), quiet=1)
    cmds = commands()
    for cmd, env in cmds.values():  # warm-up: page cache, the rule-pack cache written
        run(cmd, env)
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    wall: dict[str, list[float]] = {k: [] for k in cmds}
    order = list(cmds)
    shuffle = random.Random(14)
    for _ in range(args.rounds):
        shuffle.shuffle(order)
        for name in order:
            c, w = run(*cmds[name])
            cpu[name].append(c)
            wall[name].append(w)
    print(f"{args.rounds} rounds, load average {os.getloadavg()[0]:.2f}; command: eligibility {' '.join(CHECK)}")
    print(f"{'process':<16} {'CPU s':>8} {'wall s':>8} {'CPU ÷ import pydantic':>22} {'wall ÷':>8}")
    base_c, base_w = cpu["import_pydantic"], wall["import_pydantic"]
    for name in cmds:
        rc = statistics.median(a / b for a, b in zip(cpu[name], base_c, strict=True))
        rw = statistics.median(a / b for a, b in zip(wall[name], base_w, strict=True))
        print(
            f"{name:<16} {statistics.median(cpu[name]):8.3f} {statistics.median(wall[name]):8.3f} {rc:21.2f}× {rw:7.2f}×"
        )
    print("target: check ≤ 3× import pydantic")
    if args.instructions:
        counts = {name: instructions(*cmds[name]) for name in cmds}
        if counts["import_pydantic"]:
            print("\ninstructions (callgrind), millions, and the ratio to import pydantic:")
            for name, n in counts.items():
                if n is not None:
                    print(f"{name:<16} {n / 1e6:8.0f} M {n / counts['import_pydantic']:6.2f}×")
        else:
            print("\nvalgrind not available: no instruction counts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
