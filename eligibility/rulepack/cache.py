"""A per-user cache of the loaded bundled rule pack: a short command (``eligibility check``) need not parse and
validate the rule pack's YAML files each time — about a third of its start-up (issue 14).

What is kept: the :class:`~eligibility.rulepack.loader.RulePack` that :func:`load_rules` returned for a rule
pack directory, pickled, in one file per directory. It is used only when

- the rule files are byte for byte those it was loaded from: the sha256 of every ``*.yaml`` file and its
  path (the rule pack's own ``hash``), computed again at each start and compared with the cached pack's;
- the code that wrote it is the code running: the same Python, pydantic, and the same size and
  modification time of every module of this package (a changed schema or loader means a reload);
- the file and its folder belong to the user and no one else can write to them.

Otherwise the rule pack is loaded from its YAML files, and the cache written again. Only a pack that loaded
without error is kept; a cache that cannot be read or written is passed over silently (it is a cache). The
bundled rule pack (no ``--rules``) goes through it; other directories are loaded as before.
``ELIGIBILITY_CACHE=0`` turns it off; ``ELIGIBILITY_CACHE_DIR`` moves it (default
``$XDG_CACHE_HOME/eligibility``, else ``~/.cache/eligibility``).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
import sys
from pathlib import Path

from eligibility.rulepack.loader import RulePack, default_rules_dir, load_rules

FORMAT = 1
PACKAGE = Path(__file__).resolve().parents[1]  # eligibility/
_FINGERPRINT: list[str] = []


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is turned off (or the platform has no file owners)."""
    if os.environ.get("ELIGIBILITY_CACHE", "1").strip().lower() in ("0", "off", "no", "false"):
        return None
    if not hasattr(os, "getuid"):
        return None
    named = os.environ.get("ELIGIBILITY_CACHE_DIR")
    if named:
        return Path(named)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "eligibility"


def code_fingerprint() -> str:
    """Python, pydantic, and the size and modification time of every module of the package."""
    if not _FINGERPRINT:
        import pydantic

        digest = hashlib.sha256(f"{FORMAT}|{sys.version}|{pydantic.VERSION}".encode())
        for p in sorted(PACKAGE.rglob("*.py")):
            st = p.stat()
            digest.update(f"|{p.relative_to(PACKAGE)}:{st.st_size}:{st.st_mtime_ns}".encode())
        _FINGERPRINT.append(digest.hexdigest())
    return _FINGERPRINT[0]


def rules_digest(base: Path) -> str:
    """The sha256 of the rule files and their paths: what :func:`load_rules` hashes (``RulePack.hash`` is its
    first 16 hex digits)."""
    digest = hashlib.sha256()
    for p in sorted(p for p in base.rglob("*.yaml") if p.is_file()):
        digest.update(str(p.relative_to(base)).encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()


def load_rules_cached(root: str | Path | None = None) -> RulePack:
    """:func:`load_rules` for ``root`` (default: the bundled rule pack), from the cache when it is valid."""
    base = Path(root) if root is not None else default_rules_dir()
    folder = cache_dir()
    if folder is None or not base.is_dir():
        return load_rules(base)
    digest = rules_digest(base)
    name = hashlib.sha256(str(base.resolve()).encode()).hexdigest()[:16]
    path = folder / f"rulepack-{name}.pickle"
    header = {"format": FORMAT, "code": code_fingerprint(), "rules": digest}
    pack = _read(path, header)
    if pack is not None and digest.startswith(pack.hash):
        return pack
    pack = load_rules(base)
    if digest.startswith(pack.hash):  # the files did not change while they were read
        _write(folder, path, header, pack)
    return pack


def _private(st: os.stat_result) -> bool:
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path, header: dict[str, object]) -> RulePack | None:
    try:
        if not (_private(path.parent.stat()) and _private(path.stat())):
            return None
        with path.open("rb") as fh:
            if json.loads(fh.readline()) != header:
                return None
            pack = pickle.load(fh)  # noqa: S301 - our own file, in a folder only its owner can write
    except Exception:  # noqa: BLE001 - missing, unreadable, truncated or stale: load the YAML instead
        return None
    return pack if isinstance(pack, RulePack) else None


def _write(folder: Path, path: Path, header: dict[str, object], pack: RulePack) -> None:
    import tempfile  # only when writing (it imports shutil, bz2, lzma, random)

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder.stat()):
            return
        fd, tmp = tempfile.mkstemp(prefix=".rulepack-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(json.dumps(header).encode() + b"\n")
                pickle.dump(pack, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: a reader sees the old file or the new one
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except Exception:  # noqa: BLE001, S110 - a cache that cannot be written is not an error
        return
