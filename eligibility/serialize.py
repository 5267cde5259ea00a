"""One serializer for the JSON of the library's results that are dataclasses (timelines, comparisons,
pool reports), so that no class writes its own ``to_dict``.

:func:`to_data` turns a result into JSON-able data: a dataclass becomes a mapping of its fields in
declaration order, a ``NamedTuple`` a mapping of its fields, dates ISO strings, tuples and lists lists,
mappings mappings (keys as text), and a pydantic model (``Text``, ``Decision``, …) its
``model_dump(mode="json")``. How a field appears is declared beside the field with :func:`json_meta`
(another key, left out, or left out when ``None``); a class may rename fields for its JSON with a
``__json_names__`` class attribute (e.g. a period's ``value`` is its ``verdict`` or its ``outcome``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

_KEY = "eligibility.json"


def json_meta(
    *, name: str | None = None, skip: bool = False, omit_none: bool = False, omit_empty: bool = False
) -> dict[str, Any]:
    """Field metadata for the JSON: ``name`` (the key), ``skip`` (never in the JSON), ``omit_none``
    (left out when ``None``), ``omit_empty`` (left out when empty) — ``field(metadata=json_meta(name="from"))``."""
    return {_KEY: {"name": name, "skip": skip, "omit_none": omit_none, "omit_empty": omit_empty}}


def to_data(obj: Any) -> Any:
    """JSON-able data of a result (see the module docstring)."""
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names: Mapping[str, str] = getattr(type(obj), "__json_names__", {})
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            opts = f.metadata.get(_KEY, {})
            if opts.get("skip"):
                continue
            value = getattr(obj, f.name)
            if (value is None and opts.get("omit_none")) or (not value and opts.get("omit_empty")):
                continue
            out[opts.get("name") or names.get(f.name, f.name)] = to_data(value)
        return out
    if isinstance(obj, tuple) and hasattr(obj, "_asdict"):  # a NamedTuple
        return {k: to_data(v) for k, v in obj._asdict().items()}
    if hasattr(obj, "model_dump"):  # a pydantic model
        return obj.model_dump(mode="json")
    if isinstance(obj, Mapping):
        return {str(k): to_data(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_data(v) for v in obj]
    return str(obj)


def to_json(obj: Any, indent: int | None = 2) -> str:
    return json.dumps(to_data(obj), ensure_ascii=False, indent=indent)
