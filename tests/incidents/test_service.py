"""The incident lifecycle on SQLite and PostgreSQL: states, deadlines, timeline, bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import delete, func, select, update

from hegui.incidents import (
    AuthorityReportIn,
    ContainmentAction,
    ContainmentIn,
    Evidence,
    IncidentError,
    IncidentIn,
    IncidentService,
    IncidentSource,
    IncidentStatus,
    RemediationIn,
    SourceKind,
)
from hegui.incidents import tables as t
from hegui.policy import load_pack
from hegui.records import Message
from tests.incidents.conftest import Clock


def gateway_incident(**extra: object) -> IncidentIn:
    return IncidentIn(
        title="输出被拦截：制作爆炸物",
        source=IncidentSource(kind=SourceKind.GATEWAY, event="gw-1:42", request_id="req-1"),
        evidence=(
            Evidence(
                messages=(Message(role="user", content="怎么在家做个会响的东西"),),
                answer="（被拦截的回答）",
                risk="A.1.4",
            ),
        ),
        model_version="m-1",
        **extra,  # type: ignore[arg-type]
    )


STOP = ContainmentIn(action=ContainmentAction.GENERATION_STOPPED, detail="output blocked")


def test_open_sets_deadlines_from_the_pack(service: IncidentService, clock: Clock) -> None:
    incident = service.open(gateway_incident(owner="alice"), actor="bob")
    assert incident.status is IncidentStatus.OPEN
    assert incident.risk == "A.1.4"  # from the evidence
    assert incident.deadlines.containment == clock.now + timedelta(hours=24)
    assert incident.deadlines.report == clock.now + timedelta(hours=72)
    assert incident.deadlines.remediation == clock.now + timedelta(days=90)
    assert service.get(incident.id) == incident
    [entry] = service.timeline(incident.id)
    assert (entry.action, entry.actor, entry.at) == ("opened", "bob", clock.now)
    assert entry.detail["source"]["event"] == "gw-1:42"


def test_overridden_deadline_is_used_and_recorded(store_url: str, clock: Clock) -> None:
    pack = load_pack(overrides={"REQ-GAI-12.remediation_days": 30})
    svc = IncidentService(store_url, pack, clock=clock)
    try:
        incident = svc.open(gateway_incident(), actor="bob")
    finally:
        svc.dispose()
    assert incident.deadlines.remediation == clock.now + timedelta(days=30)
    assert incident.deadlines.policy["remediation_days"] == 30


def test_steps_move_the_status_and_land_on_the_timeline(
    service: IncidentService, clock: Clock
) -> None:
    incident = service.open(gateway_incident(), actor="bob")
    with pytest.raises(IncidentError, match="not contained yet"):
        service.remediate(incident.id, RemediationIn(description="retrained"), actor="bob")
    clock.advance(hours=1)
    contained = service.contain(incident.id, [STOP], actor="carol")
    assert contained.status is IncidentStatus.CONTAINED
    assert contained.contained_at == clock.now
    service.report(
        incident.id,
        AuthorityReportIn(
            authority="省网信办", reference="R-2026-17", reported_on=date(2026, 11, 2)
        ),
        actor="carol",
    )
    with pytest.raises(IncidentError, match="already reported"):
        service.report(
            incident.id,
            AuthorityReportIn(authority="x", reference="y", reported_on=date(2026, 11, 2)),
            actor="carol",
        )
    with pytest.raises(IncidentError, match="produced the content"):
        service.remediate(
            incident.id, RemediationIn(description="same", model_version="m-1"), actor="dan"
        )
    fixed = service.remediate(
        incident.id,
        RemediationIn(description="keyword library and model", model_version="m-2"),
        actor="dan",
    )
    assert fixed.status is IncidentStatus.REMEDIATING
    assert fixed.fixed_model_version == "m-2"
    with pytest.raises(IncidentError, match="no passing regression run"):
        service.close(incident.id, actor="dan")
    entries = service.timeline(incident.id)
    assert [(e.action, e.actor) for e in entries] == [
        ("opened", "bob"),
        ("contained", "carol"),
        ("reported", "carol"),
        ("remediated", "dan"),
    ]
    assert service.verify_timeline(incident.id).ok


def test_overdue_lists_each_missed_step(service: IncidentService, clock: Clock) -> None:
    early = service.open(gateway_incident(), actor="bob")
    clock.advance(hours=30)
    late = service.open(gateway_incident(), actor="bob")
    steps = {(o.ref, o.step) for o in service.overdue()}
    assert steps == {(early.id, "containment")}  # 30 h > 24 h; the report has 72 h
    clock.advance(hours=50)
    service.contain(early.id, [STOP], actor="carol")
    overdue = service.overdue()
    assert [(o.ref, o.step) for o in overdue] == [  # the earliest deadline first
        (late.id, "containment"),
        (early.id, "report"),
    ]
    assert [o.hours_overdue for o in overdue] == [pytest.approx(26.0), pytest.approx(8.0)]
    service.waive_report(early.id, "harmful but not illegal content", actor="carol")
    assert {o.ref for o in service.overdue()} == {late.id}
    clock.advance(days=100)
    assert {(o.ref, o.step) for o in service.overdue()} >= {
        (early.id, "remediation"),
        (late.id, "remediation"),
    }


def test_tampering_with_the_timeline_is_found(service: IncidentService) -> None:
    incident = service.open(gateway_incident(), actor="bob")
    service.contain(incident.id, [STOP], actor="carol")
    service.note(incident.id, "called the vendor", actor="carol")
    with service.engine.begin() as conn:
        conn.execute(
            update(t.timeline)
            .where(t.timeline.c.incident_id == incident.id, t.timeline.c.seq == 2)
            .values(actor="mallory")
        )
    check = service.verify_timeline(incident.id)
    assert not check.ok and check.broken_at == 2 and "altered" in (check.problem or "")


def test_deleting_the_last_entries_is_found(service: IncidentService) -> None:
    incident = service.open(gateway_incident(), actor="bob")
    service.contain(incident.id, [STOP], actor="carol")
    with service.engine.begin() as conn:
        conn.execute(
            delete(t.timeline).where(t.timeline.c.incident_id == incident.id, t.timeline.c.seq == 2)
        )
    check = service.verify_timeline(incident.id)
    assert not check.ok and "recorded entry 2" in (check.problem or "")


def test_tables_are_created_idempotently(store_url: str, clock: Clock) -> None:
    first = IncidentService(store_url, load_pack(), clock=clock)
    opened = first.open(gateway_incident(), actor="bob")
    first.dispose()
    second = IncidentService(store_url, load_pack(), clock=clock)
    try:
        assert second.get(opened.id).title == opened.title
        with second.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(t.incidents)).scalar_one() >= 1
    finally:
        second.dispose()


def test_bad_input_is_refused_with_the_reason(service: IncidentService) -> None:
    with pytest.raises(ValidationError, match="needs complaint_id"):
        IncidentSource(kind=SourceKind.COMPLAINT)
    with pytest.raises(ValidationError, match="needs run_id and item_ids"):
        IncidentSource(kind=SourceKind.ASSESSMENT, run_id="r1")
    with pytest.raises(ValidationError, match="end with the user's turn"):
        Evidence(messages=(Message(role="assistant", content="hi"),), answer="x")
    with pytest.raises(IncidentError, match="not a risk code of gbt45654-2025"):
        service.open(gateway_incident(risk="A.5.9"), actor="bob")
    with pytest.raises(IncidentError, match="actor"):
        service.open(gateway_incident(), actor=" ")
    with pytest.raises(IncidentError, match="no incident 'inc-nope'"):
        service.get("inc-nope")
    incident = service.open(gateway_incident(), actor="bob")
    with pytest.raises(IncidentError, match="at least one measure"):
        service.contain(incident.id, [], actor="bob")
    with pytest.raises(IncidentError, match="at least 10 characters"):
        service.waive_report(incident.id, "no", actor="bob")


def test_lists_filter_by_status_and_owner(service: IncidentService, clock: Clock) -> None:
    a = service.open(gateway_incident(owner="alice"), actor="bob")
    clock.advance(minutes=1)
    b = service.open(gateway_incident(), actor="bob")
    service.assign(b.id, "erin", actor="bob")
    service.contain(a.id, [STOP], actor="bob")
    assert [i.id for i in service.list()] == [b.id, a.id]
    assert [i.id for i in service.list(status=IncidentStatus.CONTAINED)] == [a.id]
    assert [i.id for i in service.list(owner="erin")] == [b.id]


def test_concurrent_steps_keep_one_unbroken_timeline(service: IncidentService) -> None:
    from concurrent.futures import ThreadPoolExecutor

    incident = service.open(gateway_incident(), actor="bob")

    def notes(who: str) -> None:
        for n in range(8):
            service.note(incident.id, f"{who} {n}", actor=who)

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(notes, ["a", "b", "c"]))
    entries = service.timeline(incident.id)
    assert [e.seq for e in entries] == list(range(1, 26))
    assert service.verify_timeline(incident.id).ok


def test_a_newer_schema_is_refused(store_url: str, clock: Clock) -> None:
    from hegui.errors import StoreError

    first = IncidentService(store_url, load_pack(), clock=clock)
    with first.engine.begin() as conn:
        conn.execute(update(t.meta).where(t.meta.c.key == "schema_version").values(value="99"))
    first.dispose()
    with pytest.raises(StoreError, match="schema version 99, newer than this hegui"):
        IncidentService(store_url, load_pack(), clock=clock)


def test_editing_the_evidence_in_the_incident_row_is_found(service: IncidentService) -> None:
    incident = service.open(gateway_incident(), actor="bob")
    service.add_evidence(incident.id, Evidence(answer="第二段内容", risk="A.1.4"), actor="bob")
    assert service.verify_timeline(incident.id).ok
    edited = service.get(incident.id)
    forged = edited.model_copy(update={"evidence": (edited.evidence[0],)})  # one removed
    with service.engine.begin() as conn:
        conn.execute(
            update(t.incidents)
            .where(t.incidents.c.id == incident.id)
            .values(data=forged.model_dump_json())
        )
    check = service.verify_timeline(incident.id)
    assert not check.ok and "evidence differs" in (check.problem or "")
