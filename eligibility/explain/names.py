"""Codes as an officer reads them: actions, posts, provinces, events, conventions and dates by their names.

Vietnamese output names things; codes (``appointment``, ``giam-doc-so``, ``lao-cai``, ``actual``,
``file_verified``) stay in JSON and in English output. Every renderer of a decision, a timeline or a
pool report goes through these functions, so that one table says what each code is called. A code the
rule pack does not know (a free-text post title, a province of another rule pack) is shown as written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from eligibility.facts.catalog import INPUTS
from eligibility.facts.retirement import CONVENTION_LABELS
from eligibility.model import levels as lv
from eligibility.model.dates import PartialDate
from eligibility.rulepack.loader import RulePack

_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def date_text(value: dt.date | str | PartialDate | None, lang: str = "vi") -> str:
    """dd/mm/yyyy in Vietnamese (mm/yyyy for a month, yyyy for a year); ISO in English."""
    if value is None:
        return ""
    if isinstance(value, PartialDate):
        value = value.first_day() if value.precision == "day" else value.isoformat()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat() if lang == "en" else value.strftime("%d/%m/%Y")
    text = str(value)
    if lang == "en":
        return text
    m = _ISO_DAY.match(text)
    if m:
        return f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
    m = _ISO_MONTH.match(text)
    if m:
        return f"{m.group(2)}/{m.group(1)}"
    return text


def vocab_label(vocab: lv.Vocabulary, code: str | None, lang: str = "vi") -> str:
    if code is None:
        return ""
    if code not in vocab.codes:
        return code
    return vocab.labels_en[code] if lang == "en" else vocab.labels_vi[code]


def action_name(code: str | None, lang: str = "vi") -> str:
    return vocab_label(lv.ACTION, code, lang)


def title_name(code: str | None, rules: RulePack | None, lang: str = "vi") -> str:
    """A post's name: the title catalogue's name for a code, or the text as written."""
    if code is None:
        return ""
    title = rules.titles.get(code) if rules is not None else None
    if title is None:
        return code
    return title.en if lang == "en" else title.vi


def locality_name(code: str | None, rules: RulePack | None) -> str:
    """A province's name (the same in both languages): ``lao-cai`` → ``Lào Cai``."""
    if code is None:
        return ""
    localities = rules.localities if rules is not None else None
    if localities is None:
        return code
    province = localities.provinces.get(code)
    if province is None:
        resolved = localities.resolve(code)
        province = localities.provinces.get(resolved) if resolved else None
    return province.vi if province is not None else code


def event_name(code: str | None, rules: RulePack | None, lang: str = "vi") -> str:
    if code is None:
        return ""
    event = rules.events.get(code) if rules is not None else None
    if event is None:
        return code
    return event.en if lang == "en" else event.vi


def convention_name(code: str | None, lang: str = "vi") -> str:
    if code is None:
        return ""
    pair = CONVENTION_LABELS.get(code)
    return _pick(pair, lang) if pair else code


def input_name(name: str, lang: str = "vi") -> str:
    """A profile input by its name in the fact catalogue (``file_verified`` → ``thẩm định hồ sơ``)."""
    spec = INPUTS.get(name)
    if spec is None:
        return name
    return spec.en if lang == "en" else spec.vi


def request_items(request: Mapping[str, Any], rules: RulePack | None, lang: str = "vi") -> list[tuple[str, str]]:
    """The request in words, as (label, value) pairs: the action, the post, the province, the date and each
    option that was given (the default options — a higher post, training rotation — are left out)."""
    en = lang == "en"
    r = request
    out: list[tuple[str, str]] = [("Action" if en else "Việc", action_name(r.get("action"), lang))]
    if r.get("post"):
        out.append(("Post" if en else "Chức danh", title_name(r["post"], rules, lang)))
    elif r.get("level"):
        out.append(("Level" if en else "Cấp", vocab_label(lv.LEVEL, r["level"], lang)))
    if r.get("locality"):
        out.append(("Province" if en else "Địa phương", locality_name(r["locality"], rules)))
    if r.get("district"):
        out.append(("District" if en else "Huyện", str(r["district"])))
    if r.get("commune"):
        out.append(("Commune" if en else "Xã", str(r["commune"])))
    if r.get("event"):
        out.append(("Event" if en else "Sự kiện", event_name(r["event"], rules, lang)))
    if r.get("date"):
        out.append(("Date" if en else "Ngày xét", date_text(r["date"], lang)))
    if r.get("action") == "appointment" and r.get("relation") not in (None, "higher"):
        out.append(("Relation" if en else "Tương quan chức vụ", vocab_label(lv.RELATION, r["relation"], lang)))
    if r.get("candidate_source"):
        out.append(("Source" if en else "Nguồn nhân sự", vocab_label(lv.CANDIDATE_SOURCE, r["candidate_source"], lang)))
    if r.get("action") == "rotation" and r.get("rotation_purpose"):
        out.append(("Purpose" if en else "Mục đích", vocab_label(lv.ROTATION_PURPOSE, r["rotation_purpose"], lang)))
    if r.get("rotation_months"):
        out.append(
            (
                "Rotation length" if en else "Thời gian luân chuyển",
                f"{r['rotation_months']} {'months' if en else 'tháng'}",
            )
        )
    if r.get("term"):
        out.append(("Term" if en else "Nhiệm kỳ quy hoạch", str(r["term"])))
    if r.get("term_end"):  # re-appointment: the last day of the current term (issue 11)
        out.append(("Term ends" if en else "Hết thời hạn bổ nhiệm", date_text(r["term_end"], lang)))
    if r.get("term_years"):
        out.append(("Term length" if en else "Thời hạn giữ chức vụ", f"{r['term_years']} {'years' if en else 'năm'}"))
    if r.get("pool_size_for_title") is not None:
        out.append(("Already planned" if en else "Số người đã quy hoạch", str(r["pool_size_for_title"])))
    flags = [
        ("reelection", "re-election", "tái cử"),
        ("full_time", "full-time", "hoạt động chuyên trách"),
        ("minority_area", "ethnic-minority area", "vùng đồng bào dân tộc thiểu số"),
    ]
    shown = [en_l if en else vi_l for key, en_l, vi_l in flags if r.get(key)]
    if shown:
        out.append(("Also" if en else "Ghi chú", ", ".join(shown)))
    if r.get("convention"):
        out.append(("Retirement age" if en else "Cách tính tuổi nghỉ hưu", convention_name(r["convention"], lang)))
    return out


def request_line(request: Mapping[str, Any], rules: RulePack | None, lang: str = "vi") -> str:
    """The request in one line: ``việc: bổ nhiệm, chức danh: Giám đốc Sở, địa phương: Lào Cai, ngày xét: 03/11/2025``."""
    return ", ".join(f"{k.lower()}: {v}" for k, v in request_items(request, rules, lang))
