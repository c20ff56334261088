"""The incident service: every step of the loop, each recorded on the incident's timeline.

>>> service = IncidentService.from_config(load_config("hegui.yaml"))   # doctest: +SKIP
>>> incident = service.open(IncidentIn(title="…", source=...), actor="alice")  # doctest: +SKIP
>>> service.contain(incident.id, [ContainmentIn(action="content_removed", detail="…")],
...                 actor="alice")                                       # doctest: +SKIP

Every mutating method takes the ``actor`` (who acts: a console user, ``cli:<login>``) and appends
one timeline entry in the same transaction as the state change.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from hegui.banks.regression import RegressionUpdate, add_regression_items
from hegui.config import ProjectConfig
from hegui.gateway.db import as_utc
from hegui.gateway.eventlog import ts_us
from hegui.incidents import tables as t
from hegui.incidents._state import IncidentError, check_actor, not_closed, row_columns
from hegui.incidents.ids import new_incident_id
from hegui.incidents.records import (
    AuthorityReport,
    AuthorityReportIn,
    Containment,
    ContainmentIn,
    Deadlines,
    Evidence,
    Incident,
    IncidentIn,
    IncidentStatus,
    Remediation,
    RemediationIn,
    Verification,
)
from hegui.incidents.store import IncidentStore, evidence_hash
from hegui.incidents.timeline import append_entry
from hegui.incidents.verify import check_run, proves_fix, regression_items, run_regression
from hegui.store import RunStore


class IncidentService(IncidentStore):
    """The incident loop on an :class:`IncidentStore`: open → contained → remediating →
    verifying → closed, with the authority report, regression items and verification runs."""

    def open(self, incident: IncidentIn, *, actor: str) -> Incident:
        """Open an incident; its deadlines run from ``detected_at`` (default: now)."""
        check_actor(actor)
        now = self.clock()
        detected = as_utc(incident.detected_at) or now
        if detected > now + timedelta(minutes=5):
            raise IncidentError("detected_at is in the future; give when the content was found")
        risk = incident.risk or next((e.risk for e in incident.evidence if e.risk), None)
        for code in {risk, *(e.risk for e in incident.evidence)} - {None}:
            if self.pack.risk(str(code)) is None:
                raise IncidentError(f"risk {code!r} is not a risk code of {self.pack.pack}")
        rule = self.rule
        record = Incident(
            id=new_incident_id(now),
            title=incident.title,
            status=IncidentStatus.OPEN,
            risk=risk,
            owner=incident.owner,
            source=incident.source,
            evidence=incident.evidence,
            model_version=incident.model_version,
            opened_at=now,
            opened_by=actor,
            detected_at=detected,
            deadlines=Deadlines(
                containment=detected + timedelta(hours=rule.containment_hours.value),
                report=detected + timedelta(hours=rule.report_hours.value),
                remediation=detected + timedelta(days=rule.remediation_days.value),
                policy={
                    "containment_hours": rule.containment_hours.value,
                    "report_hours": rule.report_hours.value,
                    "remediation_days": rule.remediation_days.value,
                },
            ),
        )
        detail = {
            "title": record.title,
            "source": record.source.model_dump(mode="json", exclude_defaults=True),
            "risk": risk,
            "evidence_sha256": [evidence_hash(e) for e in record.evidence],
            "owner": record.owner,
        }
        with self.engine.begin() as conn:
            seq, head = append_entry(conn, record.id, ts_us(now), actor, "opened", detail)
            conn.execute(
                t.incidents.insert().values(
                    id=record.id,
                    source_kind=record.source.kind.value,
                    opened_at=now,
                    **row_columns(record, now, seq, head),
                )
            )
        return record

    def assign(self, incident_id: str, owner: str, *, actor: str) -> Incident:
        """Make ``owner`` responsible for the incident."""
        if not owner.strip():
            raise IncidentError("the owner is empty")

        def change(current: Incident, now: datetime) -> Incident:
            not_closed(current)
            return current.model_copy(update={"owner": owner})

        return self._mutate(incident_id, actor, "assigned", {"owner": owner}, change)

    def add_evidence(self, incident_id: str, evidence: Evidence, *, actor: str) -> Incident:
        """Attach another conversation, answer or verdict."""
        if evidence.risk is not None and self.pack.risk(evidence.risk) is None:
            raise IncidentError(f"risk {evidence.risk!r} is not a risk code of {self.pack.pack}")

        def change(current: Incident, now: datetime) -> Incident:
            not_closed(current)
            return current.model_copy(update={"evidence": (*current.evidence, evidence)})

        detail = {
            "risk": evidence.risk,
            "item": evidence.item_id,
            "evidence_sha256": [evidence_hash(evidence)],
        }
        return self._mutate(incident_id, actor, "evidence_added", detail, change)

    def contain(
        self, incident_id: str, actions: Sequence[ContainmentIn], *, actor: str
    ) -> Incident:
        """Record containment measures; an open incident becomes contained."""
        if not actions:
            raise IncidentError(
                "name at least one measure (generation_stopped, transmission_stopped, "
                "content_removed, user_action, other)"
            )

        def change(current: Incident, now: datetime) -> Incident:
            not_closed(current)
            done = tuple(Containment(**a.model_dump(), at=now, actor=actor) for a in actions)
            status = (
                IncidentStatus.CONTAINED
                if current.status is IncidentStatus.OPEN
                else current.status
            )
            return current.model_copy(
                update={
                    "containment": (*current.containment, *done),
                    "contained_at": current.contained_at or now,
                    "status": status,
                }
            )

        detail = {"actions": [a.model_dump(mode="json", exclude_none=True) for a in actions]}
        return self._mutate(incident_id, actor, "contained", detail, change)

    def report(self, incident_id: str, report: AuthorityReportIn, *, actor: str) -> Incident:
        """Record the report to the competent authority (once)."""

        def change(current: Incident, now: datetime) -> Incident:
            not_closed(current)
            if current.report is not None:
                raise IncidentError(
                    f"incident {incident_id} was already reported ({current.report.reference}); "
                    "add a note for a follow-up"
                )
            if report.reported_on > now.date():
                raise IncidentError("reported_on is in the future")
            done = AuthorityReport(**report.model_dump(), at=now, actor=actor)
            return current.model_copy(update={"report": done})

        return self._mutate(incident_id, actor, "reported", report.model_dump(mode="json"), change)

    def waive_report(self, incident_id: str, reason: str, *, actor: str) -> Incident:
        """Record why no report to the authority is due (e.g. not illegal content)."""
        if len(reason.strip()) < 10:
            raise IncidentError("give the reason no report is due (at least 10 characters)")

        def change(current: Incident, now: datetime) -> Incident:
            not_closed(current)
            if current.report is not None:
                raise IncidentError(f"incident {incident_id} was reported; nothing to waive")
            return current.model_copy(update={"no_report_reason": reason})

        return self._mutate(incident_id, actor, "report_waived", {"reason": reason}, change)

    def remediate(self, incident_id: str, remediation: RemediationIn, *, actor: str) -> Incident:
        """Record a fix; the incident is then remediating (contain it first)."""

        def change(current: Incident, now: datetime) -> Incident:
            not_closed(current)
            if current.status is IncidentStatus.OPEN:
                raise IncidentError(
                    f"incident {incident_id} is not contained yet: record what stopped the "
                    f"content first (hegui incident contain {incident_id} ...)"
                )
            if remediation.model_version and remediation.model_version == current.model_version:
                raise IncidentError(
                    f"model version {remediation.model_version!r} is the one that produced the "
                    "content; name the fixed version"
                )
            step = Remediation(**remediation.model_dump(), at=now, actor=actor)
            return current.model_copy(
                update={
                    "remediation": (*current.remediation, step),
                    "status": IncidentStatus.REMEDIATING,
                }
            )

        detail = remediation.model_dump(mode="json", exclude_none=True)
        return self._mutate(incident_id, actor, "remediated", detail, change)

    def add_regression(
        self, incident_id: str, bank: str | os.PathLike[str], *, actor: str
    ) -> RegressionUpdate:
        """Add the incident's prompts to a regression bank (atomically) and link their ids."""
        check_actor(actor)
        current = self.get(incident_id)
        not_closed(current)
        path = str(Path(bank).resolve())
        if current.regression_bank and current.regression_bank != path:
            raise IncidentError(
                f"incident {incident_id} already has regression items in "
                f"{current.regression_bank}; use that bank"
            )
        items = regression_items(current)
        if not items:
            raise IncidentError(
                f"incident {incident_id} has no evidence with a conversation to ask again; "
                "add evidence with the prompt first"
            )
        added = add_regression_items(path, items, self.pack)

        def change(latest: Incident, now: datetime) -> Incident:
            ids = tuple(dict.fromkeys((*latest.regression_items, *added.item_ids)))
            return latest.model_copy(update={"regression_bank": path, "regression_items": ids})

        detail = {"bank": path, "items": list(added.item_ids), "bank_version": added.version}
        self._mutate(incident_id, actor, "regression_added", detail, change)
        return added

    def check_verifiable(self, incident_id: str) -> Incident:
        """The incident, when a regression run can be linked to it now; else an
        :class:`IncidentError` that says which step comes first."""
        current = self.get(incident_id)
        _ready_to_verify(current)
        return current

    async def verify(
        self,
        incident_id: str,
        config: ProjectConfig,
        *,
        actor: str,
        target: str | None = None,
        model_version: str | None = None,
    ) -> Incident:
        """Re-assess the regression bank through :mod:`hegui.assess` (``config``'s judges and
        store; ``target`` and ``model_version`` default to the config's and the fix's) and record
        the run with :meth:`record_verification`."""
        check_actor(actor)
        current = self.check_verifiable(incident_id)
        assert current.regression_bank is not None
        store = RunStore(config.store_url())
        try:
            outcome = await run_regression(
                config,
                store,
                current.regression_bank,
                target=target,
                model_version=model_version or current.fixed_model_version,
            )
            return self.record_verification(incident_id, outcome.run_id, store, actor=actor)
        finally:
            store.close()

    def record_verification(
        self, incident_id: str, run_id: str, store: RunStore, *, actor: str
    ) -> Incident:
        """Check a stored run's answers to the regression items and link it as evidence.

        The run passes when every regression item was answered by the fixed model version and
        every answer passes every judge that decided it (an undecided answer proves nothing).
        """
        current = self.check_verifiable(incident_id)
        result = check_run(store, run_id, current.regression_items, self.pack)
        passed, reason = proves_fix(current, result)

        def change(latest: Incident, now: datetime) -> Incident:
            if latest.status not in (IncidentStatus.REMEDIATING, IncidentStatus.VERIFYING):
                raise IncidentError(f"incident {incident_id} is {latest.status.value}")
            done = Verification(
                run_id=run_id,
                model_version=result.model_version,
                passed=passed,
                items=result.items,
                failed=result.failed,
                unscored=result.unscored,
                missing=result.missing,
                reason=reason,
                at=now,
                actor=actor,
            )
            return latest.model_copy(
                update={
                    "verifications": (*latest.verifications, done),
                    "status": IncidentStatus.VERIFYING,
                }
            )

        detail = {"run": run_id, "passed": passed, "reason": reason}
        return self._mutate(incident_id, actor, "verified", detail, change)

    def close(self, incident_id: str, *, actor: str, note: str = "") -> Incident:
        """Close the incident: contained, reported (or waived) and verified by a passing run."""

        def change(current: Incident, now: datetime) -> Incident:
            not_closed(current)
            latest = current.verification
            if latest is None or not latest.passed:
                why = f" (run {latest.run_id}: {latest.reason})" if latest else ""
                raise IncidentError(
                    f"incident {incident_id} has no passing regression run{why}; run "
                    f"hegui incident verify {incident_id} --target ... against the fixed model"
                )
            if current.contained_at is None:
                raise IncidentError(f"incident {incident_id} has no containment recorded")
            if current.report is None and current.no_report_reason is None:
                raise IncidentError(
                    f"incident {incident_id} has no report to the authority: record it "
                    f"(hegui incident report) or why none is due (hegui incident waive-report)"
                )
            return current.model_copy(
                update={"status": IncidentStatus.CLOSED, "closed_at": now, "closed_by": actor}
            )

        return self._mutate(incident_id, actor, "closed", {"note": note}, change)

    def note(self, incident_id: str, text: str, *, actor: str) -> Incident:
        """Add a note to the timeline (the incident itself is unchanged)."""
        if not text.strip():
            raise IncidentError("the note is empty")
        return self._mutate(incident_id, actor, "note", {"text": text}, lambda cur, _now: cur)

    def link_complaint(self, incident_id: str, complaint_id: str, *, actor: str) -> Incident:
        """Record that a complaint led to (or concerns) this incident."""

        def change(current: Incident, now: datetime) -> Incident:
            linked = tuple(dict.fromkeys((*current.complaints, complaint_id)))
            return current.model_copy(update={"complaints": linked})

        detail = {"complaint": complaint_id}
        return self._mutate(incident_id, actor, "complaint_linked", detail, change)


def _ready_to_verify(incident: Incident) -> None:
    if incident.status not in (IncidentStatus.REMEDIATING, IncidentStatus.VERIFYING):
        raise IncidentError(
            f"incident {incident.id} is {incident.status.value}; record the fix first "
            f"(hegui incident remediate {incident.id} ...)"
        )
    if not incident.regression_items or not incident.regression_bank:
        raise IncidentError(
            f"incident {incident.id} has no regression items: "
            f"hegui incident regress {incident.id} --bank BANK"
        )
