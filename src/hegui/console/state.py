"""What the console app holds for its lifetime: settings, stores, caches."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from hegui.console import tables as t
from hegui.console.accounts import AccountStore
from hegui.console.audit import AuditLog
from hegui.console.library import LibraryCache
from hegui.console.reportcache import ReportCache
from hegui.console.settings import ConsoleSettings
from hegui.console.throttle import Throttle
from hegui.errors import StoreError
from hegui.policy import Pack
from hegui.store import RunStore

if TYPE_CHECKING:
    from hegui.console.jobs import VerificationJobs
    from hegui.incidents import IncidentService
    from hegui.incidents.complaints import ComplaintDesk


@dataclass
class ConsoleState:
    """The stores and caches of one console app (``app.state.console``)."""

    settings: ConsoleSettings
    store: RunStore
    accounts: AccountStore
    audit: AuditLog
    reports: ReportCache
    library: LibraryCache
    throttle: Throttle = field(default_factory=Throttle)
    _gateway: Engine | None = None
    _incidents: IncidentService | None = None
    _desk: ComplaintDesk | None = None
    _verifications: VerificationJobs | None = None
    _packs: dict[str, Pack] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, settings: ConsoleSettings, accounts: AccountStore | None = None) -> ConsoleState:
        """Open the run store and create the console's tables in it."""
        store = RunStore(settings.resolved_store_url())
        try:
            t.create_tables(store.engine)
        except StoreError:
            store.close()
            raise
        return cls(
            settings=settings,
            store=store,
            accounts=accounts or AccountStore(store.engine),
            audit=AuditLog(store.engine),
            reports=ReportCache(store, settings.project),
            library=LibraryCache(settings.project),
        )

    @property
    def upload_bytes(self) -> int:
        """Largest request body accepted (the upload limit plus room for the form fields)."""
        return self.settings.upload_limit + 64 * 1024

    def pack(self, run_id: str) -> Pack:
        """The policy pack a run was made with (cached per run)."""
        from hegui.assess.session import run_pack

        with self._lock:
            if run_id not in self._packs:
                spec = self.store.get_run(run_id).spec
                self._packs[run_id] = run_pack(spec, self.settings.project)
            return self._packs[run_id]

    def gateway_engine(self) -> Engine:
        """The gateway's database (its tables are created when missing)."""
        from hegui.gateway.config import load_gateway_config, store_url
        from hegui.gateway.db import open_gateway_engine

        with self._lock:
            if self._gateway is None:
                project = self.settings.project
                url = (
                    store_url(load_gateway_config(project), project)
                    if project.gateway is not None
                    else self.settings.resolved_store_url()
                )
                self._gateway = open_gateway_engine(url)
            return self._gateway

    def incidents(self) -> IncidentService:
        """The incident service on the console's store (the project's pack and deadlines)."""
        from hegui.incidents import IncidentService

        with self._lock:
            if self._incidents is None:
                pack = self.settings.project.load_pack()
                self._incidents = IncidentService(self.store.engine, pack)
            return self._incidents

    def verifications(self) -> VerificationJobs:
        """Regression runs started from the console (run in a worker thread)."""
        from hegui.console.jobs import VerificationJobs

        with self._lock:
            if self._verifications is None:
                self._verifications = VerificationJobs(self.settings.project, self.incidents)
            return self._verifications

    def desk(self) -> ComplaintDesk:
        """The complaint desk on the gateway's store."""
        from hegui.incidents.complaints import ComplaintDesk

        with self._lock:
            if self._desk is None:
                self._desk = ComplaintDesk.from_config(self.settings.project)
            return self._desk

    def close(self) -> None:
        """Stop background work and release the databases."""
        self.reports.close()
        if self._verifications is not None:
            self._verifications.close()
        if self._desk is not None:
            self._desk.dispose()
        if self._gateway is not None:
            self._gateway.dispose()
        self.store.close()
