"""Coverage of the project's banks and keyword libraries, cached until a file changes."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from hegui.banks import BankCoverage, check_banks, load_banks
from hegui.config import ProjectConfig
from hegui.errors import HeguiError
from hegui.text import check_coverage, load_library
from hegui.text.coverage import CoverageReport


@dataclass(frozen=True, slots=True)
class LibraryStatus:
    """Bank coverage and keyword-library coverage of a project (or why they could not load)."""

    banks: BankCoverage | None
    bank_error: str | None
    libraries: tuple[CoverageReport, ...]
    library_errors: tuple[str, ...]
    bank_paths: tuple[str, ...]
    library_paths: tuple[str, ...]


def _stamp(paths: list[Path]) -> tuple[tuple[str, float], ...]:
    return tuple((str(p), p.stat().st_mtime if p.exists() else -1.0) for p in paths)


class LibraryCache:
    """:func:`check_banks` and :func:`check_coverage` of the project's files, recomputed only
    when a file's modification time changes."""

    def __init__(self, project: ProjectConfig) -> None:
        self.project = project
        self._key: tuple[tuple[str, float], ...] | None = None
        self._status: LibraryStatus | None = None
        self._lock = threading.Lock()

    def status(self) -> LibraryStatus:
        """The current coverage."""
        banks = [self.project.resolve(b) for b in self.project.banks]
        libraries = [self.project.resolve(k) for k in self.project.keywords]
        key = _stamp(banks + libraries)
        with self._lock:
            if self._status is None or key != self._key:
                self._status = self._compute(banks, libraries)
                self._key = key
            return self._status

    def _compute(self, banks: list[Path], libraries: list[Path]) -> LibraryStatus:
        pack = self.project.load_pack()
        coverage, bank_error = None, None
        if banks:
            try:
                coverage = check_banks(load_banks(banks, pack), pack)
            except HeguiError as exc:
                bank_error = str(exc)
        reports, errors = [], []
        for path in libraries:
            try:
                reports.append(check_coverage(load_library(path, pack=pack), pack))
            except HeguiError as exc:
                errors.append(str(exc))
        return LibraryStatus(
            banks=coverage,
            bank_error=bank_error,
            libraries=tuple(reports),
            library_errors=tuple(errors),
            bank_paths=tuple(str(p) for p in banks),
            library_paths=tuple(str(p) for p in libraries),
        )
