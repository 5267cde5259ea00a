"""Shared fixtures: the bundled rule pack, the example profile, and a forked child with a timeout.

durable_rules can hang instead of failing (a ruleset with 512 branches hangs the first
``assert_fact``), so tests that create generated or deliberately broken rulesets run the
durable part in a forked child and fail on a timeout instead of hanging the suite.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

# `pytest tests/test_fuzz.py --hypothesis-profile=fuzz`: the fuzz tests with 50,000 examples each (2,000 by default)
settings.register_profile("fuzz", max_examples=50_000, deadline=None)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "profile.yaml"


class ChildTimeout(AssertionError):
    """The child did not answer in time (durable hung)."""


class ChildFailed(AssertionError):
    def __init__(self, kind: str, message: str, tb: str) -> None:
        self.kind, self.message, self.tb = kind, message, tb
        super().__init__(f"{kind}: {message}\n{tb}")


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        conn.send(("err", (type(exc).__name__, str(exc), traceback.format_exc())))
    finally:
        conn.close()


def run_isolated(fn: Callable[..., Any], *args: Any, timeout: float = 30.0) -> Any:
    """``fn(*args)`` in a forked child; its result, ChildFailed for an exception, ChildTimeout for a hang."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise ChildTimeout(f"{getattr(fn, '__name__', fn)} did not finish within {timeout} s")
        kind, value = parent.recv()
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(10)
        parent.close()
    if kind == "err":
        raise ChildFailed(*value)
    return value


@pytest.fixture(scope="session")
def rules() -> Any:
    from eligibility import default_rules

    return default_rules()


@pytest.fixture()
def example_data() -> dict[str, Any]:
    """The bundled example profile as a plain dict (a fresh copy for each test)."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


STAFF_STATUSES = ["cán bộ", "công chức", "viên chức", "khác", None]


def with_2026_and_roster_fields(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Synthetic ``{"profile", "request"}`` items given the fields of the 2026 law (staff status, the NĐ 300
    bars, acting posts, a post left and why, maternity leave) and of the provincial seeds (committee seats in
    Lào Cai), deterministically; every one of them has a column of the pool template."""
    for i, item in enumerate(items):
        p = item["profile"]
        if STAFF_STATUSES[i % 5]:
            p["staff_status"] = STAFF_STATUSES[i % 5]
        if i % 3 == 0:
            seat = {"level": ["province", "district"][i % 2], "role": ["member", "standing"][i % 2]}
            p["committees"] = [{**seat, "province": "Lào Cai", "from": "2020-10-15"}]
        elif i % 3 == 1:
            p["committees"] = []
        for k, key in enumerate(("barred_from_office", "under_inspection", "suspended", "responsibility_review")):
            if i % 7 == k:
                p[key] = True
            elif i % 2:
                p[key] = False
        posts = p.get("posts") or []
        if posts and i % 4 == 1:
            posts[-1]["acting"] = True
        if posts and i % 4 == 2:
            reason = ["miễn nhiệm", "từ chức", "kết thúc bình thường"][i % 3]
            left = {"title": "pho-giam-doc-so", "level": "province", "from": "2021-03-01", "to": "2023-12-31"}
            p["posts"] = [{**left, "end_reason": reason}, *posts]
        if p["sex"] == "nữ" and i % 5 == 2:
            p["maternity_leave"] = [{"from": "2026-06-01", "to": "2026-11-30"}]
    return items
