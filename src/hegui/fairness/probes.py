"""Expansion: templates × groups → matched probe sets, as bank items the assessment engine asks.

Every probe is a :class:`~hegui.records.BankItem` (kind ``generation``, risk = the attribute's
A.2 code) whose tags carry what the analysis needs (``fairness.attribute=region`` …), so a
stored run can be analysed from its plan alone, and resumed like any assessment run.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hegui.fairness.attributes import BY_KEY
from hegui.fairness.model import BbqItem, BbqWording, Group, Measure, ProbeSuite, Template
from hegui.records import BankItem, ItemKind

TAG = "fairness"
"""Every fairness probe carries this tag."""
_PREFIX = "fairness."


@dataclass(frozen=True, slots=True)
class ProbeMeta:
    """What a probe tests, read back from its tags."""

    attribute: str
    set_id: str
    """Matched set: the probes that differ only in the group (or one ranking / bbq prompt)."""
    template: str
    measure: Measure
    language: str
    group: str = ""
    """The group this probe names (empty for rankings and bbq questions)."""
    label: str = ""
    """How the probe writes the group (河南, Henan), for reports."""
    scale: tuple[float, float] | None = None
    order: tuple[str, ...] = ()
    """Ranking: group ids in candidate-number order (candidate 1 first)."""
    bbq_form: str = ""
    """``ambiguous`` or ``disambiguated``."""
    options: tuple[str, ...] = ()
    """bbq: the role of options A, B, C: ``target``, ``other`` or ``unknown``."""
    answer: str = ""
    """bbq: the role of the right option."""
    terms: tuple[str, ...] = ()
    """bbq: how options A, B, C are written (to recognise an answer that names the group);
    ranking: how the groups in ``order`` are written."""

    def tags(self) -> tuple[str, ...]:
        """The item tags that encode this record."""
        fields: dict[str, str] = {
            "attribute": self.attribute,
            "set": self.set_id,
            "template": self.template,
            "measure": self.measure.value,
            "language": self.language,
            "group": self.group,
            "label": self.label,
            "scale": f"{self.scale[0]:g}:{self.scale[1]:g}" if self.scale else "",
            "order": ",".join(self.order),
            "bbq": self.bbq_form,
            "options": ",".join(self.options),
            "answer": self.answer,
            "terms": "|".join(self.terms),
        }
        return (TAG, *(f"{_PREFIX}{k}={v}" for k, v in fields.items() if v))


def probe_meta(item: BankItem) -> ProbeMeta | None:
    """The fairness record of a bank item, or ``None`` when it is not a fairness probe."""
    if TAG not in item.tags:
        return None
    values = {
        tag[len(_PREFIX) :].split("=", 1)[0]: tag.split("=", 1)[1]
        for tag in item.tags
        if tag.startswith(_PREFIX) and "=" in tag
    }
    scale = values.get("scale")
    low_high = tuple(float(v) for v in scale.split(":")) if scale else None
    return ProbeMeta(
        attribute=values["attribute"],
        set_id=values["set"],
        template=values["template"],
        measure=Measure(values["measure"]),
        language=values.get("language", item.language),
        group=values.get("group", ""),
        label=values.get("label", ""),
        scale=(low_high[0], low_high[1]) if low_high else None,
        order=tuple(values["order"].split(",")) if values.get("order") else (),
        bbq_form=values.get("bbq", ""),
        options=tuple(values["options"].split(",")) if values.get("options") else (),
        answer=values.get("answer", ""),
        terms=tuple(values["terms"].split("|")) if values.get("terms") else (),
    )


@dataclass(frozen=True, slots=True)
class ExpandOptions:
    """Which probes to build."""

    attributes: tuple[str, ...] = ()
    """Attribute keys; empty means all nine."""
    languages: tuple[str, ...] = ("zh", "en")
    max_sets: int | None = None
    """At most this many matched sets per template and attribute (a seeded draw)."""
    seed: int = 0


def expand(suite: ProbeSuite, options: ExpandOptions = ExpandOptions()) -> list[BankItem]:
    """Every probe of the suite for the chosen attributes and languages, in a stable order."""
    wanted = options.attributes or tuple(BY_KEY)
    items: list[BankItem] = []
    rng = random.Random(options.seed)
    for key in wanted:
        groups = suite.groups[key]
        for template in suite.templates:
            if template.language not in options.languages:
                continue
            if template.attributes and key not in template.attributes:
                continue
            speaking = [g for g in groups if template.language in g.wording]
            if len(speaking) < 2:
                continue
            sets = _var_sets(template)
            if options.max_sets is not None and len(sets) > options.max_sets:
                drawn = sorted(rng.sample(range(len(sets)), options.max_sets))
                sets = [sets[i] for i in drawn]
            for index, values in enumerate(sets):
                items.extend(_matched_set(template, key, speaking, index, values))
        for question in suite.bbq:
            if question.attribute == key:
                items.extend(_bbq_probes(question, suite.groups[key], options.languages))
    return items


def _var_sets(template: Template) -> list[dict[str, str]]:
    names = sorted(template.vars)
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*(template.vars[n] for n in names))
    ]


def _person(group: Group, language: str, noun: str) -> str:
    return group.wording[language].person.replace("{n}", noun)


def _matched_set(
    template: Template, key: str, groups: Sequence[Group], index: int, values: dict[str, str]
) -> Iterable[BankItem]:
    lang = template.language
    base = f"{template.id}.{key}.{index}"
    if template.measure is Measure.RANKING:
        # One prompt per rotation, so every group is listed first once (position bias cancels).
        for shift in range(len(groups)):
            order = [*groups[shift:], *groups[:shift]]
            listed = _candidates(order, lang, template.noun)
            meta = ProbeMeta(
                attribute=key,
                set_id=f"{base}.r{shift}",
                template=template.id,
                measure=template.measure,
                language=lang,
                order=tuple(g.id for g in order),
                terms=tuple(g.wording[lang].term for g in order),
            )
            text = template.text.format(candidates=listed, **values)
            yield _item(f"{base}.r{shift}", text, key, lang, meta)
        return
    for group in groups:
        meta = ProbeMeta(
            attribute=key,
            set_id=base,
            template=template.id,
            measure=template.measure,
            language=lang,
            group=group.id,
            label=group.wording[lang].term,
            scale=template.scale,
        )
        text = template.text.format(
            person=_person(group, lang, template.noun), term=group.wording[lang].term, **values
        )
        yield _item(f"{base}.{group.id}", text, key, lang, meta)


def _candidates(order: Sequence[Group], language: str, noun: str) -> str:
    if language == "zh":
        return "；".join(f"{i}号是一位{_person(g, language, noun)}" for i, g in enumerate(order, 1))
    return "; ".join(f"No. {i} is a {_person(g, language, noun)}" for i, g in enumerate(order, 1))


def _bbq_probes(
    question: BbqItem, groups: Sequence[Group], languages: Sequence[str]
) -> Iterable[BankItem]:
    by_id = {g.id: g for g in groups}
    target = by_id[question.target]
    for other_id in question.others:
        other = by_id[other_id]
        for lang, w in question.wording.items():
            if lang in languages:
                yield from _bbq_pair(question, target, other, lang, w)


def _bbq_pair(
    question: BbqItem, target: Group, other: Group, lang: str, w: BbqWording
) -> Iterable[BankItem]:
    """The six prompts of one pair: ambiguous and both disambiguations, in both orders."""
    roles = {"target": _person(target, lang, w.noun), "other": _person(other, lang, w.noun)}
    for first, second in (("target", "other"), ("other", "target")):
        context = w.context.format(a=roles[first], b=roles[second])
        forms = [("ambiguous", "unknown", context)]
        for x in ("target", "other"):
            forms.append(
                ("disambiguated", x, f"{context}{_gap(lang)}{w.evidence.format(x=roles[x])}")
            )
        for form, answer, story in forms:
            shown = (roles[first], roles[second], w.unknown)
            meta = ProbeMeta(
                attribute=question.attribute,
                set_id=f"bbq.{question.id}.{other.id}.{lang}",
                template=f"bbq.{question.id}",
                measure=Measure.BBQ,
                language=lang,
                bbq_form=form,
                options=(first, second, "unknown"),
                answer=answer,
                terms=shown,
            )
            suffix = f"{form[0]}{'' if form == 'ambiguous' else answer[0]}.{first[0]}"
            text = _bbq_text(lang, story, w.question, shown)
            item_id = f"bbq.{question.id}.{other.id}.{lang}.{suffix}"
            yield _item(item_id, text, question.attribute, lang, meta)


def _gap(language: str) -> str:
    return "" if language == "zh" else " "


def _bbq_text(language: str, story: str, question: str, shown: Sequence[str]) -> str:
    a, b, c = shown
    if language == "zh":
        return (
            f"{story}\n问题：{question}\nA. {a}\nB. {b}\nC. {c}\n请只回答一个选项字母（A、B或C）。"
        )
    return (
        f"{story}\nQuestion: {question}\nA. {a}\nB. {b}\nC. {c}\n"
        "Answer with one option letter only (A, B or C)."
    )


def _item(suffix: str, text: str, key: str, language: str, meta: ProbeMeta) -> BankItem:
    # The id keeps the readable suffix; a short hash keeps it unique after user edits.
    digest = hashlib.sha256(text.encode()).hexdigest()[:6]
    return BankItem(
        id=f"fair.{suffix}.{digest}",
        kind=ItemKind.GENERATION,
        prompt=text,
        risk=BY_KEY[key].code,
        language=language,
        tags=meta.tags(),
    )
