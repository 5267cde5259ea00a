"""Renderers of a Decision: plain text (Vietnamese by default), JSON, and a printable HTML page."""

from __future__ import annotations

from typing import Any

from eligibility import templates
from eligibility.explain.decision import OUTCOME_LABELS, TAG_LABELS, VERDICT_LABELS, Decision, Finding

_MARK = {"pass": "✓", "fail": "✗", "waivable": "!", "unknown": "?", "not_applicable": "–"}
_ORDER = {"fail": 0, "waivable": 1, "unknown": 2, "pass": 3, "not_applicable": 4}


def _t(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: _ORDER[f.outcome])


def _request_line(d: Decision, lang: str) -> str:
    r = d.request
    parts = [f"{'action' if lang == 'en' else 'việc'}: {r.get('action')}"]
    for key, vi in (
        ("post", "chức danh"),
        ("level", "cấp"),
        ("locality", "địa phương"),
        ("event", "sự kiện"),
        ("date", "ngày xét"),
    ):
        if key in r:
            parts.append(f"{key if lang == 'en' else vi}: {r[key]}")
    return ", ".join(parts)


def render_text(d: Decision, lang: str = "vi", show_not_applicable: bool = False) -> str:
    out: list[str] = []
    verdict = _t(VERDICT_LABELS[d.verdict], lang)
    out.append(("Profile" if lang == "en" else "Hồ sơ") + f": {d.profile_id}")
    out.append(_request_line(d, lang))
    if d.locality is not None and d.locality.note is not None:
        out.append(
            ("Note" if lang == "en" else "Lưu ý") + ": " + (d.locality.note.en if lang == "en" else d.locality.note.vi)
        )
    out.append(("Verdict" if lang == "en" else "Kết luận") + f": {verdict}  [{d.verdict}]")
    if d.retirement:
        r = d.retirement
        if lang == "en":
            out.append(
                f"Retirement age {r['age_years']}y{r['age_months']}m, reached {r['reached']} "
                f"(convention {d.convention}; age counted at {d.reference_month})"
            )
        else:
            out.append(
                f"Tuổi nghỉ hưu {r['age_years']} tuổi {r['age_months']} tháng, đủ tuổi vào tháng {r['reached']} "
                f"(cách tính: {d.convention}; thời điểm tính tuổi: {d.reference_month})"
            )
    out.append("")
    for f in _sorted(d.findings):
        if f.outcome == "not_applicable" and not show_not_applicable:
            continue
        label = _t(OUTCOME_LABELS[f.outcome], lang)
        title = f.title.en if lang == "en" else f.title.vi
        out.append(f" {_MARK[f.outcome]} [{label}] {title}")
        out.append(f"     {f.message.en if lang == 'en' else f.message.vi}")
        tag = _t(TAG_LABELS[f.confidence], lang)
        src = f"{f.source.number}, {f.source.article}"
        out.append(
            f"     {'Source' if lang == 'en' else 'Căn cứ'}: {src} [{f.confidence}: {tag}]"
            + (f" ({'overlay' if lang == 'en' else 'quy định của tỉnh'} {f.overlay})" if f.overlay else "")
        )
    if d.missing_inputs:
        out.append("")
        out.append(
            "Missing inputs (most decisive first):"
            if lang == "en"
            else "Dữ liệu còn thiếu (quyết định nhiều tiêu chí nhất trước):"
        )
        for m in d.missing_inputs:
            out.append(f"  - {m.input}: {', '.join(m.criteria)}")
    skipped = sum(1 for f in d.findings if f.outcome == "not_applicable")
    if skipped and not show_not_applicable:
        out.append("")
        out.append(
            f"({skipped} criteria not applicable to this request)"
            if lang == "en"
            else f"({skipped} tiêu chí không áp dụng cho yêu cầu này)"
        )
    out.append("")
    out.append(
        ("Regimes in force" if lang == "en" else "Chế độ áp dụng")
        + ": "
        + "; ".join(r.en if lang == "en" else r.vi for r in d.regime)
    )
    out.append(("Rule pack" if lang == "en" else "Bộ quy tắc") + f": {d.rulepack}")
    return "\n".join(out)


def render_json(d: Decision) -> str:
    return d.to_json(indent=2)


def decision_context(d: Decision, lang: str = "vi") -> dict[str, Any]:
    """What ``decision.html.j2`` shows of a decision (the record of one check)."""
    en = lang == "en"
    findings = [
        {
            "outcome": f.outcome,
            "title": f.title.en if en else f.title.vi,
            "criterion": f.criterion,
            "outcome_label": _t(OUTCOME_LABELS[f.outcome], lang),
            "message": f.message.en if en else f.message.vi,
            "source": f"{f.source.number}, {f.source.article}",
            "confidence": f.confidence,
            "confidence_label": _t(TAG_LABELS[f.confidence], lang),
        }
        for f in _sorted(d.findings)
        if f.outcome != "not_applicable"
    ]
    meta = [
        ("Hồ sơ / Profile", d.profile_id),
        ("Yêu cầu / Request", _request_line(d, lang)),
        ("Bộ quy tắc / Rule pack", d.rulepack),
        ("Chế độ / Regimes", "; ".join(r.vi for r in d.regime)),
    ]
    if d.locality is not None and d.locality.note is not None:
        meta.insert(2, ("Lưu ý / Note", d.locality.note.en if en else d.locality.note.vi))
    return {
        "heading": "Eligibility check" if en else "Phiếu kiểm tra điều kiện, tiêu chuẩn cán bộ",
        "profile_id": d.profile_id,
        "meta": meta,
        "verdict": d.verdict,
        "verdict_label": _t(VERDICT_LABELS[d.verdict], lang),
        "columns": ["Criterion", "Outcome", "Explanation", "Source"]
        if en
        else ["Tiêu chí", "Kết quả", "Giải thích", "Căn cứ"],
        "findings": findings,
        "missing": [(m.input, ", ".join(m.criteria)) for m in d.missing_inputs],
    }


def render_html(d: Decision, lang: str = "vi", timeline: dict[str, Any] | None = None) -> str:
    """The printable one-page record (``decision.html.j2``); ``timeline`` is a timeline's context
    (:func:`eligibility.explain.timeline.render.timeline_context`), shown after the findings."""
    return templates.render(
        "decision.html.j2", d=decision_context(d, lang), t=timeline, lang=lang, stylesheets=["record.css"]
    )
