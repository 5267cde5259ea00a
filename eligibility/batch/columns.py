"""The pool spreadsheet: the documented columns (Vietnamese headers, English aliases) and a file's layout.

One row is one person. Each :class:`Column` declares the profile field it fills (``path``), how its
cells are read (``kind``, ``multi``, ``none_word``, ``title_code``) and its place in a record
(``opens`` for the column that opens a record such as a post or a discipline decision, ``needed``);
:mod:`eligibility.batch.mapping` reads a row into a profile, a profile into a row and a profile
error back to its column from these declarations alone, so a new profile field is one new
``Column`` here. An empty cell means "not recorded" and leaves the field ``None`` (the criteria that
need it come out ``unknown``), never a default. "Không" in a list column (kỷ luật, quy hoạch, tiếng
dân tộc thiểu số, chức vụ) means "recorded: none" (an empty list). Several values in one cell are
separated by ";" (e.g. two discipline records: "khiển trách; cảnh cáo" with dates
"15/03/2023; 02/02/2024").

Headers are matched without accents, case or extra spaces ("Ngay sinh" = "Ngày sinh"), and each
column also accepts its English key (``birth_date``). Values are checked by the profile model;
every error names the column, the row and the reason in Vietnamese and English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eligibility.batch.column import Cell, Column, _c
from eligibility.batch.columns_2026 import LAW_2026_BARS, LAW_2026_POSTS
from eligibility.errors import Problem
from eligibility.model import levels as lv

__all__ = ["BY_KEY", "COLUMNS", "POST_COLUMN", "REQUIRED", "Cell", "Column", "Layout", "find_column", "layout"]


def _place_units(key: str) -> tuple[Column, ...]:
    """The district, commune and map-date columns of a place (quê quán, nơi sinh, nơi lớn lên)."""
    vi, en = {"hometown": ("Quê quán", "hometown"), "birthplace": ("Nơi sinh", "birthplace")}.get(
        key, ("Nơi lớn lên", "place of growing up")
    )
    low = vi.lower()
    return (
        _c(
            f"{key}_district",
            f"{vi} (huyện)",
            f"{key}.district",
            "text",
            f"Huyện, quận, thị xã, thành phố thuộc tỉnh của {low} (địa danh trước 01/7/2025); cần cho chức danh cấp "
            "huyện, cấp xã khi xét người địa phương.",
            f"District of the {en} (the map before 1 July 2025); needed for the local-person test of district and "
            "commune posts.",
            "Bảo Thắng",
        ),
        _c(
            f"{key}_commune",
            f"{vi} (xã)",
            f"{key}.commune",
            "text",
            f"Xã, phường, thị trấn, đặc khu của {low}; cần cho chức danh cấp xã khi xét người địa phương.",
            f"Commune of the {en}; needed for the local-person test of commune posts.",
            "Phong Niên",
        ),
        _c(
            f"{key}_as_of",
            f"{vi} ghi theo địa danh ngày",
            f"{key}.as_of",
            "date",
            f"Ngày của bản đồ hành chính mà {low} được ghi theo (xã, phường sắp xếp lại từ 01/7/2025: xã ghi theo "
            "địa danh mới thì ghi một ngày từ 01/7/2025).",
            f"The date whose administrative map the {en} is written in (communes were rearranged on 1 July 2025: a "
            "commune written by its new name takes a date from then).",
            "01/07/2025",
        ),
    )


COLUMNS: tuple[Column, ...] = (
    _c(
        "id",
        "Mã hồ sơ",
        "id",
        "text",
        "Mã hồ sơ cán bộ (duy nhất trong danh sách).",
        "File id (unique in the pool).",
        "LC-0001",
        required=True,
        aliases=("ma ho so", "profile_id"),
    ),
    _c("full_name", "Họ và tên", "full_name", "text", "Họ và tên.", "Full name.", "Nguyễn Văn An"),
    _c("sex", "Giới tính", "sex", "vocab", "Giới tính.", "Sex.", "nữ", vocab=lv.SEX, required=True),
    _c(
        "birth_date",
        "Ngày sinh",
        "birth_date",
        "birth_date",
        "Ngày sinh; nếu chỉ biết năm thì dùng ngày 1/1 (NĐ 135/2020 Điều 3).",
        "Birth date; a year alone counts from 1 January (ND 135/2020 art. 3).",
        "14/05/1972",
        required=True,
    ),
    _c(
        "ethnicity",
        "Dân tộc",
        "ethnicity",
        "text",
        "Dân tộc (Kinh, Tày, Thái, H'Mông, …).",
        "Ethnicity (Kinh, Tày, Thái, H'Mông, …); anything but Kinh counts as an ethnic minority.",
        "Tày",
    ),
    _c(
        "hometown",
        "Quê quán (tỉnh)",
        "hometown.province",
        "text",
        "Tỉnh, thành phố của quê quán.",
        "Province of the hometown (quê quán).",
        "Lào Cai",
        opens=True,
    ),
    *_place_units("hometown"),
    _c(
        "birthplace",
        "Nơi sinh (tỉnh)",
        "birthplace.province",
        "text",
        "Tỉnh, thành phố nơi sinh.",
        "Province of birth.",
        "Lào Cai",
        opens=True,
    ),
    *_place_units("birthplace"),
    _c(
        "grew_up_in",
        "Nơi lớn lên (tỉnh)",
        "grew_up_in.province",
        "text",
        "Tỉnh, thành phố nơi lớn lên, trưởng thành.",
        "Province where the person grew up.",
        "Lào Cai",
        opens=True,
    ),
    *_place_units("grew_up_in"),
    _c(
        "localities_worked",
        "Số năm công tác theo tỉnh",
        "localities_worked",
        "localities",
        "Số năm đã công tác tại từng nơi: tỉnh, hoặc tỉnh / huyện, hoặc tỉnh / huyện / xã (huyện để trống nếu "
        "không có: tỉnh / / xã), kèm ngày của địa danh trong ngoặc nếu cần; "
        '"không" nếu chưa công tác ở đâu.',
        "Years worked in each place: province, or province / district, or province / district / commune (an empty "
        "district when there is none: province / / commune), with the date of the map in brackets if needed; "
        '"không" (none) if none.',
        "Lào Cai: 20; Lào Cai / Bảo Thắng: 5; Yên Bái: 3",
        none_word=True,
    ),
    _c(
        "party_member",
        "Đảng viên",
        "party.member",
        "bool",
        "Là đảng viên hay không.",
        "Party member or not.",
        "có",
        opens=True,
    ),
    _c(
        "party_joined",
        "Ngày vào Đảng",
        "party.joined",
        "date",
        "Ngày vào Đảng (cần cột Đảng viên).",
        "Date of joining the Party (needs the Party member column).",
        "12/03/1998",
    ),
    _c(
        "party_official",
        "Ngày chính thức",
        "party.official",
        "date",
        "Ngày trở thành đảng viên chính thức.",
        "Date of full Party membership.",
        "12/03/1999",
    ),
    _c(
        "degree",
        "Trình độ chuyên môn",
        "education.degree",
        "vocab",
        "Trình độ chuyên môn cao nhất.",
        "Highest degree.",
        "thạc sĩ",
        vocab=lv.DEGREE,
    ),
    _c("field", "Chuyên ngành", "education.field", "text", "Chuyên ngành đào tạo.", "Field of study.", "Luật"),
    _c(
        "political_theory",
        "Trình độ LLCT",
        "education.political_theory",
        "vocab",
        "Trình độ lý luận chính trị.",
        "Political theory level.",
        "cao cấp",
        vocab=lv.POLITICAL_THEORY,
        aliases=("trinh do ly luan chinh tri",),
    ),
    _c(
        "state_management",
        "Trình độ QLNN",
        "education.state_management",
        "vocab",
        "Trình độ quản lý nhà nước.",
        "State-management training.",
        "chuyên viên chính",
        vocab=lv.STATE_MANAGEMENT,
        aliases=("trinh do quan ly nha nuoc",),
    ),
    _c(
        "civil_service_grade",
        "Ngạch công chức",
        "education.civil_service_grade",
        "vocab",
        "Ngạch công chức.",
        "Civil-service grade.",
        "chuyên viên chính",
        vocab=lv.CIVIL_SERVICE_GRADE,
    ),
    _c(
        "minority_languages",
        "Tiếng dân tộc thiểu số",
        "education.minority_languages",
        "list",
        'Tiếng dân tộc thiểu số sử dụng được, cách nhau bởi ";"; "không" nếu không biết tiếng nào.',
        'Minority languages spoken, separated by ";"; "không" (none) if none.',
        "Tày; H'Mông",
        multi=True,
        none_word=True,
    ),
    _c(
        "current_post",
        "Chức vụ hiện tại (mã)",
        "posts.title",
        "text",
        'Mã chức danh hiện tại theo danh mục (eligibility rules titles) hoặc tên chức danh; "không" nếu không giữ '
        "chức vụ.",
        "Current post: a title code from the catalogue (eligibility rules titles) or its name; "
        '"không" (none) if no post.',
        "pho-giam-doc-so",
        none_word=True,
        aliases=("chuc vu hien tai",),
        opens=True,
        title_code=True,
    ),
    _c(
        "current_post_name",
        "Chức vụ hiện tại (tên)",
        "posts.name",
        "text",
        "Tên đầy đủ của chức vụ hiện tại.",
        "Full name of the current post.",
        "Phó Giám đốc Sở Tư pháp",
    ),
    _c(
        "current_post_level",
        "Cấp của chức vụ",
        "posts.level",
        "vocab",
        "Cấp của chức vụ hiện tại.",
        "Level of the current post.",
        "cấp tỉnh",
        vocab=lv.LEVEL,
    ),
    _c(
        "current_post_locality",
        "Tỉnh nơi công tác",
        "posts.locality",
        "text",
        "Tỉnh nơi giữ chức vụ hiện tại.",
        "Province of the current post.",
        "Lào Cai",
    ),
    _c(
        "current_post_district",
        "Huyện nơi công tác",
        "posts.district",
        "text",
        "Huyện của chức vụ hiện tại (chức danh cấp huyện, cấp xã đến 30/6/2025).",
        "District of the current post (district and commune posts until 30 June 2025).",
        "Bảo Thắng",
    ),
    _c(
        "current_post_commune",
        "Xã nơi công tác",
        "posts.commune",
        "text",
        "Xã của chức vụ hiện tại (chức danh cấp xã).",
        "Commune of the current post (commune posts).",
        "Phong Niên",
    ),
    _c(
        "current_post_body",
        "Cơ quan, đơn vị",
        "posts.body",
        "text",
        "Cơ quan, đơn vị công tác.",
        "Body or unit.",
        "Sở Tư pháp",
    ),
    _c(
        "current_post_from",
        "Ngày giữ chức vụ",
        "posts.from",
        "date",
        "Ngày bắt đầu giữ chức vụ hiện tại (bắt buộc khi có chức vụ).",
        "Date the current post began (required when a post is given).",
        "01/03/2019",
        extra_paths=("posts.to",),
    ),
    *LAW_2026_POSTS,
    _c(
        "planning_titles",
        "Quy hoạch (mã chức danh)",
        "planning.title",
        "list",
        'Các chức danh đang được quy hoạch (mã hoặc tên), cách nhau bởi ";"; "không" nếu chưa được quy hoạch.',
        'Titles the person is already planned for (codes or names), separated by ";"; "không" (none) if none.',
        "giam-doc-so",
        multi=True,
        none_word=True,
        opens=True,
        title_code=True,
    ),
    _c(
        "planning_term",
        "Nhiệm kỳ quy hoạch",
        "planning.term",
        "list",
        "Nhiệm kỳ của quy hoạch (một giá trị cho tất cả, hoặc mỗi chức danh một giá trị).",
        "Term of the plan (one for all titles, or one per title).",
        "2025-2030",
        multi=True,
    ),
    _c(
        "planning_approved",
        "Ngày phê duyệt quy hoạch",
        "planning.approved",
        "date",
        "Ngày phê duyệt quy hoạch (một giá trị cho tất cả, hoặc mỗi chức danh một giá trị).",
        "Date the plan was approved (one for all titles, or one per title).",
        "20/11/2023",
        multi=True,
    ),
    _c(
        "committee_level",
        "Cấp ủy (cấp)",
        "committees.level",
        "vocab",
        'Cấp của từng cấp ủy người đó là thành viên (đang hoặc đã), cách nhau bởi ";"; "không" nếu không tham gia '
        "cấp ủy nào.",
        'Level of each Party committee the person sits (or sat) on, separated by ";"; "không" (none) if none.',
        "cấp huyện",
        vocab=lv.LEVEL,
        multi=True,
        none_word=True,
        opens=True,
    ),
    _c(
        "committee_role",
        "Cấp ủy (vị trí)",
        "committees.role",
        "vocab",
        "Vị trí trong từng cấp ủy (một giá trị cho tất cả hoặc mỗi cấp ủy một giá trị); để trống là cấp ủy viên.",
        "Role on each committee (one for all or one per committee); empty means member.",
        "ủy viên ban thường vụ",
        vocab=lv.COMMITTEE_ROLE,
        multi=True,
        fill="cấp ủy viên",
    ),
    _c(
        "committee_province",
        "Cấp ủy (tỉnh)",
        "committees.province",
        "text",
        "Tỉnh của từng cấp ủy (một giá trị cho tất cả hoặc mỗi cấp ủy một giá trị).",
        "Province of each committee (one for all or one per committee).",
        "Lào Cai",
        multi=True,
    ),
    _c(
        "committee_district",
        "Cấp ủy (huyện)",
        "committees.district",
        "text",
        "Huyện của từng cấp ủy cấp huyện, cấp xã (một giá trị cho tất cả hoặc mỗi cấp ủy một giá trị).",
        "District of each district or commune committee (one for all or one per committee).",
        "Bảo Thắng",
        multi=True,
    ),
    _c(
        "committee_term",
        "Cấp ủy (nhiệm kỳ)",
        "committees.term",
        "text",
        "Nhiệm kỳ của từng cấp ủy (một giá trị cho tất cả hoặc mỗi cấp ủy một giá trị).",
        "Term of each committee seat (one for all or one per committee).",
        "2020-2025",
        multi=True,
    ),
    _c(
        "committee_from",
        "Cấp ủy từ ngày",
        "committees.from",
        "date",
        "Ngày bắt đầu của từng vị trí cấp ủy (một giá trị cho tất cả hoặc mỗi cấp ủy một giá trị).",
        "Start of each committee seat (one for all or one per committee).",
        "15/10/2020",
        multi=True,
    ),
    _c(
        "committee_to",
        "Cấp ủy đến ngày",
        "committees.to",
        "date",
        "Ngày kết thúc của từng vị trí cấp ủy; để trống nếu đang giữ.",
        "End of each committee seat; empty while it is held.",
        "30/09/2025",
        multi=True,
    ),
    _c(
        "assessments",
        "Xếp loại đánh giá",
        "assessments",
        "assessments",
        "Xếp loại chất lượng hằng năm: năm: mức; … (HTXSNV, HTTNV, HTNV, KHTNV).",
        "Annual ratings: year: rating; … (HTXSNV, HTTNV, HTNV, KHTNV).",
        "2023: HTTNV; 2024: HTXSNV",
    ),
    _c(
        "discipline_form",
        "Kỷ luật (hình thức)",
        "discipline.form",
        "vocab",
        'Hình thức kỷ luật; "không" nếu không bị kỷ luật; nhiều quyết định cách nhau bởi ";".',
        'Form of discipline; "không" (none) if none; several decisions separated by ";".',
        "khiển trách",
        vocab=lv.DISCIPLINE_FORM,
        multi=True,
        none_word=True,
        aliases=("ky luat",),
        opens=True,
    ),
    _c(
        "discipline_kind",
        "Loại kỷ luật",
        "discipline.kind",
        "vocab",
        "Kỷ luật đảng, chính quyền hay đoàn thể (một giá trị cho tất cả hoặc mỗi quyết định một giá trị).",
        "Party, State or mass-organisation discipline (one for all or one per decision).",
        "đảng",
        vocab=lv.DISCIPLINE_KIND,
        multi=True,
        needed=(
            "cần ghi loại kỷ luật (đảng / chính quyền / đoàn thể) khi có kỷ luật",
            "the kind of discipline (party / state / mass) is needed",
        ),
    ),
    _c(
        "discipline_date",
        "Ngày quyết định kỷ luật",
        "discipline.decided",
        "date",
        "Ngày quyết định kỷ luật (mỗi quyết định một ngày).",
        "Date of each discipline decision.",
        "15/03/2023",
        multi=True,
    ),
    _c(
        "discipline_status",
        "Tình trạng kỷ luật",
        "discipline.status",
        "vocab",
        "Đang xem xét / đã quyết định / hết hiệu lực; để trống là đã quyết định.",
        "Under consideration / decided / expired; empty means decided.",
        "đã quyết định",
        vocab=lv.DISCIPLINE_STATUS,
        multi=True,
        fill="đã quyết định",
    ),
    _c(
        "investigation",
        "Điều tra, truy tố, xét xử",
        "investigation",
        "vocab",
        "Có đang bị điều tra, truy tố, xét xử không.",
        "Under investigation, prosecution or trial.",
        "không",
        vocab=lv.INVESTIGATION,
    ),
    _c(
        "political_standard",
        "Kết luận tiêu chuẩn chính trị",
        "political_standard.result",
        "vocab",
        "Kết luận về tiêu chuẩn chính trị (QĐ 58-QĐ/TW).",
        "Political-standard conclusion (QĐ 58-QĐ/TW).",
        "đạt",
        vocab=lv.POLITICAL_STANDARD,
        opens=True,
    ),
    _c(
        "political_standard_date",
        "Ngày kết luận tiêu chuẩn chính trị",
        "political_standard.date",
        "date",
        "Ngày có kết luận tiêu chuẩn chính trị.",
        "Date of the conclusion.",
        "10/09/2025",
    ),
    _c(
        "health",
        "Sức khỏe",
        "health.fit",
        "bool",
        "Đủ sức khỏe để hoàn thành nhiệm vụ (có / không).",
        "Fit to carry out the duties (yes / no).",
        "có",
        opens=True,
    ),
    _c(
        "health_date",
        "Ngày khám sức khỏe",
        "health.date",
        "date",
        "Ngày kết luận sức khỏe.",
        "Date of the health certificate.",
        "20/08/2025",
    ),
    _c(
        "asset_declaration_verified",
        "Kê khai tài sản đã xác minh",
        "asset_declaration.verified",
        "bool",
        "Bản kê khai tài sản, thu nhập đã được xác minh (có / không).",
        "Asset and income declaration verified (yes / no).",
        "có",
        opens=True,
    ),
    _c(
        "asset_declaration_date",
        "Ngày kê khai tài sản",
        "asset_declaration.date",
        "date",
        "Ngày kê khai.",
        "Date of the declaration.",
        "15/01/2025",
    ),
    _c(
        "file_verified",
        "Hồ sơ đã thẩm định",
        "file_verified",
        "bool",
        "Hồ sơ, lý lịch đã được thẩm định, xác minh rõ ràng (có / không).",
        "Personnel file verified (yes / no).",
        "có",
    ),
    _c(
        "staff_status",
        "Đối tượng",
        "staff_status",
        "vocab",
        "Cán bộ, công chức hay viên chức.",
        "Cadre, civil servant or public employee.",
        "công chức",
        vocab=lv.STAFF_STATUS,
    ),
    _c(
        "maternity_leave_from",
        "Nghỉ thai sản từ ngày",
        "maternity_leave.from",
        "date",
        'Ngày bắt đầu nghỉ thai sản (gần nhất); "không" nếu không có.',
        'First day of the (latest) maternity leave; "không" (none) if none.',
        "01/03/2026",
        opens=True,
        none_word=True,
    ),
    _c(
        "maternity_leave_to",
        "Nghỉ thai sản đến ngày",
        "maternity_leave.to",
        "date",
        "Ngày cuối của thời gian nghỉ thai sản; để trống nếu đang nghỉ.",
        "Last day of the maternity leave; empty while it lasts.",
        "31/08/2026",
    ),
    *LAW_2026_BARS,
    _c(
        "abroad_or_inpatient_months",
        "Số tháng đi nước ngoài, điều trị nội trú",
        "abroad_or_inpatient_months",
        "int",
        "Số tháng liên tục đi nước ngoài hoặc điều trị nội trú.",
        "Months abroad or in hospital.",
        "0",
    ),
)

#: The request column: the title each person is screened for (``--post-column`` names it).
POST_COLUMN = _c(
    "post",
    "Chức danh đề nghị quy hoạch (mã)",
    "request.post",
    "text",
    "Chức danh xem xét cho từng người (mã hoặc tên); dùng với --post-column, hoặc --post cho cả danh sách.",
    "The title each person is screened for (code or name); used with --post-column, or --post for all.",
    "giam-doc-so",
    aliases=("chuc danh de nghi", "chuc danh quy hoach"),
)

BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)


def _header_key(text: str) -> str:
    return lv.fold(text)


def _lookup_table() -> dict[str, Column]:
    table: dict[str, Column] = {}
    for c in (*COLUMNS, POST_COLUMN):
        for name in (c.key, c.vi, *c.aliases):
            k = _header_key(name)
            if k in table and table[k] is not c:
                raise AssertionError(f"column header {name!r} is ambiguous")
            table[k] = c
    return table


_LOOKUP = _lookup_table()


def find_column(header: str) -> Column | None:
    """The documented column a header names (accent-, case- and space-insensitive), or None."""
    return _LOOKUP.get(_header_key(header))


@dataclass(frozen=True)
class Layout:
    """How a file's headers map to columns: column key → cell index, plus the post column."""

    headers: tuple[str, ...]
    index: Mapping[str, int]  # column key → position
    post_index: int | None  # position of the per-row post column, if any
    unknown: tuple[str, ...]  # headers that name no column (reported, not read)
    ignored_post: str | None = None  # the default post column, not read because --post was given

    def header_of(self, key: str) -> str:
        """The header as written in the file (or the documented Vietnamese header)."""
        if key == "post" and self.post_index is not None:
            return self.headers[self.post_index]
        pos = self.index.get(key)
        return self.headers[pos] if pos is not None else BY_KEY[key].vi


