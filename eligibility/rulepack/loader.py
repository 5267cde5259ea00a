"""Load and cross-check a rule pack directory (``rules/``).

Every problem is reported with its file and line: unknown keys, misplaced blocks, a criterion
naming an undefined fact or parameter, a parameter read outside its dated window, a source id
that does not exist. Nothing is silently ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from eligibility.errors import Problem, RulePackError
from eligibility.facts.catalog import FACTS, PHRASES
from eligibility.model import levels as lv
from eligibility.rulepack import conditions as cd
from eligibility.rulepack.localities import Localities
from eligibility.rulepack.schema import (
    CentralTargetsFile,
    Citation,
    Claim,
    CoverageFile,
    CriteriaFile,
    Criterion,
    Event,
    EventsFile,
    LocalitiesFile,
    Overlay,
    Parameter,
    ParametersFile,
    PoolTarget,
    Regime,
    RegimesFile,
    Source,
    SourcesFile,
    Title,
    TitlesFile,
    VerificationFile,
)
from eligibility.rulepack.targets import series as target_series
from eligibility.rulepack.targets import window as target_window
from eligibility.rulepack.windows import check_windows, evaluated_windows

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10× faster


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe YAML loading that records the line of every mapping (for errors with file:line)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip(obj: Any, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> Any:
    if isinstance(obj, dict):
        if "__line__" in obj:
            lines[path] = obj["__line__"]
        return {k: _strip(v, path + (k,), lines) for k, v in obj.items() if k != "__line__"}
    if isinstance(obj, list):
        return [_strip(v, path + (i,), lines) for i, v in enumerate(obj)]
    return obj


@dataclass
class YamlDoc:
    path: Path
    data: Any
    lines: dict[tuple[Any, ...], int]

    def line(self, loc: tuple[Any, ...]) -> int | None:
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get(())

    def where(self, loc: tuple[Any, ...]) -> str:
        line = self.line(loc)
        return f"{self.path}:{line}" if line else str(self.path)


def read_yaml(path: Path) -> YamlDoc:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise RulePackError(Problem(where, f"lỗi cú pháp YAML: {exc}", f"YAML syntax error: {exc}")) from None
    except ValueError as exc:  # e.g. an impossible date such as 2022-02-30
        raise RulePackError(Problem(str(path), f"giá trị không hợp lệ: {exc}", f"invalid value: {exc}")) from None
    lines: dict[tuple[Any, ...], int] = {}
    return YamlDoc(path, _strip(raw, (), lines), lines)


@dataclass
class LoadedCriterion:
    spec: Criterion
    condition: cd.Condition
    applies_when: cd.Condition | None
    origin: str  # file:line
    overlay: str | None = None  # province code for overlay criteria

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(eq=False)
class RulePack:
    root: Path
    sources: dict[str, Source]
    regimes: list[Regime]
    parameters: dict[str, Parameter]
    criteria: list[LoadedCriterion]
    titles: dict[str, Title]
    nonlocal_lists: dict[str, Any]
    events: dict[str, Event]
    overlays: dict[str, Overlay]
    targets: list[PoolTarget]
    hash: str
    origins: dict[str, str] = field(default_factory=dict)  # parameter name / title code → file:line
    claims: dict[str, list[Claim]] = field(default_factory=dict)  # source id → what was checked of it
    coverage: CoverageFile | None = None  # rules/coverage.yaml (reviewed_through, earliest date per action)
    localities: Localities | None = None  # rules/localities.yaml

    def criterion(self, cid: str) -> LoadedCriterion:
        for c in self.criteria:
            if c.id == cid:
                return c
        raise KeyError(cid)

    def regimes_at(self, d: dt.date) -> list[Regime]:
        return [r for r in self.regimes if r.in_force(d)]

    def parameter_value(self, name: str, on: dt.date) -> tuple[Any, Citation, dt.date]:
        """The value in force on ``on``, its citation and the date its step began; error outside the window."""
        p = self.parameters.get(name)
        if p is None:
            raise KeyError(name)
        for v in p.values:
            if v.from_ <= on and (v.until is None or on <= v.until):
                return v.value, v.source, v.from_
        raise RulePackError(
            Problem(
                self.origins.get(name, name),
                f"tham số {name} không có giá trị vào ngày {on.isoformat()}",
                f"parameter {name} has no value on {on.isoformat()} (outside its dated window)",
            )
        )


def default_rules_dir() -> Path:
    """The rule pack used when none is named: ``$ELIGIBILITY_RULES``; else ``rules/`` of the checkout this
    package runs from; else the copy installed inside the package (``eligibility/rules``, package data of
    the wheel, found with importlib.resources)."""
    env = os.environ.get("ELIGIBILITY_RULES")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "rules").is_dir():
        return checkout / "rules"
    from importlib import resources  # an installed package only (it imports tempfile, shutil, zipfile)

    return Path(str(resources.files("eligibility").joinpath("rules")))


def _validate(model: type[BaseModel], doc: YamlDoc, problems: list[Problem]) -> Any:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            dotted = ".".join(str(p) for p in loc)
            problems.append(Problem(doc.where(loc), f"{dotted}: {err['msg']}", f"{dotted}: {err['msg']}"))
        return None


def load_rules(root: str | Path | None = None) -> RulePack:
    """Load ``rules/`` (or another rule-pack directory); raise :class:`RulePackError` on any problem."""
    base = Path(root) if root is not None else default_rules_dir()
    if not base.is_dir():
        raise RulePackError(Problem(str(base), "không tìm thấy thư mục quy tắc", "rule-pack directory not found"))
    problems: list[Problem] = []
    digest = hashlib.sha256()
    files = sorted(p for p in base.rglob("*.yaml") if p.is_file())
    for p in files:
        digest.update(str(p.relative_to(base)).encode())
        digest.update(p.read_bytes())

    def one(name: str, model: type[BaseModel]) -> tuple[Any, YamlDoc | None]:
        path = base / name
        if not path.exists():
            problems.append(Problem(str(path), "thiếu tệp", "file missing"))
            return None, None
        doc = read_yaml(path)
        return _validate(model, doc, problems), doc

    known = {
        "sources.yaml",
        "regimes.yaml",
        "titles.yaml",
        "events.yaml",
        "targets.yaml",
        "verification.yaml",
        "coverage.yaml",
        "localities.yaml",
    }
    for p in files:
        rel = p.relative_to(base)
        if len(rel.parts) == 1 and rel.name not in known:
            problems.append(
                Problem(str(p), "tệp không thuộc cấu trúc bộ quy tắc", "file is not part of the rule-pack layout")
            )
        if len(rel.parts) > 1 and rel.parts[0] not in ("parameters", "criteria", "overlays"):
            problems.append(
                Problem(str(p), "thư mục không thuộc cấu trúc bộ quy tắc", "folder is not part of the rule-pack layout")
            )

    sources_f, _ = one("sources.yaml", SourcesFile)
    regimes_f, regimes_doc = one("regimes.yaml", RegimesFile)
    titles_f, titles_doc = one("titles.yaml", TitlesFile)
    events_f, events_doc = one("events.yaml", EventsFile)
    targets_f, targets_doc = one("targets.yaml", CentralTargetsFile)
    verification_f, verification_doc = one("verification.yaml", VerificationFile)
    coverage_f: CoverageFile | None = None
    coverage_doc: YamlDoc | None = None
    if (base / "coverage.yaml").exists():  # optional: `eligibility rules lint` warns when it is missing
        coverage_f, coverage_doc = one("coverage.yaml", CoverageFile)
    localities_f, localities_doc = one("localities.yaml", LocalitiesFile)

    sources: dict[str, Source] = {}
    for s in sources_f.sources if sources_f else []:
        if s.id in sources:
            problems.append(
                Problem(f"{base / 'sources.yaml'}", f"trùng mã văn bản {s.id}", f"duplicate source id {s.id}")
            )
        sources[s.id] = s

    def check_source(cid: str, where: str) -> None:
        if cid not in sources:
            problems.append(
                Problem(where, f"văn bản {cid!r} không có trong sources.yaml", f"source {cid!r} is not in sources.yaml")
            )

    for s in sources.values():
        for r in s.replaced_by:
            check_source(r, f"{base / 'sources.yaml'} ({s.id}.replaced_by)")

    claims: dict[str, list[Claim]] = verification_f.claims if verification_f else {}
    if verification_doc:
        for sid in claims:
            check_source(sid, verification_doc.where(("claims", sid)))

    if coverage_f and coverage_doc:
        for action, ac in coverage_f.actions.items():
            check_source(ac.source.id, coverage_doc.where(("actions", action)))

    localities: Localities | None = None
    if localities_f is not None and localities_doc is not None:
        localities = Localities.build(localities_f)
        codes = [p.code for p in localities_f.provinces]
        if len(set(codes)) != len(codes):
            problems.append(Problem(localities_doc.where(("provinces",)), "trùng mã tỉnh", "duplicate province code"))
        for i, m in enumerate(localities_f.mergers):
            where = localities_doc.where(("mergers", i))
            check_source(m.source.id, where)
            for into, members in m.into.items():
                for code in [into, *members]:
                    if code not in localities.provinces:
                        problems.append(Problem(where, f"tỉnh {code!r} không có", f"unknown province {code!r}"))
                for code in members:
                    prov = localities.provinces.get(code)
                    if prov is not None and prov.until != m.from_ - dt.timedelta(days=1):
                        problems.append(
                            Problem(
                                where,
                                f"{code}: 'until' phải là ngày trước khi hợp nhất",
                                f"{code}: 'until' must be the day before the merger ({m.from_})",
                            )
                        )
        for i, h in enumerate(localities_f.historical):
            where = localities_doc.where(("historical", i))
            check_source(h.source.id, where)
            if h.code in localities.provinces:
                problems.append(Problem(where, f"trùng mã tỉnh {h.code}", f"duplicate province code {h.code}"))
            if not h.successors:
                problems.append(Problem(where, f"{h.code}: cần successors", f"{h.code}: successors needed"))
            for code in h.successors:
                if not localities.is_place(code) or code == h.code:
                    problems.append(Problem(where, f"tỉnh {code!r} không có", f"unknown successor {code!r}"))
                later = localities.historical.get(code)
                if later is not None and later.until <= h.until:  # successors come later: no cycle
                    problems.append(
                        Problem(where, f"{code}: phải tồn tại sau {h.code}", f"{code} must outlast {h.code}")
                    )
    regimes: list[Regime] = regimes_f.regimes if regimes_f else []
    if regimes_doc:
        for i, regime in enumerate(regimes):
            for d in regime.documents:
                check_source(d, regimes_doc.where(("regimes", i)))

    origins: dict[str, str] = {}
    parameters: dict[str, Parameter] = {}
    for p in sorted((base / "parameters").glob("*.yaml")):
        doc = read_yaml(p)
        pf = _validate(ParametersFile, doc, problems)
        if pf is None:
            continue
        for name, param in pf.parameters.items():
            where = doc.where(("parameters", name))
            if name in parameters:
                problems.append(Problem(where, f"trùng tham số {name}", f"duplicate parameter {name}"))
            parameters[name] = param
            origins[name] = where
            for v in param.values:
                check_source(v.source.id, where)

    titles: dict[str, Title] = {}
    all_groups: set[str] = {"any"}
    if titles_f and titles_doc:
        for i, t in enumerate(titles_f.titles):
            where = titles_doc.where(("titles", i))
            origins[f"title:{t.code}"] = where
            if t.code in titles:
                problems.append(Problem(where, f"trùng mã chức danh {t.code}", f"duplicate title code {t.code}"))
            titles[t.code] = t
            all_groups.update(t.groups)
            for st in t.standards:
                check_source(st.source.id, where)
                for key, vocab in (
                    ("degree", lv.DEGREE),
                    ("political_theory", lv.POLITICAL_THEORY),
                    ("state_management", lv.STATE_MANAGEMENT),
                ):
                    code = getattr(st, key)
                    if code is not None and code not in vocab.codes:
                        problems.append(
                            Problem(
                                where,
                                f"{key}: mã {code!r} không hợp lệ",
                                f"{key}: invalid code {code!r}; known {', '.join(vocab.codes)}",
                            )
                        )

    events: dict[str, Event] = events_f.events if events_f else {}
    if events_doc:
        for eid, ev in events.items():
            where = events_doc.where(("events", eid))
            check_source(ev.convention_source.id, where)
            check_source(ev.reference_source.id, where)
            for pv in ev.parameters.values():
                check_source(pv.source.id, where)
            for level, month in ev.reference_months.items():
                if level not in lv.LEVEL.codes:
                    problems.append(Problem(where, f"cấp {level!r} không hợp lệ", f"invalid level {level!r}"))
                try:
                    dt.date.fromisoformat(month + "-01")
                except ValueError:
                    problems.append(
                        Problem(where, f"tháng {month!r} không hợp lệ (YYYY-MM)", f"invalid month {month!r}")
                    )

    criteria: list[LoadedCriterion] = []
    for p in sorted((base / "criteria").glob("*.yaml")):
        doc = read_yaml(p)
        cf = _validate(CriteriaFile, doc, problems)
        if cf is None:
            continue
        for i, c in enumerate(cf.criteria):
            lc = _check_criterion(c, doc, ("criteria", i), None, parameters, events, sources, all_groups, problems)
            if lc:
                criteria.append(lc)

    overlays: dict[str, Overlay] = {}
    targets: list[PoolTarget] = list(targets_f.pool_targets) if targets_f else []
    if targets_doc:
        for i, t in enumerate(targets):
            where = targets_doc.where(("pool_targets", i))
            check_source(t.source.id, where)
            _check_target(t, where, None, sources, titles, all_groups, problems)
    for p in sorted((base / "overlays").glob("*.yaml")):
        doc = read_yaml(p)
        ov = _validate(Overlay, doc, problems)
        if ov is None:
            continue
        overlays[ov.province] = ov
        for d in ov.documents:
            check_source(d, doc.where(("documents",)))
        for i, t in enumerate(ov.pool_targets):
            where = doc.where(("pool_targets", i))
            check_source(t.source.id, where)
            _check_target(t, where, ov.province, sources, titles, all_groups, problems)
        targets.extend(ov.pool_targets)
        for i, c in enumerate(ov.criteria):
            if c.province != ov.province:
                problems.append(
                    Problem(
                        doc.where(("criteria", i)),
                        f"tiêu chí lớp phủ phải ghi province: {ov.province}",
                        f"overlay criteria must say province: {ov.province}",
                    )
                )
            lc = _check_criterion(
                c, doc, ("criteria", i), ov.province, parameters, events, sources, all_groups, problems
            )
            if lc:
                criteria.append(lc)
            ended = localities.plan_end(ov.province, c.in_force.from_) if localities is not None else None
            if ended is not None and (c.in_force.until is None or c.in_force.until > ended[0]):
                problems.append(
                    Problem(
                        doc.where(("criteria", i)),
                        f"{c.id}: tỉnh {ov.province} (đơn vị của kế hoạch) kết thúc ngày {ended[0]:%d/%m/%Y}; tiêu chí "
                        "không được kéo dài sang tỉnh mới",
                        f"{c.id}: {ov.province} as the plan's unit ended on {ended[0]}; the criterion must not run "
                        "into the new province (in_force.until)",
                    )
                )
    ids_by_series: dict[str, list[PoolTarget]] = {}
    seen_targets: set[str] = set()
    for t in targets:
        if t.id in seen_targets:
            problems.append(Problem(str(base), f"trùng mã chỉ tiêu {t.id}", f"duplicate target id {t.id}"))
        seen_targets.add(t.id)
        if t.province is not None:
            ids_by_series.setdefault(f"{t.province}:{target_series(t.id)}", []).append(t)
    for members in ids_by_series.values():  # milestones of one series follow each other, they never overlap
        wins = sorted(((target_window(t, localities), t.id) for t in members), key=lambda w: (w[0].start, w[1]))
        for (first, ida), (then, idb) in zip(wins, wins[1:], strict=False):
            if first.end is None or first.end >= then.start:
                problems.append(
                    Problem(
                        str(base),
                        f"chỉ tiêu {ida} và {idb} cùng loạt nhưng thời gian chồng nhau",
                        f"targets {ida} and {idb} are milestones of one series but their windows overlap",
                    )
                )

    by_id = {c.id: c for c in criteria}
    for c in criteria:
        for cb in c.spec.covered_by:
            other = by_id.get(cb.criterion)
            if other is None:
                problems.append(
                    Problem(
                        c.origin,
                        f"{c.id}: covered_by nêu tiêu chí không tồn tại {cb.criterion}",
                        f"{c.id}: covered_by names an unknown criterion {cb.criterion}",
                    )
                )
            elif not (other.spec.in_force.contains(cb.from_) and other.spec.in_force.contains(cb.until)):
                problems.append(
                    Problem(
                        c.origin,
                        f"{c.id}: {cb.criterion} không có hiệu lực suốt khoảng covered_by {cb.from_}…{cb.until}",
                        f"{c.id}: {cb.criterion} is not in force over the whole covered_by window {cb.from_}…{cb.until}",
                    )
                )
            elif not set(c.spec.actions) & set(other.spec.actions):
                problems.append(
                    Problem(
                        c.origin,
                        f"{c.id}: {cb.criterion} không cùng việc",
                        f"{c.id}: {cb.criterion} does not share an action",
                    )
                )

    for c in criteria:
        for b in c.spec.waiver_blocked_by:
            other = by_id.get(b)
            if other is None:
                problems.append(
                    Problem(
                        c.origin,
                        f"{c.id}: waiver_blocked_by nêu tiêu chí không tồn tại {b!r}",
                        f"{c.id}: waiver_blocked_by names an unknown criterion {b!r}",
                    )
                )
            elif not c.spec.waivable or not set(c.spec.actions) <= set(other.spec.actions):
                problems.append(
                    Problem(
                        c.origin,
                        f"{c.id}: waiver_blocked_by chỉ dùng cho tiêu chí waivable, và {b} phải áp dụng cho mọi việc của nó",
                        f"{c.id}: waiver_blocked_by is only for waivable criteria, and {b} must cover all of its actions",
                    )
                )
    seen: dict[str, str] = {}
    for c in criteria:
        if c.id in seen:
            problems.append(
                Problem(
                    c.origin,
                    f"trùng mã tiêu chí {c.id} (đã có ở {seen[c.id]})",
                    f"duplicate criterion id {c.id} (also at {seen[c.id]})",
                )
            )
        seen[c.id] = c.origin

    if problems:
        raise RulePackError(problems)
    nonlocal_lists = dict(titles_f.nonlocal_lists) if titles_f else {}
    if titles_doc:
        for group, nl in nonlocal_lists.items():
            check_source(nl.source.id, titles_doc.where(("nonlocal_lists", group)))
            if group not in all_groups:
                problems.append(
                    Problem(
                        titles_doc.where(("nonlocal_lists", group)),
                        f"nhóm {group} không có chức danh nào",
                        f"group {group} has no title",
                    )
                )
    if problems:
        raise RulePackError(problems)
    return RulePack(
        base,
        sources,
        regimes,
        parameters,
        criteria,
        titles,
        nonlocal_lists,
        events,
        overlays,
        targets,
        digest.hexdigest()[:16],
        origins,
        claims,
        coverage_f,
        localities,
    )


def _check_criterion(
    c: Criterion,
    doc: YamlDoc,
    loc: tuple[Any, ...],
    overlay: str | None,
    parameters: dict[str, Parameter],
    events: dict[str, Event],
    sources: dict[str, Source],
    groups: set[str],
    problems: list[Problem],
) -> LoadedCriterion | None:
    where = doc.where(loc)
    before = len(problems)

    def bad(vi: str, en: str, sub: tuple[Any, ...] = ()) -> None:
        problems.append(Problem(doc.where(loc + sub) if sub else where, f"{c.id}: {vi}", f"{c.id}: {en}"))

    if c.source.id not in sources:
        bad(
            f"văn bản {c.source.id!r} không có trong sources.yaml",
            f"source {c.source.id!r} is not in sources.yaml",
            ("source",),
        )
    for later in c.later_sources:
        if later.id not in sources:
            bad(
                f"văn bản {later.id!r} không có trong sources.yaml",
                f"source {later.id!r} is not in sources.yaml",
                ("later_sources",),
            )
        if not c.in_force.contains(later.from_):
            bad(
                "later_sources phải nằm trong thời gian hiệu lực",
                "later_sources must start inside in_force",
                ("later_sources",),
            )
    for g in c.groups + c.exclude_groups:
        if g not in groups:
            bad(f"nhóm chức danh {g!r} không có trong titles.yaml", f"title group {g!r} is not in titles.yaml")
    for lvl in c.levels or []:
        if lvl not in lv.LEVEL.codes:
            bad(f"cấp {lvl!r} không hợp lệ", f"invalid level {lvl!r}")
    for e in c.events or []:
        if e not in events:
            bad(f"sự kiện {e!r} không có trong events.yaml", f"event {e!r} is not in events.yaml")
    if overlay is None and c.province is not None:
        bad("chỉ tiêu chí trong overlays/ được ghi province", "only overlay criteria may name a province")
    check_windows(c, sources, bad)
    try:
        cond = cd.parse_condition(c.condition, "condition")
    except cd.ConditionError as exc:
        bad(str(exc), str(exc), ("condition",))
        return None
    applies = None
    if c.applies_when is not None:
        try:
            applies = cd.parse_condition(c.applies_when, "applies_when")
        except cd.ConditionError as exc:
            bad(str(exc), str(exc), ("applies_when",))
            return None
        for f in cd.facts_of(applies):
            if f not in FACTS:
                bad(f"dữ kiện {f!r} không tồn tại", f"undefined fact {f!r}", ("applies_when",))
            elif not FACTS[f].request:
                bad(
                    f"applies_when chỉ được dùng dữ kiện của yêu cầu; {f!r} thuộc hồ sơ",
                    f"applies_when may only read request facts; {f!r} comes from the profile",
                    ("applies_when",),
                )
    for node in cd.walk(cond):
        if isinstance(node, cd.Exists):
            bad("'exists' chỉ dùng trong applies_when", "'exists' is only for applies_when", ("condition",))
        if not isinstance(node, cd.Compare):
            continue
        spec = FACTS.get(node.fact)
        if spec is None:
            bad(f"dữ kiện {node.fact!r} không tồn tại", f"undefined fact {node.fact!r}", ("condition",))
            continue
        if node.op in cd.ORDERED and spec.type not in ("int", "month"):
            bad(
                f"so sánh thứ tự trên dữ kiện không phải số {node.fact}",
                f"ordered comparison on non-integer fact {node.fact}",
                ("condition",),
            )
        r = node.right
        if isinstance(r, cd.FactRef) and r.name not in FACTS:
            bad(f"dữ kiện {r.name!r} không tồn tại", f"undefined fact {r.name!r}", ("condition",))
        if isinstance(r, cd.Rank):
            vocab = lv.RANKED.get(spec.rank_of or "")
            if vocab is None or r.code not in vocab.codes:
                bad(
                    f"bậc {r.code!r} không hợp lệ cho {node.fact}",
                    f"rank {r.code!r} is not valid for {node.fact}",
                    ("condition",),
                )
        if isinstance(r, cd.Const):
            _check_const(spec.type, spec.codes, r.value, node, bad)
        if isinstance(r, cd.Param):
            _check_param(c, r.name, spec.type, spec.codes, parameters, events, bad)
    names = set(FACTS) | set(PHRASES) | set(cd.params_of(cond))
    for key in ("pass_", "fail", "unknown"):
        msg = getattr(c.message, key)
        if msg is None:
            continue
        for text in (msg.vi, msg.en):
            for fname in PLACEHOLDER.findall(text):
                if fname not in names:
                    bad(
                        f"mẫu thông điệp dùng {{{fname}}}: không phải dữ kiện hay tham số của tiêu chí",
                        f"message template uses {{{fname}}}: not a fact nor a parameter of the criterion",
                        ("message",),
                    )
    if len(problems) > before:
        return None
    if c.staff_status:
        # status ∈ S → condition: an unknown status leaves a failing condition unknown (Kleene); a known status
        # outside S is reported as not applicable by the evaluator
        outside: cd.Condition = cd.All(tuple(cd.Compare("staff_status", "ne", cd.Const(st)) for st in c.staff_status))
        cond = cd.AnyOf((outside, cond))
    return LoadedCriterion(c, cond, applies, where, overlay)


def _check_target(
    t: PoolTarget,
    where: str,
    overlay: str | None,
    sources: dict[str, Source],
    titles: dict[str, Title],
    groups: set[str],
    problems: list[Problem],
) -> None:
    """A pool target names known groups, levels, titles and ranks, carries its province and the seed's words when
    it is provincial, and starts no earlier than its document."""

    def bad(vi: str, en: str) -> None:
        problems.append(Problem(where, f"{t.id}: {vi}", f"{t.id}: {en}"))

    if overlay is not None and t.province != overlay:
        bad(f"chỉ tiêu của tỉnh phải ghi province: {overlay}", f"a provincial target must say province: {overlay}")
    if overlay is None and t.province is not None:
        bad("chỉ tiêu trung ương không ghi province", "a central target names no province")
    if overlay is not None and t.quote is None:
        bad("chỉ tiêu của tỉnh phải trích nguyên văn (quote)", "a provincial target needs the seed's quote")
    for g in t.groups + t.exclude_groups:
        if g not in groups:
            bad(f"nhóm chức danh {g!r} không có trong titles.yaml", f"title group {g!r} is not in titles.yaml")
    for lvl in (t.levels or []) + ((t.committee.levels or []) if t.committee else []):
        if lvl not in lv.LEVEL.codes:
            bad(f"cấp {lvl!r} không hợp lệ", f"invalid level {lvl!r}")
    for code in t.titles:
        if code not in titles:
            bad(f"chức danh {code!r} không có", f"unknown title {code!r}")
    vocab = {
        "degree_at_least": lv.DEGREE,
        "political_theory_at_least": lv.POLITICAL_THEORY,
        "state_management_at_least": lv.STATE_MANAGEMENT,
        "civil_service_grade_at_least": lv.CIVIL_SERVICE_GRADE,
    }
    checks = [(t.measure, t.rank_at_least)] + [(p.measure, p.rank_at_least) for p in t.parts]
    for measure, rank in checks:
        if measure in vocab and (rank is None or rank not in vocab[measure].codes):
            bad(f"{measure}: bậc {rank!r} không hợp lệ", f"{measure}: rank {rank!r} is not valid")
    needs = {"young": t.age_under, "all_of": t.parts, "title_standard": t.standards, "concurrent_titles": t.titles}
    if t.measure in needs and not needs[t.measure]:
        bad(f"thước đo {t.measure} thiếu tham số", f"measure {t.measure} needs its parameter")
    if not t.groups and t.committee is None:
        bad("phạm vi trống (groups hoặc committee)", "empty scope (groups or committee)")
    src = sources.get(t.source.id)
    if src is not None and src.issued is not None and t.from_ < src.issued:
        bad(
            f"'from' ({t.from_}) trước ngày ban hành văn bản ({src.issued})",
            f"'from' ({t.from_}) is before the document was issued ({src.issued})",
        )
    if t.year is not None and t.from_ > dt.date(t.year, 12, 31):
        bad("'from' sau năm mục tiêu", "'from' is after the target year")


def _check_const(ftype: str, codes: tuple[str, ...], value: object, node: cd.Compare, bad: Any) -> None:
    if ftype == "bool" and not isinstance(value, bool):
        bad(
            f"{node.fact} là đúng/sai, không so với {value!r}",
            f"{node.fact} is boolean, not comparable with {value!r}",
            ("condition",),
        )
    elif ftype in ("int", "month") and (isinstance(value, bool) or not isinstance(value, int)):
        bad(
            f"{node.fact} là số nguyên, không so với {value!r}",
            f"{node.fact} is an integer, not comparable with {value!r}",
            ("condition",),
        )
    elif ftype == "code" and value not in codes:
        bad(
            f"mã {value!r} không hợp lệ cho {node.fact}", f"code {value!r} is not valid for {node.fact}", ("condition",)
        )


def _check_param(
    c: Criterion,
    name: str,
    ftype: str,
    codes: tuple[str, ...],
    parameters: dict[str, Parameter],
    events: dict[str, Event],
    bad: Any,
) -> None:
    if name.startswith("event."):
        key = name.removeprefix("event.")
        if not c.events:
            bad(f"tham số sự kiện {name} cần danh sách events", f"event parameter {name} needs an events list")
        for e in c.events or []:
            if e in events and key not in events[e].parameters:
                bad(f"sự kiện {e} không có tham số {key}", f"event {e} does not define {key}")
        return
    p = parameters.get(name)
    if p is None:
        bad(f"tham số {name!r} không tồn tại", f"undefined parameter {name!r}", ("condition",))
        return
    # the parameter must cover the criterion's whole window, except where the criterion is not encoded
    for start, end in evaluated_windows(c):
        cursor: dt.date | None = start
        for v in p.values:
            assert cursor is not None
            if v.until is not None and v.until < cursor:
                continue  # ends before this window
            if v.from_ > cursor:
                break  # a gap before this value
            if v.until is None:
                cursor = None  # covered for good
                break
            cursor = v.until + dt.timedelta(days=1)
            if cursor > end:
                break
        if cursor is not None and cursor <= end:
            bad(
                f"tham số {name} không có giá trị từ {cursor.isoformat()} trong thời gian hiệu lực của tiêu chí",
                f"parameter {name} has no value from {cursor.isoformat()} within the criterion's window "
                f"({start.isoformat()} – {c.in_force.until or 'open'})",
                ("condition",),
            )
    for v in p.values:
        _check_const(ftype, codes, v.value, cd.Compare(name, "eq", cd.Const(v.value)), bad)
