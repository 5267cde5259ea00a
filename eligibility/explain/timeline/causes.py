"""Why an outcome changes between two dates: a fact reaching a threshold, a parameter step, a criterion
entering or leaving force, a change of the age convention, or the request becoming impossible to evaluate."""

from __future__ import annotations

from eligibility.engine.compiler import RuleVersion
from eligibility.explain.decision import ParameterUse, Text
from eligibility.explain.evaluate import Evaluator
from eligibility.explain.messages import display
from eligibility.explain.timeline.model import ABSENT, Cause, Change, CriterionChange, fmt_date
from eligibility.explain.timeline.probe import State
from eligibility.facts.catalog import FACTS
from eligibility.facts.retirement import CONVENTION_LABELS
from eligibility.model import levels as lv
from eligibility.rulepack import conditions as cd

_UNITS = {"months": " tháng", "years": " năm", "percent": "%"}  # a parameter's unit after its value


def _thresholds(version: RuleVersion, cid: str, fact: str, lang: str) -> list[str]:
    out: list[str] = []
    for rc in version.criteria:
        if rc.id != cid:
            continue
        for node in cd.walk(rc.condition):
            if (
                isinstance(node, cd.Compare)
                and node.fact == fact
                and isinstance(node.right, cd.Const)
                and node.op in cd.ORDERED
            ):
                out.append(f"{cd.SYMBOL[node.op]} {display(fact, node.right.value, lang)}")
    return list(dict.fromkeys(out))


def _param_uses(state: State, cid: str) -> dict[str, ParameterUse]:
    if state.prepared is None:
        return {}
    return {u.name: u for u in state.prepared.params.get(cid, [])}


def causes(evaluator: Evaluator, cid: str, before: State, after: State) -> tuple[Cause, ...]:
    if after.error is not None:
        return (Cause("unavailable", "request", None, None, after.error),)
    if before.error is not None:
        return (
            Cause(
                "unavailable",
                "request",
                None,
                None,
                Text(
                    vi="trước ngày này yêu cầu không xét được: " + before.error.vi,
                    en="before this date the request could not be evaluated: " + before.error.en,
                ),
            ),
        )
    ob, oa = before.outcome(cid), after.outcome(cid)
    spec = evaluator.rules.criterion(cid).spec
    out: list[Cause] = []
    if ob == ABSENT:
        article = spec.citation_on(after.date).article
        start = spec.in_force.from_
        out.append(
            Cause(
                "in_force",
                cid,
                None,
                after.date.isoformat(),
                Text(
                    vi=f"tiêu chí có hiệu lực từ ngày {fmt_date(start, 'vi')} ({article})",
                    en=f"criterion in force from {fmt_date(start, 'en')} ({article})",
                ),
            )
        )
        return tuple(out)
    if oa == ABSENT:
        until = spec.in_force.until
        out.append(
            Cause(
                "in_force",
                cid,
                until.isoformat() if until else None,
                None,
                Text(
                    vi=f"tiêu chí hết hiệu lực sau ngày {fmt_date(until, 'vi')}",
                    en=f"criterion no longer in force after {fmt_date(until, 'en')}",
                ),
            )
        )
        return tuple(out)
    if (ob == "not_applicable") != (oa == "not_applicable"):
        out.append(
            Cause(
                "applicability",
                cid,
                ob,
                oa,
                Text(
                    vi="tiêu chí bắt đầu áp dụng cho yêu cầu này"
                    if oa != "not_applicable"
                    else "tiêu chí không còn áp dụng cho yêu cầu này",
                    en="the criterion starts to apply to this request"
                    if oa != "not_applicable"
                    else "the criterion no longer applies to this request",
                ),
            )
        )
    pb, pa = _param_uses(before, cid), _param_uses(after, cid)
    for name in dict.fromkeys(list(pb) + list(pa)):
        ub, ua = pb.get(name), pa.get(name)
        vb = ub.value if ub else None
        va = ua.value if ua else None
        if vb != va:
            src = f"{ua.source.number}, {ua.source.article}" if ua else ""
            param = evaluator.rules.parameters.get(name)
            unit = _UNITS.get(param.unit, "") if param is not None else ""
            # a title standard (``<post>.<standard>``) is named in Vietnamese; "chưa mã hóa" where it has no value
            vi = f"{param.vi}: {vb} → {va}{unit}" if param is not None else _standard_vi(evaluator, name, vb, va)
            out.append(
                Cause(
                    "parameter",
                    name,
                    vb,
                    va,
                    Text(
                        vi=vi + (f" ({src})" if src else ""),
                        en=f"parameter {name}: {vb} → {va}" + (f" ({src})" if src else ""),
                    ),
                )
            )
    assert before.prepared is not None and after.prepared is not None
    cb, ca = before.prepared.context.convention, after.prepared.context.convention
    if cb != ca:
        out.append(
            Cause(
                "convention",
                "age.retirement_convention",
                cb,
                ca,
                Text(
                    vi=f"cách tính tuổi nghỉ hưu: {CONVENTION_LABELS.get(cb, (cb,))[0]} → "
                    f"{CONVENTION_LABELS.get(ca, (ca,))[0]}",
                    en=f"retirement-age convention: {cb} → {ca}",
                ),
            )
        )
    names = cd.facts_of(evaluator.rules.criterion(cid).condition)
    for n in names:
        fb, fa = before.facts.get(n), after.facts.get(n)
        if fb == fa:
            continue
        thr_vi = _thresholds(after.prepared.version, cid, n, "vi")
        thr_en = _thresholds(after.prepared.version, cid, n, "en")
        spec_f = FACTS[n]
        out.append(
            Cause(
                "fact",
                n,
                fb,
                fa,
                Text(
                    vi=f"{spec_f.vi}: {show(n, fb, 'vi')} → {show(n, fa, 'vi')}"
                    + (f" (ngưỡng {', '.join(thr_vi)})" if thr_vi else ""),
                    en=f"{spec_f.en}: {show(n, fb, 'en')} → {show(n, fa, 'en')}"
                    + (f" (threshold {', '.join(thr_en)})" if thr_en else ""),
                ),
            )
        )
    return tuple(out)


