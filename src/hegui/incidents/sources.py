"""Opening incidents from what found the content: a gateway event, a complaint, an assessment
run's items, a corpus-audit record. Each builds an :class:`IncidentIn` that references the
original record (which stays where it is) and copies the evidence needed to ask again."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from hegui.assess.score import HUMAN, find_verdict, item_passed
from hegui.corpus.layout import AuditDir
from hegui.gateway import tables as gw
from hegui.gateway.complaints import Complaint
from hegui.gateway.eventlog import StoredEvent
from hegui.incidents._state import IncidentError
from hegui.incidents.records import Evidence, IncidentIn, IncidentSource, SourceKind
from hegui.policy import Pack
from hegui.records import RISK_CODE_PATTERN, Message
from hegui.store import RunStore


def from_run(
    store: RunStore, run_id: str, item_ids: Sequence[str], *, title: str | None = None
) -> IncidentIn:
    """An incident for answers of an assessment run: each item's conversation, answer and
    verdicts become evidence; the run's model version is the one to fix."""
    run_id = store.resolve_run_id(run_id)
    stored = store.get_run(run_id)
    if not item_ids:
        raise IncidentError(f"name the failed items of run {run_id} (or use the failed ones)")
    planned = {p.item.id: p for p in store.plan(run_id) if p.sample == 0}
    unknown = [i for i in item_ids if i not in planned]
    if unknown:
        raise IncidentError(f"run {run_id} has no item {', '.join(map(repr, unknown[:5]))}")
    answers = {a.item_id: a.response.text for a in store.attempts(run_id) if a.sample == 0}
    verdicts = store.verdicts(run_id, stored.judging)
    evidence = []
    for item_id in dict.fromkeys(item_ids):
        item = planned[item_id].item
        evidence.append(
            Evidence(
                messages=item.conversation(),
                answer=answers.get(item_id, ""),
                risk=item.risk,
                verdicts=tuple(verdicts.get((item_id, 0), ())),
                item_id=item_id,
                aspect=item.aspect,
                kind=item.kind,
            )
        )
    return IncidentIn(
        title=title or f"assessment run {run_id}: {len(evidence)} failed item(s)",
        source=IncidentSource(kind=SourceKind.ASSESSMENT, run_id=run_id, item_ids=tuple(item_ids)),
        evidence=tuple(evidence),
        model_version=stored.spec.model_version,
    )


def failed_items(store: RunStore, run_id: str, pack: Pack) -> list[str]:
    """The items of a run with an answer that failed an automated judge (first sample)."""
    run_id = store.resolve_run_id(run_id)
    stored = store.get_run(run_id)
    verdicts = store.verdicts(run_id, stored.judging)
    found: list[str] = []
    for p in store.plan(run_id):
        answers = verdicts.get(p.key, ())
        for req in pack.assessment:
            judge = stored.spec.methods.get(req.method)
            if req.kind is not p.item.kind or judge in (None, HUMAN):
                continue
            verdict = find_verdict(answers, str(judge))
            if verdict is not None and item_passed(req, verdict) is False:
                found.append(p.item.id)
                break
    return list(dict.fromkeys(found))


