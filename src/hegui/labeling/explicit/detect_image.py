"""Heuristic detection of an explicit corner label in an image (no OCR).

What it looks for, per corner (the outer quarter of the height; column windows of 15–50% of the
width anchored at the corner's side): a horizontal band of rows crossed by many high-contrast
edges (text strokes), framed by calm rows just above and below (the label's box or a plain
background), wider than it is tall, whose height is a plausible text height (3%–30% of the
shortest side). The band height estimates the glyph height, so the
result also says whether the 5% rule looks met.

Limits, by design: it does not read the text, so any caption, logo or watermark in a corner counts
("AI生成" is not verified); labels in low contrast, very small images (shortest side below ~150 px),
labels along an edge but far from a corner, and labels over busy textures are missed; a busy
photograph with a text-like detail in a corner can give a false positive. Treat "not detected" as
"needs a human look", not as proof of absence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hegui.labeling.errors import CorruptFileError
from hegui.labeling.explicit.image import MIN_HEIGHT_RATIO, Corner, pil

if TYPE_CHECKING:
    from PIL import Image as PILImage

EDGE_THRESHOLD = 60
"""Grey-level step between neighbouring pixels that counts as a high-contrast edge."""
_WORK_SIZE = 480  # shortest side after scaling; keeps the pure-Python row scan fast
_MIN_RUNS = 3  # edge runs a row needs to look like text
_MIN_RATIO, _MAX_RATIO = 0.03, 0.30
_WINDOWS = (0.15, 0.25, 0.35, 0.5)  # widths of the column windows tried, as fractions of the width


@dataclass(frozen=True)
class CornerLabelDetection:
    """Result of :func:`detect_corner_label`."""

    detected: bool
    corner: Corner | None = None
    height_ratio: float | None = None
    """Estimated glyph height / shortest side (edge rows: may exceed the ink height by ~1 px)."""
    score: float = 0.0
    """Edge density in the band over that around it; higher is more text-like."""

    @property
    def meets_minimum(self) -> bool | None:
        """Whether the estimated height reaches 5% (None when nothing was detected)."""
        return None if self.height_ratio is None else self.height_ratio >= MIN_HEIGHT_RATIO


def detect_corner_label(image: PILImage.Image) -> CornerLabelDetection:
    """Look for a text-like label in the four corners of ``image``; the best corner wins."""
    image_mod, _, _ = pil()
    from PIL import ImageChops

    gray = image.convert("L")
    scale = _WORK_SIZE / min(gray.size)
    if scale < 1:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, image_mod.Resampling.BOX)
    width, height = gray.size
    across = ImageChops.difference(gray, ImageChops.offset(gray, -1, 0))
    down = ImageChops.difference(gray, ImageChops.offset(gray, 0, -1))
    edges = ImageChops.lighter(across, down).point(lambda v: 255 if v >= EDGE_THRESHOLD else 0)
    # offset() wraps around: blank the last column and row, which compare with the opposite side
    edges.paste(0, (width - 1, 0, width, height))
    edges.paste(0, (0, height - 1, width, height))
    best = CornerLabelDetection(False)
    for corner in Corner:
        found = _scan_corner(edges, corner, min(width, height))
        if found is not None and found.score > best.score:
            best = found
    return best


def detect_corner_label_file(path: Path | str) -> CornerLabelDetection:
    """:func:`detect_corner_label` on an image file.

    Raises:
        CorruptFileError: the image cannot be decoded.
    """
    image_mod, _, _ = pil()
    try:
        with image_mod.open(path) as image:
            image.load()
            return detect_corner_label(image)
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptFileError(f"cannot decode the image: {exc}", path=path) from None


def _scan_corner(edges: PILImage.Image, corner: Corner, short: int) -> CornerLabelDetection | None:
    """Best band over column windows anchored at the corner's side (labels are narrower than
    the image, so the window must not dilute them with the background beside them)."""
    width, height = edges.size
    left = corner in (Corner.TOP_LEFT, Corner.BOTTOM_LEFT)
    top = corner in (Corner.TOP_LEFT, Corner.TOP_RIGHT)
    region = range(0, height // 4) if top else range(height - height // 4, height)
    best: CornerLabelDetection | None = None
    for fraction in _WINDOWS:
        for inset in (0, round(0.02 * short), round(0.04 * short)):
            span = max(8, round(fraction * width))
            x0 = inset if left else width - inset - span
            if x0 < 0 or x0 + span > width:
                continue
            found = _scan_window(edges.crop((x0, 0, x0 + span, height)), region, short, corner)
            if found is not None and (best is None or found.score > best.score):
                best = found
    return best


def _scan_window(
    window: PILImage.Image, region: range, short: int, corner: Corner
) -> CornerLabelDetection | None:
    span, height = window.size
    data = window.tobytes()
    rows = [data[r * span : (r + 1) * span] for r in range(height)]
    runs = [row.count(b"\x00\xff") + (row[:1] == b"\xff") for row in rows]
    best: CornerLabelDetection | None = None
    for start, end in _bands([r for r in region if runs[r] >= _MIN_RUNS]):
        if start == region.start or end == region.stop - 1:
            continue  # touches the inner side of the corner region: not a self-contained label
        band = end - start + 1
        ratio = band / short
        if not _MIN_RATIO <= ratio <= _MAX_RATIO:
            continue
        k = max(2, round(0.15 * band))
        around = [
            runs[r]
            for r in (*range(start - k, start), *range(end + 1, end + 1 + k))
            if 0 <= r < height
        ]
        inside = sum(runs[start : end + 1]) / band
        context = sum(around) / len(around) if around else 0.0
        if context > 0.25 * inside or not _wide_enough(rows[start : end + 1], band):
            continue
        score = inside / (context + 0.5)
        if best is None or score > best.score:
            best = CornerLabelDetection(True, corner, ratio, score)
    return best


def _bands(rows: list[int]) -> list[tuple[int, int]]:
    """Runs of row indices, bridging single-row gaps (thin horizontal strokes)."""
    bands: list[tuple[int, int]] = []
    for r in rows:
        if bands and r - bands[-1][1] <= 2:
            bands[-1] = (bands[-1][0], r)
        else:
            bands.append((r, r))
    return bands


def _wide_enough(rows: list[bytes], band: int) -> bool:
    merged = 0
    for row in rows:  # OR the rows together as one big integer: fast column union
        merged |= int.from_bytes(row, "big")
    columns = merged.to_bytes(len(rows[0]), "big")
    used = [i for i, v in enumerate(columns) if v]
    if not used:
        return False
    extent = used[-1] - used[0] + 1
    return extent >= 1.5 * band and len(used) >= 0.3 * extent
