"""MP3: ID3v2 ``TXXX`` frame with description ``AIGC`` (regulation.md §3.4), via mutagen.

The file is copied first and the copy's tag is edited, so the original is never touched. The
frame is Latin-1 encoded (the value is ASCII by the Appendix E charset), which every ID3 reader
handles; an existing tag keeps its version, a new one is ID3v2.3 for the widest compatibility.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from hegui.errors import MissingExtraError
from hegui.labeling.containers.base import Found
from hegui.labeling.errors import CorruptFileError
from hegui.labeling.model import FIELD_NAME, AigcLabel


def _mutagen() -> Any:
    try:
        import mutagen.id3
        import mutagen.mp3
    except ImportError:
        raise MissingExtraError("MP3 labels", "label") from None
    return mutagen


def _load(path: Path) -> tuple[Any, Any]:
    """(MP3 file object, its ID3 tag or None), refusing files with no MPEG audio frame."""
    mutagen = _mutagen()
    try:
        audio = mutagen.mp3.MP3(path)
    except mutagen.MutagenError as exc:
        raise CorruptFileError(f"not a readable MP3 file: {exc}") from None
    if audio.info.length <= 0:
        raise CorruptFileError("MP3 has no audio frames")
    return audio, audio.tags


class Mp3Container:
    """MPEG-1/2 Layer III audio with ID3v2 tags."""

    def read(self, path: Path) -> list[Found]:
        """Every TXXX frame whose description is ``AIGC``."""
        _, tags = _load(path)
        if tags is None:
            return []
        return [
            Found(f"ID3v2.{tags.version[1]} TXXX:{FIELD_NAME}", str(text))
            for frame in tags.getall("TXXX")
            if frame.desc == FIELD_NAME
            for text in frame.text[:1]
        ]

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Copy ``src`` to ``dst`` and set the single ``TXXX:AIGC`` frame of the copy."""
        mutagen = _mutagen()
        audio, tags = _load(src)
        version = tags.version[1] if tags is not None else 3
        shutil.copyfile(src, dst)
        try:
            copy = mutagen.mp3.MP3(dst)
            if copy.tags is None:
                copy.add_tags()
            copy.tags.delall(f"TXXX:{FIELD_NAME}")
            copy.tags.add(
                mutagen.id3.TXXX(
                    encoding=mutagen.id3.Encoding.LATIN1, desc=FIELD_NAME, text=[label.to_json()]
                )
            )
            copy.save(v2_version=4 if version == 4 else 3)
        except mutagen.MutagenError as exc:
            raise CorruptFileError(f"cannot write the ID3 tag: {exc}") from None
        del audio
