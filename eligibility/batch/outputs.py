"""Writing report files safely: cells that a spreadsheet would run as formulas, atomic writes, paths.

* :func:`neutralize` — text that starts with ``=`` ``+`` ``-`` ``@``, a tab or a carriage return is
  prefixed with ``'``, so that Excel or LibreOffice shows it instead of evaluating it (a file id such
  as ``=HYPERLINK(…)`` or ``@SUM(1)``). Every CSV and xlsx writer of the package calls it on every text cell.
* :func:`atomic` — a file is written under a temporary name in its own folder and renamed over the
  target only when complete: a reader never sees half a report, a failure or a signal leaves none.
* :func:`check_output` — an output that is a folder, in a missing folder, or the very file being read
  is refused before anything is written (a bilingual :class:`~eligibility.errors.InputError`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eligibility.errors import InputError, Problem

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """``value`` made inert for a spreadsheet: text starting with a formula trigger gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def neutralize_row(values: Iterable[Any]) -> list[Any]:
    return [neutralize(v) for v in values]


_LIVE: set[str] = set()  # temporary files being written in this process (removed on a signal)


@contextlib.contextmanager
def atomic(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[Any]:
    """Open a temporary file beside ``path``; on success it replaces ``path``, otherwise it is removed."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    _LIVE.add(tmp)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        finish(Path(tmp), target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        _LIVE.discard(tmp)


def temporary(path: str | Path) -> Path:
    """A new empty temporary file beside ``path`` (for writers that rename it themselves)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    os.close(fd)
    _LIVE.add(tmp)
    return Path(tmp)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give a new file (read once, at import: os.umask is process-wide)


def finish(tmp: Path, target: Path) -> None:
    """Rename the finished temporary file over ``target``, with the permissions a file written directly would
    have (the target's own when it exists; mkstemp's private 0600 otherwise)."""
    try:
        mode = os.stat(target).st_mode & 0o777
    except OSError:
        mode = _MODE
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)
    os.replace(tmp, target)
    _LIVE.discard(str(tmp))


def discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    _LIVE.discard(str(tmp))


def remove_partial_files() -> None:
    """Remove every temporary file still being written (called when the run is stopped by a signal)."""
    for tmp in list(_LIVE):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _LIVE.discard(tmp)


def check_output(path: str | Path, option: str = "--out", inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse an output that cannot or must not be written: a folder, a missing folder, an input file."""
    p = Path(path)
    if p.is_dir():
        raise InputError(Problem(option, "là một thư mục; cần tên tệp", "is a folder; a file name is needed", str(p)))
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.exists():
        raise InputError(Problem(option, "thư mục không tồn tại", "the folder does not exist", str(parent)))
    if not parent.is_dir():
        raise InputError(
            Problem(option, "đường dẫn thư mục không phải thư mục", "the folder is not a folder", str(parent))
        )
    if not os.access(parent, os.W_OK):
        raise InputError(
            Problem(option, "không có quyền ghi vào thư mục", "no permission to write in the folder", str(parent))
        )
    for source in inputs:
        s = Path(source)
        same = False
        try:
            same = p.exists() and s.exists() and os.path.samefile(p, s)
        except OSError:
            same = False
        if same or p.resolve() == s.resolve():
            raise InputError(
                Problem(
                    option,
                    "trùng với tệp đầu vào; chọn tên khác để không ghi đè dữ liệu",
                    "is the input file; choose another name so that the data is not overwritten",
                    str(p),
                )
            )
    return p
