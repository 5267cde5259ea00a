"""The check form ⇄ a profile and a request: the fields of the Sơ yếu lý lịch (Mẫu 2C) as an officer fills
them, read into the library's profile and request (plain dicts, validated by the library), and back.

Field names are flat (``post-0-from``) so that the page works without JavaScript; repeated records (posts,
planning, discipline, assessments, places worked) are numbered rows. Dates are typed as officers write
them: dd/mm/yyyy, tháng/năm (mm/yyyy) or a year; a post's start given as mm/yyyy is read as the first day
of that month and its end as the last day (the form says so).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eligibility.explain import names
from eligibility.model import levels as lv
from eligibility.model.profile import Profile
from eligibility.rulepack.loader import RulePack

ROWS = {"post": 3, "plan": 2, "disc": 1, "as": 5, "lw": 2}  # rows shown at least (more can be added)
_MONTH = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


def _choices(vocab: lv.Vocabulary) -> list[tuple[str, str]]:
    return [(c, vocab.labels_vi[c]) for c in vocab.codes]


CHOICES: dict[str, list[tuple[str, str]]] = {
    "sex": _choices(lv.SEX),
    "staff_status": _choices(lv.STAFF_STATUS),
    "degree": _choices(lv.DEGREE),
    "political_theory": _choices(lv.POLITICAL_THEORY),
    "state_management": _choices(lv.STATE_MANAGEMENT),
    "civil_service_grade": _choices(lv.CIVIL_SERVICE_GRADE),
    "assessment": _choices(lv.ASSESSMENT),
    "discipline_kind": _choices(lv.DISCIPLINE_KIND),
    "discipline_form": _choices(lv.DISCIPLINE_FORM),
    "discipline_status": _choices(lv.DISCIPLINE_STATUS),
    "investigation": _choices(lv.INVESTIGATION),
    "political_standard": _choices(lv.POLITICAL_STANDARD),
    "level": _choices(lv.LEVEL),
    "relation": _choices(lv.RELATION),
    "candidate_source": _choices(lv.CANDIDATE_SOURCE),
    "rotation_purpose": _choices(lv.ROTATION_PURPOSE),
    "action": _choices(lv.ACTION),
    "end_reason": _choices(lv.END_REASON),
    "yes_no": [("yes", "có"), ("no", "không")],
}

# where a problem of the profile or the request is shown: the model's location → the form's words
LABELS: dict[str, str] = {
    "id": "Số hồ sơ",
    "full_name": "Họ và tên",
    "sex": "Giới tính",
    "birth_date": "Ngày sinh",
    "ethnicity": "Dân tộc",
    "staff_status": "Đối tượng",
    "hometown": "Quê quán",
    "birthplace": "Nơi sinh",
    "grew_up_in": "Nơi lớn lên",
    "party": "Đảng viên",
    "education.degree": "Trình độ chuyên môn",
    "education.field": "Chuyên ngành",
    "education.political_theory": "Lý luận chính trị",
    "education.state_management": "Quản lý nhà nước",
    "education.civil_service_grade": "Ngạch",
    "education.minority_languages": "Tiếng dân tộc thiểu số",
    "posts": "Quá trình công tác",
    "planning": "Quy hoạch",
    "localities_worked": "Địa phương đã công tác",
    "assessments": "Đánh giá, xếp loại",
    "discipline": "Kỷ luật",
    "investigation": "Điều tra, truy tố, xét xử",
    "political_standard": "Kết luận tiêu chuẩn chính trị",
    "health": "Sức khỏe",
    "asset_declaration": "Kê khai tài sản, thu nhập",
    "file_verified": "Thẩm định hồ sơ",
    "abroad_or_inpatient_months": "Thời gian đi nước ngoài, điều trị nội trú",
    "maternity_leave": "Nghỉ chế độ thai sản",
    "barred_from_office": "Bị cấm đảm nhiệm chức vụ",
    "under_inspection": "Đang bị giải quyết tố cáo, kiểm tra",
    "suspended": "Đang bị tạm đình chỉ công tác",
    "responsibility_review": "Đang xem xét trách nhiệm cá nhân",
    "action": "Việc đề nghị",
    "post": "Chức danh",
    "locality": "Địa phương",
    "district": "Huyện nơi bố trí",
    "commune": "Xã nơi bố trí",
    "date": "Ngày xét",
    "event": "Sự kiện",
    "level": "Cấp",
    "term": "Nhiệm kỳ quy hoạch",
    "rotation_months": "Thời gian luân chuyển",
    "pool_size_for_title": "Số người đã quy hoạch",
}
_SUB = {
    "from": "từ ngày",
    "to": "đến ngày",
    "title": "chức danh",
    "approved": "ngày phê duyệt",
    "removed": "ngày đưa ra",
    "decided": "ngày quyết định",
    "form": "hình thức",
    "kind": "loại",
    "years": "số năm",
    "province": "tỉnh",
    "date": "ngày",
    "result": "kết quả",
}


def field_label(location: str) -> str:
    """A problem's location in the form's words: ``posts.1.from`` → ``Quá trình công tác, dòng 2, từ ngày``."""
    loc = location.removeprefix("request.").removeprefix("profile.")
    parts = loc.split(".")
    for n in range(len(parts), 0, -1):
        head = ".".join(parts[:n])
        if head in LABELS:
            out = LABELS[head]
            for p in parts[n:]:
                out += f", dòng {int(p) + 1}" if p.isdigit() else f", {_SUB.get(p, p)}"
            return out
    return loc


@dataclass
class FormData:
    """What the form holds: its values by field name, and the numbered rows."""

    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=lambda: dict(ROWS))

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def _clean(raw: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(v).strip() for k, v in raw.items() if isinstance(v, str) and str(v).strip()}


def form_data(raw: Mapping[str, Any]) -> FormData:
    """The submitted form (strings); the number of rows of each record is what was submitted."""
    values = _clean(raw)
    rows = dict(ROWS)
    for key in ROWS:
        idx = [int(m.group(1)) for k in values if (m := re.match(rf"^{key}-(\d+)-", k))]
        rows[key] = max(rows[key], max(idx, default=-1) + 1)
    return FormData(values, rows)


def _full(text: str, end: bool = False) -> str:
    """dd/mm/yyyy as typed; a month (mm/yyyy) read as its first day (its last day for an end date)."""
    m = _MONTH.match(text)
    if m:
        month, year = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            day = calendar.monthrange(year, month)[1] if end else 1
            return f"{day:02d}/{month:02d}/{year}"
    return text


def _yes_no(text: str) -> bool | None:
    return {"yes": True, "no": False}.get(text)


def _rows(f: FormData, key: str) -> range:
    return range(f.rows.get(key, 0))


def profile_dict(f: FormData, rules: RulePack | None = None) -> dict[str, Any]:
    """The profile the form describes (English keys, as in ``examples/profile.yaml``); absent fields are left
    out (``None`` for the library: not recorded)."""
    v = f.get
    p: dict[str, Any] = {"id": v("id") or "web-form", "sex": v("sex"), "birth_date": v("birth_date")}
    for key in ("full_name", "ethnicity", "staff_status"):
        if v(key):
            p[key] = v(key)
    for key in ("hometown", "birthplace", "grew_up_in"):
        if v(key):
            p[key] = {"province": v(key)}
    member = _yes_no(v("party_member"))
    if member is not None:
        party: dict[str, Any] = {"member": member}
        if member and v("party_joined"):
            party["joined"] = v("party_joined")
        if member and v("party_official"):
            party["official"] = v("party_official")
        p["party"] = party
    edu: dict[str, Any] = {
        k: v(k) for k in ("degree", "field", "political_theory", "state_management", "civil_service_grade") if v(k)
    }
    if v("minority_languages"):
        langs = [x.strip() for x in re.split(r"[,;]", v("minority_languages")) if x.strip()]
        edu["minority_languages"] = [] if [x.lower() for x in langs] == ["không"] else langs
    p["education"] = edu
    posts = []
    for i in _rows(f, "post"):
        title = v(f"post-{i}-title")
        if not title and not v(f"post-{i}-from"):
            continue
        post: dict[str, Any] = {"title": _title_code(title, rules), "from": _full(v(f"post-{i}-from"))}
        if title and post["title"] != title:
            post["name"] = title
        for key in ("name", "body", "level", "locality", "relation", "end_reason"):
            if v(f"post-{i}-{key}"):
                post[key] = v(f"post-{i}-{key}")
        if v(f"post-{i}-to"):
            post["to"] = _full(v(f"post-{i}-to"), end=True)
        if v(f"post-{i}-head"):
            post["head"] = True
        if v(f"post-{i}-acting"):
            post["acting"] = True
        posts.append(post)
    if posts or v("posts_none"):
        p["posts"] = posts
    plans = []
    for i in _rows(f, "plan"):
        if not v(f"plan-{i}-title"):
            continue
        plan: dict[str, Any] = {"title": _title_code(v(f"plan-{i}-title"), rules)}
        for key in ("term", "approved", "removed"):
            if v(f"plan-{i}-{key}"):
                plan[key] = v(f"plan-{i}-{key}") if key == "term" else _full(v(f"plan-{i}-{key}"))
        plans.append(plan)
    if plans or v("plan_none"):
        p["planning"] = plans
    worked = [
        {"province": v(f"lw-{i}-province"), "years": v(f"lw-{i}-years")}
        for i in _rows(f, "lw")
        if v(f"lw-{i}-province") and v(f"lw-{i}-years")
    ]
    if worked:
        p["localities_worked"] = worked
    ratings = {
        v(f"as-{i}-year"): v(f"as-{i}-rating") for i in _rows(f, "as") if v(f"as-{i}-year") and v(f"as-{i}-rating")
    }
    if ratings:
        p["assessments"] = ratings
    records = []
    for i in _rows(f, "disc"):
        if not v(f"disc-{i}-form"):
            continue
        rec: dict[str, Any] = {"kind": v(f"disc-{i}-kind") or "party", "form": v(f"disc-{i}-form")}
        if v(f"disc-{i}-decided"):
            rec["decided"] = _full(v(f"disc-{i}-decided"))
        if v(f"disc-{i}-status"):
            rec["status"] = v(f"disc-{i}-status")
        records.append(rec)
    if records or v("discipline_none"):
        p["discipline"] = records
    if v("investigation"):
        p["investigation"] = v("investigation")
    if v("ps_result"):
        ps: dict[str, Any] = {"result": v("ps_result")}
        if v("ps_date"):
            ps["date"] = _full(v("ps_date"))
        if v("ps_authority"):
            ps["authority"] = v("ps_authority")
        p["political_standard"] = ps
    fit = _yes_no(v("health_fit"))
    if fit is not None:
        p["health"] = {"fit": fit, **({"date": _full(v("health_date"))} if v("health_date") else {})}
    verified = _yes_no(v("asset_verified"))
    if verified is not None:
        p["asset_declaration"] = {"verified": verified, **({"date": _full(v("asset_date"))} if v("asset_date") else {})}
    file_ok = _yes_no(v("file_verified"))
    if file_ok is not None:
        p["file_verified"] = file_ok
    if v("abroad_months"):
        p["abroad_or_inpatient_months"] = v("abroad_months")
    if v("maternity_from"):  # the latest period of maternity leave (earlier ones are kept, not shown)
        leave = {"from": _full(v("maternity_from"))}
        if v("maternity_to"):
            leave["to"] = _full(v("maternity_to"), end=True)
        p["maternity_leave"] = [leave]
    elif v("maternity_none"):
        p["maternity_leave"] = []
    for key in FLAGS_2026:
        flag = _yes_no(v(key))
        if flag is not None:
            p[key] = flag
    if v("kept"):  # what the form does not edit, kept as the uploaded file had it
        kept = json.loads(v("kept"))
        if "foreign_languages" in kept:
            edu["foreign_languages"] = kept.pop("foreign_languages")
        _restore_units(p, kept.pop("units", {}))
        earlier = kept.pop("maternity_leave_earlier", [])
        if earlier:
            p["maternity_leave"] = earlier + p.get("maternity_leave", [])
        p.update(kept)
    return p


_UNIT_KEYS = ("district", "commune", "as_of")  # what the form does not show of a place, a place worked, a post


def _units(profile: Profile) -> dict[str, Any]:
    """The district, commune and map date of each place, place worked and post (issue 16), which the form keeps
    without showing them: by field (and row), with the province they belong to."""
    out: dict[str, Any] = {}
    dumped = profile.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key in ("hometown", "birthplace", "grew_up_in"):
        place = dumped.get(key) or {}
        if any(k in place for k in _UNIT_KEYS):
            out[key] = place
    for key, where in (("localities_worked", "province"), ("posts", "locality")):
        rows = {
            str(i): {k: item[k] for k in (where, *_UNIT_KEYS) if k in item}
            for i, item in enumerate(dumped.get(key) or [])
            if any(k in item for k in _UNIT_KEYS)
        }
        if rows:
            out[key] = rows
    return out


def _restore_units(p: dict[str, Any], units: dict[str, Any]) -> None:
    """Put back the kept districts and communes where the form still has the same province (a province changed
    in the form drops the units that belonged to the old one)."""
    for key in ("hometown", "birthplace", "grew_up_in"):
        kept = units.get(key)
        if kept and key in p and lv.fold(p[key]["province"]) == lv.fold(kept["province"]):
            p[key].update({k: kept[k] for k in _UNIT_KEYS if k in kept})
    for key, where in (("localities_worked", "province"), ("posts", "locality")):
        items = p.get(key) or []
        for i, kept in (units.get(key) or {}).items():
            n = int(i)
            if n < len(items) and lv.fold(str(items[n].get(where, ""))) == lv.fold(str(kept.get(where, ""))):
                items[n].update({k: kept[k] for k in _UNIT_KEYS if k in kept})


KEPT = ("retirement_override", "committees")  # profile fields the form keeps without showing them
# yes / no fields of the 2026 law (NĐ 170/2025 as amended by NĐ 300/2026: the bars), shown in section 7
FLAGS_2026 = ("barred_from_office", "under_inspection", "suspended", "responsibility_review")

REQUEST_FIELDS = {  # the request's options, and the actions each belongs to
    "relation": ("appointment",),
    "candidate_source": ("appointment",),
    "event": ("nomination",),
    "level": ("nomination",),
    "reelection": ("nomination",),
    "full_time": ("nomination",),
    "rotation_purpose": ("rotation",),
    "rotation_months": ("rotation",),
    "term": ("planning",),
    "pool_size_for_title": ("planning",),
    "minority_area": ("appointment", "reappointment", "nomination", "rotation", "nonlocal_placement", "planning"),
}
FLAGS = ("reelection", "full_time", "minority_area")


def request_dict(f: FormData, rules: RulePack | None = None) -> dict[str, Any]:
    """The request the form describes: the action, the post (by its name or code), the province, the date,
    and the options of that action (options of other actions are ignored)."""
    v = f.get
    action = v("action")
    r: dict[str, Any] = {"action": action}
    if v("post"):
        r["post"] = _title_code(v("post"), rules)
    for key in ("locality", "district", "commune"):
        if v(key):
            r[key] = v(key)
    if v("date"):
        r["date"] = v("date")
    for key, actions in REQUEST_FIELDS.items():
        if action not in actions or not v(key):
            continue
        r[key] = True if key in FLAGS else v(key)
    return r


def _title_code(text: str, rules: RulePack | None) -> str:
    """A post typed or chosen by its Vietnamese name → its code (the text itself when it names none)."""
    if rules is None or not text:
        return text
    if text in rules.titles:
        return text
    folded = lv.fold(text)
    for code, t in rules.titles.items():
        if lv.fold(t.vi) == folded or lv.fold(code) == folded:
            return code
    return text


def _date(value: Any) -> str:
    return names.date_text(value) if value is not None else ""


def from_profile(profile: Profile, request: Mapping[str, Any] | None = None, rules: RulePack | None = None) -> FormData:
    """The form filled from a profile (and a request): what the officer sees after uploading a file."""
    values: dict[str, str] = {"id": profile.id, "sex": profile.sex, "birth_date": _date(profile.birth_date)}
    if profile.full_name:
        values["full_name"] = profile.full_name
    if profile.ethnicity:
        values["ethnicity"] = profile.ethnicity
    if profile.staff_status:
        values["staff_status"] = profile.staff_status
    for key in ("hometown", "birthplace", "grew_up_in"):
        place = getattr(profile, key)
        if place is not None:
            values[key] = place.province
    if profile.party is not None:
        values["party_member"] = "yes" if profile.party.member else "no"
        values["party_joined"] = _date(profile.party.joined)
        values["party_official"] = _date(profile.party.official)
    edu = profile.education
    for key in ("degree", "field", "political_theory", "state_management", "civil_service_grade"):
        if getattr(edu, key):
            values[key] = getattr(edu, key)
    if edu.minority_languages is not None:
        values["minority_languages"] = ", ".join(edu.minority_languages) or "không"
    rows = dict(ROWS)
    for i, post in enumerate(profile.posts or []):
        title = names.title_name(post.title, rules)
        values.update(
            {
                f"post-{i}-title": title,
                f"post-{i}-from": _date(post.from_),
                f"post-{i}-to": _date(post.to),
                f"post-{i}-name": post.name or "",
                f"post-{i}-body": post.body or "",
                f"post-{i}-level": post.level or "",
                f"post-{i}-locality": post.locality or "",
                f"post-{i}-relation": post.relation or "",
                f"post-{i}-end_reason": post.end_reason or "",
                f"post-{i}-head": "on" if post.head else "",
                f"post-{i}-acting": "on" if post.acting else "",
            }
        )
    rows["post"] = max(ROWS["post"], len(profile.posts or []) + 1)
    if profile.posts == []:
        values["posts_none"] = "on"
    for i, plan in enumerate(profile.planning or []):
        values.update(
            {
                f"plan-{i}-title": names.title_name(plan.title, rules),
                f"plan-{i}-term": plan.term or "",
                f"plan-{i}-approved": _date(plan.approved),
                f"plan-{i}-removed": _date(plan.removed),
            }
        )
    rows["plan"] = max(ROWS["plan"], len(profile.planning or []) + 1)
    if profile.planning == []:
        values["plan_none"] = "on"
    for i, lw in enumerate(profile.localities_worked or []):
        values[f"lw-{i}-province"] = lw.province
        values[f"lw-{i}-years"] = str(lw.years)
    rows["lw"] = max(ROWS["lw"], len(profile.localities_worked or []) + 1)
    for i, (year, rating) in enumerate(sorted((profile.assessments or {}).items())):
        values[f"as-{i}-year"] = str(year)
        values[f"as-{i}-rating"] = rating
    rows["as"] = max(ROWS["as"], len(profile.assessments or {}) + 1)
    for i, rec in enumerate(profile.discipline or []):
        values.update(
            {
                f"disc-{i}-kind": rec.kind,
                f"disc-{i}-form": rec.form,
                f"disc-{i}-decided": _date(rec.decided),
                f"disc-{i}-status": rec.status,
            }
        )
    rows["disc"] = max(ROWS["disc"], len(profile.discipline or []) + 1)
    if profile.discipline == []:
        values["discipline_none"] = "on"
    if profile.investigation:
        values["investigation"] = profile.investigation
    if profile.political_standard is not None:
        values["ps_result"] = profile.political_standard.result
        values["ps_date"] = _date(profile.political_standard.date)
        values["ps_authority"] = profile.political_standard.authority or ""
    if profile.health is not None:
        values["health_fit"] = "yes" if profile.health.fit else "no"
        values["health_date"] = _date(profile.health.date)
    if profile.asset_declaration is not None:
        values["asset_verified"] = "yes" if profile.asset_declaration.verified else "no"
        values["asset_date"] = _date(profile.asset_declaration.date)
    if profile.file_verified is not None:
        values["file_verified"] = "yes" if profile.file_verified else "no"
    if profile.abroad_or_inpatient_months is not None:
        values["abroad_months"] = str(profile.abroad_or_inpatient_months)
    if profile.maternity_leave == []:
        values["maternity_none"] = "on"
    elif profile.maternity_leave:
        latest = profile.maternity_leave[-1]
        values["maternity_from"] = _date(latest.from_)
        values["maternity_to"] = _date(latest.to)
    for key in FLAGS_2026:
        flag = getattr(profile, key)
        if flag is not None:
            values[key] = "yes" if flag else "no"
    dumped = profile.model_dump(mode="json", by_alias=True, exclude_none=True)
    kept = {k: dumped[k] for k in KEPT if k in dumped}
    if len(dumped.get("maternity_leave") or []) > 1:
        kept["maternity_leave_earlier"] = dumped["maternity_leave"][:-1]
    if edu.foreign_languages is not None:
        kept["foreign_languages"] = dumped["education"]["foreign_languages"]
    units = _units(profile)
    if units:
        kept["units"] = units
    if kept:
        values["kept"] = json.dumps(kept, ensure_ascii=False)
    for key, value in (request or {}).items():
        if value is None or value is False:
            continue
        if key == "post":
            values["post"] = names.title_name(str(value), rules)
        elif key == "date":
            values["date"] = _date(value if isinstance(value, dt.date) else str(value))
        else:
            values[key] = "on" if value is True else str(value)
    return FormData({k: x for k, x in values.items() if x}, rows)


def profile_yaml(profile: Profile) -> str:
    """A profile as the YAML a file keeps (``examples/profile.yaml``'s keys), for "save as YAML"."""
    import yaml

    data = profile.model_dump(mode="json", by_alias=True, exclude_none=True)
    if not data.get("education"):
        data.pop("education", None)
    return "# Hồ sơ cán bộ — lưu từ trang kiểm tra (eligibility serve)\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=110
    )
