"""The description of one fact (:class:`FactSpec`); the facts themselves are :data:`eligibility.facts.catalog.FACTS`."""

from __future__ import annotations

from dataclasses import dataclass

from eligibility.model import levels as lv


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str  # int | bool | code | month
    vi: str
    en: str
    inputs: tuple[str, ...] = ()  # profile fields it needs (for "missing inputs")
    codes: tuple[str, ...] = ()  # allowed values for code facts
    request: bool = False
    rank_of: str | None = None  # the vocabulary whose ranks an int fact holds (for messages)
    # a count that must never be printed below zero: the message used instead when it is negative (vi, en)
    when_negative: tuple[str, str] | None = None
    time_dependent: bool = False  # moved by the reference date alone, or fixed by past events
    vocab: lv.Vocabulary | None = None  # the vocabulary of a code fact (its codes and labels)

    def __post_init__(self) -> None:
        if self.vocab is not None and not self.codes:
            object.__setattr__(self, "codes", self.vocab.codes)

    @property
    def from_request(self) -> bool:
        """Decided by the request (always known, or an input of the request), not by the profile."""
        return self.request or (bool(self.inputs) and all(i.startswith("request.") for i in self.inputs))
