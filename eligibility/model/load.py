"""Reading profiles and requests from YAML/JSON, with bilingual errors naming the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from eligibility.errors import InputError, Problem
from eligibility.model.profile import Profile
from eligibility.model.request import Request

M = TypeVar("M", bound=BaseModel)

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


def read_data(path: str | Path) -> Any:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem(str(p), "không tìm thấy tệp", "file not found")) from None
    except UnicodeDecodeError:
        raise InputError(Problem(str(p), "tệp không phải UTF-8", "file is not UTF-8")) from None
    try:
        if p.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_TextDatesLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, json.JSONDecodeError, ValueError) as exc:
        raise InputError(Problem(str(p), f"lỗi cú pháp: {exc}", f"syntax error: {exc}")) from None


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
