"""Every container: write, read back, relabel (overwrite, never append), content unchanged."""

from __future__ import annotations

import hashlib
import re
import subprocess
import wave
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from hegui.labeling import (
    AigcLabel,
    Format,
    LabelValue,
    make_label,
    propagate,
    read_label,
    read_labels,
    write_label,
)
from hegui.labeling.containers.text import sidecar_path
from tests.labeling.conftest import PLATFORM, PRODUCER, MediaFactory

KINDS = {
    "png": Format.PNG,
    "jpg": Format.JPEG,
    "webp": Format.WEBP,
    "webp-lossless": Format.WEBP,
    "wav": Format.WAV,
    "mp3": Format.MP3,
    "mp4": Format.MP4,
    "mp4-faststart": Format.MP4,
    "mov": Format.MP4,
    "pdf": Format.PDF,
    "docx": Format.DOCX,
    "xlsx": Format.XLSX,
    "md": Format.MARKDOWN,
    "html": Format.HTML,
    "txt": Format.TEXT,
}


def content_digest(path: Path, fmt: Format) -> str:
    """A digest of what the label must not change: decoded media, or the document's content."""
    h = hashlib.sha256()
    if fmt in (Format.PNG, Format.JPEG, Format.WEBP):
        with Image.open(path) as image:
            h.update(image.mode.encode() + image.tobytes())
    elif fmt is Format.WAV:
        with wave.open(str(path), "rb") as audio:
            h.update(repr(audio.getparams()).encode() + audio.readframes(audio.getnframes()))
    elif fmt is Format.MP3:
        data = path.read_bytes()
        start = 0
        if data[:3] == b"ID3":  # skip the ID3v2 tag: its size is "syncsafe", 7 bits per byte
            start = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))
        h.update(data[start:])  # the MPEG frames
    elif fmt is Format.MP4:
        command = ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0", "-c", "copy"]
        framemd5 = subprocess.run(
            [*command, "-f", "framemd5", "-"], capture_output=True, check=True, text=True
        ).stdout
        h.update("\n".join(ln for ln in framemd5.splitlines() if not ln.startswith("#")).encode())
    elif fmt is Format.PDF:
        import pypdf

        for page in pypdf.PdfReader(path).pages:
            h.update(page.get_contents().get_data())  # type: ignore[union-attr]
            for image in page.images:
                h.update(image.data)
    elif fmt in (Format.DOCX, Format.XLSX):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if name not in ("docProps/custom.xml", "[Content_Types].xml", "_rels/.rels"):
                    h.update(name.encode() + archive.read(name))
    elif fmt is Format.MARKDOWN:
        h.update(re.sub(r"(?m)^AIGC:.*\n", "", path.read_text("utf-8")).encode())
    elif fmt is Format.HTML:
        h.update(re.sub(r'<meta name="AIGC"[^>]*>', "", path.read_text("utf-8")).encode())
    else:
        h.update(path.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("kind", list(KINDS))
def test_write_read_relabel(
    kind: str, media: MediaFactory, label: AigcLabel, tmp_path: Path
) -> None:
    source = media(kind)
    fmt = KINDS[kind]
    before = source.read_bytes()
    target = tmp_path / f"labelled{source.suffix}"

    assert write_label(source, label, target) == target
    assert source.read_bytes() == before, "the input must stay untouched"
    detected, copies = read_labels(target)
    assert detected is fmt
    assert len(copies) == 1 and copies[0].parsed.valid
    assert read_label(target) == label
    assert content_digest(target, fmt) == content_digest(source, fmt)

    # relabel in place twice: still one copy, new value, content unchanged
    for produce_id in ("content-0002", "content-0003"):
        write_label(target, AigcLabel.first_write(PRODUCER, produce_id))
        assert len(read_labels(target)[1]) == 1
        assert read_label(target) == AigcLabel.first_write(PRODUCER, produce_id)
    assert content_digest(target, fmt) == content_digest(source, fmt)
    assert not list(tmp_path.glob(".*hegui-tmp")), "no temporary file may be left behind"


@pytest.mark.parametrize("kind", ["png", "jpg", "wav", "mp4", "docx", "md", "txt"])
def test_propagation_updates_only_the_propagation_fields(
    kind: str, media: MediaFactory, label: AigcLabel
) -> None:
    path = media(kind)
    write_label(path, label)
    written = propagate(path, PLATFORM, "platform-42")
    assert written == label.with_propagation(PLATFORM, "platform-42")
    assert read_label(path) == written
    assert len(read_labels(path)[1]) == 1


def test_propagation_of_unlabelled_content_needs_a_decision(media: MediaFactory) -> None:
    from hegui.labeling import LabelError

    path = media("png")
    with pytest.raises(LabelError, match="no implicit label"):
        propagate(path, PLATFORM, "p1")
    written = propagate(path, PLATFORM, "p1", label_if_missing=LabelValue.POSSIBLY)
    assert written.to_dict() == {
        "Label": "2",
        "ContentProducer": "",
        "ProduceID": "",
        "ReservedCode1": "",
        "ContentPropagator": PLATFORM,
        "PropagateID": "p1",
        "ReservedCode2": "",
    }
    assert read_label(path) == written


def test_plain_text_label_lives_in_a_sidecar(media: MediaFactory, label: AigcLabel) -> None:
    path = media("txt")
    before = path.read_bytes()
    write_label(path, label)
    assert path.read_bytes() == before
    assert sidecar_path(path).read_text("utf-8") == label.to_json(wrapped=True) + "\n"


def test_markdown_without_front_matter_gets_one(tmp_path: Path, label: AigcLabel) -> None:
    path = tmp_path / "note.md"
    path.write_bytes("# 标题\r\n\r\n正文\r\n".encode())
    write_label(path, label)
    text = path.read_bytes().decode()
    assert text == f"---\r\nAIGC: {label.to_json()}\r\n---\r\n# 标题\r\n\r\n正文\r\n"


def test_markdown_nested_yaml_form_is_read_and_replaced(tmp_path: Path, label: AigcLabel) -> None:
    path = tmp_path / "wild.md"
    nested = "\n".join(f'  {k}: "{v}"' for k, v in label.to_dict().items())
    path.write_text(f"---\ntitle: x\nAIGC:\n{nested}\nauthor: y\n---\nbody\n", "utf-8")
    assert read_label(path) == label
    write_label(path, label.with_propagation(PLATFORM, "p"))
    text = path.read_text("utf-8")
    assert text.count("AIGC") == 1 and "title: x\n" in text and "author: y\n" in text
    assert read_label(path) == label.with_propagation(PLATFORM, "p")


def test_html_fragment_and_case_insensitive_meta(tmp_path: Path, label: AigcLabel) -> None:
    path = tmp_path / "frag.html"
    path.write_text("<p>只有片段</p>", "utf-8")
    write_label(path, label)
    assert read_label(path) == label
    assert path.read_text("utf-8").endswith("<p>只有片段</p>")
    upper = tmp_path / "upper.html"
    upper.write_text(f"<HTML><HEAD><META NAME=aigc CONTENT='{label.to_json()}'></HEAD></HTML>")
    assert read_label(upper) == label
    write_label(upper, label)
    assert len(read_labels(upper)[1]) == 1


def test_existing_xmp_keeps_other_properties(tmp_path: Path, label: AigcLabel) -> None:
    from tests.labeling.conftest import gradient

    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>某作者</dc:creator>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    for fmt in ("JPEG", "WEBP"):
        path = tmp_path / f"with-xmp.{fmt.lower()}"
        gradient().save(path, fmt, xmp=xmp.encode())
        write_label(path, label)
        with Image.open(path) as image:
            packet = image.info["xmp"].decode()
        assert "<dc:creator>某作者</dc:creator>" in packet
        assert read_label(path) == label


def test_old_png_text_chunk_copy_is_replaced(tmp_path: Path, label: AigcLabel) -> None:
    from PIL.PngImagePlugin import PngInfo

    from tests.labeling.conftest import gradient

    info = PngInfo()
    info.add_text(
        "AIGC", make_label(Label="3", ContentPropagator=PLATFORM, PropagateID="x").to_json()
    )
    path = tmp_path / "old.png"
    gradient().save(path, pnginfo=info)
    assert [c.location for c in read_labels(path)[1]] == ["tEXt chunk AIGC"]
    write_label(path, label)
    assert [c.location for c in read_labels(path)[1]] == ["XMP TC260:AIGC in iTXt"]


def test_two_copies_are_reported_and_one_write_repairs_them(
    tmp_path: Path, label: AigcLabel
) -> None:
    from hegui.labeling import InvalidLabelError

    path = tmp_path / "two.md"
    path.write_text(f"---\nAIGC: {label.to_json()}\nAIGC: {label.to_json()}\n---\nx\n", "utf-8")
    with pytest.raises(InvalidLabelError, match="2 label copies"):
        read_label(path)
    write_label(path, label)
    assert read_label(path) == label
