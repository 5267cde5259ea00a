"""Pages and charts from Jinja2 templates: the one HTML layer of the library.

The same templates serve every HTML output — ``eligibility check|explain --format html``, the pool
report of ``eligibility screen --out x.html`` — and are meant for the local web page too:

=========================  ==================================================================
``base.html.j2``           the layout: ``<head>``, the stylesheets, blocks ``title``, ``body``
``decision.html.j2``       the one-page record of a check (findings, missing inputs, timeline)
``timeline.html.j2``       the timeline section (included by the record; renders alone too)
``pool_report.html.j2``    the pool report: summary, funnel, targets, one row per person
``charts/bars.svg.j2``     SVG chart: horizontal bars with target marks (``bar_chart`` in templates)
``static/*.css, *.js``     stylesheets and the table-sorting script
=========================  ==================================================================

A page written to a file is self-contained: the static files are inlined (``inline_static=True``,
the default). A web application passes ``inline_static=False`` and ``static_url`` to link them
instead. Callers build the context (``eligibility.explain.render.decision_context``,
``eligibility.explain.timeline.render.timeline_context``, ``eligibility.batch.writers.report_context``)
so that any shell renders the same page from the same data.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def bar_geometry(
    items: list[tuple[str, float, str]],
    *,
    width: int = 640,
    unit: str = "",
    maximum: float | None = None,
    markers: list[float | None] | None = None,
) -> dict[str, Any]:
    """Where the bars of ``charts/bars.svg.j2`` go: (label, value, colour) per bar; optional target marks."""
    label_w, bar_h = 300, 20
    bar_w = width - label_w - 60
    top = maximum if maximum is not None else max((v for _, v, _ in items), default=0) or 1
    bars = []
    for i, (label, value, colour) in enumerate(items):
        mark = None
        if markers is not None and markers[i] is not None:
            mark = label_w + max(0.0, min(1.0, (markers[i] or 0) / top)) * bar_w
        bars.append(
            {
                "label": label,
                "shown": label if len(label) <= 46 else label[:45].rstrip() + "…",
                "y": 6 + i * (bar_h + 6),
                "w": 0 if top <= 0 else max(0.0, min(1.0, value / top)) * bar_w,
                "value": f"{value:g}",
                "colour": colour,
                "marker": mark,
            }
        )
    return {
        "width": width,
        "height": len(items) * (bar_h + 6) + 6,
        "label_w": label_w,
        "bar_h": bar_h,
        "unit": unit,
        "bars": bars,
    }


def bar_chart(items: list[tuple[str, float, str]], **options: Any) -> Markup:
    """A horizontal bar chart as inline SVG (empty for no items); see :func:`bar_geometry`."""
    if not items:
        return Markup("")
    return Markup(environment().get_template("charts/bars.svg.j2").render(c=bar_geometry(items, **options)))


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
