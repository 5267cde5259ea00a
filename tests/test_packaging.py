"""The wheel carries everything the package needs: build it, install it in a fresh virtual environment,
and check the bundled example from another folder (no checkout on the path: the rule pack must come from
inside the installed package).

The install takes its dependencies from the package index through pip's cache (durable-rules is built
from its sdist once, then its wheel is cached), so after the first run this takes some seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import EXAMPLE, ROOT


def test_package_list_covers_every_folder_of_the_package() -> None:
    """pyproject lists the packages explicitly (rules/ is mapped into them): none may be forgotten."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(p.relative_to(ROOT).parts)
        for p in (ROOT / "eligibility").rglob("*")
        if p.is_dir() and p.name != "__pycache__" and any(p.iterdir())
    }
    rules = {"eligibility.rules"} | {
        "eligibility.rules." + p.name for p in (ROOT / "rules").iterdir() if p.is_dir() and any(p.glob("*.yaml"))
    }
    assert listed == {"eligibility"} | on_disk | rules
    assert config["package-dir"] == {"eligibility.rules": "rules"}


def test_wheel_installs_in_a_fresh_venv_and_checks_the_example_from_another_folder(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("eligibility", "rules"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ELIGIBILITY_RULES", "VIRTUAL_ENV")}
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    dist = tmp_path / "dist"
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(dist), str(src)], check=True, env=env, timeout=600)
    [wheel] = dist.glob("eligibility-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", str(wheel)], check=True, env=env, timeout=900)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # issue 11: the example is eligible under NĐ 300/2026; on 2025-11-03 NĐ 170/2025's original text is not encoded
    args = ["--action", "appointment", "--post", "giam-doc-so", "--locality", "lao-cai", "--date", "2026-11-03"]
    run = subprocess.run(
        [str(venv / "bin" / "eligibility"), "check", str(EXAMPLE), *args, "--format", "json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert '"verdict": "eligible"' in run.stdout
    where = subprocess.run(
        [str(python), "-c", "from eligibility.rulepack import default_rules_dir; print(default_rules_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)) and where.endswith("eligibility/rules"), where
