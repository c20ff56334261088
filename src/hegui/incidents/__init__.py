"""Incidents and complaints: illegal content found → stopped → fixed within the deadline →
proven by a regression run (IM Art. 14-15, REQ-GAI-12/14; docs/incidents.md).

>>> from hegui.config import load_config
>>> service = IncidentService.from_config(load_config())   # doctest: +SKIP
>>> service.overdue()                                       # doctest: +SKIP
[]
"""

from hegui.incidents._state import IncidentError, open_incident_engine
from hegui.incidents.records import (
    AuthorityReport,
    AuthorityReportIn,
    Containment,
    ContainmentAction,
    ContainmentIn,
    Deadlines,
    Evidence,
    Incident,
    IncidentIn,
    IncidentSource,
    IncidentStatus,
    OverdueItem,
    Remediation,
    RemediationIn,
    SourceKind,
    TimelineEvent,
    Verification,
)
from hegui.incidents.service import IncidentService
from hegui.incidents.store import IncidentStore
from hegui.incidents.timeline import TimelineCheck
from hegui.incidents.verify import RunCheck, check_run, regression_items, run_regression

__all__ = [
    "AuthorityReport",
    "AuthorityReportIn",
    "Containment",
    "ContainmentAction",
    "ContainmentIn",
    "Deadlines",
    "Evidence",
    "Incident",
    "IncidentError",
    "IncidentIn",
    "IncidentService",
    "IncidentSource",
    "IncidentStatus",
    "IncidentStore",
    "OverdueItem",
    "Remediation",
    "RemediationIn",
    "RunCheck",
    "SourceKind",
    "TimelineCheck",
    "TimelineEvent",
    "Verification",
    "check_run",
    "open_incident_engine",
    "regression_items",
    "run_regression",
]
