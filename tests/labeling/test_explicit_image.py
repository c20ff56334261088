"""Explicit image labels: measured glyph height and contrast, formats kept, detection heuristic."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from hegui.labeling import InvalidLabelError, LabelError, ToolMissingError
from hegui.labeling.explicit import fonts
from hegui.labeling.explicit.detect_image import detect_corner_label, detect_corner_label_file
from hegui.labeling.explicit.image import (
    Corner,
    ImageLabelStyle,
    add_image_label,
    contrast_ratio,
    render_label,
)
from tests.labeling.conftest import gradient


def noise(width: int, height: int, seed: int = 7) -> Image.Image:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(width * height))
    return Image.frombytes("L", (width, height), data).convert("RGB")


def photo_like(width: int, height: int) -> Image.Image:
    image = gradient(width, height)
    draw = ImageDraw.Draw(image)
    for i in range(12):
        draw.ellipse((i * width // 14, height // 3, i * width // 14 + 40, height // 3 + 60),
                     fill=(30 * i % 255, 200 - 10 * i, 90))  # fmt: skip
    return image


BACKGROUNDS = {
    "white": lambda w, h: Image.new("RGB", (w, h), (255, 255, 255)),
    "black": lambda w, h: Image.new("RGB", (w, h), (0, 0, 0)),
    "gradient": gradient,
    "noise": noise,
    "photo-like": photo_like,
}


def glyph_rows(original: Image.Image, labelled: Image.Image, box: tuple[int, ...]) -> int:
    """Rows inside the label box that contain near-white text pixels: the measured ink height."""
    region = labelled.crop(box).convert("L").point(lambda v: 255 if v > 200 else 0)
    bbox = region.getbbox()
    assert bbox is not None, "no text pixels drawn"
    return bbox[3] - bbox[1]


@pytest.mark.parametrize("background", list(BACKGROUNDS))
@pytest.mark.parametrize("size", [(800, 600), (480, 900)])
def test_label_meets_the_5_percent_rule_and_contrast(
    background: str, size: tuple[int, int]
) -> None:
    original = BACKGROUNDS[background](*size)
    labelled = original.copy()
    result = render_label(labelled)
    short = min(size)
    assert result.height_ratio >= 0.05
    measured = glyph_rows(original, labelled, result.box)
    assert measured / short >= 0.05, f"measured glyph height {measured}px of {short}px"
    # contrast: white text against the lightest pixel of the box's padding strip (no glyphs)
    left, top, right, _ = result.box
    strip = labelled.crop((left, top + 1, right, top + 2)).convert("RGB")
    lightest = tuple(float(hi) for _, hi in strip.getextrema())  # type: ignore[union-attr]
    assert contrast_ratio((255, 255, 255), (lightest[0], lightest[1], lightest[2])) >= 4.5
    # nothing outside the box changed
    outside = ImageChops.difference(original, labelled)
    outside.paste((0, 0, 0), result.box)
    assert outside.getbbox() is None


@pytest.mark.parametrize("background", list(BACKGROUNDS))
@pytest.mark.parametrize("corner", list(Corner))
def test_detector_finds_labels_in_every_corner(background: str, corner: Corner) -> None:
    image = BACKGROUNDS[background](640, 480)
    render_label(image, ImageLabelStyle(corner=corner))
    found = detect_corner_label(image)
    assert found.detected and found.corner is corner
    assert found.meets_minimum
    assert found.height_ratio is not None and 0.05 <= found.height_ratio <= 0.075


@pytest.mark.parametrize("background", list(BACKGROUNDS))
def test_detector_is_quiet_on_unlabelled_images(background: str) -> None:
    assert not detect_corner_label(BACKGROUNDS[background](640, 480)).detected


def test_detector_ignores_text_away_from_corners_and_sees_small_labels_as_too_small() -> None:
    image = Image.new("RGB", (640, 480), (240, 240, 240))
    render_label(image, ImageLabelStyle(height_ratio=0.06))
    centred = Image.new("RGB", (640, 480), (240, 240, 240))
    centred.paste(image.crop((440, 380, 640, 480)), (220, 190))
    assert not detect_corner_label(centred).detected
    small = Image.new("RGB", (640, 480), (240, 240, 240))
    ImageDraw.Draw(small).text((560, 450), "AI生成", fill=(0, 0, 0),
                               font=__import__("PIL.ImageFont").ImageFont.truetype(
                                   str(fonts.find_cjk_font()), 18))  # fmt: skip
    found = detect_corner_label(small)
    assert found.detected and found.meets_minimum is False


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_add_image_label_keeps_format_and_metadata(fmt: str, tmp_path: Path) -> None:
    source = tmp_path / f"in.{fmt.lower()}"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'
    extra = {"xmp": xmp} if fmt != "PNG" else {}
    photo_like(400, 300).save(source, fmt, icc_profile=b"", **extra)
    out = tmp_path / f"out.{fmt.lower()}"
    result = add_image_label(source, out)
    with Image.open(out) as image:
        assert image.format == fmt and image.size == (400, 300)
        if fmt != "PNG":
            assert image.info.get("xmp") == xmp
    assert detect_corner_label_file(out).detected
    assert result.path == out and result.font.exists()


def test_style_limits_and_small_images(tmp_path: Path) -> None:
    with pytest.raises(InvalidLabelError, match="5%"):
        render_label(gradient(), ImageLabelStyle(height_ratio=0.04))
    with pytest.raises(InvalidLabelError, match="generation element"):
        render_label(gradient(), ImageLabelStyle(text="AI"))
    with pytest.raises(LabelError, match="too small"):
        render_label(Image.new("RGB", (30, 8)))


def test_missing_font_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "_search", lambda: None)
    with pytest.raises(ToolMissingError, match="fonts-wqy-microhei"):
        render_label(gradient())
    monkeypatch.setenv(fonts.FONT_ENV, "/nonexistent/font.ttf")
    with pytest.raises(ToolMissingError, match="does not exist"):
        fonts.find_cjk_font()


def test_font_search_finds_an_installed_cjk_font() -> None:
    path = fonts.find_cjk_font()
    assert path.is_file() and path.suffix.lower() in (".ttf", ".ttc", ".otf")
