"""Where a bank row lives, and the collected validation problems of bank files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hegui.errors import BankError

MAX_PROBLEMS = 20
"""How many problems a :class:`BankValidationError` lists; the rest are only counted."""


@dataclass(frozen=True)
class Location:
    """A place in a bank file as the user sees it: JSONL line, or sheet and spreadsheet row."""

    path: str
    row: int | None = None
    """1-based; tables count the header as row 1, JSONL counts lines."""
    sheet: str | None = None
    unit: Literal["row", "line"] = "row"
    sheet_index: int = 0
    """Position of the sheet in its workbook (orders problems as the file does; not shown)."""

    def __str__(self) -> str:
        parts = [self.path]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"{self.unit} {self.row}")
        return ", ".join(parts)


@dataclass(frozen=True)
class BankProblem:
    """One thing wrong with a bank file."""

    location: Location
    field: str | None
    """The column or key as written in the file (``测试题``, ``prompt``)."""
    message: str

    def __str__(self) -> str:
        field = f", field {self.field!r}" if self.field else ""
        return f"{self.location}{field}: {self.message}"


class BankValidationError(BankError):
    """Bank rows failed validation; ``problems`` lists the first :data:`MAX_PROBLEMS` of them.

    ``path``, ``row`` and ``field`` are those of the first problem; ``total`` counts them all.
    """

    def __init__(self, problems: Sequence[BankProblem], total: int | None = None) -> None:
        if not problems:
            raise ValueError("BankValidationError needs at least one problem")
        self.problems = tuple(problems)
        self.total = max(total or 0, len(self.problems))
        first = self.problems[0]
        if self.total == 1:
            message = str(first)
        else:
            paths = sorted({p.location.path for p in self.problems})
            lines = [f"{self.total} problems in {', '.join(paths)}:"]
            lines += [f"  {p}" for p in self.problems]
            if self.total > len(self.problems):
                lines.append(f"  … and {self.total - len(self.problems)} more")
            message = "\n".join(lines)
        # The message is already complete; BankError.__init__ would prefix the path again.
        Exception.__init__(self, message)
        self.path = first.location.path
        self.row = first.location.row
        self.field = first.field


class Problems:
    """Collects problems across rows so a user sees them together, not one per run."""

    def __init__(self, cap: int = MAX_PROBLEMS) -> None:
        self.cap = cap
        self.found: list[BankProblem] = []
        self.total = 0

    def add(self, location: Location, field: str | None, message: str) -> None:
        self.total += 1
        if len(self.found) < self.cap:
            self.found.append(BankProblem(location, field, message))

    def raise_if_any(self) -> None:
        if self.total:
            # Reading finds file-level problems before row problems; show them in file order.
            order = sorted(self.found, key=_position)
            raise BankValidationError(order, self.total)


def _position(problem: BankProblem) -> tuple[str, int, int]:
    where = problem.location
    return (where.path, where.sheet_index, where.row or 0)
