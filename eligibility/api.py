"""The library's front door: one function for every job. Each command of the CLI is one of these calls
(plus parsing its options and rendering the result); a program, a notebook or a web page calls the same.

=====================  =====================================  ==============================================
command                function                               returns
=====================  =====================================  ==============================================
``check``              :func:`evaluate`                       :class:`~eligibility.explain.decision.Decision`
``explain``            :func:`explain`                        :class:`~eligibility.explain.timeline.Timeline`
``facts``              :func:`derive`                         :class:`DerivedFacts`
``retirement``         :func:`retirement`                     :class:`~eligibility.facts.retirement.Retirement`
``screen``             :func:`screen_file`                    :class:`~eligibility.batch.pipeline.ScreenRun`
``compare``            :func:`compare_files`                  :class:`~eligibility.batch.compare.Comparison`
``template``           :func:`write_template`                 the path written
``rules list|titles|show``  :func:`load_rules`                :class:`~eligibility.rulepack.loader.RulePack`
``rules lint``         :func:`lint`                           (problems, warnings)
``test``               :func:`run_cases`                      :class:`~eligibility.golden.SuiteResult`
``rules mutate``       :func:`mutate`                         :class:`~eligibility.mutate.MutationResult`
=====================  =====================================  ==============================================

Profiles may be given as a :class:`Profile`, a plain dict (validated) or a path to a YAML/JSON file;
requests as a :class:`Request` or a dict — without a ``date``, the request is for today, or for a
nomination the event's reference month. ``rules`` is a loaded :class:`RulePack`, a rule-pack
directory, or ``None`` for the bundled ``rules/``. Bad input raises :class:`InputError` (with
bilingual :class:`Problem` s naming the field); an engine fault raises :class:`EngineError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eligibility.errors import InputError, Problem
from eligibility.explain.decision import Decision
from eligibility.explain.evaluate import Evaluator
from eligibility.explain.inputs import (
    ProfileLike,
    RequestLike,
    RulesLike,
    default_rules,
    profile_of,
    request_of,
    rules_of,
)
from eligibility.model import levels as lv
from eligibility.model.request import Request
from eligibility.rulepack.loader import RulePack, load_rules
from eligibility.serialize import json_meta

__all__ = [
    "DerivedFacts",
    "ProfileLike",
    "RequestLike",
    "RulesLike",
    "compare_files",
    "default_rules",
    "derive",
    "evaluate",
    "explain",
    "lint",
    "load_rules",
    "mutate",
    "profile_of",
    "request_of",
    "retirement",
    "rules_of",
    "run_cases",
    "screen_file",
    "write_template",
]

if TYPE_CHECKING:  # imported where used: the pool and timeline machinery is not needed by `check`
    from eligibility.batch.compare import Comparison
    from eligibility.batch.pipeline import ScreenRun
    from eligibility.explain.timeline import Timeline
    from eligibility.facts.retirement import Retirement
    from eligibility.golden import SuiteResult
    from eligibility.mutate import MutationResult


@lru_cache(maxsize=8)
def _evaluator(rules: RulePack) -> Evaluator:
    return Evaluator(rules)


# ----- one person ---------------------------------------------------------------------------------
def evaluate(profile: ProfileLike, request: RequestLike, rules: RulesLike = None) -> Decision:
    """Evaluate one request for one profile: the verdict and every criterion's finding with its source."""
    pack = rules_of(rules)
    return _evaluator(pack).evaluate(profile_of(profile), request_of(request, pack))


def explain(
    profile: ProfileLike, request: RequestLike, rules: RulesLike = None, *, horizon_years: int = 10
) -> Timeline:
    """Why not, and from when: the decision with its timeline over ``horizon_years`` before and after the
    date (verdict changes and their causes, holds_from / holds_until, what the file needs), verified
    against :func:`evaluate` on every date it reports."""
    from eligibility.explain import timeline

    pack = rules_of(rules)
    return timeline.build(_evaluator(pack), profile_of(profile), request_of(request, pack), horizon_years=horizon_years)


@dataclass
class DerivedFacts:
    """The facts the engine would read for a profile on a date (``eligibility facts``)."""

    profile: str
    date: dt.date
    convention: str
    facts: dict[str, int | bool | str]
    unknown: dict[str, tuple[str, ...]]  # fact → the inputs that would decide it
    missing_inputs: list[dict[str, Any]] = field(default_factory=list)  # {input, facts}: absent inputs, ranked
    retirement: dict[str, object] | None = None
    request: Request | None = field(default=None, metadata=json_meta(skip=True))


def derive(profile: ProfileLike, request: RequestLike, rules: RulesLike = None) -> DerivedFacts:
    """The derived facts of ``profile`` for ``request`` (the action defaults to an appointment, or to a
    nomination when an event is given; without a post the post-specific facts are left out)."""
    pack = rules_of(rules)
    fields = dict(request) if not isinstance(request, Request) else request.model_dump(exclude_none=True)
    if fields.get("action") is None:
        fields["action"] = "nomination" if fields.get("event") and not fields.get("post") else "appointment"
    if fields["action"] != "nomination" and fields.get("post") is None and fields.get("event"):
        fields["action"] = "nomination"
    req = request_of(fields, pack)
    person = profile_of(profile)
    evaluator = _evaluator(pack)
    try:
        prepared = evaluator.prepare(req)
    except InputError:
        if req.post is not None or req.action == "nomination":
            raise
        # no post: the facts of the profile as of the date, with any post to prepare the context
        prepared = evaluator.prepare(req.model_copy(update={"action": "appointment", "post": "giam-doc-so"}))
    factset = evaluator.facts(person, prepared)
    return DerivedFacts(
        profile=person.id,
        date=req.date,
        convention=prepared.context.convention,
        facts=factset.values,
        unknown=dict(sorted(factset.missing.items())),
        missing_inputs=[{"input": i, "facts": names} for i, names in factset.missing_inputs()],
        retirement=factset.retirement.as_dict() if factset.retirement else None,
        request=req,
    )


