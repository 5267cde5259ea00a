"""XlsxWriter (``constant_memory``) against the package's own streaming writer (``eligibility/batch/xlsx.py``),
on the rows of a 100,000-person screening report ("Kết quả": 13 columns of numbers, Vietnamese text, dates, blanks).

Both run in this one process, alternately, three times each; the script prints the medians and the ratio
(XlsxWriter / ours), which is what the choice rests on: use the library unless it costs more than 1.5×.
Results and the decision: ``bench/RESULTS.md``. Needs XlsxWriter (``pip install -e '.[bench]'``).

    .venv/bin/python bench/xlsx_writers.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import xlsxwriter

from eligibility.batch.xlsx import HEADER, XlsxStream

HEADERS = (
    "Dòng",
    "Mã hồ sơ",
    "Họ và tên",
    "Chức danh xem xét",
    "Kết luận",
    "Mã kết luận",
    "Tiêu chí không đạt",
    "Cần cấp có thẩm quyền xem xét",
    "Tiêu chí chưa rõ (thiếu dữ liệu)",
    "Cột cần bổ sung",
    "Lỗi dữ liệu",
    "Kết luận thay đổi từ ngày",
    "Kết luận từ ngày đó",
)
WIDTHS = (7, 14, 24, 22, 22, 14, 50, 36, 40, 36, 50, 16, 22)


def rows(n: int) -> list[tuple[Any, ...]]:
    out = []
    for i in range(n):
        failing = "Tuổi bổ nhiệm; Trình độ lý luận chính trị" if i % 3 == 0 else ""
        out.append(
            (
                i + 2,
                f"LC-{i:06d}",
                f"Nguyễn Thị Hồng {i % 97}",
                "Giám đốc Sở",
                "Không đủ điều kiện" if failing else "Đủ điều kiện",
                "not_eligible" if failing else "eligible",
                failing or None,
                None,
                "Kết luận tiêu chuẩn chính trị" if i % 5 == 0 else None,
                "Kết luận tiêu chuẩn chính trị" if i % 5 == 0 else None,
                None,
                dt.date(2027, 1 + i % 12, 1) if i % 4 == 0 else None,
                "Không đủ điều kiện" if i % 4 == 0 else None,
            )
        )
    return out


def hand_rolled(path: Path, data: list[tuple[Any, ...]]) -> None:
    book = XlsxStream(path)
    ws = book.add_sheet("Kết quả", list(WIDTHS), freeze_header=True)
    ws.autofilter = True
    ws.append(HEADERS, HEADER)
    for r in data:
        ws.append(r)
    book.save()


def library(path: Path, data: list[tuple[Any, ...]]) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#DDE7F0"})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    ws = book.add_worksheet("Kết quả")
    for i, w in enumerate(WIDTHS):
        ws.set_column(i, i, w)
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, HEADERS, head)
    for n, r in enumerate(data, start=1):
        for c, v in enumerate(r):
            if v is None:
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(n, c, v, date)
            elif isinstance(v, str):
                ws.write_string(n, c, v)
            else:
                ws.write_number(n, c, v)
    ws.autofilter(0, 0, len(data), len(HEADERS) - 1)
    book.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = rows(args.rows)
    times: dict[str, list[float]] = {"ours": [], "xlsxwriter": []}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            for name, fn in (("ours", hand_rolled), ("xlsxwriter", library)):
                path = Path(tmp) / f"{name}.xlsx"
                t0 = time.perf_counter()
                fn(path, data)
                times[name].append(time.perf_counter() - t0)
                sizes[name] = path.stat().st_size
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{args.rows:,} rows × {len(HEADERS)} columns, {args.repeat} runs each, alternating (median, min–max):")
    for k, v in times.items():
        print(f"  {k:12} {med[k]:6.2f} s  ({min(v):.2f}–{max(v):.2f})  file {sizes[k] / 1e6:.1f} MB")
    print(f"ratio xlsxwriter / ours = {med['xlsxwriter'] / med['ours']:.2f}× (limit 1.5×)")


if __name__ == "__main__":
    main()
