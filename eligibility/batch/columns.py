"""The pool spreadsheet: documented columns (Vietnamese headers, English aliases) and row → profile.

One row is one person. Each column fills one field of :class:`eligibility.model.Profile`; an
empty cell means "not recorded" and leaves the field ``None`` (the criteria that need it come
out ``unknown``), never a default. "Không" in a list column (kỷ luật, quy hoạch, tiếng dân tộc
thiểu số, chức vụ) means "recorded: none" (an empty list). Several values in one cell are
separated by ";" (e.g. two discipline records: "khiển trách; cảnh cáo" with dates
"15/03/2023; 02/02/2024").

Headers are matched without accents, case or extra spaces ("Ngay sinh" = "Ngày sinh"), and each
column also accepts its English key (``birth_date``). Values are checked by the profile model;
every error names the column, the row and the reason in Vietnamese and English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eligibility.errors import Problem
from eligibility.model import levels as lv

Cell = Any  # what a spreadsheet cell may hold: None, str, int, float, bool, date, datetime


@dataclass(frozen=True)
class Column:
    """One documented column of the pool spreadsheet."""

    key: str  # English alias (also the canonical key)
    vi: str  # Vietnamese header
    path: str  # profile field it fills (for messages), "request.post" for the request column
    kind: str  # text | date | birth_date | vocab | bool | int | list | assessments | localities
    help_vi: str
    help_en: str
    example: str = ""
    vocab: lv.Vocabulary | None = None
    required: bool = False
    multi: bool = False  # several values separated by ";"
    none_word: bool = False  # "không" means recorded: none (an empty list)
    aliases: tuple[str, ...] = ()

    def allowed_vi(self) -> str:
        if self.vocab is not None:
            return "; ".join(f"{self.vocab.labels_vi[c]} ({c})" for c in self.vocab.codes)
        return {
            "date": "ngày đầy đủ: YYYY-MM-DD hoặc DD/MM/YYYY (hoặc ô kiểu ngày của Excel)",
            "birth_date": "YYYY-MM-DD, DD/MM/YYYY, MM/YYYY, YYYY-MM hoặc chỉ năm YYYY",
            "bool": "có / không (đúng / sai, x, 1 / 0)",
            "int": "số nguyên không âm",
            "assessments": "năm: mức; năm: mức — ví dụ 2023: HTTNV; 2024: HTXSNV",
            "localities": "tỉnh: số năm; tỉnh: số năm — ví dụ Lào Cai: 20; Yên Bái: 3",
        }.get(self.kind, "văn bản tự do")

    def allowed_en(self) -> str:
        if self.vocab is not None:
            return "; ".join(f"{c} ({self.vocab.labels_en[c]})" for c in self.vocab.codes)
        return {
            "date": "a full date: YYYY-MM-DD or DD/MM/YYYY (or an Excel date cell)",
            "birth_date": "YYYY-MM-DD, DD/MM/YYYY, MM/YYYY, YYYY-MM or only the year YYYY",
            "bool": "yes / no (có / không, x, 1 / 0)",
            "int": "a whole number, 0 or more",
            "assessments": "year: rating; year: rating — e.g. 2023: HTTNV; 2024: HTXSNV",
            "localities": "province: years; province: years — e.g. Lào Cai: 20; Yên Bái: 3",
        }.get(self.kind, "free text")


def _c(key: str, vi: str, path: str, kind: str, help_vi: str, help_en: str, example: str = "", **kw: Any) -> Column:
    return Column(key, vi, path, kind, help_vi, help_en, example, **kw)


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
    ),
    _c(
        "birthplace",
        "Nơi sinh (tỉnh)",
        "birthplace.province",
        "text",
        "Tỉnh, thành phố nơi sinh.",
        "Province of birth.",
        "Lào Cai",
    ),
    _c(
        "grew_up_in",
        "Nơi lớn lên (tỉnh)",
        "grew_up_in.province",
        "text",
        "Tỉnh, thành phố nơi lớn lên, trưởng thành.",
        "Province where the person grew up.",
        "Lào Cai",
    ),
    _c(
        "localities_worked",
        "Số năm công tác theo tỉnh",
        "localities_worked",
        "localities",
        'Số năm đã công tác tại từng tỉnh; "không" nếu chưa công tác ở tỉnh nào.',
        'Years worked in each province; "không" (none) if none.',
        "Lào Cai: 20; Yên Bái: 3",
        none_word=True,
    ),
    _c("party_member", "Đảng viên", "party.member", "bool", "Là đảng viên hay không.", "Party member or not.", "có"),
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
    ),
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
_NONE_WORDS = {"khong", "khong co", "chua co", "none", "no"}
_TRUE = {
    "co",
    "dung",
    "x",
    "true",
    "yes",
    "y",
    "1",
    "da",
    "da xac minh",
    "dat",
    "du",
    "du suc khoe",
    "tot",
    "da tham dinh",
}
_FALSE = {
    "khong",
    "sai",
    "false",
    "no",
    "n",
    "0",
    "chua",
    "chua xac minh",
    "khong dat",
    "khong du",
    "khong du suc khoe",
    "chua tham dinh",
}


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


# ----- cell values ----------------------------------------------------------------------------
def clean(value: Cell) -> Cell:
    """A cell's value: None for empty, NFC-stripped text, ints for integral floats, dates for datetimes."""
    if value is None:
        return None
    if isinstance(value, str):
        text = lv.nfc(value).strip()
        return text or None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _as_text(value: Cell) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _split(value: Cell) -> list[Cell]:
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;\n]", value) if p.strip()]
    return [value]


