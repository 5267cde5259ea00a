"""A deterministic synthetic pool (fictional people) for examples, tests and benchmarks.

>>> from eligibility.batch.synthetic import generate, write_pool
>>> people = generate(1000, seed=7)                    # profile dicts (English keys, officers' values)
>>> rows = generate(1000, seed=7, with_request=True)   # {"profile": …, "request": {"post": …}}
>>> write_pool(rows, "pool.xlsx")                      # or .csv / .jsonl

Person ``i`` depends only on ``(seed, i)`` — not on ``n`` — so pools of different sizes share
their first rows. Birth years 1960–2000, both sexes, every degree / political-theory /
state-management level, current posts and planned titles from ``rules/titles.yaml`` (province
and commune levels: district level was abolished on 1 July 2025), a few percent of missing
fields and of discipline records, ethnic minorities and women. Nothing here is a real person.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from eligibility.batch.columns import COLUMNS, POST_COLUMN
from eligibility.batch.mapping import profile_to_row

DEFAULT_DATE = dt.date(2025, 10, 1)
PROVINCES = (
    "Lào Cai",
    "Yên Bái",
    "Hà Giang",
    "Lai Châu",
    "Phú Thọ",
    "Tuyên Quang",
    "Thái Bình",
    "Nam Định",
    "Hà Nội",
    "Nghệ An",
    "Thanh Hóa",
    "Hải Dương",
    "Long An",
    "Hưng Yên",
)
MINORITIES = ("Tày", "Thái", "H'Mông", "Dao", "Giáy", "Nùng", "Hà Nhì", "Phù Lá", "Mường", "Xá Phó")
LANGUAGE_OF = {
    "H'Mông": "H'Mông",
    "Dao": "Dao",
    "Tày": "Tày",
    "Thái": "Thái",
    "Giáy": "Giáy",
    "Nùng": "Nùng",
    "Hà Nhì": "Hà Nhì",
    "Phù Lá": "Phù Lá",
    "Mường": "Mường",
    "Xá Phó": "Xá Phó",
}
SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đỗ",
    "Giàng",
    "Lò",
    "Vàng",
    "Sùng",
    "Lý",
    "Hà",
    "Nông",
    "Bùi",
    "Đặng",
    "Triệu",
    "Lương",
)
MIDDLE_M = ("Văn", "Đức", "Quang", "Minh", "Hữu", "Seo", "A", "Xuân")
MIDDLE_F = ("Thị", "Thu", "Thanh", "Ngọc", "Mỹ", "Thúy")
GIVEN_M = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phong",
    "Sơn",
    "Tuấn",
    "Vinh",
    "Páo",
    "Chứ",
    "Dìn",
)
GIVEN_F = ("Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Lan", "Mai", "Nga", "Phương", "Thảo", "Vân", "Mỷ", "Sua")
DEGREES = (("chưa qua đào tạo", 1), ("trung cấp", 3), ("cao đẳng", 4), ("đại học", 55), ("thạc sĩ", 32), ("tiến sĩ", 5))
DEGREES_COMMUNE = (("chưa qua đào tạo", 2), ("trung cấp", 10), ("cao đẳng", 10), ("đại học", 68), ("thạc sĩ", 10))
LLCT = (("chưa qua đào tạo", 5), ("sơ cấp", 7), ("trung cấp", 38), ("cao cấp", 50))
LLCT_COMMUNE = (("chưa qua đào tạo", 8), ("sơ cấp", 12), ("trung cấp", 65), ("cao cấp", 15))
QLNN = (("chưa qua bồi dưỡng", 15), ("chuyên viên", 35), ("chuyên viên chính", 40), ("chuyên viên cao cấp", 10))
GRADES = (("cán sự", 5), ("chuyên viên", 50), ("chuyên viên chính", 40), ("chuyên viên cao cấp", 5))
RATINGS = (("HTXSNV", 15), ("HTTNV", 70), ("HTNV", 13), ("KHTNV", 2))
FIELDS = (
    "Luật",
    "Kinh tế",
    "Quản lý công",
    "Nông nghiệp",
    "Xây dựng Đảng",
    "Sư phạm",
    "Tài chính",
    "Y tế",
    "Công nghệ thông tin",
    "Lâm nghiệp",
)


@lru_cache(maxsize=4)
def catalogue(root: str | None = None) -> tuple[tuple[str, str, int, str], ...]:
    """(code, level, grade, name) of the titles in ``rules/titles.yaml`` (read directly, no validation)."""
    from eligibility.rulepack.loader import default_rules_dir

    base = Path(root) if root else default_rules_dir()
    data = yaml.safe_load((base / "titles.yaml").read_text(encoding="utf-8"))
    return tuple((t["code"], t["level"], int(t["grade"]), t["vi"]) for t in data["titles"])


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days))


def _fmt(rng: random.Random, d: dt.date) -> str:
    """Dates as officers write them: mostly ISO, sometimes DD/MM/YYYY."""
    return d.isoformat() if rng.random() < 0.7 else d.strftime("%d/%m/%Y")


def person(
    i: int,
    seed: int = 0,
    *,
    locality: str = "Lào Cai",
    date: dt.date = DEFAULT_DATE,
    minority_share: float = 0.35,
    rules_root: str | None = None,
) -> tuple[dict[str, Any], str]:
    """Person ``i`` of the pool ``seed``: (profile dict, title code to screen them for)."""
    rng = random.Random(f"eligibility-synthetic:{seed}:{i}")
    titles = catalogue(rules_root)
    female = rng.random() < 0.38
    year = rng.randint(1960, 2000)
    born = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    r = rng.random()
    birth: Any = _fmt(rng, born) if r < 0.9 else (f"{born.month:02d}/{born.year}" if r < 0.95 else born.year)
    minority = rng.random() < minority_share
    ethnicity = rng.choice(MINORITIES) if minority else "Kinh"
    name = (
        f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_F if female else MIDDLE_M)} "
        f"{rng.choice(GIVEN_F if female else GIVEN_M)}"
    )
    local = rng.random() < (0.85 if minority else 0.55)
    home = locality if local else rng.choice([p for p in PROVINCES if p != locality])
    age = (date - born).days // 365
    commune = rng.random() < 0.45
    level = "commune" if commune else "province"

    p: dict[str, Any] = {
        "id": f"SYN-{seed}-{i + 1:06d}",
        "full_name": name,
        "sex": "nữ" if female else "nam",
        "birth_date": birth,
        "ethnicity": ethnicity,
        "hometown": {"province": home},
    }
    p["birthplace"] = {"province": home if rng.random() < 0.85 else rng.choice(PROVINCES)}
    if rng.random() < 0.7:
        p["grew_up_in"] = {"province": home if rng.random() < 0.8 else locality}
    if rng.random() < 0.8:
        years = max(0, min(age - 22, rng.randint(0, 35)))
        p["localities_worked"] = [{"province": locality, "years": years}] if years else []
    if rng.random() < 0.97:
        member = rng.random() < 0.96
        party: dict[str, Any] = {"member": member}
        if member:
            joined = _date(rng, born.replace(year=born.year + 22), born.replace(year=born.year + 35))
            joined = min(joined, date - dt.timedelta(days=400))
            party["joined"] = _fmt(rng, joined)
            party["official"] = _fmt(rng, joined + dt.timedelta(days=365))
        p["party"] = party
    edu: dict[str, Any] = {}
    if rng.random() < 0.97:
        edu["degree"] = _pick(rng, DEGREES_COMMUNE if commune else DEGREES)
    edu["field"] = rng.choice(FIELDS)
    if rng.random() < 0.96:
        edu["political_theory"] = _pick(rng, LLCT_COMMUNE if commune else LLCT)
    if rng.random() < 0.95:
        edu["state_management"] = _pick(rng, QLNN)
    if rng.random() < 0.6:
        edu["civil_service_grade"] = _pick(rng, GRADES)
    if rng.random() < 0.93:
        if minority and rng.random() < 0.75:
            edu["minority_languages"] = [LANGUAGE_OF[ethnicity]]
        elif rng.random() < 0.12:
            edu["minority_languages"] = [rng.choice(("H'Mông", "Tày", "Dao"))]
        else:
            edu["minority_languages"] = []
    p["education"] = edu

    at_level = sorted((t for t in titles if t[1] == level), key=lambda t: t[2])
    target: str
    if rng.random() < 0.05:
        p["posts"] = []
        target = at_level[0][0] if commune else "pho-truong-phong-so"
    else:
        # a current post below the top two of its level (lower posts more common), held since age 25+
        lower = at_level[:-2] if len(at_level) > 2 else at_level[:1]
        cur = rng.choices(lower, weights=[2 ** (-(t[2] - lower[0][2]) / 10) for t in lower])[0]
        start = max(born.replace(year=born.year + 25), dt.date(2008, 1, 1))
        since = _date(rng, min(start, date - dt.timedelta(days=60)), date - dt.timedelta(days=30))
        post: dict[str, Any] = {
            "title": cur[0],
            "name": cur[3],
            "level": level,
            "locality": locality,
            "from": _fmt(rng, since),
        }
        p["posts"] = [post]
        higher = [t for t in at_level if t[2] > cur[2]]
        if higher and rng.random() < 0.93:
            # mostly the next rungs up, sometimes further
            target = rng.choice(higher[:3])[0]
        else:
            target = rng.choice([t for t in at_level if t[2] <= cur[2]])[0]  # equal or lower: fails
    r = rng.random()
    if r < 0.55:
        entries: list[dict[str, Any]] = [
            {
                "title": target,
                "term": "2025-2030",
                "approved": _fmt(rng, _date(rng, dt.date(2023, 1, 1), dt.date(2025, 6, 30))),
            }
        ]
        if rng.random() < 0.06:  # planned for many titles at the same level (quota)
            others = [t[0] for t in at_level if t[0] != target]
            for code in rng.sample(others, min(3, len(others))):
                entries.append({"title": code, "term": "2025-2030", "approved": entries[0]["approved"]})
        p["planning"] = entries
    elif r < 0.9:
        p["planning"] = []
    # else: planning not recorded
    if rng.random() < 0.9:
        p["assessments"] = {y: _pick(rng, RATINGS) for y in range(date.year - 3, date.year)}
    r = rng.random()
    if r < 0.88:
        p["discipline"] = []
    elif r < 0.95:
        form = _pick(rng, (("khiển trách", 60), ("cảnh cáo", 28), ("giáng chức", 4), ("cách chức", 8)))
        kind = "đảng" if rng.random() < 0.6 else "chính quyền"
        decided = date - dt.timedelta(days=rng.randint(20, 6 * 365))
        rec: dict[str, Any] = {"kind": kind, "form": form, "decided": _fmt(rng, decided)}
        p["discipline"] = [rec]
    elif r < 0.96:
        p["discipline"] = [{"kind": "đảng", "form": "khiển trách", "status": "đang xem xét"}]
    # else: not recorded
    r = rng.random()
    if r < 0.95:
        p["investigation"] = "không"
    elif r < 0.96:
        p["investigation"] = "đang bị điều tra"
    r = rng.random()
    if r < 0.85:
        p["political_standard"] = {
            "result": "đạt",
            "date": _fmt(rng, _date(rng, dt.date(2024, 6, 1), date - dt.timedelta(days=1))),
        }
    elif r < 0.9:
        p["political_standard"] = {"result": "chưa có"}
    elif r < 0.91:
        p["political_standard"] = {"result": "không đạt", "date": _fmt(rng, dt.date(2025, 3, 10))}
    r = rng.random()
    if r < 0.93:
        p["health"] = {"fit": True, "date": _fmt(rng, _date(rng, dt.date(2025, 1, 1), date - dt.timedelta(days=1)))}
    elif r < 0.95:
        p["health"] = {"fit": False}
    r = rng.random()
    if r < 0.9:
        p["asset_declaration"] = {"verified": True, "date": _fmt(rng, dt.date(2025, 1, rng.randint(2, 28)))}
    elif r < 0.95:
        p["asset_declaration"] = {"verified": False}
    if rng.random() < 0.92:
        p["file_verified"] = rng.random() < 0.97
    return p, target


def iter_profiles(
    n: int,
    seed: int = 0,
    *,
    with_request: bool = False,
    locality: str = "Lào Cai",
    date: dt.date = DEFAULT_DATE,
    minority_share: float = 0.35,
    rules_root: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Stream the pool (see :func:`generate`)."""
    for i in range(n):
        prof, post = person(i, seed, locality=locality, date=date, minority_share=minority_share, rules_root=rules_root)
        yield {"profile": prof, "request": {"post": post}} if with_request else prof


