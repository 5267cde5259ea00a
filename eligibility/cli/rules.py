"""The rule pack: ``rules list | titles | show | lint`` and the golden cases (``test``)."""

from __future__ import annotations

import click

from eligibility import api
from eligibility.cli.options import lang_option, rules_option
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


@click.command(help="chạy các ca mẫu / run golden cases")
@click.argument("path", default="cases")
@rules_option
@click.option("-v", "--verbose", is_flag=True, help="also list the cases that pass")
def test(path: str, rules: str | None, verbose: bool) -> int:
    results = api.run_cases(path, rules)
    failed = 0
    for res in results:
        case = res.case
        if not res.ok:
            failed += 1
            click.echo(f"FAIL {case.id} ({case.file})")
            for p in res.problems:
                click.echo(f"     {p}")
        elif verbose:
            click.echo(f"ok   {case.id}")
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0
