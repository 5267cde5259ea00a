"""A pure-Python three-valued (Kleene) evaluator of compiled conditions, for tests only.

Every outcome in production comes from durable_rules (``eligibility.engine.durable_adapter``):
criteria, their applicability (``applies_when``), the nodes a repair advice looks at, and the pool
report's "local" trait. This evaluator exists so that tests can hold the durable path to an
independent implementation (``tests/test_engine_parity.py``); no module of the package imports it.
"""

from __future__ import annotations

from collections.abc import Mapping

from eligibility.rulepack.conditions import All, AnyOf, Compare, Condition, Const, Exists, FactRef, Not

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


def _cmp(op: str, a: object, b: object) -> bool:
    if op == "eq":
        return a == b
    if op == "ne":
        return a != b
    if not (isinstance(a, int) and isinstance(b, int)):
        raise TypeError(f"ordered comparison of non-integers {a!r} {op} {b!r}")
    if op == "lt":
        return a < b
    if op == "le":
        return a <= b
    if op == "gt":
        return a > b
    return a >= b


def evaluate(c: Condition, facts: Mapping[str, object]) -> str:
    if isinstance(c, Compare):
        if c.fact not in facts:
            return UNKNOWN
        if isinstance(c.right, FactRef):
            if c.right.name not in facts:
                return UNKNOWN
            right = facts[c.right.name]
        elif isinstance(c.right, Const):
            right = c.right.value
        else:
            raise ValueError(f"unresolved operand {c.right!r}")
        return PASS if _cmp(c.op, facts[c.fact], right) else FAIL
    if isinstance(c, Exists):
        return PASS if c.fact in facts else FAIL
    if isinstance(c, All):
        results = [evaluate(p, facts) for p in c.parts]
        if FAIL in results:
            return FAIL
        return UNKNOWN if UNKNOWN in results else PASS
    if isinstance(c, AnyOf):
        results = [evaluate(p, facts) for p in c.parts]
        if PASS in results:
            return PASS
        return UNKNOWN if UNKNOWN in results else FAIL
    if isinstance(c, Not):
        r = evaluate(c.part, facts)
        return {PASS: FAIL, FAIL: PASS, UNKNOWN: UNKNOWN}[r]
    raise TypeError(f"not a condition: {c!r}")
