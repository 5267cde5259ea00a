"""The pool columns of the fields the 2026 law reads (issue 11): an acting current post, the latest post left
(a second record of ``posts``: title, dates, how it ended, level) and the bars of NĐ 170/2025 as amended by
NĐ 300/2026. Listed in :data:`eligibility.batch.columns.COLUMNS` in their places."""

from __future__ import annotations

from eligibility.batch.column import Column, _c
from eligibility.model import levels as lv

# the current post held as acting, then the latest post left (after the current post's columns)
LAW_2026_POSTS: tuple[Column, ...] = (
    _c(
        "current_post_acting",
        "Giao quyền (quyền trưởng)",
        "posts.acting",
        "bool",
        "Chức vụ hiện tại chỉ là giao quyền (quyền trưởng): có / không; thời gian giao quyền không tính là thời gian giữ "
        "chức vụ (NĐ 170/2025 sửa đổi bởi NĐ 300/2026).",
        "The current post is only held as acting (giao quyền): yes / no; acting time does not count as time in the post "
        "(Decree 170/2025 as amended by Decree 300/2026).",
        "không",
    ),
    _c(
        "left_post",
        "Chức vụ đã thôi gần nhất (mã)",
        "posts.title",
        "text",
        'Chức vụ gần nhất đã thôi giữ (mã hoặc tên chức danh); "không" nếu chưa thôi giữ chức vụ nào. Các chức vụ '
        "khác đã qua ghi trong hồ sơ YAML / JSON.",
        'The latest post the person left (a title code or name); "không" (none) if none. Earlier posts go in a YAML / '
        "JSON profile.",
        "giam-doc-so",
        none_word=True,
        opens=True,
        title_code=True,
        record="left_post",
    ),
    _c(
        "left_post_from",
        "Ngày bắt đầu giữ chức vụ đã thôi",
        "posts.from",
        "date",
        "Ngày bắt đầu giữ chức vụ đã thôi.",
        "Date the post left began.",
        "01/06/2016",
        record="left_post",
        needed=("cần ngày bắt đầu giữ chức vụ đã thôi", "the date the post left began is needed"),
    ),
    _c(
        "left_post_to",
        "Ngày thôi giữ chức vụ",
        "posts.to",
        "date",
        "Ngày cuối cùng giữ chức vụ đã thôi.",
        "Last day in the post left.",
        "31/05/2021",
        record="left_post",
        needed=("cần ngày thôi giữ chức vụ", "the last day in the post left is needed"),
    ),
    _c(
        "left_post_end_reason",
        "Lý do thôi giữ chức vụ",
        "posts.end_reason",
        "vocab",
        "Vì sao thôi giữ chức vụ: kết thúc bình thường (hết thời hạn, điều động, bổ nhiệm chức vụ khác), cho thôi giữ "
        "chức vụ, từ chức, từ chức thay cho miễn nhiệm, miễn nhiệm, cách chức, bãi nhiệm (NĐ 170/2025 Điều 55).",
        "How the post ended: normally (term over, transfer, another post), relieved, resigned, resigned instead of "
        "removal, removed, dismissed, recalled (Decree 170/2025 Art. 55).",
        "hết thời hạn",
        vocab=lv.END_REASON,
        record="left_post",
    ),
    _c(
        "left_post_level",
        "Cấp của chức vụ đã thôi",
        "posts.level",
        "vocab",
        "Cấp của chức vụ đã thôi (khi chức danh ngoài danh mục).",
        "Level of the post left (for a title outside the catalogue).",
        "cấp tỉnh",
        vocab=lv.LEVEL,
        record="left_post",
    ),
)

# the bars (before the months abroad or in hospital)
LAW_2026_BARS: tuple[Column, ...] = (
    _c(
        "barred_from_office",
        "Bị cấm đảm nhiệm chức vụ",
        "barred_from_office",
        "bool",
        "Đang bị cấm đảm nhiệm chức vụ theo quy định của Đảng, pháp luật (có / không).",
        "Barred from holding office by Party rules or law (yes / no).",
        "không",
    ),
    _c(
        "under_inspection",
        "Đang bị giải quyết tố cáo, kiểm tra",
        "under_inspection",
        "bool",
        "Đang giải quyết tố cáo, khiếu nại kỷ luật, kiểm tra khi có dấu hiệu vi phạm, hoặc bị kiến nghị xử lý theo kết "
        "luận thanh tra, kiểm toán (có / không).",
        "Under a denunciation, a discipline complaint, an inspection for signs of violation, or recommended for "
        "handling by an inspection or audit (yes / no).",
        "không",
    ),
    _c(
        "suspended",
        "Đang bị tạm đình chỉ công tác",
        "suspended",
        "bool",
        "Đang bị tạm đình chỉ công tác (có / không).",
        "Suspended from duty (yes / no).",
        "không",
    ),
    _c(
        "responsibility_review",
        "Đang xem xét trách nhiệm cá nhân",
        "responsibility_review",
        "bool",
        "Có thông tin của cơ quan chức năng về trách nhiệm cá nhân trong vụ án, vụ việc chưa có kết luận chính thức "
        "(có / không).",
        "The authorities report a personal responsibility in a case without a final conclusion (yes / no).",
        "không",
    ),
)
