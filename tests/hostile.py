"""Hostile and messy pool files, built by the tests (nothing large is committed), and a runner that
screens one in a child process under resource limits.

Each builder writes a file into a folder and returns its path; the spreadsheets are assembled from
raw SpreadsheetML so that a test can put anything anywhere (cell references past Excel's columns,
rows out of order, entity declarations, formulas without a cached value, zip members whose sizes
lie). Large payloads are compressed on the fly (a 1.2 GB cell is about a megabyte on disk).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

REQUEST = ["--action", "planning", "--post", "giam-doc-so", "--locality", "lao-cai", "--date", "2025-10-01"]
HEADERS = ["STT", "Mã hồ sơ", "Họ và tên", "Giới tính", "Ngày sinh", "Trình độ chuyên môn"]
MB = 1 << 20


def person(i: int) -> list[str]:
    """A readable person (row i of a pool)."""
    return [
        str(i),
        f"H{i:04d}",
        f"Nguyễn Văn {i}",
        "nam" if i % 2 else "nữ",
        f"{1965 + i % 20}-05-0{1 + i % 9}",
        "đại học",
    ]


# ----- spreadsheets from raw XML ------------------------------------------------------------------
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)


def col(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def xml_row(n: int, values: Iterable[object], start: int = 0) -> str:
    cells = []
    for i, v in enumerate(values, start=start):
        if v is None or v == "":
            continue
        ref = f"{col(i)}{n}"
        if isinstance(v, int | float):
            cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
    return f'<row r="{n}">' + "".join(cells) + "</row>"


def people_xml(n: int, first_row: int = 2) -> str:
    return "".join(xml_row(first_row + i, person(i + 1)) for i in range(n))


def _member(z: zipfile.ZipFile, name: str, parts: Iterable[str | bytes]) -> None:
    with z.open(name, "w", force_zip64=True) as out:
        for p in parts:
            out.write(p.encode("utf-8") if isinstance(p, str) else p)


def workbook(
    path: Path,
    sheet: str | Iterable[str | bytes],
    *,
    shared: str | Iterable[str | bytes] | None = None,
    prolog: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    dimension: str | None = None,
) -> Path:
    """An .xlsx whose first sheet's ``<sheetData>`` is ``sheet`` (text, or pieces streamed into the zip)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        sst: Iterable[str | bytes] = [f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}"></sst>']
        if shared is not None:
            sst = [shared] if isinstance(shared, str) else shared
        _member(z, "xl/sharedStrings.xml", sst)
        head = prolog + f'<worksheet xmlns="{_NS}">' + (f'<dimension ref="{dimension}"/>' if dimension else "")
        body = [sheet] if isinstance(sheet, str) else sheet
        _member(z, "xl/worksheets/sheet1.xml", [head, "<sheetData>", *body, "</sheetData></worksheet>"])
    return path


def header_xml(n: int = 1) -> str:
    return xml_row(n, HEADERS)


def repeat(piece: str, times: int, block: int = 4096) -> Iterator[bytes]:
    """``piece`` ``times`` times, in blocks (so a gigabyte of it is never in memory at once)."""
    chunk = piece.encode("utf-8") * block
    full, rest = divmod(times, block)
    for _ in range(full):
        yield chunk
    yield piece.encode("utf-8") * rest


