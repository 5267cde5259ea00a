"""What a cold ``eligibility check`` and ``import eligibility`` import (issue 14, cold start): the command
imports the layers it uses and nothing of the pool, timeline, web or report machinery, nor their
libraries; ``import eligibility`` alone imports nothing. Each runs in a fresh interpreter, which then
lists its ``sys.modules``. (How long a cold start takes is measured in ``bench/coldstart.py``, not here.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

CHECK = ["check", str(EXAMPLE), "--action", "appointment", "--post", "giam-doc-so", "--locality", "lao-cai"]
CHECK += ["--date", "2026-11-03"]

# modules a check of one profile (text or JSON) has no use for
NOT_FOR_CHECK = (
    "eligibility.batch",
    "eligibility.web",
    "eligibility.explain.timeline",
    "eligibility.explain.record_docx",
    "eligibility.explain.roster",
    "eligibility.explain.lean",
    "eligibility.templates",
    "eligibility.golden",
    "eligibility.linter",
    "eligibility.mutate",
    "eligibility.cli.pool",
    "eligibility.cli.rules",
    "eligibility.cli.serve",
    "jinja2",
    "markupsafe",
    "fastapi",
    "starlette",
    "uvicorn",
    "dask",
    "distributed",
    "pyarrow",
    "openpyxl",
    "xlsxwriter",
    "python_calamine",
    "docx",
    "tqdm",
    "rich",
    "difflib",
)

PROBE = """
import json, sys
from eligibility.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
sys.stderr.write(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules(tmp_path: Path, script: str, *args: str, cache: bool = True) -> tuple[str, dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELIGIBILITY_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["ELIGIBILITY_CACHE_DIR"] = str(tmp_path / "cache")
    if not cache:
        env["ELIGIBILITY_CACHE"] = "0"
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, json.loads(proc.stderr.splitlines()[-1])


def _unwanted(modules: object) -> list[str]:
    assert isinstance(modules, list)
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in NOT_FOR_CHECK)]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_imports_only_what_it_uses(tmp_path: Path, fmt: str) -> None:
    # the first run reads the rule pack's YAML and writes the cache, the second reads the cache, the third
    # has the cache turned off: none of the three imports what a check does not use
    for cache in (True, True, False):
        out, seen = _modules(tmp_path, PROBE, *CHECK, "--format", fmt, cache=cache)
        assert seen["code"] == 0
        assert ("Đủ điều kiện" in out) if fmt == "text" else (json.loads(out)["verdict"] == "eligible")
        assert _unwanted(seen["modules"]) == []
    assert list((tmp_path / "cache").glob("rulepack-*.pickle"))  # the cache was written (and then read)


def test_import_eligibility_imports_nothing_else(tmp_path: Path) -> None:
    script = "import json, sys, eligibility; sys.stderr.write(json.dumps({'modules': sorted(sys.modules)}))"
    _, seen = _modules(tmp_path, script)
    modules = seen["modules"]
    assert isinstance(modules, list)
    assert [m for m in modules if m.startswith("eligibility.")] == []
    assert [m for m in modules if m.split(".")[0] in ("pydantic", "yaml", "click", "durable_rules_engine")] == []


def test_the_public_names_resolve_and_keep_their_meaning() -> None:
    # lazily imported: every name of __all__ is there, and eligibility.explain / .mutate are the functions
    # even once their same-named modules are imported
    import eligibility
    import eligibility.explain.render  # noqa: F401 - binds the submodule 'explain' to the package
    import eligibility.mutate  # noqa: F401

    for name in eligibility.__all__:
        assert getattr(eligibility, name) is not None, name
    assert callable(eligibility.explain) and callable(eligibility.mutate)
    assert eligibility.explain.__module__ == eligibility.mutate.__module__ == "eligibility.api"
    assert eligibility.api.evaluate is eligibility.evaluate