def from_gateway_event(
    engine: Engine,
    event_id: str,
    *,
    content: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> IncidentIn:
    """An incident for a gateway block or flag, by event id ``<chain_id>:<seq>``.

    Events hold no content; pass the retained content (``Admin.content(request_id)``:
    ``{"input", "output"}``) to keep the conversation as evidence.
    """
    chain_id, _, seq_text = event_id.rpartition(":")
    if not chain_id or not seq_text.isdigit():
        raise IncidentError(f"{event_id!r} is not an event id <chain>:<seq> (see hegui log)")
    with engine.connect() as conn:
        row = conn.execute(
            select(gw.events).where(
                gw.events.c.chain_id == chain_id, gw.events.c.seq == int(seq_text)
            )
        ).first()
    if row is None:
        raise IncidentError(f"no gateway event {event_id!r} in the store")
    event = StoredEvent.from_row(row)
    risk = _event_risk(event.detail)
    evidence: tuple[Evidence, ...] = ()
    if content and (content.get("input") or content.get("output")):
        question = str(content.get("input") or "")
        messages = (Message(role="user", content=question),) if question else ()
        evidence = (
            Evidence(messages=messages, answer=str(content.get("output") or ""), risk=risk),
        )
    return IncidentIn(
        title=title or f"gateway {event.action or event.kind} of request {event.request_id}",
        source=IncidentSource(kind=SourceKind.GATEWAY, event=event_id, request_id=event.request_id),
        evidence=evidence,
        risk=risk,
    )


def event_of_request(engine: Engine, request_id: str) -> str:
    """The event id (``<chain_id>:<seq>``) of a gateway request, from its ``X-Request-Id``."""
    with engine.connect() as conn:
        row = conn.execute(
            select(gw.events.c.chain_id, gw.events.c.seq)
            .where(gw.events.c.request_id == request_id, gw.events.c.kind == "request")
            .order_by(gw.events.c.ts_us.desc())
            .limit(1)
        ).first()
    if row is None:
        raise IncidentError(f"no gateway request {request_id!r} in the event log")
    return f"{row.chain_id}:{row.seq}"


def from_complaint(complaint: Complaint, *, risk: str | None = None) -> IncidentIn:
    """An incident for a complaint that turned out to be warranted."""
    return IncidentIn(
        title=f"complaint {complaint.id}: {complaint.description[:120]}",
        source=IncidentSource(
            kind=SourceKind.COMPLAINT,
            complaint_id=complaint.id,
            request_id=complaint.request_id,
        ),
        risk=risk,
    )


def from_corpus_record(
    audit: str | Path,
    record_id: str,
    *,
    risk: str | None = None,
    title: str | None = None,
    text: str | None = None,
) -> IncidentIn:
    """An incident for a training-data record found by a corpus audit.

    The record's text and flags are looked up in the audit's review sample; a record outside
    the sample needs its ``text`` given.
    """
    folder = AuditDir(Path(audit))
    if not folder.root.is_dir():
        raise IncidentError(f"{folder.root} is not a corpus-audit folder")
    entry: dict[str, Any] = {"text": text or ""}
    if folder.review_sample.is_file():
        entry = _find_record(folder.review_sample, record_id, text)
    elif text is None:
        raise IncidentError(
            f"{folder.review_sample} not found: give the record's text, or the folder of a "
            "finished corpus audit"
        )
    flags = [str(f) for f in entry.get("flags", [])]
    found_risk = risk or next(
        (
            f.split(":", 1)[1]
            for f in flags
            if ":" in f and RISK_CODE_PATTERN.match(f.split(":")[1])
        ),
        None,
    )
    evidence = Evidence(answer=str(entry.get("text", "")), risk=found_risk, note=", ".join(flags))
    return IncidentIn(
        title=title or f"corpus record {record_id} ({entry.get('source', '?')})",
        source=IncidentSource(kind=SourceKind.CORPUS, audit=str(folder.root), record=record_id),
        evidence=(evidence,) if evidence.answer else (),
        risk=found_risk,
    )


def _find_record(path: Path, record_id: str, text: str | None) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                raise IncidentError(f"{path}, line {number}: not valid JSON") from None
            if isinstance(entry, dict) and record_id in (entry.get("id"), entry.get("key")):
                return entry
    if text is not None:
        return {"text": text}
    raise IncidentError(
        f"record {record_id!r} is not in the audit's review sample ({path}); give its text"
    )


def _event_risk(detail: Mapping[str, Any]) -> str | None:
    for stage in ("output", "input"):
        part = detail.get(stage)
        if isinstance(part, dict) and isinstance(part.get("risk"), str):
            return str(part["risk"])
    return None
