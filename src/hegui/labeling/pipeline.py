"""One call for services that generate content: explicit label (optional) plus implicit label."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hegui.labeling.api import write_label
from hegui.labeling.errors import InvalidLabelError, LabelError, UnsupportedFormatError
from hegui.labeling.explicit.text import TextFormat, TextPosition, label_text, split_body
from hegui.labeling.formats import Format, detect_format
from hegui.labeling.model import AigcLabel, CodePolicy, Severity, validate_label


@dataclass(frozen=True)
class ExplicitOptions:
    """Styles for the explicit label per medium; None fields use each module's defaults."""

    image: Any = None
    """An :class:`hegui.labeling.explicit.image.ImageLabelStyle`."""
    video: Any = None
    """A :class:`hegui.labeling.explicit.video.VideoLabelStyle`."""
    audio: Any = None
    """A :class:`hegui.labeling.explicit.audio.MorseCue`."""
    text_position: TextPosition = TextPosition.PREFIX


@dataclass(frozen=True)
class LabelResult:
    """What :func:`add_labels` did."""

    path: Path
    format: Format
    label: AigcLabel
    explicit: dict[str, Any] = field(default_factory=dict)
    """Details of the explicit label (empty when none was added)."""


def add_labels(
    path: Path | str,
    label: AigcLabel,
    out: Path | str | None = None,
    *,
    explicit: bool = False,
    options: ExplicitOptions | None = None,
    policy: CodePolicy | None = None,
) -> LabelResult:
    """Add the implicit label, and with ``explicit`` the medium's explicit label first.

    The explicit step writes an intermediate file beside the target; the implicit step then
    writes the target atomically, so the input is untouched until the final rename (also when
    ``out`` is None and the file is labelled in place).

    Raises:
        InvalidLabelError: the label fails validation (checked before any work).
        LabelError: unsupported, corrupt, missing tool (ffmpeg, CJK font), or no explicit label
            form for the medium (documents).
    """
    errors = [i for i in validate_label(label, policy) if i.severity is Severity.ERROR]
    if errors:
        raise InvalidLabelError(f"label not written: {errors[0].message}", path=path)
    path = Path(path)
    target = Path(out) if out is not None else path
    fmt = detect_format(path)
    if not explicit:
        return LabelResult(write_label(path, label, target, policy=policy), fmt, label)
    options = options or ExplicitOptions()
    staging = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.hegui{path.suffix}")
    try:
        details = _explicit(path, staging, fmt, options)
        written = write_label(staging, label, target, policy=policy)
    finally:
        staging.unlink(missing_ok=True)
    return LabelResult(written, fmt, label, details)


def _explicit(path: Path, staging: Path, fmt: Format, options: ExplicitOptions) -> dict[str, Any]:
    if fmt.kind == "image":
        from hegui.labeling.explicit.image import add_image_label

        result = add_image_label(path, staging, options.image)
        return {
            "kind": "image-corner",
            "box": list(result.box),
            "text_height_px": result.text_height,
            "height_ratio": round(result.height_ratio, 4),
            "contrast": round(result.contrast, 2),
            "font": str(result.font),
        }
    if fmt.kind == "video":
        from hegui.labeling.explicit.video import add_video_label

        seconds = add_video_label(path, staging, options.video)
        return {"kind": "video-opening", "seconds": seconds}
    if fmt.kind == "audio":
        from hegui.labeling.explicit.audio import MorseCue, add_audio_cue

        cue = options.audio or MorseCue()
        add_audio_cue(path, staging, cue)
        return {"kind": "audio-morse", "unit_seconds": cue.unit, "cue_seconds": cue.duration}
    if fmt.kind == "text":
        _label_text_file(path, staging, fmt, options.text_position)
        return {"kind": "text", "position": options.text_position.value}
    raise UnsupportedFormatError(
        f"no explicit label form for {fmt.value} files; put the label text in the document "
        "itself, or add only the implicit label (without --explicit)",
        path=path,
    )


def _label_text_file(path: Path, staging: Path, fmt: Format, position: TextPosition) -> None:
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise LabelError(f"not UTF-8 text: {exc}", path=path) from None
    markup = TEXT_MARKUP.get(fmt, "plain")
    before, body, after = split_body(text, markup)
    staging.write_text(before + label_text(body, position, fmt=markup) + after, "utf-8")


TEXT_MARKUP: dict[Format, TextFormat] = {Format.HTML: "html", Format.MARKDOWN: "markdown"}
"""Markup of the text formats (others are plain)."""
