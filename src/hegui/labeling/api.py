"""Read, write and propagate implicit labels on files of any supported format."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from hegui.labeling._io import atomic_output
from hegui.labeling.codes import provider_code_problems
from hegui.labeling.containers import Found, container_for
from hegui.labeling.containers.text import SidecarContainer, sidecar_path
from hegui.labeling.errors import InvalidLabelError, LabelError
from hegui.labeling.formats import Format, detect_format
from hegui.labeling.model import (
    AigcLabel,
    CodePolicy,
    LabelValue,
    ParsedLabel,
    Severity,
    make_label,
    parse_label,
    validate_label,
)


@dataclass(frozen=True)
class StoredLabel:
    """One label copy found in a file, with what parsing made of it."""

    location: str
    parsed: ParsedLabel


def read_labels(path: Path | str) -> tuple[Format, list[StoredLabel]]:
    """The file's format and every label copy in it, valid or not.

    Raises:
        LabelError: the file is missing, unsupported (:class:`UnsupportedFormatError`) or corrupt
            (:class:`CorruptFileError`).
    """
    path = Path(path)
    fmt = detect_format(path)
    return fmt, _read(fmt, path)


def _read(fmt: Format, path: Path) -> list[StoredLabel]:
    try:
        found = container_for(fmt).read(path)
    except LabelError as exc:
        if exc.path is None:
            raise type(exc)(str(exc), path=path) from None
        raise
    except OSError as exc:
        raise LabelError(f"cannot read: {exc.strerror}", path=path) from None
    return [StoredLabel(f.location, parse_label(f.value)) for f in found]


def read_label(path: Path | str) -> AigcLabel | None:
    """The file's implicit label, or None when it has none.

    Raises:
        InvalidLabelError: there is more than one copy, or the copy is malformed.
        LabelError: the file cannot be read (see :func:`read_labels`).
    """
    path = Path(path)
    _, copies = read_labels(path)
    if not copies:
        return None
    if len(copies) > 1:
        where = ", ".join(c.location for c in copies)
        raise InvalidLabelError(
            f"{len(copies)} label copies ({where}); GB 45438 allows one", path=path
        )
    parsed = copies[0].parsed
    if parsed.label is None:
        problem = parsed.issues[0].message if parsed.issues else "unreadable"
        raise InvalidLabelError(f"malformed AIGC label: {problem}", path=path)
    return parsed.label


def write_label(
    path: Path | str,
    label: AigcLabel,
    out: Path | str | None = None,
    *,
    policy: CodePolicy | None = None,
) -> Path:
    """Write ``label`` as the file's single implicit label; return the labelled file's path.

    ``out`` defaults to ``path`` (in place). Any existing copy is replaced. The result is written to
    a temporary file, read back and checked, then renamed over the target, so the input is never
    left half-written. Media data is copied, never re-encoded. For plain text the label goes to
    the sidecar ``<out>.aigc.json``.

    Raises:
        InvalidLabelError: ``label`` fails :func:`validate_label` under ``policy``.
        LabelError: the file is unsupported or corrupt, or cannot be written.
    """
    errors = [i for i in validate_label(label, policy) if i.severity is Severity.ERROR]
    if errors:
        raise InvalidLabelError(f"label not written: {errors[0].message}", path=path)
    return _write(Path(path), label, Path(out) if out is not None else None)


def _write(path: Path, label: AigcLabel, out: Path | None) -> Path:
    fmt = detect_format(path)
    container = container_for(fmt)
    target = out or path
    try:
        if isinstance(container, SidecarContainer):
            if target.resolve() != path.resolve():
                with atomic_output(target, like=path) as tmp:
                    shutil.copyfile(path, tmp)
            with atomic_output(sidecar_path(target)) as tmp:
                container.write(path, tmp, label)
                _check_written(container.read_sidecar(tmp), label, target)
            return target
        with atomic_output(target, like=path) as tmp:
            container.write(path, tmp, label)
            _check_written(container.read(tmp), label, target)
    except LabelError as exc:
        if exc.path is None:
            raise type(exc)(str(exc), path=path) from None
        raise
    except OSError as exc:
        raise LabelError(f"cannot write: {exc.strerror or exc}", path=target) from None
    return target


def _check_written(found: list[Found], label: AigcLabel, target: Path) -> None:
    # REQ "after every write, read back and validate": exactly one copy, equal to what was meant.
    values = [f.value for f in found]
    parsed = [parse_label(v).label for v in values]
    if parsed != [label]:
        raise LabelError(
            f"internal: read-back found {len(values)} copies / different values; nothing written",
            path=target,
        )


def propagate(
    path: Path | str,
    propagator: str,
    propagate_id: str,
    out: Path | str | None = None,
    *,
    label_if_missing: LabelValue | str | None = None,
    policy: CodePolicy | None = None,
) -> AigcLabel:
    """Platform mode (LM Art. 6): set only ``ContentPropagator`` and ``PropagateID``.

    The other five elements are kept exactly as found. When the file has no label,
    ``label_if_missing`` (``2`` user declared, ``3`` traces detected; see
    :func:`hegui.labeling.decide_label`) creates one with empty producer fields; without it a
    missing label is an error. Returns the label written.

    Raises:
        InvalidLabelError: the propagator code is invalid, or the existing label is malformed or
            duplicated (a platform must not silently rewrite a producer's fields).
        LabelError: no label and no ``label_if_missing``; unreadable or unsupported file.
    """
    path = Path(path)
    policy = policy or CodePolicy()
    problems = provider_code_problems(propagator)
    if problems and policy.require_provider_code:
        raise InvalidLabelError(f"invalid propagator code {propagator!r}: {problems[0]}")
    existing = read_label(path)
    if existing is None:
        if label_if_missing is None:
            raise LabelError(
                "no implicit label to propagate; say whether the user declared AI content "
                "(Label 2) or traces were detected (Label 3)",
                path=path,
            )
        existing = make_label(Label=str(label_if_missing))
        if existing.label is LabelValue.AI_GENERATED:
            raise InvalidLabelError("a platform cannot create Label 1 without the producer's label")
    new = existing.with_propagation(propagator, propagate_id)
    _write(path, new, Path(out) if out is not None else None)
    return new
