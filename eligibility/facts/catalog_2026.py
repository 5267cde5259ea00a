"""The facts of the 2026 law (issue 11: NĐ 170/2025 as amended by NĐ 300/2026, NĐ 115/2020 for viên chức): time
in adjacent posts, the term's end, leave, the bars, recent ratings and how past posts ended. Part of the fact
catalogue (:data:`eligibility.facts.catalog.FACTS` lists them with the others)."""

from __future__ import annotations

from eligibility.facts.spec import FactSpec

# NĐ 170/2025 Điều 55 (NĐ 300/2026): how a past post ended decides the waiting period before planning
# or appointment; "tu_chuc_any" is the resignation family for the "< 5 years left" rule (any target).
LEAVING = ("thoi_giu_chuc_vu", "tu_chuc", "tu_chuc_thay_mien_nhiem", "mien_nhiem", "tu_chuc_any")
LEAVING_VI = {
    "thoi_giu_chuc_vu": ("thôi giữ chức vụ", "being relieved of a post"),
    "tu_chuc": ("từ chức", "resigning a post"),
    "tu_chuc_thay_mien_nhiem": ("từ chức thay cho miễn nhiệm", "resigning instead of removal"),
    "mien_nhiem": ("miễn nhiệm", "removal from a post"),
    "tu_chuc_any": ("từ chức (mọi chức vụ)", "resigning (any post)"),
}

# NĐ 170/2025 Điều 29 khoản 9, Điều 36 khoản 3 (NĐ 300/2026): yes/no fields of the profile, each its own fact
FLAGS = (
    ("barred_from_office", "bị cấm đảm nhiệm chức vụ", "barred from holding office"),
    (
        "under_inspection",
        "đang giải quyết tố cáo, khiếu nại kỷ luật, kiểm tra dấu hiệu vi phạm hoặc bị kiến nghị xử lý",
        "under a denunciation, discipline complaint or inspection, or recommended for handling",
    ),
    ("suspended", "đang bị tạm đình chỉ công tác", "suspended from duty"),
    (
        "responsibility_review",
        "có thông tin về trách nhiệm cá nhân chưa có kết luận chính thức",
        "personal responsibility under review without a final conclusion",
    ),
)


def specs_2026() -> list[FactSpec]:
    s: list[FactSpec] = [
        FactSpec(
            "months_in_adjacent_posts",
            "int",
            "số tháng giữ chức vụ liền kề hoặc tương đương, cao hơn (cộng dồn; không tính thời gian giao quyền, "
            "chức vụ thôi giữ do kỷ luật)",
            "months in the adjacent or an equivalent or higher post (cumulative; acting periods and posts left "
            "through discipline excluded)",
            inputs=("posts", "posts.end_reason", "discipline"),
            time_dependent=True,
        ),
        FactSpec(
            "months_to_retirement_at_term_end",
            "int",
            "số tháng công tác còn lại tính từ tháng hết thời hạn bổ nhiệm đến tháng đủ tuổi nghỉ hưu",
            "months left from the month the term ends to the retirement month",
            inputs=("birth_date", "sex", "posts", "request.term_end"),
            time_dependent=True,
            when_negative=(
                "Tháng đủ tuổi nghỉ hưu ({retirement_month}) đến trước tháng hết thời hạn bổ nhiệm ({term_end_month}): "
                "khi hết thời hạn không còn thời gian công tác.",
                "The retirement month ({retirement_month}) comes before the month the term ends ({term_end_month}): "
                "no working time is left at term end.",
            ),
        ),
        FactSpec(
            "term_end_month",
            "month",
            "tháng hết thời hạn bổ nhiệm",
            "month the current term ends",
            inputs=("posts", "request.term_end"),
            time_dependent=True,
        ),
        FactSpec(
            "on_maternity_leave",
            "bool",
            "đang nghỉ chế độ thai sản",
            "on maternity leave",
            inputs=("maternity_leave",),
            time_dependent=True,
        ),
        FactSpec(
            "has_state_discipline",
            "bool",
            "có kỷ luật chính quyền",
            "has a State discipline record",
            inputs=("discipline",),
            time_dependent=True,
        ),
        FactSpec(
            "has_unexpired_discipline",
            "bool",
            "có quyết định kỷ luật chưa ghi là hết hiệu lực",
            "has a discipline decision not recorded as expired",
            inputs=("discipline",),
            time_dependent=True,
        ),
        FactSpec(
            "recent_good_years",
            "int",
            "số năm liên tiếp gần nhất được xếp loại hoàn thành tốt nhiệm vụ trở lên",
            "latest consecutive years rated completed well or better",
            inputs=("assessments",),
            time_dependent=True,
        ),
        # known (true) only when the run above ends at a rated year: an unrated year leaves it unknown, never false
        FactSpec(
            "recent_good_years_final",
            "bool",
            "chuỗi năm hoàn thành tốt nhiệm vụ trở lên gần nhất đã rõ (kết thúc bởi năm đã xếp loại)",
            "the run of recent years rated well or better is settled (it ends at a rated year)",
            inputs=("assessments",),
            time_dependent=True,
        ),
        FactSpec(
            "latest_year_rated_good",
            "bool",
            "năm gần nhất được xếp loại hoàn thành tốt nhiệm vụ trở lên",
            "the latest year rated completed well or better",
            inputs=("assessments",),
            time_dependent=True,
        ),
        FactSpec(
            "term_years_failed_all_rated",
            "int",
            "số năm không hoàn thành nhiệm vụ trong thời hạn giữ chức vụ (khi mọi năm đều đã xếp loại)",
            "years rated not completed in the term (when every year of the term is rated)",
            inputs=("assessments",),
            time_dependent=True,
        ),
    ]
    s += [FactSpec(key, "bool", vi, en, inputs=(key,)) for key, vi, en in FLAGS]
    for kind in LEAVING:
        vi, en = LEAVING_VI[kind]
        leaving = [
            (
                f"left_by_{kind}",
                "bool",
                f"đã thôi một chức vụ do {vi} (hoặc chưa ghi lý do)",
                f"left a post by {en} (or the reason is not recorded)",
            ),
            (f"months_since_left_by_{kind}", "int", f"số tháng kể từ khi thôi chức vụ ({vi})", f"months since {en}"),
            (
                f"left_by_{kind}_confirmed",
                "bool",
                f"hồ sơ ghi rõ lý do thôi chức vụ gần nhất là {vi}",
                f"the file records the latest such leaving as {en}",
            ),
        ]
        s += [FactSpec(n, t, v, e, inputs=("posts", "posts.end_reason"), time_dependent=True) for n, t, v, e in leaving]
    s.append(
        FactSpec(
            "months_left_at_tu_chuc",
            "int",
            "số tháng công tác còn lại khi từ chức",
            "months of working time left when resigning",
            inputs=("posts", "posts.end_reason", "birth_date", "sex"),
            time_dependent=True,
        )
    )
    return s
