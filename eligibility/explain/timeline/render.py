"""A timeline in words: plain text (:func:`render_text`) and the HTML section (:func:`render_html`, from
the ``timeline.html.j2`` template with :func:`timeline_context`). Both say the same things: the summary
(eligible since / from / until), the verdict changes with their causes, each criterion over time, and
the changes to the file that time does not make."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility import templates
from eligibility.explain.decision import OUTCOME_LABELS, VERDICT_LABELS
from eligibility.explain.timeline.model import (
    ABSENT,
    DAY,
    PASS,
    REAL,
    UNAVAILABLE,
    Change,
    CriterionTimeline,
    Timeline,
    fmt_date,
)
from eligibility.facts.catalog import TOPICS
from eligibility.rulepack.loader import RulePack


def _mark(outcome: str) -> str:
    return {"pass": "✓", "fail": "✗", "waivable": "!", "unknown": "?"}.get(outcome, "–")


def verdict_label(v: str | None, lang: str) -> str:
    if v is None:
        return "không xét được" if lang != "en" else "cannot be evaluated"
    pair = VERDICT_LABELS[v]
    return pair[1] if lang == "en" else pair[0]


def outcome_label(o: str, lang: str) -> str:
    if o == ABSENT:
        return "chưa/không còn hiệu lực" if lang != "en" else "not in force"
    if o == UNAVAILABLE:
        return "không xét được" if lang != "en" else "cannot be evaluated"
    pair = OUTCOME_LABELS[o]
    return pair[1] if lang == "en" else pair[0]


def _topic(topic: str, lang: str) -> str:
    pair = TOPICS.get(topic, (topic, topic))
    return pair[1] if lang == "en" else pair[0]


def _topics_lost(ch: Change, lang: str) -> str:
    topics = [c.topic for c in ch.criteria if c.before == PASS and c.after != PASS]
    return ", ".join(dict.fromkeys(_topic(t, lang) for t in topics))


def _gain_reason(ch: Change, lang: str) -> str:
    gained = [c for c in ch.criteria if c.before != PASS and c.after == PASS]
    if not gained:
        return ""
    topics = ", ".join(dict.fromkeys(_topic(c.topic, lang) for c in gained))
    return f" (đạt điều kiện về {topics})" if lang != "en" else f" (meets the {topics} condition)"


def summary_lines(tl: Timeline, lang: str = "vi") -> list[str]:
    """Eligible since / from when / until when, in a sentence or two."""
    vi = lang != "en"
    d0 = tl.reference_date
    lines: list[str] = []
    current = tl.period_at(d0)
    if tl.verdict == "eligible":
        since = current.start if current is not None else None
        if since is not None:
            lines.append(
                f"Đủ điều kiện từ ngày {fmt_date(since, lang)}." if vi else f"Eligible since {fmt_date(since, lang)}."
            )
        else:
            lines.append(
                f"Đủ điều kiện (ít nhất từ ngày {fmt_date(tl.window_start, lang)})."
                if vi
                else f"Eligible (at least since {fmt_date(tl.window_start, lang)})."
            )
    elif tl.earliest_eligible is not None:
        first = tl.change_on(tl.earliest_eligible)
        why = _gain_reason(first, lang) if first else ""
        lines.append(
            f"Từ ngày {fmt_date(tl.earliest_eligible, lang)} đủ điều kiện{why}."
            if vi
            else f"Eligible from {fmt_date(tl.earliest_eligible, lang)}{why}."
        )
    else:
        lines.append(
            f"Không có ngày nào đủ điều kiện đến ngày {fmt_date(tl.window_end, lang)} "
            f"({tl.horizon_years} năm) nếu hồ sơ không thay đổi."
            if vi
            else f"Never eligible up to {fmt_date(tl.window_end, lang)} ({tl.horizon_years} years) "
            f"unless the file changes."
        )
    if tl.eligible_until is not None:
        lapse = tl.change_on(tl.eligible_until + DAY)
        topics = _topics_lost(lapse, lang) if lapse else ""
        if vi:
            about = f" về {topics}" if topics else ""
            lines.append(
                f"Đủ điều kiện đến hết ngày {fmt_date(tl.eligible_until, lang)}; đến ngày "
                f"{fmt_date(tl.eligible_until + DAY, lang)} hết điều kiện{about}."
            )
        else:
            lines.append(
                f"Eligible until {fmt_date(tl.eligible_until, lang)}; from "
                f"{fmt_date(tl.eligible_until + DAY, lang)} no longer meets the "
                f"{topics or 'conditions'}{' condition' if topics else ''}."
            )
    return lines


def moving(tl: Timeline) -> list[CriterionTimeline]:
    """Criteria that do not pass on the reference date or stop passing later in the window."""
    d0 = tl.reference_date
    return [
        ct
        for ct in tl.criteria.values()
        if ct.outcome != PASS
        or any(p.value in ("fail", "waivable", "unknown") for p in ct.periods if p.start is not None and p.start > d0)
    ]


def regime_names(ids: tuple[str, ...] | list[str], rules: RulePack | None = None) -> list[str]:
    """Regimes by their Vietnamese names (the bundled rule pack's, unless ``rules`` is given)."""
    if rules is None:
        from eligibility.explain.inputs import default_rules

        rules = default_rules()
    by_id = {r.id: r.vi for r in rules.regimes}
    return [by_id.get(i, i) for i in ids]


def change_lines(ch: Change, lang: str) -> list[str]:
    vi = lang != "en"
    d = fmt_date(ch.date, lang)
    lines = [f"{d}: {verdict_label(ch.verdict_before, lang)} → {verdict_label(ch.verdict_after, lang)}"]
    if ch.unavailable is not None:
        lines.append("    " + (ch.unavailable.vi if vi else ch.unavailable.en))
    for c in ch.criteria:
        why = "; ".join(x.text.vi if vi else x.text.en for x in c.causes)
        lines.append(
            f"    {c.title.vi if vi else c.title.en}: {outcome_label(c.before, lang)} → "
            f"{outcome_label(c.after, lang)}" + (f" — {why}" if why else "")
        )
    if ch.regimes_started:
        started = ", ".join(ch.regimes_started) if not vi else "; ".join(regime_names(ch.regimes_started))
        lines.append("    " + ("chế độ bắt đầu: " if vi else "regimes starting: ") + started)
    return lines


def holds_phrase(ct: CriterionTimeline, lang: str, d0: dt.date, limit: int = 4) -> str:
    """The criterion's outcome on the reference date (since when), then each later change."""
    vi = lang != "en"
    idx = next(i for i, p in enumerate(ct.periods) if p.contains(d0))
    cur = ct.periods[idx]
    text = outcome_label(cur.value, lang)
    if cur.start is not None and ct.periods[idx - 1].value in REAL:
        text += f" từ ngày {fmt_date(cur.start, lang)}" if vi else f" since {fmt_date(cur.start, lang)}"
    later = ct.periods[idx + 1 : idx + 1 + limit]
    for p in later:
        assert p.start is not None
        value = ("hết hiệu lực" if vi else "no longer in force") if p.value == ABSENT else outcome_label(p.value, lang)
        text += f"; từ ngày {fmt_date(p.start, lang)}: {value}" if vi else f"; from {fmt_date(p.start, lang)}: {value}"
    if len(ct.periods) > idx + 1 + limit:
        text += "; …"
    if not later:
        text += " (không đổi đến hết khoảng xét)" if vi else " (unchanged to the end of the window)"
    for d, rc in ct.rule_changes:
        head = f"; từ ngày {fmt_date(d, lang)} quy định đổi: " if vi else f"; rules change on {fmt_date(d, lang)}: "
        text += head + "; ".join(c.text.vi if vi else c.text.en for c in rc)
    return text


def _heading(tl: Timeline, lang: str) -> tuple[str, str]:
    vi = lang != "en"
    judged = (
        "mỗi ngày được xét theo quy định có hiệu lực vào ngày đó"
        if vi
        else "each date judged by the rules in force on it"
    )
    return ("Mốc thời gian" if vi else "Timeline"), (
        f"{fmt_date(tl.window_start, lang)} – {fmt_date(tl.window_end, lang)}; {judged}"
    )


def render_text(tl: Timeline, lang: str = "vi") -> str:
    vi = lang != "en"
    title, window = _heading(tl, lang)
    out: list[str] = [f"{title} ({window})"]
    for note in tl.notes:
        out.append("  * " + (note.vi if vi else note.en))
    for line in summary_lines(tl, lang):
        out.append("  " + line)
    out.append("")
    if tl.changes:
        out.append(
            f"Các ngày kết luận thay đổi (trong {tl.horizon_years} năm tới):"
            if vi
            else f"Dates on which the verdict changes (next {tl.horizon_years} years):"
        )
        for ch in tl.changes:
            out.extend("  " + s for s in change_lines(ch, lang))
    else:
        end = fmt_date(tl.window_end, lang)
        out.append(
            f"Kết luận không thay đổi trong {tl.horizon_years} năm tới (đến {end})."
            if vi
            else f"The verdict does not change in the next {tl.horizon_years} years (to {end})."
        )
    criteria = moving(tl)
    if criteria:
        out.append("")
        out.append("Từng tiêu chí theo thời gian:" if vi else "Criteria over time:")
        for ct in criteria:
            phrase = holds_phrase(ct, lang, tl.reference_date)
            out.append(f"  {_mark(ct.outcome)} {ct.title.vi if vi else ct.title.en}: {phrase}")
    if tl.needed:
        out.append("")
        out.append(
            "Cần thay đổi hồ sơ để đạt (thời gian không tự khắc phục):"
            if vi
            else "Changes needed (time alone does not fix these):"
        )
        for n in tl.needed:
            out.append(f"  - {n.title.vi if vi else n.title.en}: {n.text.vi if vi else n.text.en}")
    if tl.unexpected:
        out.append("")
        out.append(
            (
                "Ngày thay đổi ngoài danh sách dự kiến (đã dò từng ngày): "
                if vi
                else "Change dates outside the candidate list (found by bisection): "
            )
            + ", ".join(fmt_date(d, lang) for d in tl.unexpected)
        )
    return "\n".join(out)


_RUN_COLOURS = {  # verdicts and outcomes share a hue: green passes, purple for the authority, amber unknown, red fails
    "eligible": "#2e9e4f",
    "pass": "#2e9e4f",
    "needs_authority": "#7a5cd6",
    "waivable": "#7a5cd6",
    "incomplete": "#e0a82e",
    "unknown": "#e0a82e",
    "not_eligible": "#d64545",
    "fail": "#d64545",
    ABSENT: "#e3e6ea",
    UNAVAILABLE: "#c4c9d0",
}
_LEGEND = (  # colour → (vi, en), in the order shown
    ("#2e9e4f", ("đạt, đủ điều kiện", "pass, eligible")),
    ("#7a5cd6", ("cấp có thẩm quyền xem xét", "for the authority")),
    ("#e0a82e", ("chưa rõ, thiếu dữ liệu", "unknown, data missing")),
    ("#d64545", ("không đạt", "fail, not eligible")),
    ("#e3e6ea", ("chưa / hết hiệu lực", "not in force")),
    ("#c4c9d0", ("không xét được", "cannot be evaluated")),
)
CHART_CRITERIA = 4  # criteria rows under the verdict row


def chart(tl: Timeline, lang: str = "vi", max_criteria: int = CHART_CRITERIA, width: int = 700) -> Any:
    """The verdict over the window (first row) and the criteria that move or do not pass (the next rows), as
    an SVG chart; the reference date is marked."""
    vi = lang != "en"

    def runs(periods: Any, label: Any) -> list[tuple[dt.date, dt.date, str, str]]:
        out = []
        for p in periods:
            a = p.start or tl.window_start
            b = p.end or tl.window_end
            name = label(p.value)
            out.append(
                (a, b, _RUN_COLOURS.get(p.value, "#c4c9d0"), f"{name}: {fmt_date(a, lang)} – {fmt_date(b, lang)}")
            )
        return out

    rows = [
        (
            "Kết luận" if vi else "Verdict",
            runs(tl.periods, lambda v: verdict_label(None if v == UNAVAILABLE else v, lang)),
        )
    ]
    for ct in moving(tl)[:max_criteria]:
        rows.append((ct.title.vi if vi else ct.title.en, runs(ct.periods, lambda v: outcome_label(v, lang))))
    used = {colour for _, rs in rows for _, _, colour, _ in rs}
    legend = [(colour, pair[1] if not vi else pair[0]) for colour, pair in _LEGEND if colour in used]
    marker = (tl.reference_date, ("Ngày xét " if vi else "Date ") + fmt_date(tl.reference_date, lang))
    return templates.timeline_chart(rows, tl.window_start, tl.window_end, marker=marker, legend=legend, width=width)


def what_would_change(tl: Timeline, lang: str = "vi", limit: int = 3) -> list[str]:
    """What would change the verdict, in a few lines: since / until when it holds, the next dates on which time
    changes it, and the changes to the file that time does not make."""
    vi = lang != "en"
    lines = summary_lines(tl, lang)
    said = " ".join(lines)
    for ch in tl.changes[:limit]:
        d = fmt_date(ch.date, lang)
        if d in said and ch is tl.changes[0]:
            continue
        titles = "; ".join(c.title.vi if vi else c.title.en for c in ch.criteria)
        after = verdict_label(ch.verdict_after, lang)
        lines.append(
            (f"Từ ngày {d}: {after.lower() if after[:1].isupper() else after}" if vi else f"From {d}: {after}")
            + (f" ({titles})" if titles else "")
            + "."
        )
    for n in tl.needed[:limit]:
        lines.append(f"{n.title.vi if vi else n.title.en}: {n.text.vi if vi else n.text.en}")
    if len(tl.needed) > limit:
        more = len(tl.needed) - limit
        lines.append(f"… và {more} thay đổi khác (xem mốc thời gian)." if vi else f"… and {more} more changes.")
    return lines


def timeline_context(tl: Timeline, lang: str = "vi") -> dict[str, Any]:
    """What ``timeline.html.j2`` shows (the same content as :func:`render_text`)."""
    vi = lang != "en"
    title, window = _heading(tl, lang)
    rows = []
    for ch in tl.changes:
        why = ["; ".join(x.text.vi if vi else x.text.en for x in c.causes) for c in ch.criteria]
        if ch.unavailable is not None:
            why = [ch.unavailable.vi if vi else ch.unavailable.en]
        rows.append(
            {
                "date": fmt_date(ch.date, lang),
                "verdicts": f"{verdict_label(ch.verdict_before, lang)} → {verdict_label(ch.verdict_after, lang)}",
                "criteria": [
                    f"{c.title.vi if vi else c.title.en}: {outcome_label(c.before, lang)} → "
                    f"{outcome_label(c.after, lang)}"
                    for c in ch.criteria
                ],
                "why": why,
            }
        )
    return {
        "chart": chart(tl, lang),
        "what_would_change": what_would_change(tl, lang),
        "title": title,
        "window": window,
        "notes": [n.vi if vi else n.en for n in tl.notes],
        "summary": summary_lines(tl, lang),
        "columns": ["Ngày", "Kết luận", "Tiêu chí thay đổi", "Lý do"]
        if vi
        else ["Date", "Verdict", "Criteria that change", "Why"],
        "rows": rows,
        "moving_title": "Từng tiêu chí theo thời gian" if vi else "Criteria over time",
        "moving": [
            {"title": ct.title.vi if vi else ct.title.en, "phrase": holds_phrase(ct, lang, tl.reference_date)}
            for ct in moving(tl)
        ],
        "needed_title": "Cần thay đổi hồ sơ để đạt" if vi else "Changes needed",
        "needed": [
            {"title": n.title.vi if vi else n.title.en, "text": n.text.vi if vi else n.text.en} for n in tl.needed
        ],
    }


def render_html(tl: Timeline, lang: str = "vi") -> str:
    """The timeline as an HTML ``<section>`` (for a page of its own, or inside the record)."""
    return templates.render("timeline.html.j2", t=timeline_context(tl, lang), lang=lang)
