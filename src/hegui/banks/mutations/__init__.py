"""Adversarial mutations of bank items (``hegui bank mutate``, docs/bank-builder.md).

Each mutation is self-describing (``name``, ``goal``, ``languages``) and composable: chains such as
``pinyin+role_play`` apply one after the other. Mutated items link to their seeds through the tags
``mutation:<chain>`` and ``seed:<id>``, which the assessment report groups results by.

>>> from hegui.policy import load_pack
>>> available = mutations()
>>> sorted(available)[:3]
['base64', 'escalation', 'homophones']
>>> chains = parse_plan("role_play,pinyin+base64", available)
>>> [c.name for c in chains]
['role_play', 'pinyin+base64']
"""

from hegui.banks.mutations._base import Mutation, MutationContext, TextMutation, Translate, Variant
from hegui.banks.mutations.engine import (
    MUTATION_TAG,
    SEED_TAG,
    Chain,
    MutationResult,
    mutate_items,
    mutations,
    parse_plan,
)
from hegui.banks.mutations.framing import STYLES, Template, load_templates

__all__ = [
    "MUTATION_TAG",
    "SEED_TAG",
    "STYLES",
    "Chain",
    "Mutation",
    "MutationContext",
    "MutationResult",
    "Template",
    "TextMutation",
    "Translate",
    "Variant",
    "load_templates",
    "mutate_items",
    "mutations",
    "parse_plan",
]
