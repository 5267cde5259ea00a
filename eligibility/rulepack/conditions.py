"""Structured conditions of criteria: ``all`` / ``any`` / ``not`` over comparisons.

No Python expressions and no ``eval``: a condition is a tree of these nodes::

    {all: [...]}            every part holds
    {any: [...]}            at least one part holds
    {not: {...}}            the part does not hold
    {fact: F, ge: 60}                       fact compared with a constant
    {fact: F, ge: {param: P}}               ... with a dated parameter
    {fact: F, ge: {fact: G}}                ... with another fact
    {fact: F, ge: {rank: cao_cap}}          ... with a level's rank (int facts with rank_of)
    {fact: F, exists: true}                 the fact is known (request facts only, for applies_when)

Operators: ``eq ne lt le gt ge``. Values are integers, booleans or codes; ordered comparisons
(lt/le/gt/ge) take integers only. Three-valued (Kleene) logic: a comparison whose fact is
unknown is unknown; ``all`` fails if one part fails, ``any`` passes if one part passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OPS = ("eq", "ne", "lt", "le", "gt", "ge")
ORDERED = ("lt", "le", "gt", "ge")
NEGATE = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "gt": "le", "le": "gt"}
SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


@dataclass(frozen=True)
class Const:
    value: int | bool | str


@dataclass(frozen=True)
class Param:
    name: str


@dataclass(frozen=True)
class FactRef:
    name: str


@dataclass(frozen=True)
class Rank:
    code: str


Operand = Const | Param | FactRef | Rank


@dataclass(frozen=True)
class Compare:
    fact: str
    op: str
    right: Operand


@dataclass(frozen=True)
class Exists:
    fact: str


@dataclass(frozen=True)
class All:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    part: Condition


Condition = Compare | Exists | All | AnyOf | Not


class ConditionError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(message)


def parse_condition(raw: Any, path: str = "condition") -> Condition:
    if not isinstance(raw, dict):
        raise ConditionError(path, "a condition must be a mapping")
    keys = set(raw)
    if keys == {"all"} or keys == {"any"}:
        key = next(iter(keys))
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ConditionError(f"{path}.{key}", f"'{key}' needs a non-empty list")
        parts = tuple(parse_condition(c, f"{path}.{key}[{i}]") for i, c in enumerate(items))
        return All(parts) if key == "all" else AnyOf(parts)
    if keys == {"not"}:
        return Not(parse_condition(raw["not"], f"{path}.not"))
    if "fact" in keys:
        fact = raw["fact"]
        if not isinstance(fact, str):
            raise ConditionError(f"{path}.fact", "fact must be a name")
        rest = keys - {"fact"}
        if rest == {"exists"}:
            if raw["exists"] is not True:
                raise ConditionError(f"{path}.exists", "exists takes true")
            return Exists(fact)
        if len(rest) != 1 or not rest <= set(OPS):
            raise ConditionError(
                path, f"a comparison needs 'fact' and exactly one of {', '.join(OPS)}; got {sorted(keys)}"
            )
        op = next(iter(rest))
        return Compare(fact, op, _operand(raw[op], f"{path}.{op}"))
    raise ConditionError(path, f"unknown condition keys {sorted(keys)}; use all / any / not / fact")


def _operand(raw: Any, path: str) -> Operand:
    if isinstance(raw, dict):
        if set(raw) == {"param"} and isinstance(raw["param"], str):
            return Param(raw["param"])
        if set(raw) == {"fact"} and isinstance(raw["fact"], str):
            return FactRef(raw["fact"])
        if set(raw) == {"rank"} and isinstance(raw["rank"], str):
            return Rank(raw["rank"])
        raise ConditionError(path, "an operand mapping must be {param: NAME}, {fact: NAME} or {rank: CODE}")
    if isinstance(raw, bool | int | str) and not isinstance(raw, float):
        return Const(raw)
    raise ConditionError(path, f"constants must be integers, booleans or codes, not {type(raw).__name__}")


def walk(c: Condition) -> list[Condition]:
    out: list[Condition] = [c]
    if isinstance(c, All | AnyOf):
        for p in c.parts:
            out.extend(walk(p))
    elif isinstance(c, Not):
        out.extend(walk(c.part))
    return out


def facts_of(c: Condition) -> list[str]:
    names: list[str] = []
    for node in walk(c):
        if isinstance(node, Compare):
            names.append(node.fact)
            if isinstance(node.right, FactRef):
                names.append(node.right.name)
        elif isinstance(node, Exists):
            names.append(node.fact)
    return list(dict.fromkeys(names))


def params_of(c: Condition) -> list[str]:
    return list(dict.fromkeys(n.right.name for n in walk(c) if isinstance(n, Compare) and isinstance(n.right, Param)))


def substitute(c: Condition, resolve: Any) -> Condition:
    """Replace parameters and ranks by constants (``resolve(operand) -> Const``)."""
    if isinstance(c, Compare):
        if isinstance(c.right, Param | Rank):
            return Compare(c.fact, c.op, resolve(c, c.right))
        return c
    if isinstance(c, All):
        return All(tuple(substitute(p, resolve) for p in c.parts))
    if isinstance(c, AnyOf):
        return AnyOf(tuple(substitute(p, resolve) for p in c.parts))
    if isinstance(c, Not):
        return Not(substitute(c.part, resolve))
    return c


def to_data(c: Condition) -> Any:
    """A canonical JSON-able form (for hashing and display)."""
    if isinstance(c, Compare):
        r = c.right
        right: Any = (
            r.value
            if isinstance(r, Const)
            else {"param": r.name}
            if isinstance(r, Param)
            else {"fact": r.name}
            if isinstance(r, FactRef)
            else {"rank": r.code}
        )
        return {"fact": c.fact, c.op: right}
    if isinstance(c, Exists):
        return {"fact": c.fact, "exists": True}
    if isinstance(c, All):
        return {"all": [to_data(p) for p in c.parts]}
    if isinstance(c, AnyOf):
        return {"any": [to_data(p) for p in c.parts]}
    return {"not": to_data(c.part)}