def retirement(sex: str, born: str | dt.date, convention: str = "actual") -> Retirement:
    """Retirement age and month (BLLĐ 2019, NĐ 135/2020; or the fixed conventions of 2020 and 2021)
    for a sex ("nam", "nữ", "male", …) and a birth date or month ("1965-02", "14/02/1965", "1965")."""
    from eligibility.facts.retirement import CONVENTIONS
    from eligibility.facts.retirement import retirement as compute
    from eligibility.model.dates import parse_partial_date

    def problem(where: str, exc: ValueError, value: object) -> InputError:
        vi, _, en = str(exc).partition(" / ")
        return InputError(Problem(where, vi, en or vi, value))

    try:
        code = lv.SEX.parse(sex)
    except ValueError as exc:
        raise problem("--sex", exc, sex) from None
    try:
        birth = parse_partial_date(born.isoformat() if isinstance(born, dt.date) else born)
    except ValueError as exc:
        raise problem("--born", exc, born) from None
    if convention not in CONVENTIONS:
        raise InputError(
            Problem(
                "--convention",
                f"chọn một trong {', '.join(CONVENTIONS)}",
                f"choose one of {', '.join(CONVENTIONS)}",
                convention,
            )
        )
    return compute(code, birth.year, birth.month, convention)


# ----- pools --------------------------------------------------------------------------------------
def screen_file(pool: str | Path, request: RequestLike, rules: RulesLike = None, **options: Any) -> ScreenRun:
    """Screen a pool file (.xlsx, .csv, .jsonl) and write reports (.xlsx, .jsonl, .html); the options
    (``out``, ``post_column``, ``detail``, ``timeline``, ``workers``, ``chunk_size``, ``progress``,
    ``on_warning``, ``limits``) are those of :func:`eligibility.batch.pipeline.screen_file`. Every row is
    accounted for; how the run ended is ``ScreenRun.exit_code`` (0 / 1 / 3; a refused file raises
    :class:`InputError`; SIGTERM raises :class:`~eligibility.errors.Stopped`). Use
    :class:`~eligibility.batch.screen.Screener` to screen rows you already have."""
    from eligibility.batch.pipeline import screen_file as run

    return run(pool, request, rules, **options)


def screen_partition(rows: Any, request: Any, options: Any = None) -> list[Any]:
    """Screen a partition of a pool where it is (a Dask worker, or any process): ``rows`` (``PoolRow``
    objects or ``(row, profile | dict | InputError)`` pairs), ``request`` (one, or one per action),
    ``options`` (:class:`~eligibility.batch.distributed.PartitionOptions`: the rule pack, kept per process
    by its hash). One tuple of ``RowResult`` per row, as :meth:`Screener.screen_all` gives them. See
    :func:`eligibility.batch.distributed.screen_partition`."""
    from eligibility.batch.distributed import screen_partition as run

    return run(rows, request, options)


def compare_files(
    pool: str | Path,
    request: Mapping[str, Any],
    dates: Sequence[str | dt.date],
    rules: RulesLike = None,
    **options: Any,
) -> Comparison:
    """Who flips between two dates (or two rule packs: ``rules`` for A, ``rules_b=`` for B), and why; the
    options (``rules_b``, ``when``, ``progress``, ``out``, ``lang``, and as for :func:`screen_file`: ``workers``,
    ``chunk_size``, ``limits``, ``scheduler``) are those of :func:`eligibility.batch.compare.compare_files`."""
    from eligibility.batch.compare import compare_files as run

    return run(pool, request, dates, rules, **options)


def write_template(path: str | Path, rules: RulesLike = None) -> Path:
    """The empty pool workbook (.xlsx with a guide and the title codes; or a header-only .csv)."""
    from eligibility.batch.template import write_template as write

    return write(path, rules_of(rules).titles)


# ----- the rule pack ------------------------------------------------------------------------------
def lint(rules_dir: str | Path | None = None, cases_dir: str | Path | None = None) -> tuple[list[str], list[str]]:
    """Check a rule pack beyond loading it: every criterion compiles at every parameter step, every
    criterion has a passing and a failing golden case; returns (problems, warnings)."""
    from eligibility.linter import lint as run

    return run(rules_dir, cases_dir)


def run_cases(path: str | Path = "cases", rules: RulesLike = None) -> SuiteResult:
    """Run the golden cases of a file or folder against a rule pack; a case marked ``xfail`` is judged as
    pytest's strict xfail (its failure is expected, an unexpected pass fails the suite)."""
    from eligibility.golden import load_cases
    from eligibility.golden import run_cases as run

    pack = rules_of(rules)
    return run(load_cases(path), pack, _evaluator(pack))


def mutate(rules_dir: str | Path | None = None, cases_dir: str | Path | None = None, **options: Any) -> MutationResult:
    """The rule-mutation check: every integer of the rule pack moved by ±1 and every ordered comparison
    swapped, one at a time, each judged by the golden cases; the options (``workers``, ``progress``, …)
    are those of :func:`eligibility.mutate.run`."""
    from eligibility.mutate import run

    return run(rules_dir, cases_dir, **options)