def _is_none_word(value: Cell) -> bool:
    return isinstance(value, str) and lv.fold(value) in _NONE_WORDS


def _bool(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        k = lv.fold(value)
        if k in _TRUE:
            return True
        if k in _FALSE:
            return False
    raise ValueError('phải là "có" hoặc "không" (đúng, sai, x, 1, 0) / must be yes or no (có, không, x, 1, 0)')


def _int(value: Cell) -> int:
    if isinstance(value, bool):
        raise ValueError("phải là số nguyên / must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d+", value.strip()):
        return int(value)
    raise ValueError("phải là số nguyên không âm / must be a whole number, 0 or more")


def _assessments(value: Cell) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in _split(value):
        m = re.fullmatch(r"(\d{4})\s*[:=\-]\s*(.+)", str(part))
        if not m:
            raise ValueError(
                f'"{part}" không có dạng năm: mức (ví dụ 2024: HTTNV) / "{part}" is not year: rating (e.g. 2024: HTTNV)'
            )
        out[int(m.group(1))] = m.group(2).strip()
    return out


def _localities(value: Cell) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for part in _split(value):
        m = re.fullmatch(r"(.+?)\s*[:=]\s*(\d+)\s*(?:năm|nam)?", str(part))
        if not m:
            raise ValueError(
                f'"{part}" không có dạng tỉnh: số năm (ví dụ Lào Cai: 20) / "{part}" is not '
                "province: years (e.g. Lào Cai: 20)"
            )
        out.append({"province": m.group(1).strip(), "years": int(m.group(2))})
    return out


def _problem(header: str, exc: Exception | str, value: Cell, row: int | None) -> Problem:
    vi, _, en = str(exc).partition(" / ")
    return Problem(header, vi, en or vi, _as_text(value) if value is not None else None, row)


def row_to_profile(
    cells: Sequence[Cell], lay: Layout, row: int | None = None, title_codes: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], str | None, list[Problem]]:
    """Build a profile dict (English keys, officers' values), the row's post, and the problems
    that can be told from the cells alone (missing required columns, unreadable booleans, numbers,
    lists that do not line up); the profile model checks the rest (dates, levels) when the dict is
    parsed. ``title_codes`` maps folded title names
    to codes so that "Giám đốc Sở" may be written for ``giam-doc-so``.
    """
    problems: list[Problem] = []
    values: dict[str, Cell] = {}
    for key, pos in lay.index.items():
        v = clean(cells[pos]) if pos < len(cells) else None
        if v is not None:
            values[key] = v
    post: str | None = None
    if lay.post_index is not None and lay.post_index < len(cells):
        pv = clean(cells[lay.post_index])
        post = _title(_as_text(pv), title_codes) if pv is not None else None

    def header(key: str) -> str:
        return lay.header_of(key)

    for col in REQUIRED:
        if col.key not in values:
            if col.key in lay.index:
                problems.append(Problem(header(col.key), "thiếu giá trị bắt buộc", "required value missing", None, row))
            else:
                problems.append(
                    Problem(col.vi, "tệp thiếu cột bắt buộc này", "the file lacks this required column", None, row)
                )

    data: dict[str, Any] = {}

    def text(key: str) -> str | None:
        v = values.get(key)
        return None if v is None else _as_text(v)

    def convert(key: str, fn: Any) -> Any:
        v = values.get(key)
        if v is None:
            return None
        try:
            return fn(v)
        except ValueError as exc:
            problems.append(_problem(header(key), exc, v, row))
            return None

    for key in ("id", "full_name", "ethnicity"):
        if (t := text(key)) is not None:
            data[key] = t
    for key in ("sex", "birth_date", "investigation"):
        if key in values:
            data[key] = values[key]
    for key in ("hometown", "birthplace", "grew_up_in"):
        if (t := text(key)) is not None:
            data[key] = {"province": t}
    if "localities_worked" in values:
        v = values["localities_worked"]
        data["localities_worked"] = [] if _is_none_word(v) else convert("localities_worked", _localities)

    # party
    member = convert("party_member", _bool)
    if member is not None:
        data["party"] = {"member": member}
        for key, field in (("party_joined", "joined"), ("party_official", "official")):
            if key in values:
                data["party"][field] = values[key]
    else:
        _needs(values, ("party_joined", "party_official"), "party_member", header, problems, row)

    # education
    edu: dict[str, Any] = {}
    for key, field in (
        ("degree", "degree"),
        ("field", "field"),
        ("political_theory", "political_theory"),
        ("state_management", "state_management"),
        ("civil_service_grade", "civil_service_grade"),
    ):
        if key in values:
            edu[field] = text(key) if key == "field" else values[key]
    if "minority_languages" in values:
        v = values["minority_languages"]
        edu["minority_languages"] = [] if _is_none_word(v) else [_as_text(p) for p in _split(v)]
    data["education"] = edu

    # current post
    if "current_post" in values:
        v = values["current_post"]
        if _is_none_word(v):
            data["posts"] = []
            _forbid(
                values,
                (
                    "current_post_name",
                    "current_post_level",
                    "current_post_locality",
                    "current_post_body",
                    "current_post_from",
                ),
                "current_post",
                header,
                problems,
                row,
            )
        else:
            post_rec: dict[str, Any] = {"title": _title(_as_text(v), title_codes)}
            for key, field in (
                ("current_post_name", "name"),
                ("current_post_level", "level"),
                ("current_post_locality", "locality"),
                ("current_post_body", "body"),
                ("current_post_from", "from"),
            ):
                if key in values:
                    post_rec[field] = (
                        text(key)
                        if key in ("current_post_name", "current_post_body", "current_post_locality")
                        else values[key]
                    )
            data["posts"] = [post_rec]
    else:
        _needs(
            values,
            (
                "current_post_name",
                "current_post_level",
                "current_post_locality",
                "current_post_body",
                "current_post_from",
            ),
            "current_post",
            header,
            problems,
            row,
        )

    # planning
    if "planning_titles" in values:
        v = values["planning_titles"]
        if _is_none_word(v):
            data["planning"] = []
            _forbid(values, ("planning_term", "planning_approved"), "planning_titles", header, problems, row)
        else:
            titles = [_title(_as_text(p), title_codes) for p in _split(v)]
            terms = _aligned(values, "planning_term", len(titles), header, problems, row)
            approved = _aligned(values, "planning_approved", len(titles), header, problems, row)
            entries = []
            for i, t in enumerate(titles):
                e: dict[str, Any] = {"title": t}
                if terms is not None:
                    e["term"] = _as_text(terms[i])
                if approved is not None:
                    e["approved"] = approved[i]
                entries.append(e)
            data["planning"] = entries
    else:
        _needs(values, ("planning_term", "planning_approved"), "planning_titles", header, problems, row)

    # assessments
    if "assessments" in values:
        got = convert("assessments", _assessments)
        if got is not None:
            data["assessments"] = got

    # discipline
    if "discipline_form" in values:
        v = values["discipline_form"]
        if _is_none_word(v):
            data["discipline"] = []
            _forbid(
                values,
                ("discipline_kind", "discipline_date", "discipline_status"),
                "discipline_form",
                header,
                problems,
                row,
            )
        else:
            forms = _split(v)
            kinds = _aligned(values, "discipline_kind", len(forms), header, problems, row)
            dates = _aligned(values, "discipline_date", len(forms), header, problems, row)
            statuses = _aligned(values, "discipline_status", len(forms), header, problems, row)
            if "discipline_kind" not in values:
                problems.append(
                    Problem(
                        header("discipline_kind"),
                        "cần ghi loại kỷ luật (đảng / chính quyền / đoàn thể) khi có kỷ luật",
                        "the kind of discipline (party / state / mass) is needed",
                        None,
                        row,
                    )
                )
            recs = []
            for i, form in enumerate(forms):
                rec: dict[str, Any] = {"form": form}
                if kinds is not None:
                    rec["kind"] = kinds[i]
                if dates is not None:
                    rec["decided"] = dates[i]
                if statuses is not None:
                    rec["status"] = statuses[i]
                recs.append(rec)
            data["discipline"] = recs
    else:
        _needs(
            values,
            ("discipline_kind", "discipline_date", "discipline_status"),
            "discipline_form",
            header,
            problems,
            row,
        )

    # record
    if "political_standard" in values:
        data["political_standard"] = {"result": values["political_standard"]}
        if "political_standard_date" in values:
            data["political_standard"]["date"] = values["political_standard_date"]
    else:
        _needs(values, ("political_standard_date",), "political_standard", header, problems, row)
    for key, date_key, name in (
        ("health", "health_date", "health"),
        ("asset_declaration_verified", "asset_declaration_date", "asset_declaration"),
    ):
        flag = convert(key, _bool)
        if flag is not None:
            field = "fit" if key == "health" else "verified"
            data[name] = {field: flag}
            if date_key in values:
                data[name]["date"] = values[date_key]
        elif key not in values:
            _needs(values, (date_key,), key, header, problems, row)
    fv = convert("file_verified", _bool)
    if fv is not None:
        data["file_verified"] = fv
    months = convert("abroad_or_inpatient_months", _int)
    if months is not None:
        data["abroad_or_inpatient_months"] = months

    return data, post, problems


