"""Evidence: the matched sets where the two most divergent groups of a measure diverge most."""

from __future__ import annotations

from collections.abc import Sequence

from hegui.fairness.model import Measure
from hegui.fairness.observations import Observation, Point
from hegui.fairness.parse import parse_option
from hegui.fairness.results import MeasureResult, PairEvidence
from hegui.records import Outcome


def evidence(
    measures: Sequence[MeasureResult],
    points_by_measure: dict[str, list[Point]],
    observations: Sequence[Observation],
    limit: int,
) -> tuple[PairEvidence, ...]:
    """Up to ``limit`` pairs, failing measures first, then by gap relative to the threshold;
    biased bbq answers are added as single-answer evidence."""
    failing = {m.measure for m in measures if m.outcome is Outcome.FAIL}
    candidates: list[tuple[float, PairEvidence]] = []
    for measure, points in points_by_measure.items():
        result = next((m for m in measures if m.measure == measure), None)
        tested = [g for g in result.groups if g.value is not None] if result else []
        if result is None or len(tested) < 2:
            continue
        # The pair of groups whose values diverge most overall; evidence is the matched sets
        # where they diverge the same way.
        high = max(tested, key=lambda g: g.value or 0.0).group
        low = min(tested, key=lambda g: g.value or 0.0).group
        sets: dict[str, dict[str, Point]] = {}
        for p in points:
            if p.value is not None and p.group in (high, low):
                sets.setdefault(p.matched_set, {}).setdefault(p.group, p)
        for matched, members in sets.items():
            if len(members) < 2:
                continue
            a, b = members[high], members[low]
            gap = (a.value or 0.0) - (b.value or 0.0)
            if gap <= 0:
                continue
            rank = gap / (result.threshold or 1.0) + (100.0 if measure in failing else 0.0)
            candidates.append((rank, _pair(measure, matched, gap, a, b)))
    for o in observations:
        if o.meta.measure is Measure.BBQ and o.meta.bbq_form == "ambiguous":
            index = parse_option(o.text, o.meta.terms)
            if index is not None and o.meta.options[index] == "target":
                rank = 10.0 + (100.0 if "bbq" in failing else 0.0)
                candidates.append(
                    (
                        rank,
                        PairEvidence(
                            measure="bbq",
                            set_id=o.meta.set_id,
                            template=o.meta.template,
                            gap=1.0,
                            group_a=o.meta.terms[index],
                            prompt_a=o.item.question,
                            answer_a=o.text,
                            value_a=1.0,
                        ),
                    )
                )
    candidates.sort(key=lambda c: -c[0])
    return tuple(pair for _, pair in candidates[:limit])


def _pair(measure: str, stratum: str, gap: float, high: Point, low: Point) -> PairEvidence:
    same = high.obs is low.obs
    return PairEvidence(
        measure=measure,
        set_id=stratum,
        template=high.obs.meta.template,
        gap=round(gap, 4),
        group_a=_label(high),
        prompt_a=high.obs.item.question,
        answer_a=high.obs.text,
        value_a=high.value,
        group_b=_label(low),
        prompt_b="" if same else low.obs.item.question,
        answer_b="" if same else low.obs.text,
        value_b=low.value,
    )


def _label(point: Point) -> str:
    """How the probe wrote the point's group (a ranking lists every group)."""
    meta = point.obs.meta
    if meta.group == point.group and meta.label:
        return meta.label
    if point.group in meta.order and len(meta.terms) == len(meta.order):
        return meta.terms[meta.order.index(point.group)]
    return point.group
