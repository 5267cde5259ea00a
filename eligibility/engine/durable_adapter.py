"""The only module that imports durable_rules.

Compiles resolved criteria into durable_rules rulesets (JSON definitions, built from the YAML
criteria, never hand-written decorators) and evaluates one fact at a time through the C
extension ``durable_rules_engine`` directly: assert the fact → drain the rules that fired →
retract it. See ``docs/DESIGN.md`` §5 and ``docs/durable_rules.md`` for the traps this closes:

* three rules per criterion — pass, fail and unknown — and the adapter raises
  :class:`EngineError` unless exactly one of them fired: durable's silent failures (a missing
  field that matches nothing, a coerced type, a dropped result) become loud;
* unknown is expressed positively (``$nex`` of the missing field) and always ANDed with an
  anchor field, because a rule whose only test is a negation fires forever;
* only integers, booleans and code strings reach the engine; one serialiser with
  ``ensure_ascii=False`` for rulesets and facts; NFC text;
* rulesets are named by the content hash of what they were compiled from and compiled once per
  process; they are split into chunks that stay under durable's capacity (512 branches per
  ruleset, 252 properties per fact, and its 64-entry alpha stack: error 303 counts every node
  matching one fact, also those of rules that do not fire: a chunk holds criteria whose bounds
  on matching nodes sum to at most 60);
* a durable error (e.g. 303) is an :class:`EngineError`, after the fact is retracted;
* no ``Host``, no timer threads; one engine per process behind a lock (the C extension is not
  safe to share between threads); parallel batches use processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product
from typing import Any

from eligibility.engine.compiler import RuleVersion
from eligibility.errors import EngineError
from eligibility.rulepack import conditions as cd

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=True)
dumps = _ENCODER.encode  # the one serialiser, for rulesets and facts alike

ANCHOR = "_anchor"  # always present in every asserted fact (never "id" or "sid": durable's identity keys)
# durable walks the alpha network depth-first, pushing every matching child of a node on a
# 64-entry stack (error 303 when full): bound on the nodes matching one fact that wait at once
MAX_TRUE_BRANCHES = 60
DURABLE_STACK = 64
MAX_BRANCHES_PER_RULESET = 500  # durable: 512 branches make the first assert_fact hang
MAX_PROPERTIES = 250  # durable: at most 252 properties per fact
OUTCOMES = ("pass", "fail", "unknown")
_OPS = {"eq": None, "ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}

RC_STORED, RC_NOT_HANDLED, RC_OBSERVED = 0, 1, 2


# ----- three-valued compilation to disjunctive normal form ----------------------------------
# A literal is ("ex", f) | ("nex", f) | ("cmp", f, op, value) | ("cmpf", f, op, g); a conjunction
# is a frozenset of literals; a DNF is a list of conjunctions. Each conjunction becomes its own
# durable rule: one rule holding an $or of ~15 two-literal $ands fails create_ruleset (error 113).
# Adapted from the measured prototype (docs/durable_rules.md; 0 mismatches over 23,000 verdicts).

Literal = tuple[Any, ...]
Conj = frozenset[Literal]
DNF = list[Conj]

_INV = {"lt": "ge", "ge": "lt", "le": "gt", "gt": "le", "eq": "ne", "ne": "eq"}
_DURABLE_OP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte", "ne": "$neq"}
UNKNOWN_BUDGET = 32  # unknown branches allowed per criterion (2^k - 1 for an all/any of k atoms)


def _contradictory(conj: Conj) -> bool:
    nex = {lit[1] for lit in conj if lit[0] == "nex"}
    for lit in conj:
        if lit[0] == "ex" and lit[1] in nex:
            return True
        if lit[0] == "cmp" and (lit[1] in nex or ("cmp", lit[1], _INV[lit[2]], lit[3]) in conj):
            return True
        if lit[0] == "cmpf" and (lit[1] in nex or lit[3] in nex or ("cmpf", lit[1], _INV[lit[2]], lit[3]) in conj):
            return True
    return False


def _norm(dnf: DNF) -> DNF:
    out: DNF = []
    seen: set[Conj] = set()
    for conj in dnf:
        if not _contradictory(conj) and conj not in seen:
            seen.add(conj)
            out.append(conj)
    return out


def _dnf_and(dnfs: list[DNF]) -> DNF:
    return _norm([frozenset().union(*combo) for combo in product(*dnfs)])


def _dnf_or(dnfs: list[DNF]) -> DNF:
    return _norm([conj for d in dnfs for conj in d])


_MAX_PARTIAL = 20_000  # partial conjunctions while building one unknown DNF


def _unknown_of(parts: list[tuple[DNF, DNF, DNF]], neutral: int) -> DNF:
    """Σ over non-empty S: ∧_{i∈S} unknown_i ∧ ∧_{i∉S} neutral_i, built part by part and dropping
    contradictory conjunctions early (enumerating the 2^k subsets took minutes for k ≈ 24 parts)."""
    acc: dict[tuple[Conj, bool], None] = {(frozenset(), False): None}
    for part in parts:
        nxt: dict[tuple[Conj, bool], None] = {}
        for conj, some_unknown in acc:
            for dnf, is_unknown in ((part[neutral], some_unknown), (part[2], True)):
                for extra in dnf:
                    new = conj | extra
                    if not _contradictory(new):
                        nxt[(new, is_unknown)] = None
        if len(nxt) > _MAX_PARTIAL:
            raise EngineError(
                "criterion too complex for three explicit outcomes: split it", {"partial_unknown_branches": len(nxt)}
            )
        acc = nxt
    return _norm([conj for conj, some_unknown in acc if some_unknown])


def three(c: cd.Condition) -> tuple[DNF, DNF, DNF]:
    """(pass, fail, unknown) DNFs of ``c`` under Kleene logic; exclusive and exhaustive."""
    if isinstance(c, cd.Compare):
        if isinstance(c.right, cd.FactRef):
            f, g = c.fact, c.right.name
            ex = {("ex", f), ("ex", g)}
            return (
                [frozenset(ex | {("cmpf", f, c.op, g)})],
                [frozenset(ex | {("cmpf", f, _INV[c.op], g)})],
                [frozenset({("nex", f)}), frozenset({("ex", f), ("nex", g)})],
            )
        if not isinstance(c.right, cd.Const):
            raise EngineError("unresolved operand reached the compiler", {"operand": repr(c.right)})
        value = c.right.value
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", value)
        return (
            [frozenset({("cmp", c.fact, c.op, value)})],
            [frozenset({("cmp", c.fact, _INV[c.op], value)})],
            [frozenset({("nex", c.fact)})],
        )
    if isinstance(c, cd.Exists):  # known or not: never unknown itself (applies_when over request facts)
        return [frozenset({("ex", c.fact)})], [frozenset({("nex", c.fact)})], []
    if isinstance(c, cd.Not):
        passes, fails, unknowns = three(c.part)
        return fails, passes, unknowns
    if isinstance(c, cd.All | cd.AnyOf):
        parts = [three(p) for p in c.parts]
        neutral, dominant = (0, 1) if isinstance(c, cd.All) else (1, 0)
        every_neutral = _dnf_and([p[neutral] for p in parts])
        some_dominant = _dnf_or([p[dominant] for p in parts])
        unknown = _unknown_of(parts, neutral)
        if isinstance(c, cd.All):
            return every_neutral, some_dominant, unknown
        return some_dominant, every_neutral, unknown
    raise EngineError("cannot compile condition node", {"node": repr(c)})


def _literal_json(lit: Literal) -> dict[str, Any]:
    if lit[0] == "ex":
        return {"$ex": {lit[1]: 1}}
    if lit[0] == "nex":
        return {"$nex": {lit[1]: 1}}
    if lit[0] == "cmp":
        _, f, op, v = lit
        return {f: v} if op == "eq" else {_DURABLE_OP[op]: {f: v}}
    _, f, op, g = lit
    return {f: {"$m": g}} if op == "eq" else {_DURABLE_OP[op]: {f: {"$m": g}}}


# negations first (after the anchor): a rule for "unknown" then matches no node of a fact that
# has the field, which keeps the nodes matching one fact (and durable's stack) small
_ORDER = {"nex": 0, "ex": 1, "cmp": 2, "cmpf": 3}


def _ordered(conj: Conj) -> list[Literal]:
    return sorted(conj, key=lambda lit: (_ORDER[lit[0]], repr(lit)))


def _conj_json(conj: Conj) -> dict[str, Any]:
    # never a bare negation: every rule starts with the anchor
    parts = [_literal_json(("ex", ANCHOR))] + [_literal_json(lit) for lit in _ordered(conj)]
    return {"$and": parts}


def _fields(lit: Literal) -> tuple[str, ...]:
    return (lit[1], lit[3]) if lit[0] == "cmpf" else (lit[1],)


_CANON = {
    "lt": ("lt", True),
    "ge": ("lt", False),
    "le": ("le", True),
    "gt": ("le", False),
    "eq": ("eq", True),
    "ne": ("eq", False),
}


def _nodes(dnfs: tuple[DNF, ...]) -> int:
    """A bound on the alpha nodes of a criterion (below the anchor) that match one fact at once.

    The nodes are the distinct literal prefixes of its rules; a node matches only if every literal
    of its prefix holds. Maximise, over which fields are present and which comparisons hold (a
    comparison and its inverse never both), the number of prefixes whose literals all hold."""
    prefixes = {
        tuple(lits[:i]) for dnf in dnfs for conj in dnf for lits in [_ordered(conj)] for i in range(1, len(lits) + 1)
    }
    fields = sorted({f for prefix in prefixes for lit in prefix for f in _fields(lit)})
    atoms = sorted(
        {
            (lit[0], lit[1], _CANON[lit[2]][0], lit[3])
            for prefix in prefixes
            for lit in prefix
            if lit[0] in ("cmp", "cmpf")
        },
        key=repr,
    )
    if len(fields) > 12:
        return len(prefixes)
    exact = len(fields) + len(atoms) <= 12  # else: any comparison may hold (cheaper, still a bound)
    bit = {a: 1 << i for i, a in enumerate(atoms)}
    needs = []  # (fields absent, fields present, atom mask, atom values) per prefix that can hold
    for prefix in prefixes:
        absent = {lit[1] for lit in prefix if lit[0] == "nex"}
        present = {f for lit in prefix if lit[0] != "nex" for f in _fields(lit)}
        mask = value = 0
        for lit in prefix:
            if lit[0] in ("cmp", "cmpf"):
                op, positive = _CANON[lit[2]]
                b = bit[(lit[0], lit[1], op, lit[3])]
                if mask & b and bool(value & b) != positive:
                    mask = -1  # a comparison and its inverse: never holds
                    break
                mask |= b
                value |= b if positive else 0
        if mask != -1 and not absent & present:
            needs.append((absent, present, mask, value))
    best = 0
    for flags in product((False, True), repeat=len(fields)):
        have = {f for f, p in zip(fields, flags, strict=True) if p}
        viable = [(mask, value) for absent, present, mask, value in needs if not absent & have and present <= have]
        free = [bit[a] for a in atoms if set(_fields(a)) <= have]
        if not exact:
            best = max(best, len(viable))
            continue
        for truth in product((0, 1), repeat=len(free)):
            assign = sum(b for b, t in zip(free, truth, strict=True) if t)
            best = max(best, sum(1 for mask, value in viable if assign & mask == value))
    return best


@dataclass(frozen=True)
class CompiledChunk:
    name: str
    definition: dict[str, Any]
    criteria: tuple[str, ...]
    branches: int  # durable rules (DNF branches) in the ruleset
    worst_true: int  # bound on durable's alpha stack for one fact: the criteria's matching nodes, summed


@dataclass(frozen=True)
class CompiledCriterion:
    id: str
    rules: dict[str, Any]
    branches: tuple[int, int, int]
    nodes: int = 1  # bound on the criterion's alpha nodes matching one fact at once

    @property
    def worst_true(self) -> int:
        return self.nodes


def compile_criterion(cid: str, condition: cd.Condition) -> CompiledCriterion:
    if any(ch in cid for ch in '"\\|#'):
        raise EngineError("criterion id may not contain quotes, backslashes, '|' or '#'", {"id": cid})
    p, f, u = three(condition)
    if len(u) > UNKNOWN_BUDGET:
        raise EngineError(
            "criterion too complex for three explicit outcomes: split it",
            {"criterion": cid, "unknown_branches": len(u), "budget": UNKNOWN_BUDGET},
        )
    nodes = _nodes((p, f, u))
    if len(p) + len(f) + len(u) > MAX_BRANCHES_PER_RULESET or nodes >= DURABLE_STACK:
        # alone in a chunk it could still hang durable (512 branches) or fail with error 303
        raise EngineError(
            "criterion too large for one durable ruleset: split it",
            {"criterion": cid, "branches": [len(p), len(f), len(u)], "nodes": nodes},
        )
    rules: dict[str, Any] = {}
    for outcome, dnf in zip(OUTCOMES, (p, f, u), strict=True):
        for i, conj in enumerate(dnf):
            rules[f"{cid}|{outcome}#{i}"] = {"all": [{"m": _conj_json(conj)}]}
    return CompiledCriterion(cid, rules, (len(p), len(f), len(u)), nodes)


def compile_rules(version: RuleVersion) -> list[CompiledChunk]:
    """JSON ruleset definitions for a rule version, split into chunks within durable's capacity:
    fewer than 512 branches per ruleset (512 hangs the first assert) and durable's 64-entry alpha
    stack never full (error 303). Every node on the stack matches the fact and is pushed once, so
    the criteria's bounds on matching nodes, summed, bound the stack."""
    chunks: list[CompiledChunk] = []
    rules: dict[str, Any] = {}
    ids: list[str] = []
    branches = nodes = 0

    def flush() -> None:
        nonlocal branches, nodes
        if not rules:
            return
        digest = hashlib.sha256(dumps(rules).encode("utf-8")).hexdigest()[:16]
        chunks.append(CompiledChunk(f"elig-{digest}", dict(rules), tuple(ids), branches, nodes))
        rules.clear()
        ids.clear()
        branches = nodes = 0

    for crit in version.criteria:
        cc = compile_criterion(crit.id, crit.condition)
        n = sum(cc.branches)
        if branches + n > MAX_BRANCHES_PER_RULESET or nodes + cc.nodes > MAX_TRUE_BRANCHES:
            flush()
        rules.update(cc.rules)
        ids.append(crit.id)
        branches += n
        nodes += cc.nodes
    flush()
    return chunks


