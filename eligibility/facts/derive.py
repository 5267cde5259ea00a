"""Derive the engine's facts from a profile and a request, as of a reference date.

Pure functions, no I/O. The result holds only integers, booleans and code strings; a fact
whose inputs are missing is absent (``None`` never reaches the engine) and is reported with
the profile fields that would decide it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from eligibility.facts import locality as loc
from eligibility.facts.catalog import DISCIPLINE_FORMS, FACTS, LEAVING
from eligibility.facts.months import add_months, index_of, whole_months_between
from eligibility.facts.retirement import Retirement, months_to_retirement, retirement
from eligibility.model import levels as lv
from eligibility.model.profile import Post, Profile
from eligibility.model.request import Request

FactValue = int | bool | str


@dataclass(frozen=True)
class TitleInfo:
    """What the facts need to know of a post in the title catalogue."""

    code: str
    level: str
    grade: int
    standards: Mapping[str, int] = field(default_factory=dict)  # ranks: degree, political_theory, ...
    requires_minority_language: bool = False
    nonlocal_listed: bool = False
    term_years: int = 5  # thời hạn giữ chức vụ của chức danh


@dataclass(frozen=True)
class FactContext:
    """Everything besides the profile that the facts depend on."""

    reference_date: dt.date
    age_reference_month: int  # month index at which months_to_retirement is counted
    convention: str  # retirement-age convention: actual / fixed_60_55 / fixed_2021
    target: TitleInfo | None = None
    locality: str | None = None
    title_lookup: Callable[[str], TitleInfo | None] = lambda code: None
    # a place as recorded (folded province code or name) → the provinces it may be on the reference date, so
    # that a person from former Hải Dương is local to Hải Phòng from 1/7/2025 and one from Nghệ Tĩnh may be of
    # Nghệ An or Hà Tĩnh (rules/localities.yaml)
    candidates_of: Callable[[str], frozenset[str]] = lambda code: frozenset({code})
    # the unit the "local person" test is made at (province, district or commune of the post), None without
    # a locality
    unit: loc.Unit | None = None
    name_of: Callable[[str], str] = lambda code: code  # a province code → its name (for notes)


@dataclass
class FactSet:
    values: dict[str, FactValue]
    # unknown fact → the inputs it needs that are absent from the profile or request (only absent ones)
    missing: dict[str, tuple[str, ...]]
    retirement: Retirement | None = None
    # unknown fact whose inputs are all recorded but do not decide it (e.g. a post outside the title catalogue)
    unclear: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # unknown fact → why, in words (vi, en), when no input of the file can decide it: the two readings of
    # "người địa phương" disagree, a historical province split among several, communes across 1/7/2025
    notes: dict[str, tuple[str, str]] = field(default_factory=dict)

    def missing_inputs(self) -> list[tuple[str, list[str]]]:
        """Absent inputs, most decisive first: (input, the unknown facts it would decide)."""
        by_input: dict[str, list[str]] = {}
        for fact, inputs in self.missing.items():
            for inp in inputs:
                by_input.setdefault(inp, []).append(fact)
        return sorted(((k, sorted(v)) for k, v in by_input.items()), key=lambda kv: (-len(kv[1]), kv[0]))


def input_present(profile: Profile, request: Request, ctx: FactContext, name: str) -> bool:
    """Whether an input named in ``FactSpec.inputs`` is recorded (``education.degree``, ``request.locality``)."""
    if name == "request.locality":
        return ctx.locality is not None
    obj: object = request if name.startswith("request.") else profile
    for part in name.removeprefix("request.").split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return False
    return True


def retirement_of(profile: Profile, convention: str) -> Retirement:
    override = None
    if profile.retirement_override is not None:
        override = profile.retirement_override.years * 12 + profile.retirement_override.months
    return retirement(profile.sex, profile.birth_date.year, profile.birth_date.month, convention, override)


def _current_post(profile: Profile, on: dt.date) -> Post | None:
    current = profile.current_posts(on)
    if not current:
        return None
    return max(current, key=lambda p: p.from_)


def _post_end(post: Post, on: dt.date) -> dt.date:
    """The day after the last day in post (``to`` is the last day held, inclusive), capped at ``on``."""
    if post.to is None:
        return on
    return min(post.to + dt.timedelta(days=1), on)


def _months_held(post: Post, on: dt.date) -> int:
    return max(0, whole_months_between(post.from_, _post_end(post, on)))


def _merged_spans(posts: list[Post], on: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The posts' periods as disjoint [start, end) spans; back-to-back posts join into one."""
    spans = sorted((p.from_, _post_end(p, on)) for p in posts if p.from_ <= on)
    merged: list[tuple[dt.date, dt.date]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _months_covered(posts: list[Post], on: dt.date) -> int:
    """Whole months covered by the union of the posts' periods (concurrent posts count once)."""
    return sum(max(0, whole_months_between(a, b)) for a, b in _merged_spans(posts, on))


def _months_latest_stretch(posts: list[Post], on: dt.date) -> int:
    """Whole months of the latest continuous stretch (liên tục) in the posts."""
    spans = _merged_spans(posts, on)
    return max(0, whole_months_between(*spans[-1])) if spans else 0


def _grade(post: Post, lookup: Callable[[str], TitleInfo | None]) -> int | None:
    info = lookup(post.title)
    return info.grade if info else None


def request_facts(request: Request, ctx: FactContext) -> dict[str, FactValue]:
    """Facts of the request and the target post: always known, independent of the profile."""
    v: dict[str, FactValue] = {
        "relation": request.relation,
        "reelection": request.reelection,
        "full_time": request.full_time,
        "rotation_purpose": request.rotation_purpose,
        "reference_month": ctx.age_reference_month,
        "minority_area": request.minority_area,
    }
    if ctx.target is not None:
        t = ctx.target
        v["target_level_rank"] = lv.LEVEL.rank(t.level)
        for key in ("degree", "political_theory", "state_management"):
            if key in t.standards:
                v[f"target_required_{key}_rank"] = t.standards[key]
        if "prior_grade" in t.standards:
            v["target_required_prior_grade"] = t.standards["prior_grade"]
        v["target_requires_minority_language"] = t.requires_minority_language
        v["target_nonlocal_listed"] = t.nonlocal_listed
        v["term_years"] = t.term_years
    if request.term_years is not None:
        v["term_years"] = request.term_years
    if request.rotation_months is not None:
        v["planned_rotation_months"] = request.rotation_months
    if request.pool_size_for_title is not None:
        v["pool_size_for_title"] = request.pool_size_for_title
    return v


def derive_facts(profile: Profile, request: Request, ctx: FactContext) -> FactSet:
    on = ctx.reference_date
    v: dict[str, FactValue] = request_facts(request, ctx)

    # identity and age
    v["sex"] = profile.sex
    if profile.staff_status is not None:
        v["staff_status"] = profile.staff_status
    if profile.party is not None:
        v["party_member"] = profile.party.member
    born = profile.birth_date
    v["age_months"] = whole_months_between(born.first_day(), on)
    ret = retirement_of(profile, ctx.convention)
    v["retirement_month"] = ret.reached
    v["months_to_retirement"] = months_to_retirement(ret, ctx.age_reference_month)
    # Past retirement is a legal status, not a counting convention: the person's actual retirement age (or the
    # age the law sets for them) at the reference date itself, whatever convention and reference month an event
    # uses to count the working time left (ND 135 Điều 3: retirement takes effect at the end of the last day of
    # the month in which the age is reached, so the person is past it from the first day of the next month).
    legal = ret if ctx.convention == "actual" else retirement_of(profile, "actual")
    v["actual_retirement_month"] = legal.reached
    v["months_to_actual_retirement"] = months_to_retirement(legal, index_of(on))

    # education
    edu = profile.education
    if edu.degree is not None:
        v["degree_rank"] = lv.DEGREE.rank(edu.degree)
    if edu.political_theory is not None:
        v["political_theory_rank"] = lv.POLITICAL_THEORY.rank(edu.political_theory)
    if edu.state_management is not None:
        v["state_management_rank"] = lv.STATE_MANAGEMENT.rank(edu.state_management)
    if edu.minority_languages is not None:
        v["minority_language_count"] = len(edu.minority_languages)

    # career
    if profile.posts is not None:
        _career_facts(profile, ctx, v)
        _adjacent_posts(profile, ctx, v)
        _leaving_facts(profile, ctx, v, ret)
        _term_end(profile, request, ctx, v, ret)
    if profile.planning is not None:
        _planning_facts(profile, ctx, v)

    # record
    if profile.discipline is not None:
        _discipline_facts(profile, on, v)
        _discipline_for_higher(profile, ctx, v)
        _discipline_status_facts(profile, on, v)
    if profile.investigation is not None:
        v["under_investigation"] = profile.investigation != "none"
    if profile.political_standard is not None:
        v["political_standard"] = profile.political_standard.result
    if profile.health is not None:
        v["health_fit"] = profile.health.fit
    if profile.asset_declaration is not None:
        v["asset_declaration_verified"] = profile.asset_declaration.verified
    if profile.file_verified is not None:
        v["file_verified"] = profile.file_verified
    if profile.abroad_or_inpatient_months is not None:
        v["abroad_or_inpatient_months"] = profile.abroad_or_inpatient_months
    if profile.maternity_leave is not None:
        v["on_maternity_leave"] = any(p.contains(on) for p in profile.maternity_leave)
    for key in ("barred_from_office", "under_inspection", "suspended", "responsibility_review"):
        flag = getattr(profile, key)
        if flag is not None:
            v[key] = flag
    if profile.assessments is not None:
        _assessment_facts(profile, on, v)
        _recent_ratings(profile, on, v)
    if profile.committees is not None:
        v["district_committee_member"] = any(c.level == "district" and c.held_on(on) for c in profile.committees)

    # locality (người địa phương, at the level of the post)
    missing: dict[str, tuple[str, ...]] = {}
    unclear: dict[str, tuple[str, ...]] = {}
    notes: dict[str, tuple[str, str]] = {}
    if ctx.unit is not None:
        _locality_facts(profile, ctx, ctx.unit, v, missing, unclear, notes)

    present: dict[str, bool] = {}
    for name, spec in FACTS.items():
        if name in v or spec.request or name in missing or name in unclear:
            continue
        absent = []
        for inp in spec.inputs:
            ok = present.get(inp)
            if ok is None:
                ok = present[inp] = input_present(profile, request, ctx, inp)
            if not ok:
                absent.append(inp)
        if absent:
            missing[name] = tuple(absent)
        else:
            unclear[name] = spec.inputs  # recorded, yet not enough (or the fact does not arise: no such record)
    return FactSet(values=v, missing=missing, retirement=ret, unclear=unclear, notes=notes)


_PLACES = (("hometown_here", "hometown"), ("birthplace_here", "birthplace"), ("grew_up_here", "grew_up_in"))


def _why_input(field_name: str, why: str) -> str:
    """The input that would decide a membership left unknown for ``why`` (``district`` → hometown.district)."""
    return why if why.startswith("request.") else f"{field_name}.{why}"


def _locality_facts(
    profile: Profile,
    ctx: FactContext,
    unit: loc.Unit,
    v: dict[str, FactValue],
    missing: dict[str, tuple[str, ...]],
    unclear: dict[str, tuple[str, ...]],
    notes: dict[str, tuple[str, str]],
) -> None:
    """hometown_here, birthplace_here, grew_up_here, origin_here (both readings agree) and years_worked_here, at
    the post's unit; unknown ones get their missing inputs or a note."""
    found: dict[str, bool | None] = {}
    blockers: dict[str, list[str]] = {}  # fact → inputs that would decide it
    for fact, field_name in _PLACES:
        place = getattr(profile, field_name)
        if place is None:
            found[fact] = None
            blockers[fact] = [field_name]
            continue
        m = loc.in_unit(place.province, place.district, place.commune, place.as_of, unit, ctx.candidates_of)
        found[fact] = m.value
        if m.value is not None:
            v[fact] = m.value
        elif m.why in loc.WHY_TEXT:
            unclear[fact] = (field_name,)
            notes[fact] = _why_note(m, place.province, ctx)
        else:
            missing[fact] = (_why_input(field_name, m.why or "province"),)
            blockers[fact] = list(missing[fact])
    o = loc.origin(found["hometown_here"], found["birthplace_here"], found["grew_up_here"])
    if o.value is not None:
        v["origin_here"] = o.value
    elif o.differ:
        unclear["origin_here"] = ("hometown", "birthplace", "grew_up_in")
        notes["origin_here"] = _readings_note(found)
    else:
        needed = [
            inp for fact in ("hometown_here", "birthplace_here", "grew_up_here") for inp in blockers.get(fact, [])
        ]
        if needed:
            missing["origin_here"] = tuple(dict.fromkeys(needed))
        else:
            unclear["origin_here"] = ("hometown", "birthplace", "grew_up_in")
            why = [notes[f] for f in ("hometown_here", "birthplace_here", "grew_up_here") if f in notes]
            if why:
                notes["origin_here"] = why[0]
    if profile.localities_worked is None:
        missing["years_worked_here"] = ("localities_worked",)
        return
    total = 0
    for w in profile.localities_worked:
        m = loc.in_unit(w.province, w.district, w.commune, w.as_of, unit, ctx.candidates_of)
        if m.value is None:
            if m.why in loc.WHY_TEXT:
                unclear["years_worked_here"] = ("localities_worked",)
                notes["years_worked_here"] = _why_note(m, w.province, ctx)
            else:
                missing["years_worked_here"] = (_why_input("localities_worked", m.why or "province"),)
            return
        if m.value:
            total += w.years
    v["years_worked_here"] = total


def _why_note(m: loc.Membership, province: str, ctx: FactContext) -> tuple[str, str]:
    vi, en = loc.WHY_TEXT[m.why or ""]
    now = ", ".join(sorted(ctx.name_of(c) for c in m.candidates))
    place = ctx.name_of(province)
    return vi.format(place=place, now=now), en.format(place=place, now=now)


def _readings_note(found: Mapping[str, bool | None]) -> tuple[str, str]:
    labels = {
        "hometown_here": ("quê quán", "hometown"),
        "birthplace_here": ("nơi sinh", "birthplace"),
        "grew_up_here": ("nơi lớn lên", "place of growing up"),
    }
    here_vi = [labels[k][0] for k, val in found.items() if val is True]
    here_en = [labels[k][1] for k, val in found.items() if val is True]
    return (
        f"các cách hiểu khác nhau: có {' và '.join(here_vi)} ở đây nhưng không vừa sinh ra vừa lớn lên ở đây — theo "
        "cách hiểu rộng (quê quán, nơi sinh hoặc nơi lớn lên) là người địa phương, theo cách hiểu chặt (sinh ra và "
        "lớn lên, như quy định của Đắk Nông) thì không; định nghĩa của QĐ 65 chưa xác minh",
        f"the readings differ: {' and '.join(here_en)} here, but not both born and raised here — local under the broad "
        "reading (hometown, birthplace or place of growing up), not local under the strict one (born and raised, as "
        "Đắk Nông's rule says); QĐ 65's definition is unverified",
    )


def _career_facts(profile: Profile, ctx: FactContext, v: dict[str, FactValue]) -> None:
    on = ctx.reference_date
    posts = [p for p in profile.posts or [] if p.from_ <= on]
    current = _current_post(profile, on)
    v["has_current_post"] = current is not None
    grades = [g for g in (_grade(p, ctx.title_lookup) for p in posts) if g is not None]
    if grades:
        v["max_grade_held"] = max(grades)
    elif not posts:
        v["max_grade_held"] = 0
    if current is None:
        if ctx.target is not None:
            v["target_is_higher"] = True
        return
    v["months_in_current_post"] = _months_held(current, on)
    cur_grade = _grade(current, ctx.title_lookup)
    if cur_grade is not None:
        equivalent = [p for p in posts if (g := _grade(p, ctx.title_lookup)) is not None and g >= cur_grade]
        v["months_in_equivalent_posts"] = _months_covered(equivalent, on)
        if ctx.target is not None:
            v["target_is_higher"] = ctx.target.grade > cur_grade
    elif current.relation is not None or len(posts) == 1:
        # title outside the catalogue: only the current post can be counted with certainty
        v["months_in_equivalent_posts"] = _months_held(current, on)
    if ctx.target is not None and ctx.locality is not None:
        titled = [p for p in posts if p.title == ctx.target.code and p.locality is not None]
        places = {p.locality: ctx.candidates_of(p.locality) for p in titled if p.locality is not None}
        if any(len(c) > 1 and ctx.locality in c for c in places.values()):
            return  # a post in a historical province split among several: where it was held cannot be told
        same = sorted(
            (p for p in titled if p.locality is not None and ctx.locality in places[p.locality]), key=lambda p: p.from_
        )
        v["months_in_target_post_here"] = _months_latest_stretch(same, on)


def _planning_facts(profile: Profile, ctx: FactContext, v: dict[str, FactValue]) -> None:
    on = ctx.reference_date
    active = [
        e
        for e in profile.planning or []
        if (e.approved is None or e.approved <= on)
        and (e.removed is None or e.removed > on)
        and not _term_over(e.term, on)
    ]
    v["planned_any"] = bool(active)
    if ctx.target is not None:
        ok = False
        for e in active:
            info = ctx.title_lookup(e.title)
            if e.title == ctx.target.code or (info is not None and info.grade >= ctx.target.grade):
                ok = True
        v["planned_for_target_or_higher"] = ok
        same_level = {
            e.title
            for e in active
            if (i := ctx.title_lookup(e.title)) is not None
            and i.level == ctx.target.level
            and e.title != ctx.target.code
        }
        v["planned_titles_same_level"] = len(same_level)
    else:
        v["planned_titles_same_level"] = len({e.title for e in active})


def _term_over(term: str | None, on: dt.date) -> bool:
    """A plan for a term "2015-2020" lapses after the end year of that term."""
    if not term:
        return False
    parts = term.replace("–", "-").split("-")
    if len(parts) == 2 and parts[1].strip().isdigit():
        return int(parts[1]) < on.year
    return False


def _discipline_facts(profile: Profile, on: dt.date, v: dict[str, FactValue]) -> None:
    records = profile.discipline or []
    decided = [r for r in records if r.status != "pending" and r.decided is not None and r.decided <= on]
    v["under_discipline_consideration"] = any(r.status == "pending" for r in records)
    v["has_any_discipline"] = bool(decided)
    if decided:
        v["months_since_latest_discipline"] = whole_months_between(max(r.decided for r in decided if r.decided), on)
    party = [r.decided for r in decided if r.kind == "party" and r.decided is not None]
    v["has_party_discipline"] = bool(party)
    if party:
        v["months_since_latest_party_discipline"] = whole_months_between(max(party), on)
    for form in DISCIPLINE_FORMS:
        for prefix, recs in (
            ("", decided),
            ("state_", [r for r in decided if r.kind == "state"]),
            ("party_", [r for r in decided if r.kind == "party"]),
        ):
            dates = [r.decided for r in recs if r.form == form and r.decided is not None]
            v[f"has_{prefix}{form}"] = bool(dates)
            if dates:
                v[f"months_since_{prefix}{form}"] = whole_months_between(max(dates), on)


def _discipline_for_higher(profile: Profile, ctx: FactContext, v: dict[str, FactValue]) -> None:
    """Discipline that blocks the target post because it is higher than the post held when disciplined.

    QĐ 80 Điều 18 khoản 7: no appointment "vào chức vụ cao hơn chức vụ khi bị kỷ luật". A record counts when
    the target is higher than the post held on the decision date, or when no post was held then; when
    that post is outside the title catalogue (grade unknown) the facts for its form stay unknown.
    """
    on = ctx.reference_date
    decided = [
        r for r in profile.discipline or [] if r.status != "pending" and r.decided is not None and r.decided <= on
    ]
    for form in DISCIPLINE_FORMS:
        relevant: list[dt.date] = []
        unknown = False
        for r in decided:
            if r.form != form or r.decided is None:
                continue
            if ctx.target is None:
                relevant.append(r.decided)
                continue
            if profile.posts is None:
                unknown = True
                continue
            # the post held when disciplined: held on the decision day or the day before (a dismissal
            # usually moves the person to another post from the decision day)
            eve = r.decided - dt.timedelta(days=1)
            held = [
                p for p in profile.posts if any(p.from_ <= d and (p.to is None or d <= p.to) for d in (eve, r.decided))
            ]
            if not held:
                relevant.append(r.decided)  # no post then: any post is higher
                continue
            grades = [_grade(p, ctx.title_lookup) for p in held]
            if any(g is None for g in grades):
                unknown = True
                continue
            if ctx.target.grade > max(g for g in grades if g is not None):
                relevant.append(r.decided)
        if relevant:
            v[f"has_{form}_for_higher"] = True
            v[f"months_since_{form}_for_higher"] = whole_months_between(max(relevant), on)
        elif not unknown:
            v[f"has_{form}_for_higher"] = False


def _assessment_facts(profile: Profile, on: dt.date, v: dict[str, FactValue]) -> None:
    ratings = profile.assessments or {}
    start = on.year - 5
    current = _current_post(profile, on)
    if current is not None:
        start = max(start, current.from_.year)
    years = [y for y in range(start, on.year) if y in ratings]
    v["term_years_completed"] = sum(1 for y in years if ratings[y] != "KHTNV")
    v["term_years_failed"] = sum(1 for y in years if ratings[y] == "KHTNV")
    streak = 0
    for y in range(on.year - 1, on.year - 30, -1):
        if ratings.get(y) == "KHTNV":
            streak += 1
        else:
            break
    v["consecutive_failed_years"] = streak


# ----- NĐ 170/2025 as amended by NĐ 300/2026 (from 1/8/2026) ----------------------------------------
# Forms of discipline that end the post held (thôi giữ chức vụ do bị xử lý kỷ luật).
_POST_ENDING_FORMS = ("cach_chuc", "giang_chuc", "bai_nhiem")
_DISCIPLINE_ENDINGS = ("cach_chuc", "bai_nhiem")
_GOOD = ("HTTNV", "HTXSNV")


def _ended_by_discipline(post: Post, profile: Profile) -> bool | None:
    """Whether a past post ended through discipline: from ``end_reason``, else from the discipline records
    (a dismissal or demotion decided while the post was held or the day after); None when neither is known."""
    if post.to is None:
        return False
    if post.end_reason is not None:
        return post.end_reason in _DISCIPLINE_ENDINGS
    if profile.discipline is None:
        return None
    last = post.to + dt.timedelta(days=1)
    return any(
        r.form in _POST_ENDING_FORMS and r.decided is not None and post.from_ <= r.decided <= last
        for r in profile.discipline
        if r.status != "pending"
    )


def _adjacent_posts(profile: Profile, ctx: FactContext, v: dict[str, FactValue]) -> None:
    """NĐ 300/2026 Điều 12 (NĐ 170 Điều 29 khoản 3): time in the adjacent post or an equivalent one, cumulative;
    time in a higher, equal or equivalent post counts, except a post left through discipline; acting periods
    (giao quyền) do not count (Điều 14). The current post's grade stands for "liền kề" [D]."""
    on = ctx.reference_date
    held = [p for p in profile.current_posts(on) if not p.acting]  # the post held, not an acting one
    if not held:
        return
    current = max(held, key=lambda p: p.from_)
    posts = [p for p in profile.posts or [] if p.from_ <= on]
    cur_grade = _grade(current, ctx.title_lookup)
    if cur_grade is None:
        if current.relation is not None or len(posts) == 1:
            v["months_in_adjacent_posts"] = _months_held(current, on)
        return
    counted: list[Post] = []
    for p in posts:
        g = _grade(p, ctx.title_lookup)
        if g is None or g < cur_grade or p.acting:
            continue
        ended = _ended_by_discipline(p, profile)
        if ended is None:
            return  # cannot tell whether this post counts
        if not ended:
            counted.append(p)
    v["months_in_adjacent_posts"] = _months_covered(counted, on)


def _leaving_facts(profile: Profile, ctx: FactContext, v: dict[str, FactValue], ret: Retirement) -> None:
    """NĐ 300/2026 Điều 25 (NĐ 170 Điều 55): for each way of leaving a post, the latest past post that ended
    that way or whose end is not recorded ("possible"), the whole months since (from the day after ``to``),
    and whether the file confirms it. Thôi giữ chức vụ, từ chức and từ chức thay miễn nhiệm count only when
    the target is equivalent to or higher than the post left (a lower post is where the person is placed)."""
    on = ctx.reference_date
    ended = [p for p in profile.posts or [] if p.to is not None and p.to < on]
    target_grade = ctx.target.grade if ctx.target is not None else None
    reasons = {
        "thoi_giu_chuc_vu": ("thoi_giu_chuc_vu",),
        "tu_chuc": ("tu_chuc",),
        "tu_chuc_thay_mien_nhiem": ("tu_chuc_thay_mien_nhiem",),
        "mien_nhiem": ("mien_nhiem",),
        "tu_chuc_any": ("tu_chuc", "tu_chuc_thay_mien_nhiem"),
    }
    for kind in LEAVING:
        graded = kind in ("thoi_giu_chuc_vu", "tu_chuc", "tu_chuc_thay_mien_nhiem")
        possible: list[tuple[Post, bool]] = []  # (post, certainly this kind and relevant)
        for p in ended:
            if p.end_reason is not None and p.end_reason not in reasons[kind]:
                continue
            certain = p.end_reason is not None
            if graded:
                g = _grade(p, ctx.title_lookup)
                if target_grade is None:
                    continue
                if g is None:
                    certain = False
                elif target_grade < g:
                    continue  # a lower post: the placement itself, no waiting period
            possible.append((p, certain))
        v[f"left_by_{kind}"] = bool(possible)
        if not possible:
            continue
        latest, certain = max(possible, key=lambda pc: (pc[0].to or on, pc[1]))
        assert latest.to is not None
        left_on = latest.to + dt.timedelta(days=1)
        v[f"months_since_left_by_{kind}"] = whole_months_between(left_on, on)
        if certain:
            v[f"left_by_{kind}_confirmed"] = True
        if kind == "tu_chuc_any":
            v["months_left_at_tu_chuc"] = ret.reached - index_of(left_on)


def _term_end(profile: Profile, request: Request, ctx: FactContext, v: dict[str, FactValue], ret: Retirement) -> None:
    """The month the current term ends (request ``term_end``; else the end of the term, counted in whole terms
    from the current post's start, nearest the request date [D]) and the months from that month to the
    retirement month (NĐ 300/2026 Điều 16, NĐ 170 Điều 36 khoản 1; NĐ 115/2020 Điều 49 khoản 2)."""
    end = request.term_end
    if end is None:
        on = ctx.reference_date
        current = profile.current_posts(on)
        if ctx.target is not None:
            same = [p for p in current if p.title == ctx.target.code]
            current = same or current
        if not current:
            return
        post = max(current, key=lambda p: p.from_)
        years = int(v.get("term_years", 5))
        ends = [add_months(post.from_, 12 * years * k) - dt.timedelta(days=1) for k in range(1, 11)]
        end = min(ends, key=lambda e: (abs((e - on).days), e))  # the term end nearest the request [D]
    v["term_end_month"] = index_of(end)
    v["months_to_retirement_at_term_end"] = ret.reached - index_of(end)


def _discipline_status_facts(profile: Profile, on: dt.date, v: dict[str, FactValue]) -> None:
    decided = [
        r for r in profile.discipline or [] if r.status != "pending" and r.decided is not None and r.decided <= on
    ]
    v["has_state_discipline"] = any(r.kind == "state" for r in decided)
    v["has_unexpired_discipline"] = any(r.status == "decided" for r in decided)


def _recent_ratings(profile: Profile, on: dt.date, v: dict[str, FactValue]) -> None:
    """The run of years rated "hoàn thành tốt nhiệm vụ" or better back from the year before ``on`` (NĐ 300
    Điều 12, NĐ 170 Điều 29 khoản 5: "trong 03 năm gần nhất"). The run is final when it ends at a rated year
    (or after 10 years); when it ends at an unrated year the true run may be longer."""
    ratings = profile.assessments or {}
    streak = 0
    final = True
    for y in range(on.year - 1, on.year - 11, -1):
        r = ratings.get(y)
        if r is None:
            final = False
            break
        if r not in _GOOD:
            break
        streak += 1
    v["recent_good_years"] = streak
    if final:
        v["recent_good_years_final"] = True  # absent when an unrated year may hide a longer run
    last = ratings.get(on.year - 1)
    if last is not None:
        v["latest_year_rated_good"] = last in _GOOD
    start = on.year - 5
    current = _current_post(profile, on)
    if current is not None:
        start = max(start, current.from_.year)
    years = range(start, on.year)
    if all(y in ratings for y in years):
        v["term_years_failed_all_rated"] = sum(1 for y in years if ratings[y] == "KHTNV")


def reference_month_of(d: dt.date) -> int:
    return index_of(d)
