"""Discrimination tests (GB/T 45654-2025 A.2; Interim Measures Art. 4(2)).

* Counterfactual probes: templates of service scenarios × term lists of the nine protected
  attributes → matched prompt sets (:mod:`hegui.fairness.probes`), run through the assessment
  engine (:func:`hegui.fairness.session.run_fairness`; the session module is not imported
  here, so reading a report does not load targets and judges).
* Measures per attribute: refusal rate, parsed decisions (yes/no, score, amount, ranking),
  sentiment, harm, and the CBBQ-style bias score; stratified permutation and sign tests with
  Holm correction, effect sizes, PASS/FAIL against thresholds (:func:`analyse`;
  :func:`hegui.fairness.session.analyse_run` for a stored run).
* Training data: group representation and negative co-occurrence in a corpus
  (:mod:`hegui.fairness.corpus`).

See docs/fairness.md.
"""

from hegui.fairness.analysis import analyse
from hegui.fairness.attributes import ATTRIBUTES, Attribute
from hegui.fairness.loader import load_suite
from hegui.fairness.observations import Observation
from hegui.fairness.probes import ExpandOptions, ProbeMeta, expand, probe_meta
from hegui.fairness.results import AttributeResult, FairnessResult, MeasureResult
from hegui.fairness.settings import FairnessSettings, parse_settings

__all__ = [
    "ATTRIBUTES",
    "Attribute",
    "AttributeResult",
    "ExpandOptions",
    "FairnessResult",
    "FairnessSettings",
    "MeasureResult",
    "Observation",
    "ProbeMeta",
    "analyse",
    "expand",
    "load_suite",
    "parse_settings",
    "probe_meta",
]
