"""Decisions and findings: what the engine concluded, criterion by criterion, and why.

The JSON form of these models (``Decision.to_json()``) is the stable, documented output: keys
``verdict``, ``findings`` (each with ``criterion``, ``topic``, ``outcome``, ``message`` as
``{vi, en}``, ``facts``, ``parameters``, ``source``, ``confidence``, ``holds_from``,
``holds_until``), ``missing_inputs``, ``regime``, ``rulepack``, ``request``, ``locality`` (``requested``,
``code``, ``name``, ``note``: the post's province as evaluated, e.g. after a merger of provinces), ``coverage``
(``reviewed_through``, ``regimes``, ``not_encoded``, ``after_review``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["pass", "fail", "waivable", "unknown", "not_applicable"]
Verdict = Literal["eligible", "needs_authority", "incomplete", "not_eligible"]

VERDICT_LABELS = {
    "eligible": ("Đủ điều kiện", "Eligible"),
    "needs_authority": (
        "Cần cấp có thẩm quyền xem xét, quyết định (trường hợp đặc biệt)",
        "Needs the competent authority's decision (special case)",
    ),
    "incomplete": (
        "Chưa đủ căn cứ để kết luận (thiếu dữ liệu hoặc quy định chưa mã hóa)",
        "Incomplete: data missing or rules not encoded",
    ),
    "not_eligible": ("Không đủ điều kiện", "Not eligible"),
}
OUTCOME_LABELS = {
    "pass": ("Đạt", "Pass"),
    "fail": ("Không đạt", "Fail"),
    "waivable": ("Không đạt — cấp có thẩm quyền có thể xem xét", "Fail — the competent authority may decide"),
    "unknown": ("Chưa rõ (thiếu dữ liệu hoặc chưa mã hóa)", "Unknown (data missing or not encoded)"),
    "not_applicable": ("Không áp dụng", "Not applicable"),
}
TAG_LABELS = {
    "P": ("đã đối chiếu văn bản gốc", "primary text read"),
    "S": ("theo nguồn thứ cấp", "secondary source"),
    "D": ("suy ra từ nguồn", "derived"),
    "M": ("chưa xác minh", "unverified"),
}


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


def _no_items() -> list[Any]:
    """An empty list for a field's default: a Python function rather than the builtin ``list``, because
    pydantic reads a default factory's signature when it builds the schema (at the first decision of a
    process) and the builtin's is parsed with :mod:`tokenize`, whose pattern alone is ~1 % of a cold check."""
    return []


class Text(Model):
    vi: str
    en: str


class SourceRef(Model):
    id: str
    number: str
    title_vi: str
    article: str
    url: str | None = None


class ParameterUse(Model):
    name: str
    value: int | bool | str
    read_on: dt.date  # the date the parameter was read at
    step_from: dt.date  # the date this value came into force
    source: SourceRef
    confidence: str


class Finding(Model):
    criterion: str
    title: Text
    topic: str
    outcome: Outcome
    message: Text
    facts: dict[str, int | bool | str | None] = Field(default_factory=dict)
    parameters: list[ParameterUse] = Field(default_factory=_no_items)
    source: SourceRef
    confidence: str
    unverified: bool = False
    waivable: bool = False
    missing: list[str] = Field(default_factory=_no_items)
    holds_from: dt.date | None = None
    holds_until: dt.date | None = None
    overlay: str | None = None


class MissingInput(Model):
    input: str
    criteria: list[str]


class RegimeRef(Model):
    id: str
    vi: str
    en: str


class LocalityRef(Model):
    """The post's province as evaluated: what the request said, the province used, and why they differ."""

    requested: str
    code: str
    name: str
    note: Text | None = None  # e.g. a province merged into another (Nghị quyết 202/2025/QH15)


class NotEncoded(Model):
    """A condition that applies but could not be decided because its rules are not encoded for the date."""

    criterion: str
    title: Text
    encoded_from: dt.date | None = None  # the first date the criterion is encoded for (None: partly encoded)
    reason: Text


class Coverage(Model):
    """How far the rule pack was checked against the law, and what it could not decide on this date."""

    reviewed_through: dt.date | None  # the date up to which the rule pack was checked against the law
    regimes: list[str]  # ids of the regimes in force on the request date
    not_encoded: list[NotEncoded] = Field(default_factory=_no_items)
    after_review: bool = False  # the request date is after reviewed_through: later law was not checked

    def line(self, lang: str = "vi") -> str:
        """One sentence an officer reads under the verdict."""
        when = self.reviewed_through.strftime("%d/%m/%Y") if self.reviewed_through else None
        n = len(self.not_encoded)
        if lang == "en":
            head = f"Rule pack checked against the law up to {when}" if when else "Rule pack: review date not recorded"
            tail = (
                f"; {n} condition(s) not encoded for this date: " + ", ".join(x.title.en for x in self.not_encoded)
                if n
                else "; every applicable condition is encoded for this date"
            )
            warn = f". WARNING: law after {when} was not checked." if self.after_review else "."
            return head + tail + warn
        head = f"Bộ quy tắc đã rà soát đến {when}" if when else "Bộ quy tắc: chưa ghi ngày rà soát"
        tail = (
            f"; {n} điều kiện chưa mã hóa cho ngày này: " + ", ".join(x.title.vi for x in self.not_encoded)
            if n
            else "; mọi điều kiện áp dụng đều đã được mã hóa cho ngày này"
        )
        warn = f". LƯU Ý: quy định sau ngày {when} chưa được rà soát." if self.after_review else "."
        return head + tail + warn


class Decision(Model):
    profile_id: str
    request: dict[str, Any]
    verdict: Verdict
    findings: list[Finding]
    missing_inputs: list[MissingInput]
    regime: list[RegimeRef]
    rulepack: str
    convention: str
    reference_month: str
    retirement: dict[str, Any] | None = None
    locality: LocalityRef | None = None
    coverage: Coverage | None = None

    def findings_with(self, outcome: str) -> list[Finding]:
        return [f for f in self.findings if f.outcome == outcome]

    def finding(self, criterion: str) -> Finding:
        for f in self.findings:
            if f.criterion == criterion:
                return f
        raise KeyError(criterion)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def combine(outcomes: list[str]) -> Verdict:
    """docs/DESIGN.md §3: any fail → not_eligible; else any unknown → incomplete; else any waivable →
    needs_authority; else eligible."""
    if "fail" in outcomes:
        return "not_eligible"
    if "unknown" in outcomes:
        return "incomplete"
    if "waivable" in outcomes:
        return "needs_authority"
    return "eligible"
