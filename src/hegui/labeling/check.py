"""Verification for platforms (LM Art. 6): is a file labelled, validly, and what must be done.

:func:`check_file` reports the implicit label (present, valid, why not, parsed fields), looks for an
explicit label where a heuristic exists (image corner text, video opening frames, the audio Morse
cue, a text prefix/suffix/corner mark), summarises any C2PA manifest, and applies
:func:`decide_label`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hegui.errors import HeguiError, MissingExtraError
from hegui.labeling.api import read_labels
from hegui.labeling.c2pa import C2paSummary, summarize_c2pa
from hegui.labeling.errors import LabelError, ToolMissingError
from hegui.labeling.formats import Format
from hegui.labeling.model import (
    AigcLabel,
    CodePolicy,
    Issue,
    LabelValue,
    Severity,
    validate_label,
)

NOTICES = {
    LabelValue.AI_GENERATED: "该内容为人工智能生成",
    LabelValue.POSSIBLY: "该内容可能为人工智能生成",
    LabelValue.SUSPECTED: "该内容疑似为人工智能生成",
}
"""Prominent notices a platform shows next to the content (LM Art. 6 (1)–(3)); wording is ours."""


class PlatformDecision(BaseModel):
    """What LM Art. 6 asks a propagation platform to do with one piece of content."""

    model_config = ConfigDict(frozen=True)

    label: LabelValue
    reason: Literal["metadata", "user-declared", "traces-detected"]
    notice: str
    """Text for the prominent notice around the content."""
    write_propagation: bool = True
    """Art. 6: in all three cases the platform adds its propagation elements to the metadata."""


def decide_label(
    metadata: AigcLabel | None,
    *,
    user_declared: bool = False,
    traces_detected: bool = False,
) -> PlatformDecision | None:
    """LM Art. 6 as a function. Returns None when nothing indicates AI generation.

    (1) a valid implicit label → its ``Label`` (a provider's own label is 1); (2) no label, but the
    user declares the content AI-generated → 2; (3) neither, but explicit labels or other traces
    are detected → 3. When several apply, the strongest (lowest number) wins. The mapping of the
    three cases to Label 1/2/3 is our reading of the measures (regulation.md §3.6).
    """
    candidates: list[
        tuple[LabelValue, Literal["metadata", "user-declared", "traces-detected"]]
    ] = []
    if metadata is not None:
        candidates.append((metadata.label, "metadata"))
    if user_declared:
        candidates.append((LabelValue.POSSIBLY, "user-declared"))
    if traces_detected:
        candidates.append((LabelValue.SUSPECTED, "traces-detected"))
    if not candidates:
        return None
    label, reason = min(candidates, key=lambda c: c[0].value)
    return PlatformDecision(label=label, reason=reason, notice=NOTICES[label])


class ImplicitReport(BaseModel):
    """The implicit (metadata) label of one file."""

    present: bool
    valid: bool
    copies: int
    locations: list[str] = Field(default_factory=list)
    fields: dict[str, Any] | None = None
    """The first copy's decoded elements, in file order."""
    wrapper: str | None = None
    """``inner`` (key AIGC holds the object) or ``appendix-e`` (``{"AIGC":{…}}``)."""
    issues: list[Issue] = Field(default_factory=list)


class ExplicitReport(BaseModel):
    """The explicit label, as far as a heuristic can tell."""

    method: str
    """``image-corner``, ``video-opening``, ``audio-morse`` or ``text-edge``."""
    detected: bool | None
    """None when the check could not run (see ``note``)."""
    details: dict[str, Any] = Field(default_factory=dict)
    note: str | None = None


class FileCheck(BaseModel):
    """The result of :func:`check_file`."""

    path: str
    format: Format | None = None
    ok: bool = False
    """Implicit label present and valid (and explicit label detected, when required)."""
    error: str | None = None
    """Set when the file could not be checked at all (missing, unsupported, corrupt)."""
    implicit: ImplicitReport | None = None
    explicit: ExplicitReport | None = None
    c2pa: C2paSummary | None = None
    """The C2PA manifest (JPEG, PNG, WebP); informational, it does not affect ``ok``."""
    decision: PlatformDecision | None = None


def check_file(
    path: Path | str,
    *,
    policy: CodePolicy | None = None,
    explicit: bool = True,
    require_explicit: bool = False,
    user_declared: bool = False,
) -> FileCheck:
    """Check one file's labels; never raises for bad files (see ``FileCheck.error``)."""
    path = Path(path)
    report = FileCheck(path=str(path))
    try:
        fmt, copies = read_labels(path)
    except HeguiError as exc:
        report.error = str(exc)
        return report
    report.format = fmt
    report.implicit = _implicit(copies, policy)
    if explicit:
        report.explicit = _explicit(path, fmt)
    report.c2pa = summarize_c2pa(path, fmt)
    metadata = _valid_label(copies) if report.implicit.valid else None
    traces = bool(report.explicit and report.explicit.detected)
    report.decision = decide_label(metadata, user_declared=user_declared, traces_detected=traces)
    report.ok = report.implicit.valid and (not require_explicit or traces)
    return report


def _valid_label(copies: list[Any]) -> AigcLabel | None:
    label = copies[0].parsed.label if copies else None
    return label if isinstance(label, AigcLabel) else None


def _implicit(copies: list[Any], policy: CodePolicy | None) -> ImplicitReport:
    if not copies:
        return ImplicitReport(
            present=False,
            valid=False,
            copies=0,
            issues=[Issue(code="missing", severity=Severity.ERROR, message="no AIGC label found")],
        )
    first = copies[0].parsed
    issues = list(first.issues)
    if first.label is not None:
        issues += validate_label(first.label, policy)
    if len(copies) > 1:
        where = ", ".join(c.location for c in copies)
        issues.append(
            Issue(
                code="copies",
                severity=Severity.ERROR,
                message=f"{len(copies)} label copies ({where}); GB 45438 §6.1 c) allows one",
            )
        )
    valid = first.label is not None and not any(i.severity is Severity.ERROR for i in issues)
    return ImplicitReport(
        present=True,
        valid=valid,
        copies=len(copies),
        locations=[c.location for c in copies],
        fields=first.fields,
        wrapper=first.wrapper,
        issues=issues,
    )


def _explicit(path: Path, fmt: Format) -> ExplicitReport | None:
    try:
        if fmt.kind == "image":
            from hegui.labeling.explicit.detect_image import detect_corner_label_file

            found = detect_corner_label_file(path)
            return ExplicitReport(
                method="image-corner", detected=found.detected, details=_corner(found)
            )
        if fmt.kind == "video":
            from hegui.labeling.explicit.video import detect_video_label

            found = detect_video_label(path)
            return ExplicitReport(
                method="video-opening", detected=found.detected, details=_corner(found)
            )
        if fmt.kind == "audio":
            from hegui.labeling.explicit.audio import detect_audio_cue

            cue = detect_audio_cue(path)
            details: dict[str, Any] = {}
            if cue.detected:
                details = {"unit_seconds": cue.unit, "onset_seconds": cue.onset}
            return ExplicitReport(method="audio-morse", detected=cue.detected, details=details)
        if fmt.kind == "text":
            from hegui.labeling.explicit.text import find_text_label
            from hegui.labeling.pipeline import TEXT_MARKUP

            markup = TEXT_MARKUP.get(fmt, "plain")
            match = find_text_label(path.read_text("utf-8-sig"), markup)
            found_text = {"position": match.position.value, "text": match.text} if match else {}
            return ExplicitReport(
                method="text-edge", detected=match is not None, details=found_text
            )
    except (ToolMissingError, MissingExtraError) as exc:
        return ExplicitReport(method=fmt.kind, detected=None, note=str(exc))
    except (LabelError, OSError, UnicodeDecodeError) as exc:
        return ExplicitReport(method=fmt.kind, detected=None, note=f"could not check: {exc}")
    return None  # documents: no explicit-label heuristic


def _corner(found: Any) -> dict[str, Any]:
    if not found.detected:
        return {}
    return {
        "corner": found.corner.value,
        "height_ratio": round(found.height_ratio, 4),
        "meets_5_percent": found.meets_minimum,
        "score": round(found.score, 2),
    }
