"""Reading profiles and requests from YAML/JSON, with bilingual errors naming the field.

A profile file is bounded before it is parsed: at most :data:`MAX_BYTES` (1 MiB; a real profile is a
few KB), nested at most :data:`MAX_DEPTH` levels (a profile is 4 deep), and YAML aliases (``*name``)
are refused — an alias can fold one string thousands of times (620 KB of aliases took 145 s and
858 MB). A folder, a missing file or an unreadable one is a bilingual :class:`InputError`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from eligibility.errors import InputError, Problem
from eligibility.model.profile import Profile
from eligibility.model.request import Request

M = TypeVar("M", bound=BaseModel)
MAX_BYTES = 1 << 20
MAX_DEPTH = 32

_PYDANTIC_VI = {
    "missing": ("thiếu trường bắt buộc", "required field missing"),
    "extra_forbidden": ("trường không được biết đến (kiểm tra chính tả)", "unknown field (check the spelling)"),
    "int_parsing": ("phải là số nguyên", "must be a whole number"),
    "int_type": ("phải là số nguyên", "must be a whole number"),
    "bool_parsing": ("phải là true/false (có/không)", "must be true or false"),
    "bool_type": ("phải là true/false (có/không)", "must be true or false"),
    "string_type": ("phải là chuỗi ký tự", "must be text"),
    "list_type": ("phải là danh sách", "must be a list"),
    "dict_type": ("phải là bảng khóa: giá trị", "must be a mapping"),
    "model_type": ("phải là bảng khóa: giá trị", "must be a mapping"),
    "greater_than_equal": ("giá trị quá nhỏ", "value too small"),
    "less_than_equal": ("giá trị quá lớn", "value too large"),
    "date_from_datetime_parsing": ("ngày không hợp lệ", "invalid date"),
}


def problems_from_validation(exc: ValidationError, *, prefix: str = "", row: int | None = None) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"] if p != "from_") or "(root)"
        loc = loc.replace("from_", "from")
        if prefix:
            loc = f"{prefix}.{loc}" if loc != "(root)" else prefix
        etype = err["type"]
        value = err.get("input")
        if etype in ("missing",):
            value = None
        if isinstance(value, dict | list):
            value = None
        if etype == "value_error":
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
            vi, _, en = msg.partition(" / ")
            out.append(Problem(loc, vi, en or vi, value, row))
        elif etype in _PYDANTIC_VI:
            vi, en = _PYDANTIC_VI[etype]
            out.append(Problem(loc, vi, en, value, row))
        else:
            out.append(Problem(loc, "giá trị không hợp lệ", err["msg"], value, row))
    return out


def validate(model: type[M], data: Any, *, what: str, row: int | None = None) -> M:
    if not isinstance(data, dict):
        raise InputError(
            Problem(
                what, "phải là bảng khóa: giá trị (YAML/JSON object)", "must be a mapping (YAML/JSON object)", row=row
            )
        )
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, row=row)) from None
    if isinstance(obj, Profile):
        from eligibility.model.checks import profile_problems

        problems = profile_problems(obj, row=row)
        if problems:
            raise InputError(problems)
    return obj


class _TextDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: an impossible date (``1972-02-30``) then reaches the
    profile validators, which name the field, instead of failing inside the YAML parser."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _ProfileLoader(_TextDatesLoader):
    """The profile loader: no aliases, nesting bounded (checked as nodes are composed, before any recursion
    gets deep)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None,
                None,
                "bí danh YAML (*tên) không được dùng trong hồ sơ / YAML aliases (*name) are not allowed in a profile",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"lồng quá {MAX_DEPTH} tầng / nested more than {MAX_DEPTH} levels",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _depth(data: Any) -> int:
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def read_data(path: str | Path) -> Any:
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(Problem(str(p), "là một thư mục, không phải tệp hồ sơ", "is a folder, not a profile file"))
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                Problem(
                    str(p),
                    f"tệp hồ sơ lớn quá {MAX_BYTES // 1024} KB (một hồ sơ chỉ vài KB)",
                    f"the profile file is larger than {MAX_BYTES // 1024} KB (a profile is a few KB)",
                    size,
                )
            )
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem(str(p), "không tìm thấy tệp", "file not found")) from None
    except UnicodeDecodeError:
        raise InputError(Problem(str(p), "tệp không phải UTF-8", "file is not UTF-8")) from None
    except PermissionError:
        raise InputError(Problem(str(p), "không có quyền đọc tệp", "no permission to read the file")) from None
    except OSError as exc:
        raise InputError(
            Problem(str(p), f"không đọc được tệp: {exc.strerror}", f"cannot read the file: {exc.strerror}")
        ) from None
    if _flow_depth(text) > MAX_DEPTH:
        raise _too_deep(p)
    try:
        is_json = p.suffix.lower() == ".json"
        data = json.loads(text) if is_json else yaml.load(text, Loader=_ProfileLoader)  # noqa: S506 - SafeLoader
    except (yaml.YAMLError, json.JSONDecodeError, ValueError) as exc:
        raise InputError(Problem(str(p), f"lỗi cú pháp: {exc}", f"syntax error: {exc}")) from None
    except RecursionError:
        raise _too_deep(p) from None
    if _depth(data) > MAX_DEPTH:
        raise _too_deep(p)
    return data


def _too_deep(p: Path) -> InputError:
    return InputError(
        Problem(str(p), f"dữ liệu lồng quá {MAX_DEPTH} tầng", f"the data is nested more than {MAX_DEPTH} levels deep")
    )


_QUOTED = re.compile(r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"")
_BRACKETS = re.compile(r"[\[\]{}]")


def _flow_depth(text: str) -> int:
    """The deepest nesting of brackets outside quoted strings (YAML's scanner slows down quadratically
    with flow depth, so a deep one is refused before it is scanned)."""
    depth = deepest = 0
    for m in _BRACKETS.finditer(_QUOTED.sub("", text)):
        depth += 1 if m.group() in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
    return deepest


def load_profile(path: str | Path) -> Profile:
    """Read one profile from a YAML or JSON file."""
    data = read_data(path)
    if isinstance(data, dict) and "profile" in data and "id" not in data:
        data = data["profile"]
    return validate(Profile, data, what=str(path))


def parse_profile(data: Any, *, row: int | None = None) -> Profile:
    return validate(Profile, data, what="profile", row=row)


def parse_request(data: Any) -> Request:
    return validate(Request, data, what="request")