class _Ruleset:
    """One created durable ruleset: assert → drain fired rules → retract."""

    def __init__(self, chunk: CompiledChunk) -> None:
        import durable_rules_engine as dre

        self._dre = dre
        self.chunk = chunk
        self.handle = dre.create_ruleset(chunk.name, dumps(chunk.definition))
        self._state: int | None = None  # the session's state offset, known after the first assert

    def fired(self, payload: str) -> list[str]:
        try:
            return self._fired(payload)
        except self._dre.error as exc:  # e.g. error 303: too many branches true for one fact
            self._recover(payload)
            raise EngineError("durable_rules failed", {"error": str(exc), "ruleset": self.chunk.name}) from None

    def _recover(self, payload: str) -> None:
        with contextlib.suppress(self._dre.error):
            self._dre.retract_fact(self.handle, payload)
        if self._state is not None:  # discard anything the failed call queued
            with contextlib.suppress(self._dre.error, EngineError):
                self._drain(self._state)

    def _fired(self, payload: str) -> list[str]:
        dre = self._dre
        h = self.handle
        rc, state = dre.assert_fact(h, payload)
        if rc == RC_OBSERVED:  # a fact left over by an interrupted call: remove it and retry
            dre.retract_fact(h, payload)
            self._drain(state)
            rc, state = dre.assert_fact(h, payload)
        self._state = state
        if rc == RC_NOT_HANDLED:
            return []
        if rc != RC_STORED:
            raise EngineError("durable assert_fact failed", {"rc": rc, "ruleset": self.chunk.name})
        try:
            names = self._drain(state)
        finally:
            rrc, _ = dre.retract_fact(h, payload)
        if rrc != RC_STORED:
            raise EngineError("durable retract_fact failed", {"rc": rrc, "ruleset": self.chunk.name})
        leftover = self._drain(state)
        if leftover:
            raise EngineError("rules fired after retraction", {"rules": leftover})
        return names

    def _drain(self, state: int) -> list[str]:
        dre = self._dre
        res = dre.start_action_for_state(self.handle, state)
        if res is None:
            return []
        state_json, message = res
        if '"$exception"' in state_json or '"exception"' in state_json:
            raise EngineError("durable swallowed an exception into the session state", {"state": state_json[:300]})
        names = [_rule_name(message)]
        nxt = dre.complete_and_start_action(self.handle, state)
        while nxt is not None:
            names.append(_rule_name(nxt))
            nxt = dre.complete_and_start_action(self.handle, state)
        return names


