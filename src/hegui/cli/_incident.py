"""Options and helpers shared by the ``hegui incident`` commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from hegui.cli._common import out
from hegui.config import load_config
from hegui.gateway.admin import default_actor
from hegui.incidents import Incident, IncidentError, IncidentService

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="hegui.yaml (default: ./hegui.yaml).")
]
ActorOption = Annotated[
    str | None, typer.Option("--actor", help="Who acts (recorded; default cli:<login>).")
]
IdArgument = Annotated[str, typer.Argument(help="The incident id (inc-…).")]

M = TypeVar("M", bound=BaseModel)


def build(model: type[M], **values: Any) -> M:
    """A record from options; a validation error names the option and what is wrong."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or model.__name__
        message = str(first["msg"]).removeprefix("Value error, ")
        raise IncidentError(f"{where.replace('_', '-')}: {message}") from None


@contextmanager
def service_of(config_path: Path | None) -> Iterator[IncidentService]:
    """The incident service of the project (hegui.yaml), disposed of when the block ends."""
    service = IncidentService.from_config(load_config(config_path))
    try:
        yield service
    finally:
        service.dispose()


def actor_name(actor: str | None) -> str:
    """The ``--actor`` given, else ``cli:<login>``."""
    return actor or default_actor()


def print_incident(incident: Incident, verb: str) -> None:
    """One line: the incident, what was done, its status."""
    out.print(f"incident [bold]{incident.id}[/] {verb} — status {incident.status.value}")
