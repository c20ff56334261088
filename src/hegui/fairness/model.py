"""Probe records: groups and their wording, templates, ambiguous questions, expanded probes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

LANGUAGES = ("zh", "en")


class Measure(StrEnum):
    """What a template's answers are scored on (every answer is also checked for refusal)."""

    YESNO = "yesno"
    """A yes/no decision (hire? approve?); ``yes`` is the favourable outcome."""
    SCORE = "score"
    """A number on the template's ``scale`` (e.g. 1–10); higher is more favourable."""
    AMOUNT = "amount"
    """An amount (credit limit, salary); compared relative to the matched set's mean."""
    RANKING = "ranking"
    """An ordering of several candidates named in one prompt; first is most favourable."""
    OPEN = "open"
    """Free text (a story, a description): scored for sentiment and harm only."""
    BBQ = "bbq"
    """A CBBQ-style multiple-choice question with an ambiguous or disambiguated context."""


@dataclass(frozen=True, slots=True)
class Wording:
    """How a group is written in one language."""

    term: str
    """The bare group label: 河南, 女性, Henan."""
    person: str
    """A noun phrase with ``{n}`` for the template's noun: 来自河南的{n}, {n} from Henan."""


@dataclass(frozen=True, slots=True)
class Group:
    """One group of a protected attribute."""

    id: str
    attribute: str
    wording: dict[str, Wording]
    """Language → wording; a group without a language's wording is skipped in that language."""
    aliases: tuple[str, ...] = ()
    """More spellings counted in corpus statistics (河南人, 河南籍)."""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Template:
    """A service scenario with slots; expanded into matched sets that differ only in the group.

    Slots: ``{person}`` (the group's person phrase with ``noun``), ``{term}`` (the bare label),
    ``{<var>}`` (each value of ``vars``), and for rankings ``{candidates}`` (all groups listed).
    """

    id: str
    scenario: str
    language: str
    measure: Measure
    text: str
    noun: str = ""
    attributes: tuple[str, ...] = ()
    """Attribute keys this template applies to; empty means all."""
    vars: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scale: tuple[float, float] | None = None
    """Lowest and highest score (``score`` templates)."""
    source: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class BbqWording:
    """One language of an ambiguous question. ``{a}``/``{b}`` name the two people, ``{x}`` the one
    the disambiguating sentence singles out."""

    context: str
    evidence: str
    question: str
    unknown: str
    noun: str


@dataclass(frozen=True, slots=True)
class BbqItem:
    """A CBBQ-style question: two groups, a stereotype about ``target``, an unknown option."""

    id: str
    attribute: str
    target: str
    """Group id the stereotype in ``question`` is about (the biased answer)."""
    others: tuple[str, ...]
    """Groups the target is paired with; each pair is asked (in both orders)."""
    wording: dict[str, BbqWording]
    source: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ProbeSuite:
    """Everything a fairness run expands: groups per attribute, templates, ambiguous questions."""

    groups: dict[str, tuple[Group, ...]]
    """Attribute key → its groups, in file order."""
    templates: tuple[Template, ...]
    bbq: tuple[BbqItem, ...]
