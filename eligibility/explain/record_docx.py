"""The record of a check as a Word document (``eligibility check --format docx``), for a tờ trình.

The same content as the HTML record, from the same context (:func:`eligibility.explain.render.decision_context`):
the person, the request in words, the verdict in a shaded box with the number of criteria resting on
unverified sources, the findings, the missing inputs, what would change the verdict, the coverage line and
the signature block; A4, Times New Roman. The timeline is given in words (a Word document does not take
the SVG chart). Built with python-docx, imported only here.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eligibility.explain.decision import Decision
from eligibility.explain.render import decision_context
from eligibility.model.profile import Profile
from eligibility.rulepack.loader import RulePack

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import _Cell

FONT = "Times New Roman"
_ROW_FILL = {"fail": "FBE9E9", "waivable": "EFEAFC", "unknown": "FFF4D6"}


def _shade(cell: _Cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    props.append(shd)


def _borders(cell: _Cell, colour: str, size: int = 12) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), str(size))
        b.set(qn("w:color"), colour)
        borders.append(b)
    props.append(borders)


def _font(doc: DocumentObject, size: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style: Any = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(1)
    style.paragraph_format.space_before = Pt(0)


def build_docx(
    d: Decision,
    lang: str = "vi",
    *,
    timeline: dict[str, Any] | None = None,
    profile: Profile | None = None,
    rules: RulePack | None = None,
) -> bytes:
    """The record as .docx bytes."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    c = decision_context(d, lang, profile=profile, rules=rules, timeline=timeline)
    labels = c["labels"]
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin = section.bottom_margin = Mm(12)
    _font(doc, 11)

    def heading(text: str) -> None:
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(5)
        run = p.add_run(text.upper())
        run.bold = True
        run.font.size = Pt(10.5)

    def pairs(items: list[tuple[str, str]]) -> None:
        p = doc.add_paragraph()
        for i, (key, value) in enumerate(items):
            if i:
                p.add_run("   ")
            p.add_run(f"{key}: ")
            p.add_run(value).bold = True

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(c["heading"].upper())
    run.bold = True
    run.font.size = Pt(13)
    heading(labels["person"])
    pairs(c["person"] or [("Số hồ sơ" if lang != "en" else "File no.", c["profile_id"])])
    heading(labels["request"])
    pairs(c["request"])
    if c["note"]:
        doc.add_paragraph().add_run(c["note"]).italic = True

    colour = c["verdict_colour"]
    box = doc.add_table(rows=1, cols=1)
    box.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell = box.rows[0].cells[0]
    _shade(cell, colour["background"].lstrip("#").upper())
    _borders(cell, colour["border"].lstrip("#").upper(), 16)
    p = cell.paragraphs[0]
    text_colour = RGBColor.from_string(colour["text"].lstrip("#").upper())
    r = p.add_run(f"{labels['verdict']}: ")
    r.font.size = Pt(12.5)
    r.font.color.rgb = text_colour
    r = p.add_run(c["verdict_label"])
    r.bold = True
    r.font.size = Pt(12.5)
    r.font.color.rgb = text_colour
    for line in (f"{c['tally']} · {c['unverified_text']}", c["retirement"]):
        if line:
            q = cell.add_paragraph()
            rr = q.add_run(line)
            rr.font.size = Pt(9.5)
            rr.font.color.rgb = text_colour
    doc.add_paragraph().paragraph_format.space_after = Pt(0)

    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    widths = (Mm(52), Mm(20), Mm(66), Mm(42))
    for i, name in enumerate(c["columns"]):
        hdr = table.rows[0].cells[i]
        hdr.width = widths[i]
        _shade(hdr, "E9EDF2")
        hdr.paragraphs[0].add_run(name).bold = True
    for f in c["findings"]:
        cells = table.add_row().cells
        values = (f["title"], f["outcome_label"], f["message"], f"{f['source']} [{f['confidence']}]")
        for i, value in enumerate(values):
            cells[i].width = widths[i]
            cells[i].paragraphs[0].add_run(value).bold = i == 1 and f["outcome"] != "pass"
            if f["outcome"] in _ROW_FILL:
                _shade(cells[i], _ROW_FILL[f["outcome"]])
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(9)
    if c["not_applicable"]:
        small = doc.add_paragraph().add_run(f"({c['not_applicable']} {labels['not_applicable']})")
        small.font.size = Pt(9)
    if c["missing"]:
        heading(labels["missing"])
        for name, criteria in c["missing"]:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(name).bold = True
            p.add_run(": " + "; ".join(criteria))
    if c["timeline"]:
        heading(labels["changes"])
        for line in c["timeline"]["what_would_change"]:
            doc.add_paragraph(line, style="List Bullet")
    meta = doc.add_paragraph()
    if c["coverage"]:
        meta.add_run(f"{labels['coverage']}: ").bold = True
        meta.add_run(c["coverage"] + "\n")
    meta.add_run(f"{labels['regimes']}: ").bold = True
    meta.add_run("; ".join(c["regimes"]) + ". ")
    meta.add_run(f"{labels['rulepack']}: ").bold = True
    meta.add_run(c["rulepack"] + ".")
    for run in meta.runs:
        run.font.size = Pt(8.5)

    place = doc.add_paragraph()
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    place.add_run(labels["place_date"]).italic = True
    signatures = doc.add_table(rows=1, cols=2)
    for i, who in enumerate((labels["drafted"], labels["approved"])):
        cell = signatures.rows[0].cells[i]
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(who).bold = True
        q = cell.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        q.add_run(labels["sign"]).italic = True
        for _ in range(3):
            cell.add_paragraph()
    advice = doc.add_paragraph().add_run(labels["advice"])
    advice.font.size = Pt(8)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_docx(path: str | Path, d: Decision, lang: str = "vi", **context: Any) -> Path:
    """Write the record to ``path`` (see :func:`build_docx`)."""
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(build_docx(d, lang, **context))
    tmp.replace(target)
    return target
