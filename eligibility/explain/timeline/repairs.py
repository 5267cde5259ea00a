"""What would make a criterion pass: the change to the profile (or the request) that its condition needs.

The resolved condition is put in negation normal form, and each of its nodes is evaluated — by the
engine, like every outcome (:func:`node_outcomes`) — on the facts of the reference date. A node that
does not pass asks for its atoms: ``degree_rank >= đại học`` becomes "cần có trình độ chuyên môn đại học
trở lên"; of the branches of an ``any``, the smallest change wins. A condition that only a fact fixed
by time or by the past could satisfy (birth date, discipline already decided — see ``kind`` and
``time_dependent`` in :mod:`eligibility.facts.catalog`) is not fixable by the file, and the
inputs it depends on are named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eligibility.engine.compiler import ResolvedCriterion, RuleVersion
from eligibility.explain.decision import Text
from eligibility.explain.evaluate import Evaluator
from eligibility.explain.messages import display
from eligibility.explain.timeline.causes import show
from eligibility.explain.timeline.model import PASS, NeededChange, Requirement
from eligibility.explain.timeline.probe import State
from eligibility.facts.catalog import FACTS, INPUTS
from eligibility.model import levels as lv
from eligibility.rulepack import conditions as cd

_UNCHANGEABLE = ("immutable", "record")  # kinds of input a person cannot change by completing the file


def fact_kind(fact: str) -> str:
    """``request`` (the request decides it), ``fixed`` (time or the past decides it) or ``profile``."""
    if fact == "not_encoded":  # a provision not encoded: no change to the file can make it pass
        return "fixed"
    spec = FACTS[fact]
    if spec.from_request:
        return "request"
    if spec.time_dependent or any(INPUTS[i].kind == "immutable" for i in spec.inputs if i in INPUTS):
        return "fixed"
    return "profile"


def nnf(c: cd.Condition, negate: bool = False) -> cd.Condition:
    """The condition in negation normal form (no ``not``: comparisons negated instead)."""
    if isinstance(c, cd.Compare):
        return cd.Compare(c.fact, cd.NEGATE[c.op], c.right) if negate else c
    if isinstance(c, cd.All):
        parts = tuple(nnf(p, negate) for p in c.parts)
        return cd.AnyOf(parts) if negate else cd.All(parts)
    if isinstance(c, cd.AnyOf):
        parts = tuple(nnf(p, negate) for p in c.parts)
        return cd.All(parts) if negate else cd.AnyOf(parts)
    if isinstance(c, cd.Not):
        return nnf(c.part, not negate)
    return c


def node_outcomes(evaluator: Evaluator, c: cd.Condition, facts: Mapping[str, object]) -> dict[cd.Condition, str]:
    """The engine's outcome (pass / fail / unknown) of every node of ``c`` on ``facts``: each node is
    compiled as a criterion of its own (rulesets named by content, so compiled once per process)."""
    nodes = list(dict.fromkeys(cd.walk(c)))
    ids = [f"node{i}" for i in range(len(nodes))]
    version = RuleVersion.build("repair", [ResolvedCriterion(i, n) for i, n in zip(ids, nodes, strict=True)])
    outcomes = evaluator.engine.outcomes(version, facts)
    return {n: outcomes[i] for i, n in zip(ids, nodes, strict=True)}


def repairs(
    c: cd.Condition, facts: Mapping[str, object], outcome: Mapping[cd.Condition, str]
) -> list[tuple[str, str, Any]] | None:
    """Atomic requirements (fact, op, value) that make ``c`` pass; None if only unchangeable facts would."""
    if outcome[c] == PASS:
        return []
    if isinstance(c, cd.Compare):
        if isinstance(c.right, cd.Const):
            value: Any = c.right.value
        elif isinstance(c.right, cd.FactRef):
            if c.right.name not in facts or fact_kind(c.right.name) != "request":
                return None
            value = facts[c.right.name]
        else:
            return None
        if fact_kind(c.fact) == "fixed":
            return None
        return [(c.fact, c.op, value)]
    if isinstance(c, cd.All):
        reqs: list[tuple[str, str, Any]] = []
        for p in c.parts:
            r = repairs(p, facts, outcome)
            if r is None:
                return None
            reqs.extend(r)
        return reqs
    if isinstance(c, cd.AnyOf):
        options = [r for p in c.parts if (r := repairs(p, facts, outcome)) is not None]
        if not options:
            return None
        return min(options, key=lambda r: (len(r), sum(1 for f, _, _ in r if fact_kind(f) == "request")))
    return None


def _rank_label(vocab: lv.Vocabulary, value: int, lang: str) -> str:
    code = vocab.codes[max(0, min(value, len(vocab.codes) - 1))]
    return vocab.labels_en[code] if lang == "en" else vocab.labels_vi[code]


def requirement_text(fact: str, op: str, value: Any, current: Any) -> Text:
    """What a requirement asks, as an officer writes it ("cần có trình độ cao cấp lý luận chính trị")."""
    ranked = {
        "political_theory_rank": (
            lv.POLITICAL_THEORY,
            "cần có trình độ {} lý luận chính trị",
            "needs {} political theory",
        ),
        "degree_rank": (lv.DEGREE, "cần có trình độ chuyên môn {}", "needs a {} degree"),
        "state_management_rank": (
            lv.STATE_MANAGEMENT,
            "cần có trình độ quản lý nhà nước ngạch {}",
            "needs the state-management {}",
        ),
    }
    if fact in ranked and op in ("ge", "gt") and isinstance(value, int):
        vocab, tpl_vi, tpl_en = ranked[fact]
        v = value + (1 if op == "gt" else 0)
        top = v >= len(vocab.codes) - 1
        return Text(
            vi=tpl_vi.format(_rank_label(vocab, v, "vi")) + ("" if top else " trở lên"),
            en=tpl_en.format(_rank_label(vocab, v, "en")) + ("" if top else " or higher"),
        )
    if fact == "minority_language_count" and op in ("ge", "gt"):
        n = value + (1 if op == "gt" else 0)
        return Text(
            vi=f"cần sử dụng được ít nhất {n} tiếng dân tộc thiểu số",
            en=f"needs at least {n} ethnic-minority language{'s' if n != 1 else ''}",
        )
    fixed: dict[tuple[str, Any], tuple[str, str]] = {
        ("political_standard", "dat"): (
            "cần có kết luận tiêu chuẩn chính trị: đạt",
            "needs a political-standard conclusion: met",
        ),
        ("health_fit", True): (
            "cần có kết luận đủ sức khỏe để hoàn thành nhiệm vụ",
            "needs to be certified fit for duty",
        ),
        ("asset_declaration_verified", True): (
            "cần bản kê khai tài sản, thu nhập được cơ quan có thẩm quyền xác minh",
            "needs the asset declaration verified by the competent body",
        ),
        ("file_verified", True): (
            "cần hồ sơ, lý lịch được thẩm định, xác minh rõ ràng",
            "needs the personal file verified",
        ),
        ("planned_for_target_or_higher", True): (
            "cần có trong quy hoạch (được phê duyệt) chức danh này hoặc chức danh tương đương, cao hơn",
            "needs an approved plan for this title or an equivalent or higher one",
        ),
        ("planned_any", True): ("cần có trong quy hoạch", "needs to be in an approved plan"),
        ("under_investigation", False): (
            "chỉ xem xét khi không còn bị điều tra, truy tố, xét xử",
            "only once no longer under investigation, prosecution or trial",
        ),
        ("under_discipline_consideration", False): (
            "chỉ xem xét khi đã kết thúc việc xem xét kỷ luật",
            "only once the disciplinary consideration has ended",
        ),
        ("party_member", True): ("cần là đảng viên", "needs to be a Party member"),
        ("target_is_higher", True): (
            "chức danh đề nghị phải cao hơn chức vụ hiện tại",
            "the proposed title must be higher than the current post",
        ),
        ("has_current_post", True): ("cần đang giữ chức vụ", "needs to hold a post"),
    }
    if op == "eq" and (fact, value) in fixed:
        vi, en = fixed[(fact, value)]
        return Text(vi=vi, en=en)
    if op == "ne" and isinstance(value, bool) and (fact, not value) in fixed:
        vi, en = fixed[(fact, not value)]
        return Text(vi=vi, en=en)
    spec = FACTS[fact]
    cur_vi = f" (hiện: {show(fact, current, 'vi')})" if current is not None else " (hồ sơ chưa ghi)"
    cur_en = f" (now: {show(fact, current, 'en')})" if current is not None else " (not recorded)"
    if spec.type == "bool" and op in ("eq", "ne"):
        want = value if op == "eq" else not value
        return Text(
            vi=f"cần: {spec.vi} — {display(fact, want, 'vi')}{cur_vi}",
            en=f"needs: {spec.en} — {display(fact, want, 'en')}{cur_en}",
        )
    sym = cd.SYMBOL[op]
    prefix_vi = "đề nghị cần " if fact_kind(fact) == "request" else "cần "
    prefix_en = "the request needs " if fact_kind(fact) == "request" else "needs "
    return Text(
        vi=f"{prefix_vi}{spec.vi} {sym} {display(fact, value, 'vi')}{cur_vi}",
        en=f"{prefix_en}{spec.en} {sym} {display(fact, value, 'en')}{cur_en}",
    )


def needed_change(
    evaluator: Evaluator, cid: str, outcome: str, state: State, missing: list[str], waivable: bool
) -> NeededChange:
    """What change to the profile would make criterion ``cid`` pass on the state's date."""
    assert state.prepared is not None
    crit = evaluator.rules.criterion(cid)
    spec = crit.spec
    resolved = next(rc.condition for rc in state.prepared.version.criteria if rc.id == cid)
    cond = nnf(resolved)
    reqs = repairs(cond, state.facts, node_outcomes(evaluator, cond, state.facts))
    title = Text(vi=spec.title.vi, en=spec.title.en)
    tail_vi = " Hoặc cấp có thẩm quyền xem xét, quyết định (trường hợp đặc biệt)." if waivable else ""
    tail_en = " Or the competent authority decides (special case)." if waivable else ""
    miss_vi = (
        f" Cần bổ sung dữ liệu: {', '.join(INPUTS[m].vi if m in INPUTS else m for m in missing)}." if missing else ""
    )
    miss_en = f" Data to record: {', '.join(missing)}." if missing else ""
    if reqs:
        requirements = tuple(
            Requirement(
                f, op, v, fact_kind(f), _plain(state.facts.get(f)), requirement_text(f, op, v, state.facts.get(f))
            )
            for f, op, v in dict.fromkeys(reqs)
        )
        text = Text(
            vi="; ".join(r.text.vi for r in requirements) + "." + miss_vi + tail_vi,
            en="; ".join(r.text.en for r in requirements) + "." + miss_en + tail_en,
        )
        return NeededChange(cid, title, spec.topic, outcome, True, requirements, (), tuple(missing), waivable, text)
    if reqs == [] and missing:  # unknown: the data decides
        text = Text(vi=miss_vi.strip() + tail_vi, en=miss_en.strip() + tail_en)
        return NeededChange(cid, title, spec.topic, outcome, True, (), (), tuple(missing), waivable, text)
    blocked: list[str] = []
    for n in cd.facts_of(resolved):
        if fact_kind(n) == "fixed":
            for inp in FACTS[n].inputs:
                if inp not in blocked and inp in INPUTS and INPUTS[inp].kind in _UNCHANGEABLE:
                    blocked.append(inp)
    vi_l = ", ".join(INPUTS[b].vi for b in blocked) or "dữ kiện không đổi được"
    en_l = ", ".join(INPUTS[b].en for b in blocked) or "facts that cannot change"
    text = Text(
        vi=f"không khắc phục được bằng thay đổi hồ sơ (phụ thuộc {vi_l}); thời gian cũng không khắc phục "
        f"trong khoảng xét.{miss_vi}{tail_vi}",
        en=f"no change to the file can fix this (it depends on {en_l}); time does not fix it within the "
        f"window either.{miss_en}{tail_en}",
    )
    return NeededChange(cid, title, spec.topic, outcome, False, (), tuple(blocked), tuple(missing), waivable, text)


def _plain(v: object) -> int | bool | str | None:
    return v if isinstance(v, int | bool | str) else None
