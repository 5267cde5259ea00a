"""The rule pack: ``rules list | titles | show | lint`` and the golden cases (``test``)."""

from __future__ import annotations

import click

from eligibility import api
from eligibility.cli.options import lang_option, progress_bar, progress_option, rules_option
from eligibility.errors import InputError, Problem


@click.group(help="bộ quy tắc / the rule pack")
def rules() -> None:
    pass


@rules.command("list", help="every criterion: id, actions, topic, window, title")
@rules_option
@lang_option
def list_criteria(rules: str | None, lang: str) -> int:
    pack = api.rules_of(rules)
    for c in sorted(pack.criteria, key=lambda c: c.id):
        s = c.spec
        window = f"{s.in_force.from_}…{s.in_force.until or ''}"
        title = s.title.en if lang == "en" else s.title.vi
        click.echo(f"{c.id:58} {','.join(s.actions):28} {s.topic:20} {window:23} {title}")
    return 0


@rules.command("titles", help="the catalogue of posts: code, level, grade, name")
@rules_option
@lang_option
def titles(rules: str | None, lang: str) -> int:
    for t in api.rules_of(rules).titles.values():
        click.echo(f"{t.code:26} {t.level:9} {t.grade:3}  {t.en if lang == 'en' else t.vi}")
    return 0


@rules.command("show", help="one criterion: condition, parameters by date, sources and what was checked of them")
@click.argument("criterion_id", metavar="ID")
@rules_option
@lang_option
def show(criterion_id: str, rules: str | None, lang: str) -> int:
    from eligibility.linter import render_criterion

    pack = api.rules_of(rules)
    try:
        c = pack.criterion(criterion_id)
    except KeyError:
        raise InputError(Problem("ID", "không có tiêu chí này", "no such criterion", criterion_id)) from None
    click.echo(render_criterion(c, pack, lang))
    return 0


@rules.command("lint", help="compile every criterion at every step; a passing and a failing case for each")
@rules_option
@lang_option
@click.option("--cases", default=None, help="cases directory (default: cases/ beside rules/)")
def lint(rules: str | None, lang: str, cases: str | None) -> int:
    problems, warnings = api.lint(rules, cases)
    for w in warnings:
        click.echo(f"warning: {w}")
    for p in problems:
        click.echo(f"error: {p}")
    click.echo(f"{len(problems)} problem(s), {len(warnings)} warning(s)")
    return 1 if problems else 0


@rules.command(
    "mutate", help="mutation testing: move each threshold by one, swap each comparison, run the golden cases"
)
@rules_option
@click.option("--cases", default=None, help="cases directory (default: cases/ beside rules/)")
@click.option("--workers", type=int, default=None, help="worker processes (default: all cores; 0: in this process)")
@click.option("--min-score", type=float, default=95.0, show_default=True, help="exit 1 below this percentage")
@progress_option
def mutate(rules: str | None, cases: str | None, workers: int | None, min_score: float, progress: str) -> int:
    with progress_bar(progress, unit="mutant", min_rows=0) as hook:
        result = api.mutate(rules, cases, workers=workers, progress=hook)
    for m in result.survivors:  # the review date is rules/coverage.yaml's reviewed_through
        mark = f" [in force on {result.review_date:%d/%m/%Y}]" if m.in_force_on(result.review_date) else ""
        click.echo(f"survivor: {m.label}{mark}")
    click.echo(result.summary())
    ok = result.score * 100 >= min_score and not result.survivors_in_force()
    return 0 if ok else 1


@click.command(help="chạy các ca mẫu / run golden cases")
@click.argument("path", default="cases")
@rules_option
@click.option("-v", "--verbose", is_flag=True, help="also list the cases that pass")
def test(path: str, rules: str | None, verbose: bool) -> int:
    from eligibility.golden import SuiteResult

    suite = api.run_cases(path, rules)
    for res in suite.results:
        status = SuiteResult.status(res)
        if status in ("fail", "xpass"):
            click.echo(f"{status.upper()} {res.case.id} ({res.case.file})")
            if status == "xpass":
                click.echo(f"     expected to fail: {res.case.xfail}")
            for p in res.problems:
                click.echo(f"     {p}")
        elif verbose:
            click.echo(f"{'ok   ' if status == 'pass' else 'xfail'} {res.case.id}")
    click.echo(suite.summary())
    return 0 if suite.ok else 1
