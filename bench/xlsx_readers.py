"""python-calamine against openpyxl's read-only mode, reading a 100,000-person pool workbook (issue 13).

The pool (every template column, synthetic people) is written twice: by the package's own writer (inline
strings, as ``eligibility`` writes) and, when XlsxWriter is installed (``pip install -e '.[bench]'``), with a
shared-string table as Excel writes it. Each reader runs in a fresh child process (so peak memory is its
own), in turn, ``--repeat`` times; the script prints the medians, the peak RSS and the ratios.

* ``openpyxl``      — ``load_workbook(read_only=True, data_only=True)``, ``iter_rows(values_only=True)``
* ``calamine``      — ``CalamineWorkbook.from_path(...).get_sheet_by_index(0).iter_rows()``
* ``checks``        — the package's checks alone (``eligibility.batch.sheet.check_xlsx``: zip sizes,
  references, cell lengths, the size once read)
* ``package``       — what ``screen`` does: ``read_pool(path, lazy=True)`` — checks, then calamine, then
  header and row shapes — every row consumed

    .venv/bin/python bench/xlsx_readers.py [--rows 100000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READERS = ("openpyxl", "calamine", "checks", "package")


def child(name: str, path: str) -> None:
    t0 = time.perf_counter()
    n = 0
    if name == "openpyxl":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True):
            n += 1
        wb.close()
    elif name == "calamine":
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(path)
        for _ in book.get_sheet_by_index(0).iter_rows():
            n += 1
    elif name == "checks":
        from eligibility.batch.limits import Limits
        from eligibility.batch.sheet import check_xlsx

        n = check_xlsx(Path(path), Limits()).last_row
    else:
        from eligibility.batch.reader import read_pool

        for _ in read_pool(path, lazy=True):
            n += 1
    seconds = time.perf_counter() - t0
    # VmHWM is this process's own peak (ru_maxrss would carry the parent's over fork + exec)
    status = Path("/proc/self/status").read_text() if Path("/proc/self/status").exists() else ""
    hwm = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    peak = int(hwm[0]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": n, "seconds": seconds, "peak_mb": peak}))


def write_pools(tmp: Path, rows: int) -> dict[str, Path]:
    from eligibility.batch.columns import COLUMNS, POST_COLUMN
    from eligibility.batch.mapping import profile_to_row
    from eligibility.batch.synthetic import _excel_value, iter_profiles, write_pool

    out = {
        "inline strings (eligibility's writer)": write_pool(
            iter_profiles(rows, 7, with_request=True), tmp / "inline.xlsx"
        )
    }
    try:
        import xlsxwriter
    except ImportError:
        print("(XlsxWriter not installed: no shared-string workbook; pip install -e '.[bench]')")
        return out
    columns = [*COLUMNS, POST_COLUMN]
    book = xlsxwriter.Workbook(str(tmp / "shared.xlsx"))
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    ws = book.add_worksheet("Danh sách")
    ws.write_row(0, 0, [c.vi for c in columns])
    for n, item in enumerate(iter_profiles(rows, 7, with_request=True), start=1):
        r = profile_to_row(item["profile"], item["request"]["post"])
        for i, c in enumerate(columns):
            v = _excel_value(r.get(c.key))
            if v is None or v == "":
                continue
            if hasattr(v, "isoformat"):
                ws.write_datetime(n, i, v, date)
            elif isinstance(v, int | float):
                ws.write_number(n, i, v)
            else:
                ws.write_string(n, i, str(v))
    book.close()
    out["shared strings (as Excel writes)"] = tmp / "shared.xlsx"
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--child", nargs=2, metavar=("READER", "PATH"))
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        pools = write_pools(Path(tmp), args.rows)
        print(f"pools of {args.rows:,} people written in {time.perf_counter() - t0:.0f} s")
        for label, path in pools.items():
            results: dict[str, list[dict[str, float]]] = {r: [] for r in READERS}
            for _ in range(args.repeat):
                for name in READERS:
                    done = subprocess.run(
                        [sys.executable, __file__, "--child", name, str(path)],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    results[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
            med = {k: statistics.median(x["seconds"] for x in v) for k, v in results.items()}
            peak = {k: max(x["peak_mb"] for x in v) for k, v in results.items()}
            print(f"\n{label}: {path.stat().st_size / 1e6:.1f} MB on disk, {args.repeat} run(s) each, median")
            for k in READERS:
                print(f"  {k:9} {med[k]:7.2f} s   peak {peak[k]:6.0f} MB")
            print(f"  ratio openpyxl / calamine = {med['openpyxl'] / med['calamine']:.1f}x")
            print(f"  ratio openpyxl / package (checks + calamine + shapes) = {med['openpyxl'] / med['package']:.1f}x")
            print(f"  checks / calamine = {med['checks'] / med['calamine']:.2f}")


if __name__ == "__main__":
    main()
