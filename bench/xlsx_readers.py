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
* ``iterparse``     — a streaming read with the standard library alone, as a yardstick for one that holds a
  row at a time (issue 14): the shared strings held as a list, the sheet part decompressed and parsed by
  ``xml.etree.ElementTree.iterparse`` (expat), each ``<row>`` turned into values (shared, inline, numbers;
  no styles, so no dates) and cleared. Not the package's reader: it lacks calamine's typing of cells.

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

READERS = ("openpyxl", "calamine", "checks", "package", "iterparse")


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
    elif name == "iterparse":
        n = _iterparse(path)
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


def _iterparse(path: str) -> int:
    """Rows of the first sheet, streamed: one ``<row>`` element in memory at a time (plus the shared strings)."""
    import zipfile
    from xml.etree.ElementTree import iterparse

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    n = 0
    with zipfile.ZipFile(path) as z:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            with z.open("xl/sharedStrings.xml") as fh:
                for _, el in iterparse(fh):
                    if el.tag == ns + "si":
                        shared.append("".join(t.text or "" for t in el.iter(ns + "t")))
                        el.clear()
        with z.open("xl/worksheets/sheet1.xml") as fh:
            data = None  # <sheetData>: the rows' parent, emptied after each row
            for event, el in iterparse(fh, events=("start", "end")):
                if event == "start":
                    data = el if el.tag == ns + "sheetData" else data
                    continue
                if el.tag != ns + "row":
                    continue
                cells: list[object] = []
                for c in el:
                    kind, v = c.get("t"), c.find(ns + "v")
                    if kind == "s" and v is not None:
                        cells.append(shared[int(v.text or 0)])
                    elif kind == "inlineStr":
                        cells.append("".join(t.text or "" for t in c.iter(ns + "t")))
                    elif v is not None and v.text is not None:
                        cells.append(v.text if kind in ("str", "e", "b") else float(v.text))
                n += 1
                (data if data is not None else el).clear()
    return n


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
    ap.add_argument("--readers", default=",".join(READERS), help="a comma-separated subset of " + ", ".join(READERS))
    ap.add_argument("--child", nargs=2, metavar=("READER", "PATH"))
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        pools = write_pools(Path(tmp), args.rows)
        print(f"pools of {args.rows:,} people written in {time.perf_counter() - t0:.0f} s")
        readers = [r for r in READERS if r in args.readers.split(",")]
        for label, path in pools.items():
            results: dict[str, list[dict[str, float]]] = {r: [] for r in readers}
            for _ in range(args.repeat):
                for name in readers:
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
            for k in readers:
                print(f"  {k:9} {med[k]:7.2f} s   peak {peak[k]:6.0f} MB")
            for a, b in (("openpyxl", "calamine"), ("openpyxl", "package"), ("checks", "calamine")):
                if a in med and b in med:
                    print(f"  ratio {a} / {b} = {med[a] / med[b]:.2f}x")
            for a in ("iterparse", "openpyxl"):
                for b in ("calamine", "package"):
                    if a in med and b in med:
                        print(f"  {a} / {b}: time {med[a] / med[b]:.2f}x, peak {peak[a] / peak[b]:.2f}x")


if __name__ == "__main__":
    main()
