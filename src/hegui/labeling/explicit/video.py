"""Explicit video labels (GB 45438 §5.4): corner text on the opening frames for at least 2 s.

ffmpeg's ``drawtext`` filter draws 「AI生成」 in a translucent box in a corner from the first frame
for ``duration`` seconds (the whole video if it is shorter). The font size is chosen with Pillow so
that the glyphs' ink height reaches ``height_ratio`` of the shortest side, as for images. Drawing on
frames re-encodes the video (H.264, CRF 18); audio streams are copied. ffmpeg is an optional system
dependency: without it :class:`ToolMissingError` says how to install it.
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hegui.labeling.errors import CorruptFileError, InvalidLabelError
from hegui.labeling.explicit._ffmpeg import ffmpeg_binary, ffprobe_binary, run_ffmpeg
from hegui.labeling.explicit.detect_image import CornerLabelDetection, detect_corner_label_file
from hegui.labeling.explicit.fonts import find_cjk_font
from hegui.labeling.explicit.image import MIN_HEIGHT_RATIO, Corner, fit_font
from hegui.labeling.explicit.text import DEFAULT_LABEL, validate_label_text

MIN_DURATION = 2.0
"""GB 45438 §5.4: the opening label lasts at least 2 s at normal speed."""


@dataclass(frozen=True)
class VideoLabelStyle:
    """How and how long the opening label is shown."""

    text: str = DEFAULT_LABEL
    corner: Corner = Corner.BOTTOM_RIGHT
    height_ratio: float = 0.06
    duration: float = 3.0
    """Seconds from the first frame; at least 2."""
    box_opacity: float = 0.75
    margin_ratio: float = 0.02
    font: Path | None = None
    crf: int = 18
    preset: str = "veryfast"


@dataclass(frozen=True)
class VideoInfo:
    """What ffprobe says about the first video stream."""

    width: int
    height: int
    duration: float


def probe_video(path: Path | str) -> VideoInfo:
    """Width, height and duration of the first video stream.

    Raises:
        CorruptFileError: no decodable video stream.
        ToolMissingError: no ffprobe.
    """
    output = run_ffmpeg(
        [
            ffprobe_binary(),
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=width,height:format=duration",
            "-of",
            "json",
            str(path),
        ],
        what="read the video stream",
    )
    try:
        data = json.loads(output)
        stream = data["streams"][0]
        return VideoInfo(
            int(stream["width"]),
            int(stream["height"]),
            float(data.get("format", {}).get("duration", 0) or 0),
        )
    except (ValueError, KeyError, IndexError):
        raise CorruptFileError("no video stream found", path=path) from None


def _escape(value: str) -> str:
    # filtergraph option values: backslash-escape the characters ffmpeg's parser treats specially
    for char in ("\\", "'", ":", ",", ";", "[", "]", "="):
        value = value.replace(char, "\\" + char)
    return value


def add_video_label(
    path: Path | str, out: Path | str, style: VideoLabelStyle | None = None
) -> float:
    """Write ``path`` with the opening label to ``out``; return the seconds labelled.

    Raises:
        InvalidLabelError: ``duration`` < 2 s, ``height_ratio`` < 5%, or bad label text.
        CorruptFileError: the video cannot be decoded.
        ToolMissingError: no ffmpeg, or no CJK font.
    """
    style = style or VideoLabelStyle()
    path, out = Path(path), Path(out)
    if style.duration < MIN_DURATION:
        raise InvalidLabelError(f"duration {style.duration} s is below the 2 s minimum")
    if style.height_ratio < MIN_HEIGHT_RATIO:
        raise InvalidLabelError(f"height_ratio {style.height_ratio} is below the 5% minimum")
    validate_label_text(style.text)
    info = probe_video(path)
    font_path = find_cjk_font(style.font)
    short = min(info.width, info.height)
    target = max(1, math.ceil(style.height_ratio * short))
    font, _ = fit_font(font_path, style.text, target)
    margin = max(2, round(style.margin_ratio * short))
    pad = max(2, round(target * 0.3))
    x = (
        f"{margin + pad}"
        if style.corner in (Corner.TOP_LEFT, Corner.BOTTOM_LEFT)
        else f"w-tw-{margin + pad}"
    )
    y = (
        f"{margin + pad}"
        if style.corner in (Corner.TOP_LEFT, Corner.TOP_RIGHT)
        else f"h-th-{margin + pad}"
    )
    with tempfile.TemporaryDirectory(prefix="hegui-video-") as folder:
        text_file = Path(folder) / "label.txt"
        text_file.write_text(style.text, "utf-8")
        drawtext = ":".join(
            [
                f"fontfile={_escape(str(font_path))}",
                f"textfile={_escape(str(text_file))}",
                f"fontsize={font.size}",
                "fontcolor=white",
                "box=1",
                f"boxcolor=black@{style.box_opacity}",
                f"boxborderw={pad}",
                f"x={_escape(x)}",
                f"y={_escape(y)}",
                f"enable={_escape(f'lt(t,{style.duration})')}",
            ]
        )
        run_ffmpeg(
            [
                ffmpeg_binary(),
                "-y",
                "-v",
                "error",
                "-i",
                str(path),
                "-map",
                "0:v:0",
                "-map",
                "0:a?",
                "-vf",
                f"drawtext={drawtext}",
                "-c:v",
                "libx264",
                "-crf",
                str(style.crf),
                "-preset",
                style.preset,
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "copy",
                "-map_metadata",
                "0",
                "-movflags",
                "+faststart",
                "-f",
                "mov" if out.suffix.lower() == ".mov" else "mp4",
                str(out),
            ],
            what="draw the video label",
        )
    return min(style.duration, info.duration) if info.duration else style.duration


def detect_video_label(
    path: Path | str, *, at: tuple[float, ...] = (0.0, 1.9)
) -> CornerLabelDetection:
    """Whether frames at ``at`` seconds (default: the first, and just before 2 s) all carry a
    corner label, using the image heuristic of :mod:`.detect_image` on each frame.

    Raises:
        CorruptFileError: no decodable video; ToolMissingError: no ffmpeg.
    """
    info = probe_video(path)
    results: list[CornerLabelDetection] = []
    with tempfile.TemporaryDirectory(prefix="hegui-frames-") as folder:
        for index, second in enumerate(at):
            # a seek past the last frame yields no frame: stay inside short videos
            second = min(second, 0.8 * info.duration) if info.duration else second
            frame = Path(folder) / f"frame{index}.png"
            run_ffmpeg(
                [
                    ffmpeg_binary(),
                    "-y",
                    "-v",
                    "error",
                    "-ss",
                    f"{second:.3f}",
                    "-i",
                    str(path),
                    "-frames:v",
                    "1",
                    str(frame),
                ],
                what="extract a frame",
            )
            if not frame.exists():
                return CornerLabelDetection(False)
            results.append(detect_corner_label_file(frame))
    if not all(r.detected for r in results):
        return CornerLabelDetection(False)
    return min(results, key=lambda r: r.score)