def layout(
    headers: Sequence[Cell], post_column: str | None = None, *, use_default_post: bool = True, where: str = ""
) -> tuple[Layout, list[Problem]]:
    """Map a header row. Returns the layout and file-level problems (duplicates are errors; unknown
    headers and missing required columns are warnings — rows then fail with a named reason)."""
    texts = tuple("" if h is None else str(h).strip() for h in headers)
    index: dict[str, int] = {}
    errors: list[Problem] = []
    unknown: list[str] = []
    post_index: int | None = None
    ignored_post: str | None = None
    wanted_post = _header_key(post_column) if post_column else None
    for pos, text in enumerate(texts):
        if not text:
            continue
        if wanted_post is not None and _header_key(text) == wanted_post:
            post_index = pos
            continue
        col = find_column(text)
        if col is None:
            unknown.append(text)
            continue
        if col is POST_COLUMN:
            if post_column is None and use_default_post:
                post_index = pos
            elif post_column is None:
                ignored_post = text
            else:
                unknown.append(text)
            continue
        if col.key in index:
            errors.append(
                Problem(
                    where or "tiêu đề",
                    f'cột "{text}" trùng với cột "{texts[index[col.key]]}"',
                    f'column "{text}" duplicates column "{texts[index[col.key]]}"',
                    text,
                    1,
                )
            )
            continue
        index[col.key] = pos
    if post_column is not None and post_index is None:
        errors.append(
            Problem(
                "--post-column",
                f'không có cột "{post_column}" trong tệp',
                f'the file has no column "{post_column}"',
                post_column,
            )
        )
    return Layout(texts, index, post_index, tuple(unknown), ignored_post), errors