def lying_sizes(path: Path, member: str, declared: int) -> Path:
    """Rewrite the central directory and local header of ``member`` to declare ``declared`` bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    # local header: uncompressed size at offset 22 (4 bytes), or in the zip64 extra field
    off = info.header_offset
    name_len = int.from_bytes(data[off + 26 : off + 28], "little")
    extra_len = int.from_bytes(data[off + 28 : off + 30], "little")
    extra = data[off + 30 + name_len : off + 30 + name_len + extra_len]
    if data[off + 22 : off + 26] == b"\xff\xff\xff\xff" and extra[:2] == b"\x01\x00":
        data[off + 30 + name_len + 4 : off + 30 + name_len + 12] = declared.to_bytes(8, "little")
    else:
        data[off + 22 : off + 26] = declared.to_bytes(4, "little")
    # central directory
    end = data.rfind(b"PK\x05\x06")
    cd = int.from_bytes(data[end + 16 : end + 20], "little")
    pos = cd
    while data[pos : pos + 4] == b"PK\x01\x02":
        n_len = int.from_bytes(data[pos + 28 : pos + 30], "little")
        e_len = int.from_bytes(data[pos + 30 : pos + 32], "little")
        c_len = int.from_bytes(data[pos + 32 : pos + 34], "little")
        name = bytes(data[pos + 46 : pos + 46 + n_len]).decode()
        if name == member:
            if data[pos + 24 : pos + 28] == b"\xff\xff\xff\xff":
                e = pos + 46 + n_len
                data[e + 4 : e + 12] = declared.to_bytes(8, "little")
            else:
                data[pos + 24 : pos + 28] = declared.to_bytes(4, "little")
        pos += 46 + n_len + e_len + c_len
    path.write_bytes(bytes(data))
    return path


# ----- CSV and JSONL ----------------------------------------------------------------------------
def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def jsonl_person(i: int, **extra: object) -> str:
    p = person(i)
    d: dict[str, object] = {"id": p[1], "full_name": p[2], "sex": p[3], "birth_date": p[4]}
    d.update(extra)
    return json.dumps(d, ensure_ascii=False)


# ----- running the command line under limits ----------------------------------------------------
@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    max_rss_mb: float
    signal: int | None = None

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.err or "Traceback (most recent call last)" in self.out


def _limits(memory: int) -> None:
    os.setsid()
    for sig in (signal.SIGINT, signal.SIGTERM):  # as a shell starts a command, whatever this process ignores
        signal.signal(sig, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _group_peak_kb(group: int) -> int:
    """The largest VmHWM (peak resident set, kB) among the live processes of process group ``group``.

    Not ``ru_maxrss`` from ``wait4``: Linux carries the parent's high-water mark into a forked child through
    ``exec`` (``signal->maxrss``), so once the test process itself has grown past the limit every child would
    report the test process's size, whatever the child used."""
    peak = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) != group:  # the fields after the command name: state, ppid, pgrp
                continue
            with open(f"/proc/{entry.name}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
                        break
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return peak


def run_cli(
    args: list[str],
    cwd: Path,
    *,
    timeout: float = 60.0,
    memory: int = 1 << 30,
    script: str | None = None,
    stop_after: float | None = None,
    stop_signal: int = signal.SIGTERM,
    env: dict[str, str] | None = None,
) -> Run:
    """``eligibility ARGS`` (or ``python -c SCRIPT ARGS``) in a child limited to ``memory`` bytes of address
    space (each process of it) and ``timeout`` seconds; ``stop_after`` sends ``stop_signal`` after that time."""
    cmd = [sys.executable, "-c", script or "import sys; from eligibility.cli import main; sys.exit(main())", *args]
    out_path, err_path = cwd / ".stdout", cwd / ".stderr"
    env = {**os.environ, "PYTHONFAULTHANDLER": "", "COLUMNS": "200", **(env or {})}
    started = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, preexec_fn=lambda: _limits(memory)
        )
        status = 0
        sent = False
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _group_peak_kb(proc.pid))  # polled: the last few ms before exit are not seen
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - started
            if stop_after is not None and not sent and elapsed > stop_after:
                os.kill(proc.pid, stop_signal)
                sent = True
            if elapsed > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                raise AssertionError(f"timed out after {timeout} s: {' '.join(args)}")
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    leftover = True  # nothing of the run may outlive it for long (workers hold the output streams open)
    for _ in range(100):
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            leftover = False
            break
        time.sleep(0.03)
    if leftover:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    code = proc.returncode
    sig = -code if code < 0 else None
    run = Run(
        code,
        out_path.read_text("utf-8", "replace"),
        err_path.read_text("utf-8", "replace"),
        seconds,
        peak_kb / 1024,
        sig,
    )
    if leftover:
        run.err += "\n[test] processes of the run were still alive after it ended"
    return run


def jsonl_rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