def _needs(
    values: Mapping[str, Cell], keys: Iterable[str], parent: str, header: Any, problems: list[Problem], row: int | None
) -> None:
    for key in keys:
        if key in values:
            problems.append(
                Problem(
                    header(key),
                    f'có giá trị nhưng cột "{header(parent)}" để trống',
                    f'has a value but column "{header(parent)}" is empty',
                    _as_text(values[key]),
                    row,
                )
            )


def _forbid(
    values: Mapping[str, Cell], keys: Iterable[str], parent: str, header: Any, problems: list[Problem], row: int | None
) -> None:
    for key in keys:
        if key in values:
            problems.append(
                Problem(
                    header(key),
                    f'có giá trị nhưng cột "{header(parent)}" ghi "không"',
                    f'has a value but column "{header(parent)}" says none',
                    _as_text(values[key]),
                    row,
                )
            )


def _aligned(
    values: Mapping[str, Cell], key: str, n: int, header: Any, problems: list[Problem], row: int | None
) -> list[Cell] | None:
    """A multi-value column lined up with ``n`` items: one value (for all) or exactly ``n``."""
    v = values.get(key)
    if v is None:
        return None
    parts = _split(v)
    if len(parts) == 1:
        return parts * n
    if len(parts) == n:
        return parts
    problems.append(
        Problem(
            header(key),
            f'có {len(parts)} giá trị, cần 1 hoặc {n} (cách nhau bởi ";")',
            f'has {len(parts)} values; 1 or {n} needed (separated by ";")',
            _as_text(v),
            row,
        )
    )
    return None