_STANDARDS_VI = {
    "degree": ("trình độ chuyên môn", lv.DEGREE),
    "political_theory": ("trình độ lý luận chính trị", lv.POLITICAL_THEORY),
    "state_management": ("trình độ quản lý nhà nước", lv.STATE_MANAGEMENT),
}


def _standard_vi(evaluator: Evaluator, name: str, before: object, after: object) -> str:
    """A title standard's change in Vietnamese: "tiêu chuẩn trình độ chuyên môn của chức danh Giám đốc Sở: chưa
    mã hóa → đại học"."""
    post, _, key = name.rpartition(".")
    title = evaluator.rules.titles.get(post)
    label, vocab = _STANDARDS_VI.get(key, ("tiêu chuẩn", None))

    def word(v: object) -> str:
        if v is None:
            return "chưa mã hóa"
        if vocab is not None and isinstance(v, str) and v in vocab.labels_vi:
            return vocab.labels_vi[v]
        if key == "prior_grade" and isinstance(v, int):
            return f"bậc {v}"
        return str(v)

    where = f" của chức danh {title.vi}" if title is not None else ""
    return (
        f"tiêu chuẩn {label if key != 'prior_grade' else 'chức vụ đã kinh qua'}{where}: {word(before)} → {word(after)}"
    )


def show(name: str, value: object, lang: str) -> str:
    if value is None:
        return "?"
    return display(name, value, lang)


def criterion_change(evaluator: Evaluator, cid: str, a: State, b: State) -> CriterionChange:
    spec = evaluator.rules.criterion(cid).spec
    return CriterionChange(
        cid,
        Text(vi=spec.title.vi, en=spec.title.en),
        spec.topic,
        a.outcome(cid),
        b.outcome(cid),
        causes(evaluator, cid, a, b),
    )


def change(evaluator: Evaluator, a: State, b: State) -> Change:
    ids = [cid for cid in dict.fromkeys(list(a.outcomes) + list(b.outcomes)) if a.outcome(cid) != b.outcome(cid)]
    # only a criterion moving into or out of fail / waivable / unknown can move the verdict
    ids = [cid for cid in ids if {a.outcome(cid), b.outcome(cid)} & {"fail", "waivable", "unknown"}]
    if a.error is not None or b.error is not None:
        ids = []
    crit = tuple(criterion_change(evaluator, cid, a, b) for cid in ids)
    rules = evaluator.rules
    started = tuple(r.id for r in rules.regimes if r.from_ == b.date)
    ended = tuple(r.id for r in rules.regimes if r.until is not None and r.until == a.date)
    return Change(b.date, a.verdict, b.verdict, crit, started, ended, b.error)