def _rule_name(message: str) -> str:
    end = message.find('"', 2)
    if not message.startswith('{"') or end < 0:
        raise EngineError("unexpected durable action message", {"message": message[:200]})
    return message[2:end]


def encode_fact(facts: Mapping[str, object], used: frozenset[str] | set[str] | None = None) -> str:
    """Serialise facts for the engine: ints, bools and NFC code strings only; None dropped."""
    out: dict[str, object] = {ANCHOR: 1}
    for name, value in facts.items():
        if used is not None and name not in used:
            continue
        if value is None:
            continue
        if isinstance(value, (bool, int)):
            out[name] = value
        elif isinstance(value, str):
            out[name] = unicodedata.normalize("NFC", value)
        else:
            raise EngineError(
                "only integers, booleans and codes may reach the engine", {"fact": name, "type": type(value).__name__}
            )
    if len(out) > MAX_PROPERTIES:
        raise EngineError("too many properties for one durable fact", {"count": len(out)})
    return dumps(out)


class DurableEngine:
    """Evaluates rule versions with durable_rules. Thread-safe (one lock); compile once per version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[str, tuple[list[_Ruleset], frozenset[str]]] = {}
        self._rulesets: dict[str, _Ruleset] = {}

    def _load(self, version: RuleVersion) -> tuple[list[_Ruleset], frozenset[str]]:
        loaded = self._versions.get(version.name)
        if loaded is None:
            sets = []
            for chunk in compile_rules(version):
                rs = self._rulesets.get(chunk.name)
                if rs is None:  # durable ruleset names are global and cannot be re-created
                    rs = _Ruleset(chunk)
                    self._rulesets[chunk.name] = rs
                sets.append(rs)
            loaded = (sets, frozenset(version.facts_used()))
            self._versions[version.name] = loaded
        return loaded

    def outcomes(self, version: RuleVersion, facts: Mapping[str, object]) -> dict[str, str]:
        """pass / fail / unknown for every criterion of the version; raises EngineError otherwise."""
        with self._lock:
            sets, used = self._load(version)
            payload = encode_fact(facts, used)
            fired: list[str] = []
            for rs in sets:
                fired.extend(rs.fired(payload))
        result: dict[str, str] = {}
        # a rule with $or fires once per matching disjunct: the same rule twice is one outcome
        for name in dict.fromkeys(fired):
            cid, _, branch = name.rpartition("|")
            outcome = branch.partition("#")[0]
            if cid in result and result[cid] != outcome:
                raise EngineError(
                    "more than one outcome fired for a criterion",
                    {"criterion": cid, "outcomes": [result[cid], outcome]},
                )
            result[cid] = outcome
        expected = {c.id for c in version.criteria}
        if set(result) != expected:
            raise EngineError(
                "durable did not decide every criterion",
                {"missing": sorted(expected - set(result)), "extra": sorted(set(result) - expected)},
            )
        return result


_SHARED: DurableEngine | None = None
_SHARED_LOCK = threading.Lock()


def shared_engine() -> DurableEngine:
    """The process-wide engine (durable rulesets are global to the process)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = DurableEngine()
        return _SHARED
