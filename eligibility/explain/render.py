"""Renderers of a Decision: plain text (Vietnamese by default), JSON, and the record a board signs (HTML).

Vietnamese output names things (the action, the post, the province, the profile inputs) and writes dates
as dd/mm/yyyy; codes stay in JSON and in English output (:mod:`eligibility.explain.names`). The record
(:func:`decision_context`, ``decision.html.j2``; the .docx in :mod:`eligibility.explain.record_docx`) names
the person, says the request in words, gives the verdict in a coloured box with the number of criteria
resting on unverified sources, the findings, the missing inputs by their Vietnamese names, the timeline
chart and what would change the verdict, the coverage of the rule pack, and a signature block.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility.explain import names
from eligibility.explain.decision import OUTCOME_LABELS, TAG_LABELS, VERDICT_LABELS, Decision, Finding
from eligibility.model import levels as lv
from eligibility.model.profile import Profile
from eligibility.rulepack.loader import RulePack

_MARK = {"pass": "✓", "fail": "✗", "waivable": "!", "unknown": "?", "not_applicable": "–"}
_ORDER = {"fail": 0, "waivable": 1, "unknown": 2, "pass": 3, "not_applicable": 4}
SHORT_OUTCOMES = {  # the record's table (the long labels say the same in the verdict box and the text)
    "pass": ("Đạt", "Pass"),
    "fail": ("Không đạt", "Fail"),
    "waivable": ("Không đạt, cấp có thẩm quyền có thể xem xét", "Fail, the authority may decide"),
    "unknown": ("Chưa rõ", "Unknown"),
}
VERDICT_COLOURS = {  # the record's verdict box and the timeline chart (text, background, border)
    "eligible": ("#14532d", "#e7f5ec", "#2e9e4f"),
    "needs_authority": ("#3f2a8c", "#efeafc", "#7a5cd6"),
    "incomplete": ("#6b4a00", "#fff4d6", "#e0a82e"),
    "not_eligible": ("#7f1d1d", "#fbe9e9", "#d64545"),
}


def _t(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: _ORDER[f.outcome])


def _rules(rules: RulePack | None) -> RulePack | None:
    if rules is not None:
        return rules
    from eligibility.explain.inputs import default_rules

    return default_rules()


def _request_line(d: Decision, lang: str, rules: RulePack | None = None) -> str:
    if lang == "en":  # English output keeps the codes (as JSON does)
        r = d.request
        parts = [f"action: {r.get('action')}"]
        parts += [f"{key}: {r[key]}" for key in ("post", "level", "locality", "event", "date") if key in r]
        return ", ".join(parts)
    return names.request_line(d.request, _rules(rules), lang)


def _criterion_titles(d: Decision, lang: str) -> dict[str, str]:
    return {f.criterion: (f.title.en if lang == "en" else f.title.vi) for f in d.findings}


def missing_items(d: Decision, lang: str = "vi") -> list[tuple[str, list[str]]]:
    """The missing inputs, most decisive first: (the input's name, the titles of the criteria it decides);
    in English the input's code, as the JSON names it."""
    titles = _criterion_titles(d, lang)
    return [
        (m.input if lang == "en" else names.input_name(m.input, lang), [titles.get(c, c) for c in m.criteria])
        for m in d.missing_inputs
    ]


def retirement_line(d: Decision, lang: str = "vi") -> str | None:
    r = d.retirement
    if not r:
        return None
    if lang == "en":
        return (
            f"Retirement age {r['age_years']}y{r['age_months']}m, reached {r['reached']} "
            f"(convention {d.convention}; age counted at {d.reference_month})"
        )
    months = f" {r['age_months']} tháng" if r["age_months"] else ""
    return (
        f"Tuổi nghỉ hưu {r['age_years']} tuổi{months}, đủ tuổi vào tháng {names.date_text(str(r['reached']))} "
        f"(cách tính: {names.convention_name(d.convention)}; thời điểm tính tuổi: tháng "
        f"{names.date_text(d.reference_month)})"
    )


def render_text(d: Decision, lang: str = "vi", show_not_applicable: bool = False, rules: RulePack | None = None) -> str:
    out: list[str] = []
    en = lang == "en"
    verdict = _t(VERDICT_LABELS[d.verdict], lang)
    out.append(("Profile" if en else "Hồ sơ") + f": {d.profile_id}")
    out.append(_request_line(d, lang, rules))
    if d.locality is not None and d.locality.note is not None:
        out.append(("Note" if en else "Lưu ý") + ": " + (d.locality.note.en if en else d.locality.note.vi))
    out.append(("Verdict" if en else "Kết luận") + f": {verdict}" + (f"  [{d.verdict}]" if en else ""))
    if d.coverage is not None:
        out.append(("Coverage" if en else "Phạm vi") + f": {d.coverage.line(lang)}")
    retirement = retirement_line(d, lang)
    if retirement:
        out.append(retirement)
    out.append("")
    for f in _sorted(d.findings):
        if f.outcome == "not_applicable" and not show_not_applicable:
            continue
        label = _t(OUTCOME_LABELS[f.outcome], lang)
        title = f.title.en if en else f.title.vi
        out.append(f" {_MARK[f.outcome]} [{label}] {title}")
        out.append(f"     {f.message.en if en else f.message.vi}")
        tag = _t(TAG_LABELS[f.confidence], lang)
        src = f"{f.source.number}, {f.source.article}"
        overlay = ""
        if f.overlay:
            overlay = (
                f" (overlay {f.overlay})"
                if en
                else f" (quy định của tỉnh {names.locality_name(f.overlay, _rules(rules))})"
            )
        out.append(f"     {'Source' if en else 'Căn cứ'}: {src} [{f.confidence}: {tag}]" + overlay)
    if d.missing_inputs:
        out.append("")
        out.append(
            "Missing inputs (most decisive first):"
            if en
            else "Dữ liệu còn thiếu (quyết định nhiều tiêu chí nhất trước):"
        )
        for name, criteria in missing_items(d, lang):
            out.append(f"  - {name}: {'; '.join(criteria)}")
    skipped = sum(1 for f in d.findings if f.outcome == "not_applicable")
    if skipped and not show_not_applicable:
        out.append("")
        out.append(
            f"({skipped} criteria not applicable to this request)"
            if en
            else f"({skipped} tiêu chí không áp dụng cho yêu cầu này)"
        )
    coverage = coverage_line(d, lang)
    if coverage:
        out.append("")
        out.append(coverage)
    out.append("")
    out.append(
        ("Regimes in force" if en else "Chế độ áp dụng") + ": " + "; ".join(r.en if en else r.vi for r in d.regime)
    )
    out.append(("Rule pack" if en else "Bộ quy tắc") + f": {d.rulepack}")
    return "\n".join(out)


def render_json(d: Decision) -> str:
    return d.to_json(indent=2)


def coverage_line(d: Decision, lang: str = "vi") -> str | None:
    """The rule pack's coverage of this request (``Decision.coverage``): its sentence in the reader's language;
    None without coverage."""
    return d.coverage.line(lang) if d.coverage is not None else None


def coverage_warning(d: Decision) -> bool:
    """The coverage needs the reader's attention: a condition not encoded for the date, or a date after the
    rule pack's review."""
    cov = d.coverage
    return cov is not None and (cov.after_review or bool(cov.not_encoded))


def person_items(
    profile: Profile | None, on: dt.date, rules: RulePack | None, lang: str = "vi"
) -> list[tuple[str, str]]:
    """Who the record is about: name, birth date, sex, current post (by name) and unit, file number."""
    en = lang == "en"
    if profile is None:
        return []
    current = sorted(profile.current_posts(on), key=lambda p: p.from_, reverse=True)
    if current:
        post = current[0]
        post_name = post.name or names.title_name(post.title, rules, lang)
        unit = post.body or ""
        if post.locality:
            place = names.locality_name(post.locality, rules)
            unit = f"{unit}, {place}" if unit and place not in unit else unit or place
    elif profile.posts is not None:
        post_name, unit = ("none" if en else "chưa giữ chức vụ lãnh đạo, quản lý"), ""
    else:
        post_name, unit = ("not recorded" if en else "hồ sơ chưa ghi"), ""
    na = "not recorded" if en else "hồ sơ chưa ghi"
    return [
        ("Full name" if en else "Họ và tên", profile.full_name or na),
        ("Born" if en else "Ngày sinh", names.date_text(profile.birth_date, lang)),
        ("Sex" if en else "Giới tính", names.vocab_label(lv.SEX, profile.sex, lang)),
        ("Current post" if en else "Chức vụ hiện tại", post_name),
        ("Unit" if en else "Đơn vị", unit or "—"),
        ("File no." if en else "Số hồ sơ", profile.id),
    ]


def decision_context(
    d: Decision,
    lang: str = "vi",
    *,
    profile: Profile | None = None,
    rules: RulePack | None = None,
    timeline: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What ``decision.html.j2`` (and the .docx) show of a decision: the record of one check. ``profile``
    names the person; ``timeline`` (:func:`eligibility.explain.timeline.render.timeline_context`) adds the
    chart of the verdict over time and what would change it."""
    en = lang == "en"
    pack = _rules(rules)
    applicable = [f for f in _sorted(d.findings) if f.outcome != "not_applicable"]
    findings = [
        {
            "outcome": f.outcome,
            "title": f.title.en if en else f.title.vi,
            "criterion": f.criterion,
            "outcome_label": _t(SHORT_OUTCOMES[f.outcome], lang),
            "message": f.message.en if en else f.message.vi,
            "source": f"{f.source.number}, {f.source.article}",
            "url": f.source.url,
            "confidence": f.confidence,
            "confidence_label": _t(TAG_LABELS[f.confidence], lang),
        }
        for f in applicable
    ]
    counts = {o: sum(1 for f in applicable if f.outcome == o) for o in ("pass", "fail", "waivable", "unknown")}
    unverified = sum(1 for f in applicable if f.unverified)
    if en:
        tally = f"{len(applicable)} criteria apply: " + ", ".join(
            f"{n} {_t(OUTCOME_LABELS[o], lang).lower()}" for o, n in counts.items() if n
        )
        unverified_text = (
            f"{unverified} of them rest on unverified sources [M]"
            if unverified
            else "none rests on an unverified source"
        )
    else:
        labels = {"pass": "đạt", "fail": "không đạt", "waivable": "cần cấp có thẩm quyền xem xét", "unknown": "chưa rõ"}
        tally = f"{len(applicable)} tiêu chí được xét: " + ", ".join(f"{n} {labels[o]}" for o, n in counts.items() if n)
        unverified_text = (
            f"{unverified} tiêu chí dựa trên căn cứ chưa xác minh [M]"
            if unverified
            else "không tiêu chí nào dựa trên căn cứ chưa xác minh"
        )
    request = d.request
    on = request.get("date")
    on_date = dt.date.fromisoformat(on) if isinstance(on, str) else on if isinstance(on, dt.date) else dt.date.today()
    request_items = (
        [(k, str(v)) for k, v in request.items() if k in ("action", "post", "level", "locality", "event", "date")]
        if en
        else names.request_items(request, pack, lang)
    )
    note = None
    if d.locality is not None and d.locality.note is not None:
        note = d.locality.note.en if en else d.locality.note.vi
    colour = VERDICT_COLOURS[d.verdict]
    return {
        "lang": lang,
        "heading": "Eligibility record" if en else "Phiếu kiểm tra điều kiện, tiêu chuẩn cán bộ",
        "profile_id": d.profile_id,
        "person": person_items(profile, on_date, pack, lang),
        "request": request_items,
        "request_line": _request_line(d, lang, pack),
        "note": note,
        "verdict": d.verdict,
        "verdict_label": _t(VERDICT_LABELS[d.verdict], lang),
        "verdict_colour": {"text": colour[0], "background": colour[1], "border": colour[2]},
        "tally": tally,
        "unverified": unverified,
        "unverified_text": unverified_text,
        "retirement": retirement_line(d, lang),
        "columns": ["Criterion", "Outcome", "Explanation", "Source"]
        if en
        else ["Tiêu chí", "Kết quả", "Nhận xét", "Căn cứ"],
        "findings": findings,
        "not_applicable": sum(1 for f in d.findings if f.outcome == "not_applicable"),
        "missing": missing_items(d, lang),
        "coverage": coverage_line(d, lang),
        "coverage_warning": coverage_warning(d),
        "regimes": [r.en if en else r.vi for r in d.regime],
        "rulepack": d.rulepack,
        "timeline": timeline,
        "labels": _labels(lang),
    }


def _labels(lang: str) -> dict[str, str]:
    if lang == "en":
        return {
            "person": "Person",
            "request": "Request",
            "verdict": "Verdict",
            "missing": "Missing inputs (most decisive first)",
            "changes": "What would change the verdict",
            "coverage": "Coverage",
            "regimes": "Regimes in force",
            "rulepack": "Rule pack",
            "not_applicable": "criteria do not apply to this request",
            "drafted": "Prepared by",
            "approved": "Approved by",
            "sign": "(signature, full name)",
            "place_date": "Place, date: …………………………",
            "advice": "Computed by the eligibility tool from the rules in force on the date; the competent "
            "authority decides. [P] primary text read, [S] secondary source, [D] derived, [M] unverified.",
        }
    return {
        "person": "Người được xét",
        "request": "Đề nghị xét",
        "verdict": "Kết luận",
        "missing": "Dữ liệu còn thiếu (quyết định nhiều tiêu chí nhất trước)",
        "changes": "Điều gì làm thay đổi kết luận",
        "coverage": "Phạm vi quy định đã mã hóa",
        "regimes": "Chế độ áp dụng",
        "rulepack": "Bộ quy tắc",
        "not_applicable": "tiêu chí không áp dụng cho đề nghị này",
        "drafted": "Người lập phiếu",
        "approved": "Lãnh đạo duyệt",
        "sign": "(ký, ghi rõ họ tên)",
        "place_date": "……………, ngày …… tháng …… năm ……",
        "advice": "Kết quả do công cụ eligibility tính theo quy định có hiệu lực vào ngày xét; cấp có thẩm quyền "
        "quyết định. [P] đã đối chiếu văn bản gốc, [S] theo nguồn thứ cấp, [D] suy ra từ nguồn, [M] chưa xác minh.",
    }


def render_html(
    d: Decision,
    lang: str = "vi",
    timeline: dict[str, Any] | None = None,
    *,
    profile: Profile | None = None,
    rules: RulePack | None = None,
    full_timeline: bool = False,
    inline_static: bool = True,
    static_url: str = "static",
) -> str:
    """The record (``decision.html.j2``), one A4 page for a typical appointment when printed. ``timeline`` is
    a timeline's context (:func:`eligibility.explain.timeline.render.timeline_context`): the record then shows
    the chart and what would change the verdict, and with ``full_timeline`` the whole timeline section after
    the signatures (``eligibility explain``)."""
    from eligibility import templates  # Jinja2 and the static files: only for a page, not for the text of ``check``

    return templates.render(
        "decision.html.j2",
        d=decision_context(d, lang, profile=profile, rules=rules, timeline=timeline),
        t=timeline if full_timeline else None,
        lang=lang,
        stylesheets=["record.css"],
        inline_static=inline_static,
        static_url=static_url,
    )
