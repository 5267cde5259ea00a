"""One person: ``check``, ``explain``, ``facts``, ``retirement``."""

from __future__ import annotations

import json
from typing import Any

import click

from eligibility import api
from eligibility.cli.options import (
    emit,
    format_option,
    lang_option,
    out_option,
    request_fields,
    request_options,
    rules_option,
)
from eligibility.errors import InputError, Problem


def _check_options(fn: Any) -> Any:
    for deco in (
        click.argument("profile"),
        request_options(),
        rules_option,
        lang_option,
        out_option,
        click.option("--all", "show_all", is_flag=True, help="also list criteria that do not apply"),
    ):
        fn = deco(fn)
    return fn


def _docx_out(out: str | None) -> str:
    if not out:
        raise InputError(
            Problem("--out", "định dạng docx cần --out TỆP.docx", "the docx format needs --out FILE.docx", None)
        )
    return out


@click.command(help="kiểm tra một hồ sơ / check one profile (html, docx: the record a board signs)")
@_check_options
@format_option("text", "json", "html", "docx")
def check(profile: str, fmt: str, lang: str, out: str | None, show_all: bool, rules: str | None, **opts: Any) -> int:
    from eligibility.explain.render import render_html, render_json, render_text

    pack = api.rules_of(rules)
    person = api.profile_of(profile)
    if fmt in ("html", "docx"):  # the record shows the verdict over time: the check with its timeline
        from eligibility.explain import timeline

        tl = api.explain(person, request_fields(opts), pack)
        context = timeline.timeline_context(tl, lang)
        if fmt == "html":
            emit(render_html(tl.decision, lang, timeline=context, profile=person, rules=pack), out)
        else:
            from eligibility.explain.record_docx import write_docx

            write_docx(_docx_out(out), tl.decision, lang, timeline=context, profile=person, rules=pack)
        return 0
    decision = api.evaluate(person, request_fields(opts), pack)
    if fmt == "json":
        emit(render_json(decision), out)
    else:
        emit(render_text(decision, lang, show_not_applicable=show_all, rules=pack), out)
    return 0


@click.command(help="kiểm tra kèm mốc thời gian / check with the timeline (why not, and from when)")
@_check_options
@format_option("text", "json", "html")
def explain(profile: str, fmt: str, lang: str, out: str | None, show_all: bool, rules: str | None, **opts: Any) -> int:
    from eligibility.explain import timeline
    from eligibility.explain.render import render_html, render_text

    pack = api.rules_of(rules)
    person = api.profile_of(profile)
    tl = api.explain(person, request_fields(opts), pack)
    decision = tl.decision  # the same decision, with holds_from / holds_until filled
    if fmt == "json":
        emit(json.dumps({**decision.to_dict(), "timeline": tl.to_dict()}, ensure_ascii=False, indent=2), out)
    elif fmt == "html":
        context = timeline.timeline_context(tl, lang)
        emit(render_html(decision, lang, timeline=context, profile=person, rules=pack, full_timeline=True), out)
    else:
        text = render_text(decision, lang, show_not_applicable=show_all, rules=pack)
        emit(text + "\n\n" + timeline.render_text(tl, lang), out)
    return 0


@click.command(help="dữ kiện suy ra từ hồ sơ / derived facts of a profile")
@click.argument("profile")
@request_options(action_required=False)
@rules_option
@lang_option
@out_option
@format_option("text", "json")
def facts(profile: str, fmt: str, lang: str, out: str | None, rules: str | None, **opts: Any) -> int:
    from eligibility.explain.messages import display
    from eligibility.facts.catalog import FACTS
    from eligibility.serialize import to_json

    got = api.derive(profile, request_fields(opts), rules)
    if fmt == "json":
        emit(to_json(got), out)
        return 0
    en = lang == "en"
    lines = [
        f"{'Profile' if en else 'Hồ sơ'} {got.profile} — {'as of' if en else 'tại ngày'} {got.date} ({got.convention})"
    ]
    for name in sorted(got.facts):
        spec = FACTS[name]
        lines.append(f"  {name:42} {display(name, got.facts[name], lang):>14}   {spec.en if en else spec.vi}")
    if got.missing_inputs:
        lines.append(
            "Unknown — inputs to record, most decisive first:"
            if en
            else "Chưa biết — dữ liệu cần bổ sung (quyết định nhiều dữ kiện nhất trước):"
        )
        lines.extend(f"  {m['input']} ← {', '.join(m['facts'])}" for m in got.missing_inputs)
    emit("\n".join(lines), out)
    return 0


@click.command(help="tuổi nghỉ hưu / retirement age and month")
@click.option("--sex", required=True, help="nam | nữ (male | female)")
@click.option("--born", required=True, help="YYYY-MM-DD, YYYY-MM or YYYY")
@click.option("--convention", default="actual", help="actual | fixed_60_55 | fixed_2021")
@format_option("text", "json")
@lang_option
def retirement(sex: str, born: str, convention: str, fmt: str, lang: str) -> int:
    r = api.retirement(sex, born, convention).as_dict()
    if fmt == "json":
        keys = ("age_years", "age_months", "reached", "pension_from", "convention")
        emit(json.dumps({k: r[k] for k in keys}, ensure_ascii=False))
    elif lang == "en":
        emit(
            f"Retirement age: {r['age_years']} years {r['age_months']} months; reached in {r['reached']}; "
            f"pension from {r['pension_from']} (convention {convention})."
        )
    else:
        emit(
            f"Tuổi nghỉ hưu: {r['age_years']} tuổi {r['age_months']} tháng; đủ tuổi vào tháng {r['reached']}; "
            f"hưởng lương hưu từ tháng {r['pension_from']} (cách tính {convention})."
        )
    return 0
