"""Explicit image labels (GB 45438 §5.2): corner text 「AI生成」 at least 5% of the shortest side.

The label is white text on a translucent dark box. Its size is set so that the *ink* height of the
rendered text (not the nominal font size) reaches ``height_ratio`` of the shortest side, and the box
opacity is raised until the WCAG contrast ratio against the lightest background pixel under it is
at least 4.5:1 and background texture shows through by at most 40 grey levels. Drawing changes
pixels, so the image is re-encoded (JPEG quality 95); ICC profile, Exif and XMP are carried over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hegui.errors import MissingExtraError
from hegui.labeling.errors import CorruptFileError, InvalidLabelError, LabelError
from hegui.labeling.explicit.fonts import find_cjk_font
from hegui.labeling.explicit.text import DEFAULT_LABEL, validate_label_text

if TYPE_CHECKING:
    from PIL import Image as PILImage

MIN_HEIGHT_RATIO = 0.05
"""GB 45438 §5.2: text height ≥ 5% of the shortest side."""
MIN_CONTRAST = 4.5
"""WCAG AA for normal text; the standard only says "clearly legible"."""
MAX_TEXTURE = 40
"""Largest grey-level swing of the background allowed to show through the box."""


class Corner(StrEnum):
    """Which corner the label goes to."""

    TOP_LEFT = "top-left"
    TOP_RIGHT = "top-right"
    BOTTOM_LEFT = "bottom-left"
    BOTTOM_RIGHT = "bottom-right"


@dataclass(frozen=True)
class ImageLabelStyle:
    """How the corner label looks. ``height_ratio`` below 0.05 is refused."""

    text: str = DEFAULT_LABEL
    corner: Corner = Corner.BOTTOM_RIGHT
    height_ratio: float = 0.06
    """Ink height of the text / shortest side; a margin above the 5% minimum."""
    margin_ratio: float = 0.02
    text_color: tuple[int, int, int] = (255, 255, 255)
    box_color: tuple[int, int, int] = (0, 0, 0)
    box_opacity: float = 0.6
    """Starting opacity; raised as needed to reach :data:`MIN_CONTRAST`."""
    font: Path | None = None
    """Font file; default: :func:`find_cjk_font`."""


@dataclass(frozen=True)
class ImageLabelResult:
    """What was drawn, in pixels of the output image."""

    path: Path
    box: tuple[int, int, int, int]
    """(left, top, right, bottom) of the label box."""
    text_height: int
    height_ratio: float
    contrast: float
    font: Path
    notes: list[str] = field(default_factory=list)


def pil() -> Any:
    """The Pillow modules, or a :class:`MissingExtraError` naming the extra."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        raise MissingExtraError("image labels", "label") from None
    return Image, ImageDraw, ImageFont


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio between two sRGB colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def fit_font(font_path: Path, text: str, target: int) -> tuple[Any, int]:
    """(font, ink height) for the smallest size whose ink height of ``text`` is ≥ ``target`` px."""
    _, _, image_font = pil()
    size = max(4, target)
    for _ in range(4):  # ink height is nearly linear in the size: converge in a few steps
        font = image_font.truetype(str(font_path), size)
        _, top, _, bottom = font.getbbox(text)
        height = bottom - top
        if height >= target:
            break
        size = max(size + 1, math.ceil(size * target / max(height, 1)))
    while height < target:
        size += 1
        font = image_font.truetype(str(font_path), size)
        _left, top, _right, bottom = font.getbbox(text)
        height = bottom - top
    return font, height


