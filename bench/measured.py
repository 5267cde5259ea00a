"""Running one measured configuration in a fresh Python process (shared by scale.py, csv_read.py, compare.py).

The script given is run again as ``SCRIPT --child SPEC --result FILE``; its child mode does the work and
writes a JSON object to FILE. :func:`measure` returns that object with the CPU of the child and all its
descendants (``os.wait4``: user + system), the wall time and ``peak_any_mb`` (``ru_maxrss``: the largest
resident set of the child or any descendant it waited for).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def measure(script: str, spec: dict[str, Any], prefix: str = "bench-") -> dict[str, Any]:
    """Run ``script`` in child mode on ``spec`` in a fresh process; add its CPU, wall time and peak RSS."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".json")
    os.close(fd)
    result = Path(name)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    t = time.perf_counter()
    cmd = [sys.executable, script, "--child", json.dumps(spec), "--result", str(result)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        result.unlink(missing_ok=True)
        raise SystemExit(f"{spec} failed: {err[-1500:]}")
    out: dict[str, Any] = json.loads(result.read_text())
    result.unlink()
    out.update(cpu=usage.ru_utime + usage.ru_stime, wall=wall, peak_any_mb=usage.ru_maxrss / 1024)
    return out
