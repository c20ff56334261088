"""check_file, the LM Art. 6 decision, and add_labels (explicit + implicit in one call)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.labeling import (
    AigcLabel,
    ExplicitOptions,
    LabelValue,
    TextPosition,
    UnsupportedFormatError,
    add_labels,
    check_file,
    decide_label,
    make_label,
    read_label,
    write_label,
)
from tests.labeling.conftest import PLATFORM, MediaFactory, needs_ffmpeg


def test_decision_table() -> None:
    provider = AigcLabel.first_write("001191440300708461136T1XGW3", "x")
    suspected = make_label(Label="3", ContentPropagator=PLATFORM, PropagateID="p")
    assert decide_label(None) is None
    cases = [
        ((provider, False, False), ("1", "metadata")),
        ((provider, True, True), ("1", "metadata")),
        ((None, True, False), ("2", "user-declared")),
        ((None, True, True), ("2", "user-declared")),
        ((None, False, True), ("3", "traces-detected")),
        ((suspected, True, False), ("2", "user-declared")),
        ((suspected, False, False), ("3", "metadata")),
    ]
    for (metadata, declared, traces), (label, reason) in cases:
        decision = decide_label(metadata, user_declared=declared, traces_detected=traces)
        assert decision is not None
        assert (decision.label.value, decision.reason) == (label, reason)
        assert decision.write_propagation
    assert decide_label(None, traces_detected=True).notice == "该内容疑似为人工智能生成"  # type: ignore[union-attr]


def test_check_of_a_labelled_image(media: MediaFactory, label: AigcLabel) -> None:
    path = media("png")
    report = check_file(path)
    assert not report.ok and report.implicit is not None and not report.implicit.present
    assert report.decision is None
    write_label(path, label)
    report = check_file(path)
    assert report.ok and report.error is None
    assert report.implicit is not None and report.implicit.valid
    assert report.implicit.fields == label.to_dict()
    assert report.implicit.locations == ["XMP TC260:AIGC in iTXt"]
    assert report.explicit is not None and report.explicit.method == "image-corner"
    assert report.decision is not None and report.decision.label is LabelValue.AI_GENERATED


def test_check_explains_why_a_label_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text('---\nAIGC: {"ContentProducer":"x","Label":"1"}\n---\n', "utf-8")
    report = check_file(path)
    assert report.implicit is not None and report.implicit.present and not report.implicit.valid
    assert {i.code for i in report.implicit.issues} == {"missing-key", "key-order"}
    assert report.decision is None


def test_check_reports_unreadable_files_without_raising(tmp_path: Path) -> None:
    path = tmp_path / "x.gif"
    path.write_bytes(b"GIF89a")
    report = check_file(path)
    assert report.error is not None and "unsupported" in report.error and not report.ok


def test_require_explicit_and_user_declaration(tmp_path: Path, label: AigcLabel) -> None:
    from PIL import Image

    path = tmp_path / "photo.jpg"
    Image.new("RGB", (640, 480), (120, 160, 200)).save(path)
    write_label(path, label)
    assert check_file(path).ok
    assert not check_file(path, require_explicit=True).ok
    add_labels(path, label, explicit=True)
    report = check_file(path, require_explicit=True)
    assert report.ok and report.explicit is not None and report.explicit.detected
    assert report.explicit.details["meets_5_percent"] is True
    unlabelled = tmp_path / "plain.jpg"
    Image.new("RGB", (640, 480)).save(unlabelled)
    declared = check_file(unlabelled, user_declared=True).decision
    assert declared is not None and declared.label is LabelValue.POSSIBLY


@pytest.mark.parametrize("kind", ["md", "html", "txt"])
@pytest.mark.parametrize("position", list(TextPosition))
def test_add_labels_on_text_files(
    kind: str, position: TextPosition, media: MediaFactory, label: AigcLabel
) -> None:
    path = media(kind)
    original = path.read_text("utf-8")
    add_labels(path, label, explicit=True, options=ExplicitOptions(text_position=position))
    text = path.read_text("utf-8")
    assert read_label(path) == label
    report = check_file(path)
    assert report.ok and report.explicit is not None and report.explicit.detected
    if kind == "md":
        assert text.startswith("---\n") and "title: 示例" in text.split("---")[1]
    if kind == "html":
        assert (
            text.index("<body>") < text.index("AI<")
            if position is TextPosition.CORNER
            else (text.index("<body>") < text.index("【AI生成】"))
        )
    if kind == "txt":
        assert original != text


def test_add_labels_in_place_is_atomic_on_failure(
    media: MediaFactory, label: AigcLabel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hegui.labeling import LabelError
    from hegui.labeling.explicit import image

    path = media("png")
    before = path.read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise LabelError("simulated failure")

    monkeypatch.setattr(image, "add_image_label", broken)
    with pytest.raises(LabelError):
        add_labels(path, label, explicit=True)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if "hegui" in p.name] == []


def test_documents_have_no_explicit_form(media: MediaFactory, label: AigcLabel) -> None:
    path = media("docx")
    with pytest.raises(UnsupportedFormatError, match="no explicit label form"):
        add_labels(path, label, explicit=True)
    assert read_label(path) is None


@needs_ffmpeg
def test_add_labels_on_audio_and_video(media: MediaFactory, label: AigcLabel) -> None:
    for kind, method in (("wav", "audio-morse"), ("mp3", "audio-morse"), ("mp4", "video-opening")):
        path = media(kind)
        result = add_labels(path, label, explicit=True)
        assert result.explicit["kind"] == method
        report = check_file(path, require_explicit=True)
        assert report.ok, report
        assert report.explicit is not None and report.explicit.detected