def render_label(image: PILImage.Image, style: ImageLabelStyle | None = None) -> ImageLabelResult:
    """Draw the label onto ``image`` in place (RGB or RGBA); ``path`` of the result is empty."""
    image_mod, draw_mod, _ = pil()
    style = style or ImageLabelStyle()
    if style.height_ratio < MIN_HEIGHT_RATIO:
        raise InvalidLabelError(f"height_ratio {style.height_ratio} is below the 5% minimum")
    validate_label_text(style.text)
    font_path = find_cjk_font(style.font)
    width, height = image.size
    short = min(width, height)
    font, ink = fit_font(font_path, style.text, max(1, math.ceil(style.height_ratio * short)))
    left, top, right, _bottom = font.getbbox(style.text)
    pad = max(2, round(ink * 0.3))
    box_w, box_h = right - left + 2 * pad, ink + 2 * pad
    margin = round(style.margin_ratio * short)
    if box_w + 2 * margin > width or box_h + 2 * margin > height:
        raise LabelError(f"image of {width}x{height} is too small for a legible corner label")
    x = margin if style.corner in (Corner.TOP_LEFT, Corner.BOTTOM_LEFT) else width - margin - box_w
    y = margin if style.corner in (Corner.TOP_LEFT, Corner.TOP_RIGHT) else height - margin - box_h
    box = (x, y, x + box_w, y + box_h)
    opacity, contrast = _opacity_for_contrast(image.crop(box).convert("RGB"), style)
    overlay = image_mod.new("RGBA", image.size, (0, 0, 0, 0))
    draw = draw_mod.Draw(overlay)
    # rectangle() includes its end coordinates; ``box`` is a crop box (end exclusive)
    draw.rectangle(
        (x, y, x + box_w - 1, y + box_h - 1), fill=(*style.box_color, round(opacity * 255))
    )
    draw.text((x + pad - left, y + pad - top), style.text, font=font, fill=(*style.text_color, 255))
    mode = image.mode
    labelled = image_mod.alpha_composite(image.convert("RGBA"), overlay)
    image.paste(labelled.convert(mode) if mode != "RGBA" else labelled)
    notes = [] if contrast >= MIN_CONTRAST else [f"contrast only {contrast:.1f}:1"]
    return ImageLabelResult(Path(), box, ink, ink / short, contrast, font_path, notes)


def _opacity_for_contrast(region: PILImage.Image, style: ImageLabelStyle) -> tuple[float, float]:
    # The lightest background pixel is the worst case for light text on a dark translucent box;
    # a busy background must also be damped, or its texture shows through and competes with the
    # strokes of the text.
    extrema: list[tuple[int, int]] = list(region.getextrema())  # type: ignore[arg-type]
    lightest = tuple(float(hi) for _, hi in extrema)
    spread = max(hi - lo for lo, hi in extrema)
    opacity = style.box_opacity
    while True:
        mixed = tuple(
            opacity * b + (1 - opacity) * bg
            for b, bg in zip(style.box_color, lightest, strict=True)
        )
        contrast = contrast_ratio(style.text_color, (mixed[0], mixed[1], mixed[2]))
        calm = (1 - opacity) * spread <= MAX_TEXTURE
        if (contrast >= MIN_CONTRAST and calm) or opacity >= 1.0:
            return opacity, contrast
        opacity = min(1.0, opacity + 0.05)


_SAVE_FORMATS = {"JPEG", "PNG", "WEBP"}


def add_image_label(
    path: Path | str, out: Path | str, style: ImageLabelStyle | None = None
) -> ImageLabelResult:
    """Write ``path`` with a corner label to ``out`` (same format; use a temporary ``out``).

    Raises:
        CorruptFileError: the image cannot be decoded.
        LabelError: unsupported image format or an image too small for a label.
    """
    image_mod, _, _ = pil()
    path, out = Path(path), Path(out)
    try:
        with image_mod.open(path) as source:
            source.load()
            fmt = source.format
            info = dict(source.info)
            image = source.convert("RGBA" if _has_alpha(source) else "RGB")
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptFileError(f"cannot decode the image: {exc}", path=path) from None
    if fmt not in _SAVE_FORMATS:
        raise LabelError(f"explicit labels support JPEG, PNG and WebP, not {fmt}", path=path)
    result = render_label(image, style)
    _save(image, out, fmt, info)
    return ImageLabelResult(
        out,
        result.box,
        result.text_height,
        result.height_ratio,
        result.contrast,
        result.font,
        result.notes,
    )


def _has_alpha(image: PILImage.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _save(image: PILImage.Image, out: Path, fmt: str, info: dict[str, Any]) -> None:
    _image_mod, _, _ = pil()
    options: dict[str, Any] = {}
    if info.get("icc_profile"):
        options["icc_profile"] = info["icc_profile"]
    xmp = info.get("xmp") or info.get("XML:com.adobe.xmp")
    if fmt == "JPEG":
        options.update(quality=95, exif=info.get("exif", b""))
        image = image.convert("RGB")
    elif fmt == "WEBP":
        options.update(quality=95, exif=info.get("exif", b""))
    if fmt in ("JPEG", "WEBP") and xmp:
        options["xmp"] = xmp if isinstance(xmp, bytes) else str(xmp).encode()
    if fmt == "PNG" and xmp:
        from PIL.PngImagePlugin import PngInfo

        png_info = PngInfo()
        png_info.add_itxt("XML:com.adobe.xmp", xmp.decode() if isinstance(xmp, bytes) else xmp)
        options["pnginfo"] = png_info
    with open(out, "wb") as handle:
        image.save(handle, format=fmt, **options)
