"""Find an installed font with Chinese glyphs for image and video labels."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from hegui.labeling.errors import ToolMissingError

FONT_ENV = "HEGUI_CJK_FONT"
"""Environment variable naming a font file to use instead of searching."""

# Checked when fontconfig is absent (containers, macOS, Windows); first existing file wins.
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
# Sans-serif faces with complete simplified Chinese coverage, best first.
_PREFERRED = ("NotoSansCJK", "SourceHanSans", "wqy-microhei", "wqy-zenhei", "DroidSansFallback")

INSTALL_HINT = (
    "no font with Chinese glyphs found; install one (Debian/Ubuntu: apt-get install "
    f"fonts-wqy-microhei, or fonts-noto-cjk), or set {FONT_ENV} to a .ttf/.ttc/.otf file"
)


def find_cjk_font(explicit: Path | str | None = None) -> Path:
    """A font file that can render 「AI生成」.

    Order: ``explicit``; ``$HEGUI_CJK_FONT``; fontconfig's list of Chinese fonts (``fc-list
    :lang=zh``), preferring common sans-serif faces; a list of well-known paths.

    Raises:
        ToolMissingError: none found (the message says what to install).
    """
    for candidate in (explicit, os.environ.get(FONT_ENV)):
        if candidate:
            path = Path(candidate)
            if not path.is_file():
                raise ToolMissingError(f"font file {path} does not exist")
            return path
    found = _search()
    if found is None:
        raise ToolMissingError(INSTALL_HINT)
    return found


@lru_cache(maxsize=1)
def _search() -> Path | None:
    fonts = _fontconfig_fonts()
    for name in _PREFERRED:
        for font in fonts:
            if name.lower() in font.name.lower():
                return font
    if fonts:
        return fonts[0]
    return next((Path(p) for p in KNOWN_FONTS if Path(p).is_file()), None)


def _fontconfig_fonts() -> list[Path]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listing = subprocess.run(
            [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = {line.strip().rstrip(":") for line in listing.splitlines() if line.strip()}
    return sorted(Path(f) for f in files if f.lower().endswith((".ttf", ".ttc", ".otf")))
