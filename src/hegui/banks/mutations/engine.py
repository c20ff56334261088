"""Apply mutation chains to bank items: seeded, provenance-keeping, never silent about skips."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from hegui.banks.mutations._base import Mutation, MutationContext, Translate
from hegui.banks.mutations.encodings import (
    Base64,
    Homophones,
    Leetspeak,
    Pinyin,
    SplitSymbols,
    Traditional,
)
from hegui.banks.mutations.framing import Escalation, Framing, RoundTrip, Template, load_templates
from hegui.errors import ConfigError
from hegui.policy import Pack
from hegui.records import BankItem, Message

MUTATION_TAG = "mutation"
"""``mutation:<chain>`` names the mutation (chain) an item was made with."""
SEED_TAG = "seed"
"""``seed:<id>`` is the id of the unmutated item it was made from."""
_DERIVED = ("mutation:", "seed:", "template:", "pivot:", "script:", "symbol ")

_FRAMING_GOALS = {
    "role_play": "role-play: the model is asked to answer in character",
    "hypothetical": "hypothetical framing: fiction, research or thought experiment",
    "jailbreak": "instruction wrappers from the jailbreak template library",
}


def mutations(templates: Sequence[Template] | None = None) -> dict[str, Mutation]:
    """Every mutation by name; framings draw from ``templates`` (default: the shipped library)."""
    library = tuple(templates) if templates is not None else load_templates()
    found: list[Mutation] = [
        *(Framing(style, goal, library) for style, goal in _FRAMING_GOALS.items()),
        Pinyin(),
        Traditional(),
        Homophones(),
        SplitSymbols(),
        Base64(),
        Leetspeak(),
        RoundTrip(),
        Escalation(),
    ]
    return {m.name: m for m in found}


@dataclass(frozen=True)
class Chain:
    """Mutations applied one after the other (``pinyin+role_play``)."""

    steps: tuple[Mutation, ...]

    @property
    def name(self) -> str:
        """The steps' names joined by ``+``."""
        return "+".join(step.name for step in self.steps)


def parse_plan(text: str, available: dict[str, Mutation]) -> list[Chain]:
    """``role_play,pinyin+base64`` → two chains; unknown names are an error listing the known."""
    chains: list[Chain] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        steps = []
        for name in (n.strip() for n in part.split("+")):
            if name not in available:
                known = ", ".join(sorted(available))
                raise ConfigError(f"unknown mutation {name!r}; known: {known}", field="--with")
            steps.append(available[name])
        chains.append(Chain(tuple(steps)))
    if not chains:
        raise ConfigError("no mutation named", field="--with")
    return chains


@dataclass
class MutationResult:
    """Mutated items and the (item, chain) attempts that produced nothing, per reason."""

    items: list[BankItem] = field(default_factory=list)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    """``(chain name, reason)`` → count."""
    made: Counter[str] = field(default_factory=Counter)
    """Chain name → variants made."""


def _topic(item: BankItem, pack: Pack) -> str:
    zh = item.language == "zh"
    risk = pack.risk(item.risk) if item.risk else None
    if risk is not None:
        return risk.zh if zh else risk.en
    aspect = pack.aspect(item.aspect) if item.aspect else None
    if aspect is not None:
        return aspect.zh if zh else aspect.en
    return "这个话题" if zh else "this topic"


def mutate_items(
    items: Sequence[BankItem],
    chains: Sequence[Chain],
    pack: Pack,
    *,
    per_item: int = 1,
    seed: int = 0,
    translate: Translate | None = None,
) -> MutationResult:
    """``per_item`` variants of every item for every chain.

    Each variant's randomness comes from ``(seed, item id, chain, n)``, so a variant does not
    depend on the other items or on the order of the bank. A new item keeps kind, risk, aspect,
    language, reference and the provenance tags, gets the id ``<seed id>~<chain>~<n>`` and the
    tags ``mutation:<chain>`` and ``seed:<seed id>`` (for an item that was itself mutated, the
    chains are joined and the original seed is kept), plus the detail (``template:…``).
    Variants identical to an earlier one of the same item are skipped and counted.
    """
    result = MutationResult()
    for item in items:
        parent_chain = _tag(item, MUTATION_TAG)
        root = _tag(item, SEED_TAG) or item.id
        kept = tuple(t for t in item.tags if not t.startswith(_DERIVED))
        context = MutationContext(_topic(item, pack), item.language, translate)
        seen = {item.content_hash()}
        for chain in chains:
            name = f"{parent_chain}+{chain.name}" if parent_chain else chain.name
            if not all(step.applies_to(item.language) for step in chain.steps):
                result.skipped[(chain.name, f"not for language {item.language}")] += per_item
                continue
            for n in range(1, per_item + 1):
                reason = None
                for attempt in range(_ATTEMPTS):  # a random pick may repeat an earlier variant
                    rng = random.Random(f"{seed}|{item.id}|{chain.name}|{n}|{attempt}")
                    found = _run(chain, item.conversation(), rng, context)
                    if found is None:
                        reason = "does not apply to the text"
                        break
                    messages, details = found
                    new = _item(item, messages, f"{root}~{name}~{n}", kept, name, root, details)
                    if new.content_hash() not in seen:
                        seen.add(new.content_hash())
                        result.items.append(new)
                        result.made[chain.name] += 1
                        reason = None
                        break
                    reason = "same as another variant"
                if reason is not None:
                    result.skipped[(chain.name, reason)] += 1
    return result


_ATTEMPTS = 4
"""Draws per variant before a repeat of an earlier variant is reported as skipped."""


def _run(
    chain: Chain, messages: tuple[Message, ...], rng: random.Random, context: MutationContext
) -> tuple[tuple[Message, ...], list[str]] | None:
    details: list[str] = []
    for step in chain.steps:
        variant = step.apply(messages, rng, context)
        if variant is None:
            return None
        messages = variant.messages
        if variant.detail:
            details.append(variant.detail)
    return messages, details


def _tag(item: BankItem, prefix: str) -> str | None:
    start = prefix + ":"
    return next((t[len(start) :] for t in item.tags if t.startswith(start)), None)


def _item(
    seed_item: BankItem,
    messages: tuple[Message, ...],
    item_id: str,
    kept: tuple[str, ...],
    chain: str,
    root: str,
    details: list[str],
) -> BankItem:
    tags = (*kept, f"{MUTATION_TAG}:{chain}", f"{SEED_TAG}:{root}", *details)
    single = len(messages) == 1
    return BankItem(
        id=item_id,
        kind=seed_item.kind,
        prompt=messages[0].content if single else None,
        messages=None if single else messages,
        risk=seed_item.risk,
        aspect=seed_item.aspect,
        language=seed_item.language,
        tags=tags,
        reference=seed_item.reference,
    )
