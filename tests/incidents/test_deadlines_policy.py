"""The incident deadlines as policy values: in both shipped packs, overridable, recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hegui.errors import ConfigError, PolicyError
from hegui.incidents import (
    Evidence,
    Incident,
    IncidentService,
    IncidentSource,
    SourceKind,
    regression_items,
)
from hegui.incidents.records import Deadlines, IncidentStatus
from hegui.policy import available_packs, load_pack
from hegui.records import ItemKind, Message


@pytest.mark.parametrize("name", available_packs())
def test_every_shipped_pack_has_the_deadlines(name: str) -> None:
    rule = load_pack(name).incidents
    assert rule is not None and rule.requirement == "REQ-GAI-12"
    assert (rule.remediation_days.value, rule.remediation_days.certainty) == (90, "P")
    assert rule.containment_hours.value == 24 and rule.report_hours.value == 72
    assert rule.complaint_feedback_days.value == 15


def test_deadlines_are_overridden_and_the_original_kept() -> None:
    pack = load_pack(overrides={"REQ-GAI-12.containment_hours": 2})
    assert pack.incidents is not None
    assert pack.incidents.containment_hours.value == 2
    assert pack.incidents.containment_hours.overridden_from == 24
    assert pack.overrides == {"REQ-GAI-12.containment_hours": 2.0}
    with pytest.raises(PolicyError, match="REQ-GAI-12 has no field 'per_aspect'"):
        load_pack(overrides={"REQ-GAI-12.per_aspect": 2})


def test_a_pack_without_deadlines_is_refused() -> None:
    pack = load_pack().model_copy(update={"incidents": None})
    with pytest.raises(ConfigError, match="no 'incidents:' deadlines"):
        IncidentService("sqlite:///:memory:", pack)


def test_over_refusal_evidence_keeps_its_aspect_and_no_borrowed_risk() -> None:
    now = datetime(2026, 11, 2, tzinfo=UTC)
    question = (Message(role="user", content="斋月有哪些习俗？"),)
    incident = Incident(
        id="inc-1",
        title="t",
        status=IncidentStatus.OPEN,
        risk="A.1.3",
        owner=None,
        source=IncidentSource(kind=SourceKind.MANUAL),
        evidence=(
            Evidence(messages=question, answer="我不能回答", kind=ItemKind.SHOULD_NOT_REFUSE,
                     aspect="belief"),
            Evidence(messages=question, answer="……", kind=ItemKind.SHOULD_REFUSE),
            Evidence(answer="corpus text only"),
        ),
        model_version=None,
        opened_at=now,
        opened_by="a",
        detected_at=now,
        deadlines=Deadlines(containment=now, report=now, remediation=now),
    )  # fmt: skip
    over, refuse = regression_items(incident)  # the corpus text has no question to ask
    assert (over.kind, over.risk, over.aspect) == (ItemKind.SHOULD_NOT_REFUSE, None, "belief")
    assert (refuse.kind, refuse.risk) == (ItemKind.SHOULD_REFUSE, "A.1.3")