def _title(text: str, title_codes: Mapping[str, str] | None) -> str:
    if title_codes:
        return title_codes.get(lv.fold(text), text)
    return text


def title_code_map(titles: Mapping[str, Any]) -> dict[str, str]:
    """Folded code, Vietnamese and English names of the catalogue's titles → code."""
    out: dict[str, str] = {}
    for code, t in titles.items():
        for name in (code, t.vi, t.en):
            out.setdefault(lv.fold(name), code)
    return out


# ----- profile → row (for writers and the synthetic generator) ---------------------------------
def profile_to_row(profile: Mapping[str, Any], post: str | None = None) -> dict[str, Any]:
    """The inverse of :func:`row_to_profile` for profiles the flat format can hold (one current
    post). Keys are column keys; values are what an officer would type."""
    r: dict[str, Any] = {}
    for key in ("id", "full_name", "sex", "birth_date", "ethnicity", "investigation"):
        if profile.get(key) is not None:
            r[key] = profile[key]
    for key in ("hometown", "birthplace", "grew_up_in"):
        if profile.get(key) is not None:
            r[key] = profile[key]["province"]
    if profile.get("localities_worked") is not None:
        r["localities_worked"] = (
            "; ".join(f"{w['province']}: {w['years']}" for w in profile["localities_worked"]) or "không"
        )
    party = profile.get("party")
    if party is not None:
        r["party_member"] = "có" if party["member"] else "không"
        if party.get("joined"):
            r["party_joined"] = party["joined"]
        if party.get("official"):
            r["party_official"] = party["official"]
    edu = profile.get("education") or {}
    for key in ("degree", "field", "political_theory", "state_management", "civil_service_grade"):
        if edu.get(key) is not None:
            r[key] = edu[key]
    if edu.get("minority_languages") is not None:
        r["minority_languages"] = "; ".join(edu["minority_languages"]) or "không"
    posts = profile.get("posts")
    if posts is not None:
        if not posts:
            r["current_post"] = "không"
        else:
            if len(posts) > 1:
                raise ValueError("the flat format holds one current post")
            p = posts[0]
            r["current_post"] = p["title"]
            for key, field in (
                ("current_post_name", "name"),
                ("current_post_level", "level"),
                ("current_post_locality", "locality"),
                ("current_post_body", "body"),
                ("current_post_from", "from"),
            ):
                if p.get(field) is not None:
                    r[key] = p[field]
    planning = profile.get("planning")
    if planning is not None:
        if not planning:
            r["planning_titles"] = "không"
        else:
            r["planning_titles"] = "; ".join(e["title"] for e in planning)
            terms = [e.get("term") for e in planning]
            if any(t is not None for t in terms):
                r["planning_term"] = "; ".join(str(t) for t in terms)
            dates = [e.get("approved") for e in planning]
            if any(d is not None for d in dates):
                r["planning_approved"] = "; ".join(_as_text(d) for d in dates)
    if profile.get("assessments") is not None:
        r["assessments"] = "; ".join(f"{y}: {v}" for y, v in sorted(profile["assessments"].items()))
    disc = profile.get("discipline")
    if disc is not None:
        if not disc:
            r["discipline_form"] = "không"
        else:
            r["discipline_form"] = "; ".join(d["form"] for d in disc)
            r["discipline_kind"] = "; ".join(d["kind"] for d in disc)
            if any(d.get("decided") for d in disc):
                r["discipline_date"] = "; ".join(_as_text(d.get("decided") or "") for d in disc)
            if any(d.get("status") for d in disc):
                r["discipline_status"] = "; ".join(d.get("status") or "đã quyết định" for d in disc)
    ps = profile.get("political_standard")
    if ps is not None:
        r["political_standard"] = ps["result"]
        if ps.get("date"):
            r["political_standard_date"] = ps["date"]
    for name, key, date_key, field in (
        ("health", "health", "health_date", "fit"),
        ("asset_declaration", "asset_declaration_verified", "asset_declaration_date", "verified"),
    ):
        rec = profile.get(name)
        if rec is not None:
            r[key] = "có" if rec[field] else "không"
            if rec.get("date"):
                r[date_key] = rec["date"]
    if profile.get("file_verified") is not None:
        r["file_verified"] = "có" if profile["file_verified"] else "không"
    if profile.get("abroad_or_inpatient_months") is not None:
        r["abroad_or_inpatient_months"] = profile["abroad_or_inpatient_months"]
    if post is not None:
        r["post"] = post
    return r


