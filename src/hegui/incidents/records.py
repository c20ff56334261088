"""Incident records: what happened, what was done about it, and by when it had to be done.

Inputs to the service end in ``In`` (what a person or the console submits); the stored
:class:`Incident` is built by :class:`~hegui.incidents.IncidentService` only.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hegui.records import RISK_CODE_PATTERN, ItemKind, Message, Verdict

_ID_PATTERN = r"^[A-Za-z0-9_.:\-]+$"


class IncidentStatus(StrEnum):
    """Where an incident stands: open → contained → remediating → verifying → closed."""

    OPEN = "open"
    CONTAINED = "contained"
    """Generation and transmission stopped, the content removed."""
    REMEDIATING = "remediating"
    """A fix is being made (keyword library, judge or threshold, model version)."""
    VERIFYING = "verifying"
    """A re-assessment of the regression items ran; closing needs one that passed."""
    CLOSED = "closed"


class SourceKind(StrEnum):
    """Where an incident came from."""

    GATEWAY = "gateway"
    """A gateway block or flag: references the event (``chain:seq``) and the request id."""
    COMPLAINT = "complaint"
    """A complaint (``cmp_…``)."""
    ASSESSMENT = "assessment"
    """Failed items of an assessment run: the run id and item ids."""
    CORPUS = "corpus"
    """A corpus-audit finding: the audit folder and the record id."""
    MANUAL = "manual"
    """Opened by hand."""


class IncidentSource(BaseModel):
    """The reference to what opened the incident (the records themselves stay where they are)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: SourceKind
    event: str | None = None
    """Gateway event id ``<chain_id>:<seq>`` (``hegui log``)."""
    request_id: str | None = None
    complaint_id: str | None = None
    run_id: str | None = None
    item_ids: tuple[str, ...] = ()
    audit: str | None = None
    """Corpus-audit output folder."""
    record: str | None = None
    """Corpus record id (``source/shard/line`` as the audit reports it)."""

    @model_validator(mode="after")
    def _references(self) -> IncidentSource:
        needed = {
            SourceKind.GATEWAY: ("event or request_id", self.event or self.request_id),
            SourceKind.COMPLAINT: ("complaint_id", self.complaint_id),
            SourceKind.ASSESSMENT: ("run_id and item_ids", self.run_id and self.item_ids),
            SourceKind.CORPUS: ("audit and record", self.audit and self.record),
        }
        if self.kind in needed and not needed[self.kind][1]:
            raise ValueError(f"a {self.kind.value} incident needs {needed[self.kind][0]}")
        return self


class Evidence(BaseModel):
    """One bad output: the conversation, the answer, the verdicts and the risk."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    messages: tuple[Message, ...] = ()
    """The conversation that led to the answer, ending with the user's turn (empty for a
    corpus record, which has no question)."""
    answer: str = ""
    """The generated content (or the corpus text) that was inappropriate."""
    risk: str | None = None
    """GB/T 45654 Appendix A code."""
    verdicts: tuple[Verdict, ...] = ()
    item_id: str | None = None
    """The bank item, for evidence from an assessment run."""
    aspect: str | None = None
    """The should-not-refuse aspect of that item (over-refusal evidence)."""
    kind: ItemKind = ItemKind.GENERATION
    """How the regression item judges the next answer: acceptable (generation) or refused."""
    note: str = ""

    @model_validator(mode="after")
    def _shape(self) -> Evidence:
        if self.risk is not None and not RISK_CODE_PATTERN.match(self.risk):
            raise ValueError(f"{self.risk!r} is not a risk code like A.1.4")
        if self.messages and self.messages[-1].role != "user":
            raise ValueError("'messages' must end with the user's turn")
        if not self.messages and not self.answer:
            raise ValueError("evidence needs the conversation, the answer, or both")
        return self

    @property
    def question(self) -> str | None:
        """The last user turn, when there is a conversation."""
        return self.messages[-1].content if self.messages else None


class IncidentIn(BaseModel):
    """What is needed to open an incident."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    source: IncidentSource
    evidence: tuple[Evidence, ...] = ()
    risk: str | None = None
    """The main risk code (defaults to the first evidence's)."""
    owner: str | None = Field(default=None, max_length=128)
    model_version: str | None = None
    """The model version that produced the content (the fix must be a different one)."""
    detected_at: datetime | None = None
    """When the content was found (deadlines run from here; default: now)."""


class ContainmentAction(StrEnum):
    """Measures of IM Art. 14 against the content and the user."""

    GENERATION_STOPPED = "generation_stopped"
    TRANSMISSION_STOPPED = "transmission_stopped"
    CONTENT_REMOVED = "content_removed"
    USER_ACTION = "user_action"
    """Warning, limit or suspension of the user (record the gateway enforcement id)."""
    OTHER = "other"


