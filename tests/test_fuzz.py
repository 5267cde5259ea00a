"""Fuzzing with schema-shaped garbage (issue 13): ``evaluate`` and the pool readers may only raise
:class:`InputError`, never anything else, and no single call may take more than 2 s (a hang bound,
not a speed figure).

2,000 examples each by default; run more with the hypothesis profile ``fuzz``
(``pytest tests/test_fuzz.py --hypothesis-profile=fuzz``: 50,000). Measured on main before the fix:
3,493 exceptions in 75,000 calls of ``evaluate`` (``OverflowError`` for a birth year past 2³¹,
``RulePackError`` for any date before 2013-05-01)."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import evaluate, load_rules
from eligibility.batch.columns import COLUMNS
from eligibility.batch.reader import read_pool
from eligibility.batch.screen import _Worker
from eligibility.errors import InputError
from eligibility.model.request import Request

EXAMPLES = max(2_000, settings.default.max_examples)
CALL_SECONDS = 2.0
PACK = load_rules()
EXAMPLE_PROFILE: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
TITLES = sorted(PACK.titles)
ACTIONS = ["planning", "appointment", "reappointment", "nomination", "rotation", "nonlocal_placement"]

# ----- garbage shaped like the schema -----------------------------------------------------------------
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2**31, 2**31 - 1, 2**63, 10**30, 1900, 2100, 2101, 1899, 99999999999]),
    st.floats(allow_nan=True, allow_infinity=True),
)
date_texts = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.from_regex(r"\A[0-9]{1,12}([-/.][0-9]{1,12}){0,2}\Z"),
    st.sampled_from(["2020-02-30", "31/02/1980", "99999-01-01", "01/01/99999999999", "0000-00-00", "1972"]),
)
texts = st.one_of(
    st.text(max_size=40), date_texts, st.sampled_from(["", " ", "không", "có", "nam", "nữ", "\x00", "=1+1"])
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
garbage = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=6,
)


def _like(value: Any) -> st.SearchStrategy[Any]:
    """Values shaped like ``value`` (the example's), or garbage."""
    if isinstance(value, dict):
        return st.one_of(
            st.fixed_dictionaries({}, optional={k: _like(v) for k, v in value.items()}),
            garbage,
        )
    if isinstance(value, list):
        if value:
            return st.one_of(st.lists(_like(value[0]), max_size=2), garbage)
        return st.one_of(st.just([]), garbage)
    return st.one_of(st.just(value), scalars)


profiles = st.fixed_dictionaries(
    {"id": st.one_of(st.just("F1"), scalars), "sex": st.one_of(st.sampled_from(["nam", "nữ"]), scalars)},
    optional={k: _like(v) for k, v in EXAMPLE_PROFILE.items() if k not in ("id", "sex")},
)
requests = st.fixed_dictionaries(
    {
        "action": st.one_of(st.sampled_from(ACTIONS), scalars),
        "date": st.one_of(st.dates().map(lambda d: d.isoformat()), scalars),
    },
    optional={
        "post": st.one_of(st.sampled_from(TITLES), scalars),
        "locality": st.one_of(st.sampled_from(["lao-cai", "ha-noi", "Lào Cai"]), scalars),
        "event": st.one_of(st.sampled_from(["congress-2025", "elections-2021"]), scalars),
        "term": st.one_of(st.just("2026-2031"), scalars),
    },
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(profile=profiles, request=requests)
def test_evaluate_raises_only_input_errors_quickly(profile: dict[str, Any], request: dict[str, Any]) -> None:
    started = time.perf_counter()
    try:
        evaluate(profile, request, PACK)
    except InputError as exc:
        assert exc.problems and all(p.vi and p.en for p in exc.problems)
    assert time.perf_counter() - started < CALL_SECONDS


# ----- pool files --------------------------------------------------------------------------------------
HEADERS = [c.vi for c in COLUMNS[:14]]
cells = st.one_of(texts, numbers.map(str), st.just(""))
csv_rows = st.lists(st.lists(cells, min_size=0, max_size=len(HEADERS) + 2), max_size=8)
raw_lines = st.lists(st.text(alphabet=st.sampled_from(list('ab,;"\t\r\n 1/-')), max_size=30), max_size=6)
WORKER = _Worker(
    PACK, Request.model_validate({"action": "planning", "post": "giam-doc-so", "date": "2025-10-01"}), False, "issues"
)


def _screen_all(path: Path, skipped: list[int] | None = None) -> int:
    """Read the pool and screen every row in this process; the number of rows (each got a result)."""
    try:
        source = read_pool(path, titles=PACK.titles)
    except InputError:
        return -1
    n = 0
    for row in source:
        started = time.perf_counter()
        result = WORKER.run(row)
        assert result.row == row.row and result.status in ("ok", "input_error")
        assert time.perf_counter() - started < CALL_SECONDS
        n += 1
    if skipped is not None:
        skipped.append(source.skipped_rows)
    return n


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=csv_rows, noise=raw_lines, delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_reader_accounts_for_every_line(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], noise: list[str], delimiter: str
) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(HEADERS)
    w.writerows(rows)
    text = buf.getvalue() + "".join(noise)
    path = tmp_path_factory.mktemp("csv") / "pool.csv"
    path.write_text(text, encoding="utf-8")
    skipped: list[int] = []
    n = _screen_all(path, skipped)
    assert n >= 0  # the header is always found
    if not noise:  # well-formed: every non-blank record is a result or a reported skip, none lost
        assert n + skipped[0] == sum(1 for r in rows if any(c.strip() for c in r))


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=list(HealthCheck))
@given(items=st.lists(st.one_of(profiles, garbage), max_size=4))
def test_jsonl_reader_gives_every_line_a_result(tmp_path_factory: pytest.TempPathFactory, items: list[Any]) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "pool.jsonl"
    lines = [json.dumps(x, ensure_ascii=False, default=str, allow_nan=True) for x in items]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _screen_all(path) == len(lines)