# ----- error locations: profile field path → column --------------------------------------------
_PATHS = sorted(((c.path, c.key) for c in COLUMNS), key=lambda pc: -len(pc[0]))
_EXTRA_PATHS = {
    "posts": "current_post",
    "posts.to": "current_post_from",
    "planning": "planning_titles",
    "discipline": "discipline_form",
    "party": "party_member",
    "health": "health",
    "asset_declaration": "asset_declaration_verified",
    "political_standard": "political_standard",
    "hometown": "hometown",
    "birthplace": "birthplace",
    "grew_up_in": "grew_up_in",
    "education": "degree",
}


def column_of(location: str) -> tuple[str | None, int | None]:
    """The column key a profile error location belongs to, and the list item (0-based) if any."""
    parts = location.split(".")
    item: int | None = None
    plain: list[str] = []
    for p in parts:
        if (
            p.isdigit()
            and item is None
            and plain
            and plain[0] in ("posts", "planning", "discipline", "localities_worked", "minority_languages", "education")
        ):
            item = int(p)
            continue
        plain.append(p)
    path = ".".join(plain)
    for cpath, key in _PATHS:
        if path == cpath or path.startswith(cpath + "."):
            return key, item
    if path.startswith("assessments"):
        return "assessments", None
    if path.startswith("education.minority_languages"):
        return "minority_languages", item
    for prefix in sorted(_EXTRA_PATHS, key=len, reverse=True):
        if path == prefix or path.startswith(prefix + "."):
            return _EXTRA_PATHS[prefix], item
    return None, item