class ContainmentIn(BaseModel):
    """One containment measure taken."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: ContainmentAction
    detail: str = Field(min_length=1, max_length=2000)
    user_id: str | None = None
    """The gateway user acted against (for ``user_action``)."""


class Containment(ContainmentIn):
    """A containment measure as recorded."""

    at: datetime
    actor: str


class AuthorityReportIn(BaseModel):
    """The report to the competent authority (IM Art. 14)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    authority: str = Field(min_length=1, max_length=200)
    """E.g. 省网信办."""
    reference: str = Field(min_length=1, max_length=200)
    """The authority's or your filing reference."""
    reported_on: date


class AuthorityReport(AuthorityReportIn):
    """The report as recorded."""

    at: datetime
    actor: str


class RemediationIn(BaseModel):
    """What was changed so the content is not generated again; at least one change."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = Field(min_length=1, max_length=5000)
    keyword_library_version: str | None = None
    judge_change: str | None = None
    """A judge or threshold change, e.g. ``gateway output scanner harm threshold 0.5 → 0.3``."""
    model_version: str | None = None
    """The fixed model version; verification runs must be made against it."""


class Remediation(RemediationIn):
    """A remediation step as recorded."""

    at: datetime
    actor: str


class Verification(BaseModel):
    """A re-assessment of the incident's regression items."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str
    model_version: str | None
    passed: bool
    items: int
    """Regression items in the run."""
    failed: tuple[str, ...] = ()
    unscored: tuple[str, ...] = ()
    """Items no judge could decide (they do not prove the fix)."""
    missing: tuple[str, ...] = ()
    """Regression items the run did not answer."""
    reason: str = ""
    at: datetime
    actor: str


class Deadlines(BaseModel):
    """When each step is due, fixed at opening from the policy pack."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    containment: datetime
    report: datetime
    remediation: datetime
    policy: dict[str, float] = Field(default_factory=dict)
    """The pack values used (hours and days), recorded so later policy changes are traceable."""


class Incident(BaseModel):
    """An incident with everything done about it (the timeline holds who did what, when)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    status: IncidentStatus
    risk: str | None
    owner: str | None
    source: IncidentSource
    evidence: tuple[Evidence, ...]
    model_version: str | None
    opened_at: datetime
    opened_by: str
    detected_at: datetime
    deadlines: Deadlines
    containment: tuple[Containment, ...] = ()
    contained_at: datetime | None = None
    report: AuthorityReport | None = None
    no_report_reason: str | None = None
    remediation: tuple[Remediation, ...] = ()
    regression_bank: str | None = None
    regression_items: tuple[str, ...] = ()
    verifications: tuple[Verification, ...] = ()
    complaints: tuple[str, ...] = ()
    """Complaints linked to the incident (``cmp_…``)."""
    closed_at: datetime | None = None
    closed_by: str | None = None

    @property
    def verification(self) -> Verification | None:
        """The latest verification run."""
        return self.verifications[-1] if self.verifications else None

    @property
    def fixed_model_version(self) -> str | None:
        """The model version named by the latest remediation step that names one."""
        versions = [r.model_version for r in self.remediation if r.model_version]
        return versions[-1] if versions else None

    def overdue(self, now: datetime) -> list[OverdueItem]:
        """The steps past their deadline and not done at ``now``."""
        if self.status is IncidentStatus.CLOSED:
            return []
        due: list[tuple[str, datetime, bool]] = [
            ("containment", self.deadlines.containment, self.contained_at is not None),
            (
                "report",
                self.deadlines.report,
                self.report is not None or self.no_report_reason is not None,
            ),
            ("remediation", self.deadlines.remediation, False),
        ]
        return [
            OverdueItem(
                ref=self.id,
                title=self.title,
                step=step,
                due=when,
                status=self.status.value,
                owner=self.owner,
                hours_overdue=round((now - when).total_seconds() / 3600, 1),
            )
            for step, when, done in due
            if not done and now > when
        ]


class OverdueItem(BaseModel):
    """One step of an incident (or a complaint's feedback) past its deadline."""

    model_config = ConfigDict(frozen=True)

    ref: str
    """The incident id (``inc-…``) or complaint id (``cmp_…``)."""
    title: str
    step: str
    """``containment``, ``report``, ``remediation`` or ``complaint_feedback``."""
    due: datetime
    status: str
    owner: str | None
    hours_overdue: float


class TimelineEvent(BaseModel):
    """One entry of an incident's append-only, hash-chained timeline."""

    model_config = ConfigDict(frozen=True)

    incident_id: str
    seq: int
    at: datetime
    actor: str
    action: str
    """``opened``, ``assigned``, ``contained``, ``reported``, ``remediated``, ``regression_added``,
    ``verified``, ``closed``, ``note``, ``complaint_linked``."""
    detail: dict[str, Any]
    hash: str


__all__ = [
    "AuthorityReport",
    "AuthorityReportIn",
    "Containment",
    "ContainmentAction",
    "ContainmentIn",
    "Deadlines",
    "Evidence",
    "Incident",
    "IncidentIn",
    "IncidentSource",
    "IncidentStatus",
    "OverdueItem",
    "Remediation",
    "RemediationIn",
    "SourceKind",
    "TimelineEvent",
    "Verification",
]
