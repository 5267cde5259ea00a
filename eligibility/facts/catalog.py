"""The facts criteria may read: name, type, meaning, and the profile inputs each depends on.

Criteria in ``rules/criteria/*.yaml`` may only name facts listed here (the rule-pack loader
checks it). Types are what reaches the engine: ``int`` (months, counts, ranks), ``bool``,
``code`` (a string compared only for equality), ``month`` (a month index, shown as MM/YYYY).
``request`` facts come from the request and the title catalogue and are always known;
the others come from the profile and may be unknown.

This module is the one place where metadata about facts, their inputs and the criteria topics is
declared; the timeline, the pool columns and the messages read it from here:

* :class:`FactSpec` — a fact's type, labels, inputs, vocabulary (``rank_of`` for ranked ints,
  ``vocab`` for codes) and whether time alone moves it (``time_dependent``: month counts, "has a
  record" flags — the timeline covers them, a repair never asks for them);
* :data:`INPUTS` — every profile (or request) input a fact reads: its label, whether a person can
  change it (``kind``: ``immutable`` / ``record`` / ``profile`` / ``request``) and the pool column
  that records it (``column``, a key of :data:`eligibility.batch.columns.COLUMNS`);
* :data:`TOPICS` — the topics of criteria, with their labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from eligibility.facts.catalog_2026 import FLAGS as _FLAGS
from eligibility.facts.catalog_2026 import LEAVING, specs_2026
from eligibility.facts.spec import FactSpec
from eligibility.model import levels as lv

__all__ = ["FACTS", "INPUTS", "LEAVING", "PHRASES", "TOPICS", "FactSpec", "InputSpec", "input_label"]


_FORMS = ("khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc")


def _specs() -> list[FactSpec]:
    s: list[FactSpec] = [
        # request and target post
        FactSpec(
            "relation",
            "code",
            "tương quan với chức vụ hiện tại",
            "relation to the current post",
            vocab=lv.RELATION,
            request=True,
        ),
        FactSpec("reelection", "bool", "tái cử", "re-election", request=True),
        FactSpec("full_time", "bool", "hoạt động chuyên trách", "full-time deputy", request=True),
        FactSpec(
            "rotation_purpose",
            "code",
            "mục đích luân chuyển",
            "rotation purpose",
            vocab=lv.ROTATION_PURPOSE,
            request=True,
        ),
        FactSpec("target_level_rank", "int", "cấp của chức danh", "level of the post", request=True, rank_of="level"),
        FactSpec(
            "target_required_degree_rank",
            "int",
            "trình độ chuyên môn chức danh yêu cầu",
            "degree the post requires",
            request=True,
            rank_of="degree",
        ),
        FactSpec(
            "target_required_political_theory_rank",
            "int",
            "trình độ lý luận chính trị chức danh yêu cầu",
            "political theory the post requires",
            request=True,
            rank_of="political_theory",
        ),
        FactSpec(
            "target_required_state_management_rank",
            "int",
            "trình độ quản lý nhà nước chức danh yêu cầu",
            "state management the post requires",
            request=True,
            rank_of="state_management",
        ),
        FactSpec(
            "target_required_prior_grade",
            "int",
            "bậc chức vụ đã kinh qua chức danh yêu cầu",
            "grade of prior post the title requires",
            request=True,
        ),
        FactSpec(
            "target_requires_minority_language",
            "bool",
            "chức danh yêu cầu biết tiếng dân tộc thiểu số",
            "post requires a minority language",
            request=True,
        ),
        FactSpec(
            "target_nonlocal_listed",
            "bool",
            "chức danh thuộc danh mục bố trí không là người địa phương",
            "post is on a non-local placement list",
            request=True,
        ),
        FactSpec(
            "planned_rotation_months",
            "int",
            "thời gian luân chuyển dự kiến (tháng)",
            "planned length of the rotation (months)",
            inputs=("request.rotation_months",),
        ),
        FactSpec(
            "pool_size_for_title",
            "int",
            "số người đã quy hoạch vào chức danh",
            "people already planned for the title",
            inputs=("request.pool_size_for_title",),
            request=True,
        ),
        FactSpec(
            "minority_area", "bool", "địa bàn vùng đồng bào dân tộc thiểu số", "ethnic-minority area", request=True
        ),
        FactSpec(
            "term_years",
            "int",
            "thời hạn giữ chức vụ (năm)",
            "term of the post (years)",
            inputs=("request.term_years",),
            request=True,
        ),
        # a part of a condition whose provision is not encoded (its source was not read): never known, so a
        # comparison on it is always unknown and the finding says "chưa mã hóa / not encoded"
        FactSpec("not_encoded", "bool", "quy định chưa được mã hóa", "provision not encoded"),
        FactSpec(
            "staff_status",
            "code",
            "đối tượng (cán bộ, công chức, viên chức)",
            "staff status",
            inputs=("staff_status",),
            vocab=lv.STAFF_STATUS,
        ),
        # identity and age
        FactSpec("sex", "code", "giới tính", "sex", inputs=("sex",), vocab=lv.SEX),
        FactSpec("party_member", "bool", "đảng viên", "Party member", inputs=("party",)),
        FactSpec(
            "age_months",
            "int",
            "tuổi (tháng) tại thời điểm tính",
            "age in months at the reference date",
            inputs=("birth_date",),
            time_dependent=True,
        ),
        FactSpec(
            "retirement_month",
            "month",
            "tháng đủ tuổi nghỉ hưu",
            "month the retirement age is reached",
            inputs=("birth_date", "sex"),
            time_dependent=True,
        ),
        FactSpec(
            "reference_month", "month", "tháng tính tuổi", "reference month for age", request=True, time_dependent=True
        ),
        FactSpec(
            "months_to_retirement",
            "int",
            "số tháng công tác còn lại đến tuổi nghỉ hưu",
            "months left to the retirement age",
            inputs=("birth_date", "sex"),
            time_dependent=True,
            when_negative=(
                "Tháng đủ tuổi nghỉ hưu ({retirement_month}) đã qua tại tháng tính tuổi ({reference_month}): "
                "không còn thời gian công tác.",
                "The retirement month ({retirement_month}) has passed at the reference month ({reference_month}): "
                "no working time left.",
            ),
        ),
        FactSpec(
            "actual_retirement_month",
            "month",
            "tháng đủ tuổi nghỉ hưu theo luật (tuổi nghỉ hưu thực tế hoặc tuổi riêng theo luật)",
            "month the person's legal retirement age is reached (actual age, or the age set by law for them)",
            inputs=("birth_date", "sex"),
        ),
        FactSpec(
            "months_to_actual_retirement",
            "int",
            "số tháng từ tháng xét đến tháng đủ tuổi nghỉ hưu theo luật (âm: đã quá tuổi nghỉ hưu)",
            "months from the reference date's month to the legal retirement month (negative: past retirement)",
            inputs=("birth_date", "sex"),
            time_dependent=True,
        ),
        # education
        FactSpec("degree_rank", "int", "trình độ chuyên môn", "degree", inputs=("education.degree",), rank_of="degree"),
        FactSpec(
            "political_theory_rank",
            "int",
            "trình độ lý luận chính trị",
            "political theory",
            inputs=("education.political_theory",),
            rank_of="political_theory",
        ),
        FactSpec(
            "state_management_rank",
            "int",
            "trình độ quản lý nhà nước",
            "state management",
            inputs=("education.state_management",),
            rank_of="state_management",
        ),
        FactSpec(
            "minority_language_count",
            "int",
            "số tiếng dân tộc thiểu số sử dụng được",
            "minority languages spoken",
            inputs=("education.minority_languages",),
        ),
        # career
        FactSpec(
            "has_current_post", "bool", "đang giữ chức vụ", "holds a post now", inputs=("posts",), time_dependent=True
        ),
        FactSpec(
            "target_is_higher",
            "bool",
            "chức danh cao hơn chức vụ hiện tại",
            "the post is higher than the current one",
            inputs=("posts",),
        ),
        FactSpec(
            "months_in_current_post",
            "int",
            "số tháng giữ chức vụ hiện tại",
            "months in the current post",
            inputs=("posts",),
            time_dependent=True,
        ),
        FactSpec(
            "months_in_equivalent_posts",
            "int",
            "số tháng giữ chức vụ hiện tại hoặc tương đương (cộng dồn)",
            "months in the current or an equivalent post (cumulative)",
            inputs=("posts",),
            time_dependent=True,
        ),
        FactSpec(
            "max_grade_held", "int", "bậc chức vụ cao nhất đã kinh qua", "highest post grade held", inputs=("posts",)
        ),
        FactSpec(
            "months_in_target_post_here",
            "int",
            "số tháng liên tục giữ chức danh này tại địa phương này",
            "consecutive months in this title in this locality",
            inputs=("posts",),
            time_dependent=True,
        ),
        FactSpec(
            "planned_for_target_or_higher",
            "bool",
            "trong quy hoạch chức danh này hoặc tương đương, cao hơn",
            "in the plan for this title or an equivalent or higher one",
            inputs=("planning",),
        ),
        FactSpec(
            "planned_any",
            "bool",
            "đang trong quy hoạch (bất kỳ chức danh nào)",
            "in a plan for any title",
            inputs=("planning",),
        ),
        FactSpec(
            "planned_titles_same_level",
            "int",
            "số chức danh khác cùng cấp đang được quy hoạch",
            "other titles at the same level already planned for",
            inputs=("planning",),
        ),
        # record
        FactSpec(
            "has_any_discipline",
            "bool",
            "có kỷ luật",
            "has a discipline record",
            inputs=("discipline",),
            time_dependent=True,
        ),
        FactSpec(
            "months_since_latest_discipline",
            "int",
            "số tháng kể từ quyết định kỷ luật gần nhất",
            "months since the latest discipline decision",
            inputs=("discipline",),
            time_dependent=True,
        ),
        FactSpec(
            "has_party_discipline",
            "bool",
            "có quyết định kỷ luật đảng",
            "has a Party discipline decision",
            inputs=("discipline",),
            time_dependent=True,
        ),
        FactSpec(
            "months_since_latest_party_discipline",
            "int",
            "số tháng kể từ quyết định kỷ luật đảng gần nhất",
            "months since the latest Party discipline decision",
            inputs=("discipline",),
            time_dependent=True,
        ),
        FactSpec(
            "under_discipline_consideration",
            "bool",
            "đang bị xem xét kỷ luật",
            "under disciplinary consideration",
            inputs=("discipline",),
        ),
        FactSpec(
            "under_investigation",
            "bool",
            "đang bị điều tra, truy tố, xét xử",
            "under investigation, prosecution or trial",
            inputs=("investigation",),
        ),
        FactSpec(
            "political_standard",
            "code",
            "kết luận tiêu chuẩn chính trị",
            "political-standard conclusion",
            inputs=("political_standard",),
            vocab=lv.POLITICAL_STANDARD,
        ),
        FactSpec("health_fit", "bool", "đủ sức khỏe", "fit for duty", inputs=("health",)),
        FactSpec(
            "asset_declaration_verified",
            "bool",
            "bản kê khai tài sản, thu nhập đã được xác minh",
            "asset declaration verified",
            inputs=("asset_declaration",),
        ),
        FactSpec(
            "file_verified",
            "bool",
            "hồ sơ, lý lịch đã được thẩm định",
            "personal file verified",
            inputs=("file_verified",),
        ),
        FactSpec(
            "abroad_or_inpatient_months",
            "int",
            "số tháng đi nước ngoài, điều trị nội trú",
            "months abroad or in hospital",
            inputs=("abroad_or_inpatient_months",),
        ),
        FactSpec(
            "term_years_completed",
            "int",
            "số năm hoàn thành nhiệm vụ trở lên trong nhiệm kỳ",
            "years rated completed or better in the term",
            inputs=("assessments",),
            time_dependent=True,
        ),
        FactSpec(
            "term_years_failed",
            "int",
            "số năm không hoàn thành nhiệm vụ trong nhiệm kỳ",
            "years rated not completed in the term",
            inputs=("assessments",),
            time_dependent=True,
        ),
        FactSpec(
            "consecutive_failed_years",
            "int",
            "số năm liên tiếp gần nhất không hoàn thành nhiệm vụ",
            "latest consecutive years rated not completed",
            inputs=("assessments",),
            time_dependent=True,
        ),
        # locality (người địa phương) — at the unit of the post: its province, district or commune
        FactSpec(
            "hometown_here",
            "bool",
            "quê quán tại địa phương nơi bố trí (tỉnh, huyện hoặc xã theo cấp của chức danh)",
            "hometown in the post's locality (province, district or commune, by the post's level)",
            inputs=("hometown", "request.locality"),
        ),
        FactSpec(
            "birthplace_here",
            "bool",
            "nơi sinh tại địa phương nơi bố trí",
            "born in the post's locality",
            inputs=("birthplace", "request.locality"),
        ),
        FactSpec(
            "grew_up_here",
            "bool",
            "lớn lên, trưởng thành tại địa phương nơi bố trí",
            "grew up in the post's locality",
            inputs=("grew_up_in", "request.locality"),
        ),
        FactSpec(
            "origin_here",
            "bool",
            "gốc gác tại địa phương nơi bố trí theo cả hai cách hiểu (rộng: quê quán, nơi sinh hoặc nơi lớn lên; "
            "chặt: sinh ra và lớn lên)",
            "origin in the post's locality under both readings (broad: hometown, birthplace or place of growing up; "
            "strict: born and raised)",
            inputs=("hometown", "birthplace", "grew_up_in", "request.locality"),
        ),
        FactSpec(
            "years_worked_here",
            "int",
            "số năm công tác tại địa phương nơi bố trí",
            "years worked in the post's locality",
            inputs=("localities_worked", "request.locality"),
            time_dependent=True,
        ),
        # Party committee seats
        FactSpec(
            "district_committee_member",
            "bool",
            "đang là cấp ủy viên cấp huyện",
            "holds a seat on a district Party committee",
            inputs=("committees",),
            time_dependent=True,
        ),
    ]
    for form in _FORMS:
        label = lv.DISCIPLINE_FORM.labels_vi[form]
        label_en = lv.DISCIPLINE_FORM.labels_en[form]
        s.append(
            FactSpec(
                f"has_{form}",
                "bool",
                f"có kỷ luật {label}",
                f"has a {label_en}",
                inputs=("discipline",),
                time_dependent=True,
            )
        )
        s.append(
            FactSpec(
                f"months_since_{form}",
                "int",
                f"số tháng kể từ quyết định {label} gần nhất",
                f"months since the latest {label_en}",
                inputs=("discipline",),
                time_dependent=True,
            )
        )
        s.append(
            FactSpec(
                f"has_{form}_for_higher",
                "bool",
                f"có kỷ luật {label} khi giữ chức vụ thấp hơn chức danh xem xét",
                f"has a {label_en} received in a post lower than the target",
                inputs=("discipline", "posts"),
                time_dependent=True,
            )
        )
        s.append(
            FactSpec(
                f"months_since_{form}_for_higher",
                "int",
                f"số tháng kể từ quyết định {label} (khi giữ chức vụ thấp hơn chức danh xem xét)",
                f"months since that {label_en}",
                inputs=("discipline", "posts"),
                time_dependent=True,
            )
        )
        s.append(
            FactSpec(
                f"has_party_{form}",
                "bool",
                f"có kỷ luật đảng {label}",
                f"has a Party {label_en}",
                inputs=("discipline",),
                time_dependent=True,
            )
        )
        s.append(
            FactSpec(
                f"months_since_party_{form}",
                "int",
                f"số tháng kể từ quyết định kỷ luật đảng {label} gần nhất",
                f"months since the latest Party {label_en}",
                inputs=("discipline",),
                time_dependent=True,
            )
        )
        s.append(
            FactSpec(
                f"has_state_{form}",
                "bool",
                f"có kỷ luật chính quyền {label}",
                f"has a State {label_en}",
                inputs=("discipline",),
                time_dependent=True,
            )
        )
        s.append(
            FactSpec(
                f"months_since_state_{form}",
                "int",
                f"số tháng kể từ quyết định kỷ luật chính quyền {label} gần nhất",
                f"months since the latest State {label_en}",
                inputs=("discipline",),
                time_dependent=True,
            )
        )
    s += specs_2026()
    return s


FACTS: dict[str, FactSpec] = {f.name: f for f in _specs()}
DISCIPLINE_FORMS = _FORMS

# Phrases a message template may use besides facts and parameters: a sentence part composed from several
# facts (rendered by eligibility.explain.messages). name → the facts it reads.
PHRASES: dict[str, tuple[str, ...]] = {
    "local_ties": ("hometown_here", "birthplace_here", "grew_up_here", "origin_here", "years_worked_here"),
}


@dataclass(frozen=True)
class InputSpec:
    """A profile field (or request field) that facts read, as a person sees it."""

    name: str  # dotted path in the profile ("education.degree"), or "request.<field>"
    vi: str
    en: str
    kind: str  # immutable (cannot change) | record (set by past events) | profile (can be completed) | request
    column: str | None = None  # key of the pool column that records it (eligibility.batch.columns)


def _inputs() -> list[InputSpec]:
    return [
        InputSpec("birth_date", "ngày sinh", "birth date", "immutable", "birth_date"),
        InputSpec("sex", "giới tính", "sex", "immutable", "sex"),
        InputSpec("hometown", "quê quán", "hometown", "immutable", "hometown"),
        InputSpec("birthplace", "nơi sinh", "birthplace", "immutable", "birthplace"),
        InputSpec("grew_up_in", "nơi lớn lên, trưởng thành", "where the person grew up", "immutable", "grew_up_in"),
        InputSpec(
            "hometown.district", "huyện của quê quán", "district of the hometown", "immutable", "hometown_district"
        ),
        InputSpec("hometown.commune", "xã của quê quán", "commune of the hometown", "immutable", "hometown_commune"),
        InputSpec(
            "birthplace.district",
            "huyện của nơi sinh",
            "district of the birthplace",
            "immutable",
            "birthplace_district",
        ),
        InputSpec(
            "birthplace.commune", "xã của nơi sinh", "commune of the birthplace", "immutable", "birthplace_commune"
        ),
        InputSpec(
            "grew_up_in.district",
            "huyện của nơi lớn lên",
            "district of the place of growing up",
            "immutable",
            "grew_up_in_district",
        ),
        InputSpec(
            "grew_up_in.commune",
            "xã của nơi lớn lên",
            "commune of the place of growing up",
            "immutable",
            "grew_up_in_commune",
        ),
        InputSpec(
            "localities_worked",
            "thời gian đã công tác tại địa phương",
            "years already worked in the province",
            "immutable",
            "localities_worked",
        ),
        InputSpec(
            "localities_worked.district",
            "huyện nơi đã công tác (theo từng nơi)",
            "district of each place worked",
            "immutable",
            "localities_worked",
        ),
        InputSpec(
            "localities_worked.commune",
            "xã nơi đã công tác (theo từng nơi)",
            "commune of each place worked",
            "immutable",
            "localities_worked",
        ),
        InputSpec(
            "discipline", "quyết định kỷ luật đã có", "discipline decisions on file", "record", "discipline_form"
        ),
        InputSpec("posts", "quá trình công tác", "posts held", "record", "current_post"),
        InputSpec("assessments", "kết quả đánh giá các năm", "past annual assessments", "record", "assessments"),
        InputSpec("party", "đảng viên", "Party membership", "profile", "party_member"),
        InputSpec("education.degree", "trình độ chuyên môn", "degree", "profile", "degree"),
        InputSpec(
            "education.political_theory",
            "trình độ lý luận chính trị",
            "political theory",
            "profile",
            "political_theory",
        ),
        InputSpec(
            "education.state_management", "trình độ quản lý nhà nước", "state management", "profile", "state_management"
        ),
        InputSpec(
            "education.minority_languages",
            "tiếng dân tộc thiểu số",
            "minority languages",
            "profile",
            "minority_languages",
        ),
        InputSpec("planning", "quy hoạch", "planning", "profile", "planning_titles"),
        InputSpec("investigation", "điều tra, truy tố, xét xử", "investigation", "profile", "investigation"),
        InputSpec(
            "political_standard",
            "kết luận tiêu chuẩn chính trị",
            "political-standard conclusion",
            "profile",
            "political_standard",
        ),
        InputSpec("health", "sức khỏe", "health", "profile", "health"),
        InputSpec(
            "asset_declaration",
            "kê khai tài sản, thu nhập",
            "asset declaration",
            "profile",
            "asset_declaration_verified",
        ),
        InputSpec("file_verified", "thẩm định hồ sơ", "file verification", "profile", "file_verified"),
        InputSpec(
            "abroad_or_inpatient_months",
            "thời gian đi nước ngoài, điều trị nội trú",
            "months abroad or in hospital",
            "profile",
            "abroad_or_inpatient_months",
        ),
        InputSpec(
            "staff_status", "đối tượng (cán bộ, công chức, viên chức)", "staff status", "profile", "staff_status"
        ),
        InputSpec("maternity_leave", "thời gian nghỉ thai sản", "maternity leave", "record", "maternity_leave_from"),
        # the flat pool format holds the current post and the latest post left (earlier posts: YAML / JSON / JSONL)
        InputSpec(
            "posts.end_reason",
            "lý do thôi giữ các chức vụ đã qua",
            "how past posts ended",
            "record",
            "left_post_end_reason",
        ),
        InputSpec("request.term_end", "ngày hết thời hạn bổ nhiệm", "end of the current term", "request"),
        InputSpec("request.term_years", "thời hạn giữ chức vụ", "term of the post", "request"),
        *(InputSpec(key, vi, en, "profile", key) for key, vi, en in _FLAGS),
        InputSpec("request.locality", "địa phương nơi bố trí", "locality of the post", "request"),
        InputSpec("request.district", "huyện nơi bố trí", "district of the post", "request"),
        InputSpec("request.commune", "xã nơi bố trí", "commune of the post", "request"),
        InputSpec("committees", "vị trí trong cấp ủy các cấp", "Party committee seats", "record", "committee_level"),
        InputSpec("request.rotation_months", "thời gian luân chuyển dự kiến", "planned rotation length", "request"),
        InputSpec("request.pool_size_for_title", "số người đã quy hoạch", "people already planned", "request"),
    ]


INPUTS: dict[str, InputSpec] = {i.name: i for i in _inputs()}

#: Criteria topics (``topic:`` in rules/criteria), with their labels.
TOPICS: dict[str, tuple[str, str]] = {
    "age": ("tuổi", "age"),
    "planning": ("quy hoạch", "planning"),
    "tenure": ("thời gian giữ chức vụ", "time in post"),
    "degree": ("trình độ chuyên môn", "degree"),
    "political_theory": ("lý luận chính trị", "political theory"),
    "state_management": ("quản lý nhà nước", "state management"),
    "political_clearance": ("tiêu chuẩn chính trị", "political standard"),
    "discipline": ("kỷ luật", "discipline"),
    "health": ("sức khỏe", "health"),
    "assets": ("hồ sơ, kê khai tài sản", "file and asset declaration"),
    "assessment": ("đánh giá, xếp loại", "assessments"),
    "locality": ("người địa phương", "locality"),
    "language": ("tiếng dân tộc thiểu số", "minority language"),
    "investigation": ("điều tra, truy tố, xét xử", "investigation"),
    "quota": ("số lượng quy hoạch", "planning quota"),
}


def input_label(name: str, lang: str = "vi") -> str:
    spec = INPUTS.get(name)
    if spec is None:
        return name
    return spec.en if lang == "en" else spec.vi
