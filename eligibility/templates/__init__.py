"""Pages and charts from Jinja2 templates: the one HTML layer of the library.

The same templates serve every HTML output — ``eligibility check|explain --format html``, the pool
report of ``eligibility screen --out x.html`` — and are meant for the local web page too:

=========================  ==================================================================
``base.html.j2``           the layout: ``<head>``, the stylesheets, blocks ``title``, ``body``
``decision.html.j2``       the one-page record of a check (findings, missing inputs, timeline)
``timeline.html.j2``       the timeline section (included by the record; renders alone too)
``pool_report.html.j2``    the pool report: summary, funnel, targets, one row per person
``charts/bars.svg.j2``     SVG chart: horizontal bars with target marks (``bar_chart`` in templates)
``charts/timeline.svg.j2`` SVG chart: the verdict and the criteria over time (``timeline_chart``)
``docx``                   (none: the .docx record is built by ``eligibility.explain.record_docx``)
``web/*.html.j2``          the pages of ``eligibility serve`` (``eligibility.web``)
``static/*.css, *.js``     stylesheets and the table-sorting script
=========================  ==================================================================

A page written to a file is self-contained: the static files are inlined (``inline_static=True``,
the default). A web application passes ``inline_static=False`` and ``static_url`` to link them
instead. Callers build the context (``eligibility.explain.render.decision_context``,
``eligibility.explain.timeline.render.timeline_context``, ``eligibility.batch.writers.report_context``)
so that any shell renders the same page from the same data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=32)
def static_text(name: str) -> Markup:
    """The content of ``static/<name>`` (a stylesheet or script, trusted: shipped with the package)."""
    return Markup(resources.files(__name__).joinpath("static", name).read_text(encoding="utf-8"))


CHAR_EM = 0.6  # a generous average advance of a character, in em (Vietnamese text in a sans-serif face)


def wrap(text: str, width_px: float, font_px: float) -> list[str]:
    """``text`` broken at spaces into lines that fit ``width_px`` at ``font_px`` (a word longer than a line
    is split): labels are wrapped, never cut."""
    per_line = max(8, int(width_px / (font_px * CHAR_EM)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > per_line:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= per_line:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def bar_geometry(
    items: list[tuple[str, float, str]],
    *,
    width: int = 720,
    unit: str = "",
    maximum: float | None = None,
    markers: list[float | None] | None = None,
    font: int = 12,
) -> dict[str, Any]:
    """Where the bars of ``charts/bars.svg.j2`` go: (label, value, colour) per bar; optional target marks.

    Labels are wrapped onto as many lines as they need (the row grows), never cut; the numbers stand in
    a column of their own right of the plotting area, so a target mark (drawn inside the area) never
    covers them."""
    label_w = 300
    value_w = 12 + int(font * CHAR_EM * max((len(f"{v:g}{unit}") for _, v, _ in items), default=3))
    bar_w = width - label_w - 8 - value_w
    line_h = font + 3
    top = maximum if maximum is not None else max((v for _, v, _ in items), default=0) or 1
    bars = []
    y = 6
    for i, (label, value, colour) in enumerate(items):
        lines = wrap(label, label_w - 10, font)
        row_h = max(20, len(lines) * line_h + 6)
        mark = None
        if markers is not None and markers[i] is not None:
            mark = label_w + max(0.0, min(1.0, (markers[i] or 0) / top)) * bar_w
        bar_y = y + (row_h - 20) / 2
        bars.append(
            {
                "label": label,
                "lines": [
                    {"text": t, "y": y + (row_h - len(lines) * line_h) / 2 + (j + 1) * line_h - 3}
                    for j, t in enumerate(lines)
                ],
                "y": bar_y,
                "text_y": bar_y + 14,
                "w": 0 if top <= 0 else max(0.0, min(1.0, value / top)) * bar_w,
                "value": f"{value:g}",
                "colour": colour,
                "marker": mark,
            }
        )
        y += row_h + 6
    return {
        "width": width,
        "height": y,
        "label_w": label_w,
        "bar_w": bar_w,
        "value_x": label_w + bar_w + 8,
        "bar_h": 20,
        "unit": unit,
        "font": font,
        "bars": bars,
    }


def bar_chart(items: list[tuple[str, float, str]], **options: Any) -> Markup:
    """A horizontal bar chart as inline SVG (empty for no items); see :func:`bar_geometry`."""
    if not items:
        return Markup("")
    return Markup(environment().get_template("charts/bars.svg.j2").render(c=bar_geometry(items, **options)))


def timeline_geometry(
    rows: list[tuple[str, list[tuple[dt.date, dt.date, str, str]]]],
    start: dt.date,
    end: dt.date,
    *,
    marker: tuple[dt.date, str] | None = None,
    legend: Sequence[tuple[str, str]] = (),
    width: int = 700,
    font: int = 10,
) -> dict[str, Any]:
    """Where ``charts/timeline.svg.j2`` draws each row's runs: rows of (label, [(from, until, colour, tooltip)])
    over the window ``start``–``end`` (both inclusive), year ticks, the reference date marked, a legend."""
    label_w = 260
    plot_w = width - label_w - 10
    days = max(1, (end - start).days + 1)
    line_h = font + 2

    def x(d: dt.date) -> float:
        return label_w + max(0, min(days, (d - start).days)) / days * plot_w

    top = 18 if marker else 4
    y = top
    out_rows = []
    for i, (label, runs) in enumerate(rows):
        lines = wrap(label, label_w - 8, font)
        row_h = max(16, len(lines) * line_h + 4)
        out_rows.append(
            {
                "lines": [
                    {"text": t, "y": y + (row_h - len(lines) * line_h) / 2 + (j + 1) * line_h - 2}
                    for j, t in enumerate(lines)
                ],
                "bold": i == 0,
                "runs": [
                    {
                        "x": x(a),
                        "w": max(1.0, x(b + dt.timedelta(days=1)) - x(a)),
                        "colour": colour,
                        "tip": tip,
                    }
                    for a, b, colour, tip in runs
                ],
                "y": y + 2,
                "h": row_h - 4,
            }
        )
        y += row_h
    plot_bottom = y
    step = 1 if (end.year - start.year) <= 12 else 2
    ticks = [
        {"x": x(dt.date(year, 1, 1)), "label": str(year)}
        for year in range(start.year + 1, end.year + 1)
        if (year - start.year - 1) % step == 0 and dt.date(year, 1, 1) <= end
    ]
    legend_y = plot_bottom + 26
    items = []
    lx = float(label_w)
    for colour, text in legend:
        w = 16 + len(text) * font * CHAR_EM + 14
        if lx + w > width:
            lx = float(label_w)
            legend_y += line_h + 4
        items.append({"x": lx, "y": legend_y, "colour": colour, "text": text})
        lx += w
    mark = None
    if marker is not None:
        mx = x(marker[0])
        anchor = "start" if mx < label_w + plot_w * 0.7 else "end"
        mark = {"x": mx, "label": marker[1], "anchor": anchor, "tx": mx + (3 if anchor == "start" else -3)}
    return {
        "width": width,
        "height": legend_y + 8,
        "font": font,
        "label_w": label_w,
        "plot_right": label_w + plot_w,
        "top": top,
        "bottom": plot_bottom,
        "rows": out_rows,
        "ticks": ticks,
        "tick_y": plot_bottom + 12,
        "marker": mark,
        "legend": items,
    }


def timeline_chart(
    rows: list[tuple[str, list[tuple[dt.date, dt.date, str, str]]]], start: dt.date, end: dt.date, **options: Any
) -> Markup:
    """The verdict (first row) and criteria over time as inline SVG; see :func:`timeline_geometry`."""
    if not rows:
        return Markup("")
    geometry = timeline_geometry(rows, start, end, **options)
    return Markup(environment().get_template("charts/timeline.svg.j2").render(c=geometry))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    import jinja2  # imported on first use: a text or JSON check does not pay for it

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("eligibility", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=lambda value: "" if value is None else value,  # an absent value prints as nothing
    )
    env.globals["static_text"] = static_text
    env.globals["bar_chart"] = bar_chart
    env.globals["timeline_chart"] = timeline_chart
    return env


def _defaults(context: dict[str, Any]) -> dict[str, Any]:
    context.setdefault("inline_static", True)
    context.setdefault("static_url", "static")
    return context


def render(name: str, **context: Any) -> str:
    """Render template ``name`` with ``context``."""
    return environment().get_template(name).render(_defaults(context))


def stream(name: str, **context: Any) -> Iterator[str]:
    """Render template ``name`` piece by piece (for pages with a row per person of a large pool)."""
    return environment().get_template(name).generate(_defaults(context))


def macro(template: str, name: str) -> Any:
    """A macro of a template, callable from Python (e.g. ``macro("charts.svg.j2", "bars")``)."""
    return getattr(environment().get_template(template).module, name)
