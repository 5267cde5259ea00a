"""Renderers of a Decision: plain text (Vietnamese by default), JSON, and a printable HTML page."""

from __future__ import annotations

import html
from typing import Any

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
    out.append(("Verdict" if lang == "en" else "Kết luận") + f": {verdict}  [{d.verdict}]")
    if d.coverage is not None:
        out.append(("Coverage" if lang == "en" else "Phạm vi") + f": {d.coverage.line(lang)}")
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


_CSS = """
body{font-family:"Times New Roman",serif;max-width:800px;margin:2em auto;color:#111}
h1{font-size:1.3em;text-align:center;text-transform:uppercase} .meta td{padding:2px 8px}
table.f{border-collapse:collapse;width:100%;font-size:.92em} table.f td,table.f th{border:1px solid #999;padding:4px;vertical-align:top}
.pass{background:#eef8ee}.fail{background:#fbeaea}.waivable{background:#fff6e0}.unknown{background:#f0f0f6}
.verdict{font-size:1.15em;font-weight:bold;margin:1em 0} small{color:#555}
.coverage{font-size:.92em;border-left:3px solid #999;padding:2px 8px}.coverage.warn{border-color:#c60;background:#fff6e0}
@media print{body{margin:0}}
"""


def _coverage_html(d: Decision, lang: str) -> str:
    """The coverage line under the verdict: a warning box after the review date or when something is not encoded."""
    cov = d.coverage
    if cov is None:
        return ""
    cls = "coverage warn" if cov.after_review or cov.not_encoded else "coverage"
    return f'\n<p class="{cls}">{html.escape(cov.line(lang))}</p>'


def render_html(d: Decision, lang: str = "vi", timeline: str | None = None) -> str:
    """A printable page; ``timeline`` is an HTML fragment (``Timeline.render_html``) placed after the findings."""
    e = html.escape
    rows: list[str] = []
    for f in _sorted(d.findings):
        if f.outcome == "not_applicable":
            continue
        msg = f.message.en if lang == "en" else f.message.vi
        title = f.title.en if lang == "en" else f.title.vi
        rows.append(
            f'<tr class="{f.outcome}"><td>{e(title)}<br><small>{e(f.criterion)}</small></td>'
            f"<td>{e(_t(OUTCOME_LABELS[f.outcome], lang))}</td><td>{e(msg)}</td>"
            f"<td>{e(f.source.number)}, {e(f.source.article)}<br><small>[{f.confidence}] "
            f"{e(_t(TAG_LABELS[f.confidence], lang))}</small></td></tr>"
        )
    missing = "".join(f"<li>{e(m.input)}: {e(', '.join(m.criteria))}</li>" for m in d.missing_inputs)
    head = "Eligibility check" if lang == "en" else "Phiếu kiểm tra điều kiện, tiêu chuẩn cán bộ"
    cols = (
        ["Criterion", "Outcome", "Explanation", "Source"]
        if lang == "en"
        else ["Tiêu chí", "Kết quả", "Giải thích", "Căn cứ"]
    )
    meta: list[tuple[str, Any]] = [
        ("Hồ sơ / Profile", d.profile_id),
        ("Yêu cầu / Request", _request_line(d, lang)),
        ("Bộ quy tắc / Rule pack", d.rulepack),
        ("Chế độ / Regimes", "; ".join(r.vi for r in d.regime)),
    ]
    tl_html = "\n" + timeline if timeline else ""
    meta_rows = "".join(f"<tr><td><b>{e(k)}</b></td><td>{e(str(v))}</td></tr>" for k, v in meta)
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{e(head)} — {e(d.profile_id)}</title>
<style>{_CSS}</style></head><body><h1>{e(head)}</h1><table class="meta">{meta_rows}</table>
<p class="verdict">{e(_t(VERDICT_LABELS[d.verdict], lang))} ({e(d.verdict)})</p>{_coverage_html(d, lang)}
<table class="f"><tr>{"".join(f"<th>{c}</th>" for c in cols)}</tr>{"".join(rows)}</table>
{f"<h2>Dữ liệu còn thiếu / Missing inputs</h2><ul>{missing}</ul>" if missing else ""}{tl_html}
<p><small>Kết quả do công cụ eligibility tính theo quy định đang áp dụng vào ngày xét; cấp có thẩm quyền quyết định.
[P] văn bản gốc, [S] nguồn thứ cấp, [D] suy ra, [M] chưa xác minh.</small></p></body></html>
"""