def generate(n: int, seed: int = 0, **options: Any) -> list[dict[str, Any]]:
    """``n`` synthetic profile dicts (or ``{"profile", "request": {"post"}}`` items with ``with_request``);
    the options are those of :func:`iter_profiles`."""
    return list(iter_profiles(n, seed, **options))


# ----- writing a pool file ----------------------------------------------------------------------
def _split_item(item: Mapping[str, Any]) -> tuple[Mapping[str, Any], str | None]:
    if "profile" in item and "id" not in item:
        return item["profile"], (item.get("request") or {}).get("post")
    return item, None


def _excel_value(v: Any) -> Any:
    """Full ISO dates become Excel date cells (as an officer's workbook would hold them)."""
    if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return v
    return v


def write_pool(
    items: Iterable[Mapping[str, Any]],
    path: str | Path,
    *,
    post_column: bool | None = None,
    cells: Iterable[tuple[int, str, Any]] = (),
) -> Path:
    """Write profiles (or ``{"profile", "request"}`` items) as a pool file: .xlsx, .csv or .jsonl.

    Spreadsheets get every documented column (Vietnamese headers), plus the column
    "Chức danh đề nghị quy hoạch (mã)" when items carry a post (or ``post_column=True``).
    ``cells`` overrides raw cell values after conversion — ``(index, column key, value)``, value
    ``None`` empties the cell — to make deliberately malformed rows. Streams: flat memory.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    it = iter(items)
    first = next(it, None)
    overrides: dict[int, dict[str, Any]] = {}
    for idx, key, value in cells:
        overrides.setdefault(idx, {})[key] = value
    if suffix == ".jsonl":
        import json

        with p.open("w", encoding="utf-8") as fh:
            for item in _chain(first, it):
                fh.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
        return p
    if post_column is None:
        post_column = first is not None and _split_item(first)[1] is not None
    columns = [*COLUMNS, POST_COLUMN] if post_column else list(COLUMNS)
    keys = [c.key for c in columns]

    def rows() -> Iterator[list[Any]]:
        for idx, item in enumerate(_chain(first, it)):
            prof, post = _split_item(item)
            r = profile_to_row(prof, post)
            r.update(overrides.get(idx, {}))
            yield [r.get(k) for k in keys]

    if suffix == ".csv":
        import csv

        with p.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([c.vi for c in columns])
            for row in rows():
                w.writerow(["" if v is None else v for v in row])
        return p
    if suffix != ".xlsx":
        raise ValueError(f"unsupported pool format {suffix!r}; use .xlsx, .csv or .jsonl")
    from eligibility.batch.xlsx import HEADER, XlsxStream

    book = XlsxStream(p)
    ws = book.add_sheet("Danh sách", [max(12, min(30, len(c.vi) + 2)) for c in columns], freeze_header=True)
    ws.append([c.vi for c in columns], HEADER)
    for row in rows():
        ws.append([_excel_value(v) for v in row])
    book.save()
    return p


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    if first is None:
        return
    yield first
    yield from rest


# ----- the bundled example ------------------------------------------------------------------------
#: Deliberately malformed or incomplete rows of ``examples/pool.xlsx``: (index, column key, value, why).
EXAMPLE_DEFECTS: tuple[tuple[int, str, Any, str], ...] = (
    (11, "birth_date", "31/02/1980", "ngày không tồn tại / no such date"),
    (27, "degree", "đại học xuất sắc", "trình độ không có trong danh mục / unknown level"),
    (45, "sex", None, "thiếu giới tính (bắt buộc) / sex missing (required)"),
    (63, "political_theory", "cao cấp lý luận", "trình độ LLCT không nhận ra / unrecognised political theory"),
    (88, "current_post_from", "2019-13-01", "tháng 13 / month 13"),
    (120, "health", "bình thường", "không phải có / không / not yes or no"),
    (151, "discipline_form", "khiển trách", "kỷ luật thiếu loại và ngày / discipline without kind and date"),
    (151, "discipline_kind", None, ""),
    (151, "discipline_date", None, ""),
    (176, "post", "bi-thu-huyen-uy", "chức danh cấp huyện sau 1/7/2025 / district title after 1 July 2025"),
    (203, "post", "giam-doc-so-abc", "mã chức danh không có / unknown title code"),
    (240, "id", None, "thiếu mã hồ sơ / file id missing"),
)
#: Rows left nearly empty (only id, name, sex, birth date, post): screened as "incomplete".
EXAMPLE_SPARSE = (33, 150, 270)


def make_example(
    path: str | Path, *, n: int = 300, seed: int = 2025, locality: str = "Lào Cai", date: dt.date = DEFAULT_DATE
) -> Path:
    """Write ``examples/pool.xlsx``: ``n`` fictional people of one province, with the defects above."""
    items = generate(n, seed, with_request=True, locality=locality, date=date)
    keep = {"id", "full_name", "sex", "birth_date", "post"}
    cells: list[tuple[int, str, Any]] = [(i, k, v) for i, k, v, _ in EXAMPLE_DEFECTS]
    for i in EXAMPLE_SPARSE:
        row = profile_to_row(items[i]["profile"], items[i]["request"]["post"])
        cells.extend((i, k, None) for k in row if k not in keep)
    return write_pool(items, path, cells=cells)
