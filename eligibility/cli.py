"""Command line: a thin shell over the library. Vietnamese output by default, ``--lang en`` for English.

Exit codes: 0 for any verdict, 1 for failing lint or cases, 2 for bad input, 3 for an engine fault.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eligibility.errors import EligibilityError, EngineError, InputError, Problem

Handler = Callable[[argparse.Namespace], int]


def _out(args: argparse.Namespace, text: str) -> None:
    target = getattr(args, "out", None)
    if target:
        Path(target).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    else:
        sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))


def _rules(args: argparse.Namespace) -> Any:
    from eligibility.rulepack import load_rules

    return load_rules(getattr(args, "rules", None))


def request_from_args(args: argparse.Namespace, rules: Any) -> Any:
    """Build a Request from command-line options (shared by check, explain, facts)."""
    from eligibility.model import parse_request

    data: dict[str, Any] = {"action": args.action}
    for key in ("post", "level", "locality", "district", "commune", "event", "term", "convention"):
        value = getattr(args, key, None)
        if value is not None:
            data[key] = value
    for key, attr in (
        ("relation", "relation"),
        ("candidate_source", "source"),
        ("rotation_purpose", "rotation_purpose"),
        ("rotation_months", "rotation_months"),
        ("pool_size_for_title", "pool_size"),
    ):
        value = getattr(args, attr, None)
        if value is not None:
            data[key] = value
    for flag in ("reelection", "full_time", "minority_area"):
        if getattr(args, flag, False):
            data[flag] = True
    if args.date is None:
        data["date"] = _default_date(data, rules)
    else:
        data["date"] = args.date
    return parse_request(data)


def _default_date(data: dict[str, Any], rules: Any) -> str:
    if data.get("action") in ("nomination", "đề cử", "giới thiệu ứng cử") and data.get("event") in rules.events:
        event = rules.events[data["event"]]
        level = data.get("level")
        if level is None and data.get("post") in rules.titles:
            level = rules.titles[data["post"]].level
        from eligibility.model import levels as lv

        try:
            level = lv.LEVEL.parse(level) if level else None
        except ValueError:
            level = None
        if level in event.reference_months:
            return str(event.reference_months[level]) + "-01"
    return dt.date.today().isoformat()


def _add_request_options(p: argparse.ArgumentParser, action_required: bool = True) -> None:
    p.add_argument(
        "--action",
        required=action_required,
        help="planning | appointment | reappointment | nomination | rotation | nonlocal_placement",
    )
    p.add_argument("--post", help="mã chức danh / title code (eligibility rules titles)")
    p.add_argument(
        "--date",
        help="ngày xét (YYYY-MM-DD) — the date the file is received; default: today, "
        "or the event's reference month for a nomination",
    )
    p.add_argument("--level", help="cấp: province | district | commune | central (for a nomination without --post)")
    p.add_argument("--locality", help="tỉnh nơi bố trí / province of the post, e.g. lao-cai")
    p.add_argument(
        "--district", help="huyện nơi bố trí (chức danh cấp huyện, cấp xã đến 30/6/2025) / the post's district"
    )
    p.add_argument("--commune", help="xã nơi bố trí (chức danh cấp xã) / the post's commune")
    p.add_argument("--event", help="nomination event: congress-2020 | elections-2021 | congress-2025")
    p.add_argument("--reelection", action="store_true", help="tái cử / re-election")
    p.add_argument(
        "--full-time", dest="full_time", action="store_true", help="đại biểu chuyên trách / full-time deputy"
    )
    p.add_argument("--relation", help="first | higher (default) | equivalent | lower")
    p.add_argument("--source", help="nguồn nhân sự: local | outside")
    p.add_argument("--rotation-purpose", dest="rotation_purpose", help="training (default) | nonlocal | two_term")
    p.add_argument("--rotation-months", dest="rotation_months", type=int, help="planned length of the rotation")
    p.add_argument("--term", help="planning: the planned term, e.g. 2026-2031")
    p.add_argument("--pool-size", dest="pool_size", type=int, help="planning: people already planned for the title")
    p.add_argument(
        "--minority-area",
        dest="minority_area",
        action="store_true",
        help="the post is in an ethnic-minority area (vùng đồng bào dân tộc thiểu số)",
    )
    p.add_argument("--convention", help="force a retirement-age convention: actual | fixed_60_55 | fixed_2021")
    p.add_argument("--rules", help="rule-pack directory (default: the bundled rules/)")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.add_argument("--out", help="write to this file instead of standard output")


def cmd_retirement(args: argparse.Namespace) -> int:
    from eligibility.facts.retirement import CONVENTIONS, retirement
    from eligibility.model import levels as lv
    from eligibility.model.dates import parse_partial_date

    try:
        sex = lv.SEX.parse(args.sex)
    except ValueError as exc:
        vi, _, en = str(exc).partition(" / ")
        raise InputError(Problem("--sex", vi, en or vi, args.sex)) from None
    try:
        born = parse_partial_date(args.born)
    except ValueError as exc:
        vi, _, en = str(exc).partition(" / ")
        raise InputError(Problem("--born", vi, en or vi, args.born)) from None
    if args.convention not in CONVENTIONS:
        raise InputError(
            Problem(
                "--convention",
                f"chọn một trong {', '.join(CONVENTIONS)}",
                f"choose one of {', '.join(CONVENTIONS)}",
                args.convention,
            )
        )
    r = retirement(sex, born.year, born.month, args.convention)
    data = r.as_dict()
    if args.format == "json":
        _out(
            args,
            json.dumps(
                {k: data[k] for k in ("age_years", "age_months", "reached", "pension_from", "convention")},
                ensure_ascii=False,
            ),
        )
    elif args.lang == "en":
        _out(
            args,
            f"Retirement age: {data['age_years']} years {data['age_months']} months; reached in {data['reached']}; "
            f"pension from {data['pension_from']} (convention {args.convention}).",
        )
    else:
        _out(
            args,
            f"Tuổi nghỉ hưu: {data['age_years']} tuổi {data['age_months']} tháng; đủ tuổi vào tháng {data['reached']}; "
            f"hưởng lương hưu từ tháng {data['pension_from']} (cách tính {args.convention}).",
        )
    return 0


def cmd_facts(args: argparse.Namespace) -> int:
    from eligibility.explain.evaluate import Evaluator
    from eligibility.explain.messages import display
    from eligibility.facts.catalog import FACTS
    from eligibility.model import load_profile

    rules = _rules(args)
    profile = load_profile(args.profile)
    if args.action is None:
        args.action = "appointment" if args.post else "nomination" if args.event else "appointment"
    if args.action != "nomination" and args.post is None:
        # facts without a target post: evaluate as of the date with no post-specific facts
        args.action = "nomination" if args.event else args.action
    evaluator = Evaluator(rules, engine=_NoEngine())
    request = request_from_args(args, rules)
    try:
        prepared = evaluator.prepare(request)
    except InputError:
        if request.post is not None or request.action == "nomination":
            raise
        prepared = evaluator.prepare(request.model_copy(update={"action": "appointment", "post": "giam-doc-so"}))
    factset = evaluator.facts(profile, prepared)
    values = factset.values
    if args.format == "json":
        payload = {
            "profile": profile.id,
            "date": request.date.isoformat(),
            "convention": prepared.context.convention,
            "facts": values,
            "unknown": {k: list(v) for k, v in sorted(factset.missing.items())},
            "missing_inputs": [{"input": k, "facts": v} for k, v in factset.missing_inputs()],
            "retirement": factset.retirement.as_dict() if factset.retirement else None,
        }
        _out(args, json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    lines = [
        f"{'Profile' if args.lang == 'en' else 'Hồ sơ'} {profile.id} — "
        f"{'as of' if args.lang == 'en' else 'tại ngày'} {request.date.isoformat()} ({prepared.context.convention})"
    ]
    for name in sorted(values):
        spec = FACTS[name]
        label = spec.en if args.lang == "en" else spec.vi
        lines.append(f"  {name:42} {display(name, values[name], args.lang):>14}   {label}")
    if factset.missing:
        lines.append(
            "Unknown — inputs to record, most decisive first:"
            if args.lang == "en"
            else "Chưa biết — dữ liệu cần bổ sung (quyết định nhiều dữ kiện nhất trước):"
        )
        for inp, names in factset.missing_inputs():
            lines.append(f"  {inp} ← {', '.join(names)}")
    _out(args, "\n".join(lines))
    return 0


class _NoEngine:
    def outcomes(self, version: Any, facts: Any) -> dict[str, str]:  # pragma: no cover - never called
        raise EngineError("facts command does not evaluate")


def cmd_check(args: argparse.Namespace) -> int:
    from eligibility.explain.evaluate import Evaluator
    from eligibility.explain.render import render_html, render_json, render_text
    from eligibility.model import load_profile

    rules = _rules(args)
    profile = load_profile(args.profile)
    request = request_from_args(args, rules)
    decision = Evaluator(rules).evaluate(profile, request)
    extra = ""
    if getattr(args, "timeline", False):
        from eligibility.explain import timeline

        tl = timeline.build(Evaluator(rules), profile, request)
        decision = tl.decision  # the same decision, with holds_from / holds_until filled
        if args.format == "json":
            data = decision.to_dict()
            data["timeline"] = tl.to_dict()
            _out(args, json.dumps(data, ensure_ascii=False, indent=2))
            return 0
        if args.format == "html":
            _out(args, render_html(decision, args.lang, timeline=tl.render_html(args.lang)))
            return 0
        extra = "\n\n" + tl.render_text(args.lang)
    if args.format == "json":
        _out(args, render_json(decision))
    elif args.format == "html":
        _out(args, render_html(decision, args.lang))
    else:
        _out(args, render_text(decision, args.lang, show_not_applicable=args.all) + extra)
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from eligibility.rulepack.lint import lint, render_criterion

    if args.rules_cmd == "lint":
        problems, warnings = lint(getattr(args, "rules", None), args.cases)
        for w in warnings:
            print(f"warning: {w}")
        for p in problems:
            print(f"error: {p}")
        print(f"{len(problems)} problem(s), {len(warnings)} warning(s)")
        return 1 if problems else 0
    if args.rules_cmd == "mutate":
        return _cmd_mutate(args)
    rules = _rules(args)
    if args.rules_cmd == "list":
        for c in sorted(rules.criteria, key=lambda c: c.id):
            s = c.spec
            window = f"{s.in_force.from_}…{s.in_force.until or ''}"
            title = s.title.en if args.lang == "en" else s.title.vi
            print(f"{c.id:58} {','.join(s.actions):28} {s.topic:20} {window:23} {title}")
        return 0
    if args.rules_cmd == "titles":
        for t in rules.titles.values():
            print(f"{t.code:26} {t.level:9} {t.grade:3}  {t.en if args.lang == 'en' else t.vi}")
        return 0
    if args.rules_cmd == "show":
        try:
            c = rules.criterion(args.id)
        except KeyError:
            raise InputError(Problem("ID", "không có tiêu chí này", "no such criterion", args.id)) from None
        print(render_criterion(c, rules, args.lang))
        return 0
    return 2


def _cmd_mutate(args: argparse.Namespace) -> int:
    from eligibility.mutate import REVIEW_DATE, run

    def progress(done: int, total: int, outcome: Any) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{done}/{total} mutants")
            sys.stderr.flush()

    result = run(getattr(args, "rules", None), args.cases, workers=args.workers, on_progress=progress)
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    for m in result.survivors:
        mark = f" [in force on {REVIEW_DATE:%d/%m/%Y}]" if m.in_force_on(REVIEW_DATE) else ""
        print(f"survivor: {m.label}{mark}")
    print(result.summary())
    ok = result.score * 100 >= args.min_score and not result.survivors_in_force(REVIEW_DATE)
    return 0 if ok else 1


def cmd_test(args: argparse.Namespace) -> int:
    from eligibility.golden import SuiteResult, load_cases, run_cases

    rules = _rules(args)
    suite = run_cases(load_cases(args.path), rules)
    for res in suite.results:
        status = SuiteResult.status(res)
        if status in ("fail", "xpass"):
            print(f"{status.upper()} {res.case.id} ({res.case.file})")
            if status == "xpass":
                print(f"     expected to fail: {res.case.xfail}")
            for p in res.problems:
                print(f"     {p}")
        elif args.verbose:
            print(f"{'ok  ' if status == 'pass' else 'xfail'} {res.case.id}")
    print(suite.summary())
    return 0 if suite.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eligibility",
        description=(
            "Kiểm tra điều kiện, tiêu chuẩn cán bộ (quy hoạch, bổ nhiệm, bổ nhiệm lại, giới thiệu ứng cử, luân chuyển, "
            "bố trí không là người địa phương) — personnel eligibility checks with legal sources."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("retirement", help="tuổi nghỉ hưu / retirement age and month")
    p.add_argument("--sex", required=True)
    p.add_argument("--born", required=True, help="YYYY-MM-DD, YYYY-MM or YYYY")
    p.add_argument("--convention", default="actual", help="actual | fixed_60_55 | fixed_2021")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_retirement)

    p = sub.add_parser("facts", help="dữ kiện suy ra từ hồ sơ / derived facts of a profile")
    p.add_argument("profile")
    _add_request_options(p, action_required=False)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_facts)

    for name, helptext, timeline in (
        ("check", "kiểm tra một hồ sơ / check one profile", False),
        ("explain", "kiểm tra kèm mốc thời gian / check with the timeline", True),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("profile")
        _add_request_options(p)
        p.add_argument("--format", choices=["text", "json", "html"], default="text")
        p.add_argument("--all", action="store_true", help="also list criteria that do not apply")
        p.set_defaults(func=cmd_check, timeline=timeline)

    p = sub.add_parser("rules", help="bộ quy tắc / the rule pack")
    rsub = p.add_subparsers(dest="rules_cmd", required=True)
    for name in ("list", "titles", "lint"):
        rp = rsub.add_parser(name)
        rp.add_argument("--rules")
        rp.add_argument("--lang", choices=["vi", "en"], default="vi")
        if name == "lint":
            rp.add_argument("--cases", default=None, help="cases directory (default: cases/ beside rules/)")
    rp = rsub.add_parser("mutate", help="mutation testing: move each threshold by one, run the golden cases")
    rp.add_argument("--rules")
    rp.add_argument("--cases", default=None, help="cases directory (default: cases/ beside rules/)")
    rp.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores; 0: in process)")
    rp.add_argument("--min-score", dest="min_score", type=float, default=95.0, help="exit 1 below this percentage")
    rp = rsub.add_parser("show")
    rp.add_argument("id")
    rp.add_argument("--rules")
    rp.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("test", help="chạy các ca mẫu / run golden cases")
    p.add_argument("path", nargs="?", default="cases")
    p.add_argument("--rules")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_test)

    from eligibility.explain.compare import add_command as add_compare  # issue 6: who flips between A and B

    add_compare(sub)

    from eligibility.batch.commands import add_commands

    add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", "vi")
    try:
        code: int = args.func(args)
        return code
    except EligibilityError as exc:
        sys.stderr.write(exc.render(lang) + "\n")
        return 2
    except EngineError as exc:
        sys.stderr.write(f"Lỗi bộ máy suy luận (không phải kết luận) / engine fault (not a verdict): {exc}\n")
        return 3
    except BrokenPipeError:  # pragma: no cover
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
