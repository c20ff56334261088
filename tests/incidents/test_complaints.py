"""The complaint desk on the gateway's complaints: staff entry, acknowledgement, outcome sent,
deadlines, and the link to an incident — each step on the gateway's hash-chained log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update

from hegui.config import ProjectConfig
from hegui.gateway import tables as gw
from hegui.gateway.complaints import ComplaintCategory, ComplaintError, ComplaintIn
from hegui.gateway.db import now_utc
from hegui.gateway.eventlog import recent, verify_log
from hegui.incidents import IncidentService
from hegui.incidents.complaints import ComplaintChannel, ComplaintDesk
from hegui.incidents.sources import from_complaint
from hegui.policy import load_pack


@pytest.fixture
def desk(store_url: str) -> Iterator[ComplaintDesk]:
    d = ComplaintDesk.from_config(ProjectConfig(store=store_url))
    yield d
    d.dispose()


def complaint(text: str = "回答里有制作危险物品的方法") -> ComplaintIn:
    return ComplaintIn(
        category=ComplaintCategory.ILLEGAL_CONTENT, description=text, request_id="req-7"
    )


def test_staff_enter_and_answer_a_phone_complaint(desk: ComplaintDesk) -> None:
    before = now_utc()
    case = desk.enter(complaint(), channel=ComplaintChannel.PHONE, actor="staff:li")
    assert (case.channel, case.entered_by) == (ComplaintChannel.PHONE, "staff:li")
    # the pack's default feedback limit (15 days): no gateway section in hegui.yaml
    assert before + timedelta(days=15) <= case.feedback_deadline
    assert case.feedback_deadline <= now_utc() + timedelta(days=15)
    acknowledged = desk.acknowledge(case.id, actor="staff:li")
    assert acknowledged.acknowledged_by == "staff:li" and acknowledged.acknowledged_at
    with pytest.raises(ComplaintError, match="acknowledged already"):
        desk.acknowledge(case.id, actor="staff:li")
    with pytest.raises(ComplaintError, match="no response yet"):
        desk.send_outcome(case.id, channel="phone", actor="staff:wang")
    assert not desk.get(case.id).feedback_given
    sent = desk.send_outcome(
        case.id, channel="phone", actor="staff:wang", response="已核实并下线相关内容"
    )
    assert sent.feedback_given and sent.outcome_sent_by == "staff:wang"
    assert sent.complaint.response == "已核实并下线相关内容"
    with pytest.raises(ComplaintError, match="sent already"):
        desk.send_outcome(case.id, channel="phone", actor="staff:wang")
    events = [e for e in recent(desk.engine, kind="complaint") if e.detail["complaint"] == case.id]
    assert [(e.action, e.detail["actor"]) for e in reversed(events)] == [
        ("received", "staff:li"),
        ("acknowledged", "staff:li"),
        ("outcome_sent", "staff:wang"),
    ]
    assert verify_log(desk.engine, desk.chain_id).ok


def test_gateway_complaints_are_handled_too_and_link_to_an_incident(
    desk: ComplaintDesk, store_url: str
) -> None:
    taken = desk.store.add(complaint(), user_id=None)  # as POST /v1/complaints stores it
    case = desk.get(taken.id)
    assert case.channel is ComplaintChannel.API and not case.feedback_given
    desk.store.answer(taken.id, "已处理", actor="op")
    assert desk.get(taken.id).feedback_given  # the complainant reads it through the API

    incidents = IncidentService(store_url, load_pack())
    try:
        incident = incidents.open(from_complaint(desk.get(taken.id).complaint), actor="staff:li")
        assert incident.source.complaint_id == taken.id
        assert incident.source.request_id == "req-7"
        linked = desk.link_incident(taken.id, incident.id, actor="staff:li", incidents=incidents)
        assert linked.incident_id == incident.id
        assert incidents.get(incident.id).complaints == (taken.id,)
        assert incidents.timeline(incident.id)[-1].action == "complaint_linked"
        with pytest.raises(ComplaintError, match="linked to incident"):
            desk.link_incident(taken.id, "inc-other", actor="staff:li")
    finally:
        incidents.dispose()


def test_overdue_complaints_are_those_without_feedback(desk: ComplaintDesk) -> None:
    late = desk.enter(complaint("一"), channel=ComplaintChannel.EMAIL, actor="staff:li")
    done = desk.enter(complaint("二"), channel=ComplaintChannel.EMAIL, actor="staff:li")
    with desk.engine.begin() as conn:
        conn.execute(
            update(gw.complaints)
            .where(gw.complaints.c.id.in_([late.id, done.id]))
            .values(deadline=now_utc() - timedelta(days=1))
        )
    desk.send_outcome(done.id, channel="e-mail", actor="staff:li", response="已回复")
    assert late.id in {c.id for c in desk.list(overdue=True)}
    assert done.id not in {c.id for c in desk.list(overdue=True)}
    assert done.id not in {c.id for c in desk.list(open_only=True)}


def test_feedback_limit_comes_from_the_pack_or_the_gateway(store_url: str) -> None:
    config = ProjectConfig(
        store=store_url, policy={"overrides": {"REQ-GAI-12.complaint_feedback_days": 7}}
    )
    d = ComplaintDesk.from_config(config)
    try:
        assert d.store.feedback_days == 7
    finally:
        d.dispose()
    gateway = {
        "upstreams": [{"base_url": "http://127.0.0.1:9/v1"}],
        "labels": {"implicit": False},
    }
    with_limit = {**gateway, "complaints": {"feedback_days": 10}}
    for section, days in ((gateway, 15), (with_limit, 10)):
        d = ComplaintDesk.from_config(ProjectConfig(store=store_url, gateway=section), environ={})
        try:
            assert d.store.feedback_days == days
        finally:
            d.dispose()


def test_bad_input_is_refused(desk: ComplaintDesk) -> None:
    with pytest.raises(ComplaintError, match="taken by the gateway"):
        desk.enter(complaint(), channel=ComplaintChannel.API, actor="staff:li")
    case = desk.enter(complaint(), channel=ComplaintChannel.LETTER, actor="staff:li")
    with pytest.raises(ComplaintError, match="name how the outcome was sent"):
        desk.send_outcome(case.id, channel=" ", actor="staff:li", response="好")
    assert desk.get(case.id).complaint.response is None  # nothing recorded
    with pytest.raises(ComplaintError, match="no complaint"):
        desk.get("cmp_missing")
