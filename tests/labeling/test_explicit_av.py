"""Explicit audio (Morse "AI" cue) and video (opening label) labels."""

from __future__ import annotations

import math
import random
import wave
from pathlib import Path

import pytest

from hegui.labeling import InvalidLabelError, ToolMissingError
from hegui.labeling.explicit import _ffmpeg
from hegui.labeling.explicit.audio import (
    MORSE_AI,
    MorseCue,
    add_audio_cue,
    cue_samples,
    detect_audio_cue,
    match_cue,
)
from hegui.labeling.explicit.video import (
    VideoLabelStyle,
    add_video_label,
    detect_video_label,
    probe_video,
)
from tests.labeling.conftest import ffmpeg, needs_ffmpeg, write_wav


def test_cue_has_the_morse_rhythm_of_ai() -> None:
    cue = MorseCue(unit=0.05)
    samples = cue_samples(cue, 8000)
    assert len(samples) == round(cue.duration * 8000)
    assert cue.duration == pytest.approx(18 * 0.05)
    # envelope over 20-sample windows (a tone has zero crossings), then tone/silence runs in units
    on = [max(abs(v) for v in samples[i : i + 20]) > 0.01 for i in range(0, len(samples), 20)]
    runs: list[list[int]] = []
    for flag in on:
        if runs and runs[-1][0] == flag:
            runs[-1][1] += 1
        else:
            runs.append([flag, 1])
    units = [round(n * 20 / (0.05 * 8000)) for _, n in runs]
    assert units[:7] == [n for _, n in MORSE_AI]  # · gap − gap · gap ·
    assert units[7] == 7


@pytest.mark.parametrize(("width", "channels", "rate"), [(2, 1, 8000), (2, 2, 44100), (1, 1, 8000),
                                                         (3, 2, 16000)])  # fmt: skip
def test_wav_cue_is_prepended_and_detected(
    width: int, channels: int, rate: int, tmp_path: Path
) -> None:
    source = write_wav(tmp_path / "in.wav", seconds=1.0, rate=rate, width=width, channels=channels)
    out = add_audio_cue(source, tmp_path / "out.wav")
    with wave.open(str(source)) as a, wave.open(str(out)) as b:
        assert b.getparams()[:3] == a.getparams()[:3]
        added = b.getnframes() - a.getnframes()
        assert added == round(MorseCue().duration * rate)
        b.setpos(added)
        assert b.readframes(a.getnframes()) == a.readframes(a.getnframes())
    assert not detect_audio_cue(source).detected
    found = detect_audio_cue(out)
    assert found.detected and found.unit == pytest.approx(0.1, abs=0.02)
    assert found.onset == 0.0


def _bursts(path: Path, seed: int) -> Path:
    """Speech-like bursts of tone of random lengths: must not look like the cue."""
    rng = random.Random(seed)
    rate, frames = 8000, bytearray()
    while len(frames) < 2 * rate * 3:
        on, off = rng.uniform(0.05, 0.4), rng.uniform(0.03, 0.3)
        for i in range(int(on * rate)):
            frames += round(8000 * math.sin(2 * math.pi * 300 * i / rate)).to_bytes(
                2, "little", signed=True
            )
        frames += b"\x00\x00" * int(off * rate)
    with wave.open(str(path), "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(rate)
        target.writeframes(bytes(frames))
    return path


@pytest.mark.parametrize("seed", range(8))
def test_random_bursts_are_not_taken_for_the_cue(seed: int, tmp_path: Path) -> None:
    assert not detect_audio_cue(_bursts(tmp_path / "speech.wav", seed)).detected


def test_matcher_rejects_a_wrong_rhythm() -> None:
    u = 0.1
    good = [(True, 0, u), (False, 0, u), (True, 0, 3 * u), (False, 0, 3 * u), (True, 0, u),
            (False, 0, u), (True, 0, u), (False, 0, 7 * u)]  # fmt: skip
    assert match_cue(good).detected
    dash_first = [good[2], good[1], good[0], *good[3:]]
    assert not match_cue(dash_first).detected
    late = [(False, 0, 2.0), *good]
    assert not match_cue(late).detected


@needs_ffmpeg
def test_mp3_cue_through_ffmpeg(tmp_path: Path) -> None:
    source = tmp_path / "in.mp3"
    ffmpeg("-f", "lavfi", "-i", "sine=f=300:d=2", "-c:a", "libmp3lame", str(source))
    out = add_audio_cue(source, tmp_path / "out.mp3")
    assert not detect_audio_cue(source).detected
    assert detect_audio_cue(out).detected


@pytest.fixture
def bars(tmp_path: Path) -> Path:
    if _ffmpeg.shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    path = tmp_path / "bars.mp4"
    ffmpeg("-f", "lavfi", "-i", "smptebars=s=320x240:d=3:r=10", "-f", "lavfi", "-i",
           "sine=d=3", "-shortest", "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", str(path))  # fmt: skip
    return path


@needs_ffmpeg
def test_video_label_shows_for_the_opening_seconds_only(bars: Path, tmp_path: Path) -> None:
    out = tmp_path / "labelled.mp4"
    seconds = add_video_label(bars, out, VideoLabelStyle(duration=2.2))
    assert seconds == pytest.approx(2.2)
    info = probe_video(out)
    assert (info.width, info.height) == (320, 240)
    assert not detect_video_label(bars).detected
    found = detect_video_label(out, at=(0.0, 1.0, 2.0))
    assert found.detected and found.meets_minimum
    assert not detect_video_label(out, at=(2.6,)).detected, "label must end after its duration"


@needs_ffmpeg
def test_video_style_limits(bars: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidLabelError, match="2 s"):
        add_video_label(bars, tmp_path / "x.mp4", VideoLabelStyle(duration=1.5))
    with pytest.raises(InvalidLabelError, match="5%"):
        add_video_label(bars, tmp_path / "x.mp4", VideoLabelStyle(height_ratio=0.03))


def test_missing_ffmpeg_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_ffmpeg.shutil, "which", lambda name: None)
    with pytest.raises(ToolMissingError, match="apt-get install ffmpeg"):
        add_video_label(tmp_path / "any.mp4", tmp_path / "out.mp4")
    mp3 = tmp_path / "a.mp3"
    mp3.write_bytes(b"ID3")
    with pytest.raises(ToolMissingError, match="ffmpeg"):
        add_audio_cue(mp3, tmp_path / "b.mp3")
