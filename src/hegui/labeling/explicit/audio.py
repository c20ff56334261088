"""Explicit audio labels (GB 45438 §5.3): the Morse rhythm of "AI" (·− ··) before the content.

The cue is a sine tone: dot = 1 unit, dash = 3 units, 1 unit between the elements of a letter,
3 units between the letters, then 7 units of silence before the content. The standard gives the
rhythm, not the unit length, pitch or level (regulation.md §3.2), so those are parameters.

WAV files are handled with the standard library (PCM 8/16/24/32-bit); other formats go through
ffmpeg, which decodes, prepends the cue and re-encodes (adding sound necessarily re-encodes).
Detection decodes the first seconds and matches the on/off pattern of the tone envelope.
"""

from __future__ import annotations

import math
import tempfile
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

from hegui.labeling.errors import CorruptFileError
from hegui.labeling.explicit._ffmpeg import ffmpeg_binary, ffprobe_binary, run_ffmpeg

# (tone?, units): · gap − letter-gap · gap · word-gap
MORSE_AI = ((True, 1), (False, 1), (True, 3), (False, 3), (True, 1), (False, 1), (True, 1))
_TRAILING_UNITS = 7
_WINDOW = 0.01  # seconds per envelope frame


@dataclass(frozen=True)
class MorseCue:
    """The tone's parameters."""

    unit: float = 0.1
    """Seconds per Morse unit (the whole cue lasts 11 units + 7 of silence: 1.8 s by default)."""
    frequency: float = 880.0
    level: float = 0.5
    """Peak amplitude as a fraction of full scale."""

    @property
    def duration(self) -> float:
        """Length of the cue including the silence after it, in seconds."""
        return (sum(n for _, n in MORSE_AI) + _TRAILING_UNITS) * self.unit


def cue_samples(cue: MorseCue, rate: int) -> list[float]:
    """The cue as mono samples in [-1, 1] at ``rate`` Hz, with 5 ms ramps against clicks."""
    samples: list[float] = []
    ramp = max(1, int(0.005 * rate))
    for tone, units in (*MORSE_AI, (False, _TRAILING_UNITS)):
        count = round(units * cue.unit * rate)
        if not tone:
            samples.extend([0.0] * count)
            continue
        for i in range(count):
            envelope = min(1.0, i / ramp, (count - 1 - i) / ramp)
            samples.append(cue.level * envelope * math.sin(2 * math.pi * cue.frequency * i / rate))
    return samples


def _encode(samples: list[float], width: int, channels: int) -> bytes:
    """PCM bytes (little-endian; 8-bit unsigned) with the mono signal on every channel."""
    full = (1 << (8 * width - 1)) - 1
    out = bytearray()
    for value in samples:
        level = round(value * full)
        raw = (
            (level + 128).to_bytes(1, "little")
            if width == 1
            else level.to_bytes(width, "little", signed=True)
        )
        out += raw * channels
    return bytes(out)


def add_audio_cue(path: Path | str, out: Path | str, cue: MorseCue | None = None) -> Path:
    """Write ``path`` with the Morse cue in front to ``out`` (same format; a temporary ``out``).

    Raises:
        CorruptFileError: the audio cannot be decoded.
        ToolMissingError: a non-WAV file and no ffmpeg.
    """
    path, out, cue = Path(path), Path(out), cue or MorseCue()
    if _is_wav(path):
        _add_to_wav(path, out, cue)
    else:
        _add_with_ffmpeg(path, out, cue)
    return out


def _is_wav(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(12)
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def _add_to_wav(path: Path, out: Path, cue: MorseCue) -> None:
    try:
        with wave.open(str(path), "rb") as source:
            params = source.getparams()
            frames = source.readframes(params.nframes)
    except (wave.Error, EOFError) as exc:
        raise CorruptFileError(f"not a PCM WAV file: {exc}", path=path) from None
    prefix = _encode(cue_samples(cue, params.framerate), params.sampwidth, params.nchannels)
    with wave.open(str(out), "wb") as target:
        target.setparams(params)
        target.writeframes(prefix + frames)


def _add_with_ffmpeg(path: Path, out: Path, cue: MorseCue) -> None:
    ffmpeg = ffmpeg_binary()
    rate, channels = _probe_audio(path)
    with tempfile.TemporaryDirectory(prefix="hegui-cue-") as folder:
        cue_wav = Path(folder) / "cue.wav"
        with wave.open(str(cue_wav), "wb") as target:
            target.setnchannels(channels)
            target.setsampwidth(2)
            target.setframerate(rate)
            target.writeframes(_encode(cue_samples(cue, rate), 2, channels))
        run_ffmpeg(
            [
                ffmpeg,
                "-y",
                "-v",
                "error",
                "-i",
                str(cue_wav),
                "-i",
                str(path),
                "-filter_complex",
                "[0:a][1:a]concat=n=2:v=0:a=1[a]",
                "-map",
                "[a]",
                "-map_metadata",
                "1",
                "-q:a",
                "2",
                "-f",
                _muxer(path),
                str(out),
            ],
            what="prepend the audio cue",
        )


def _muxer(path: Path) -> str:
    return {".mp3": "mp3", ".wav": "wav", ".m4a": "ipod", ".flac": "flac", ".ogg": "ogg"}.get(
        path.suffix.lower(), "mp3"
    )


def _probe_audio(path: Path) -> tuple[int, int]:
    result = run_ffmpeg(
        [
            ffprobe_binary(),
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-show_entries",
            "stream=sample_rate,channels",
            "-of",
            "csv=p=0",
            str(path),
        ],
        what="read the audio stream",
    )
    try:
        rate, channels = result.strip().splitlines()[0].split(",")[:2]
        return int(rate), int(channels)
    except (ValueError, IndexError):
        raise CorruptFileError("no audio stream found", path=path) from None


@dataclass(frozen=True)
class CueDetection:
    """Result of :func:`detect_audio_cue`."""

    detected: bool
    unit: float | None = None
    """Estimated Morse unit in seconds, when detected."""
    onset: float | None = None
    """Start of the first tone, in seconds."""


def detect_audio_cue(path: Path | str, *, seconds: float = 6.0) -> CueDetection:
    """Whether the audio starts with the Morse "AI" rhythm (within its first second).

    Raises:
        CorruptFileError: the audio cannot be decoded.
        ToolMissingError: a non-WAV file and no ffmpeg.
    """
    path = Path(path)
    rate, samples = _decode_start(path, seconds)
    return match_cue(_segments(samples, rate))


def _decode_start(path: Path, seconds: float) -> tuple[int, list[int]]:
    if _is_wav(path):
        try:
            with wave.open(str(path), "rb") as source:
                rate, width, channels = (
                    source.getframerate(),
                    source.getsampwidth(),
                    source.getnchannels(),
                )
                raw = source.readframes(int(seconds * rate))
        except (wave.Error, EOFError) as exc:
            raise CorruptFileError(f"not a PCM WAV file: {exc}", path=path) from None
        step = width * channels
        if width == 2:
            pcm = array("h", raw[: len(raw) - len(raw) % 2])
            return rate, list(pcm[::channels])
        return rate, [
            int.from_bytes(raw[i : i + width], "little", signed=width > 1)
            - (128 if width == 1 else 0)
            for i in range(0, len(raw) - step + 1, step)
        ]
    rate = 16000
    raw_pcm = run_ffmpeg(
        [
            ffmpeg_binary(),
            "-v",
            "error",
            "-t",
            str(seconds),
            "-i",
            str(path),
            "-ac",
            "1",
            "-ar",
            str(rate),
            "-f",
            "s16le",
            "-",
        ],
        what="decode the audio",
        binary=True,
    )
    return rate, list(array("h", raw_pcm[: len(raw_pcm) - len(raw_pcm) % 2]))


def _segments(samples: list[int], rate: int) -> list[tuple[bool, float, float]]:
    """(tone?, start, length) runs of the loudness envelope, in seconds."""
    size = max(1, int(_WINDOW * rate))
    levels = [
        max((abs(v) for v in samples[i : i + size]), default=0)
        for i in range(0, len(samples), size)
    ]
    if not levels or max(levels) == 0:
        return []
    threshold = 0.3 * max(levels)
    runs: list[tuple[bool, float, float]] = []
    for index, level in enumerate(levels):
        on = level >= threshold
        if runs and runs[-1][0] == on:
            tone, start, length = runs[-1]
            runs[-1] = (tone, start, length + _WINDOW)
        else:
            runs.append((on, index * _WINDOW, _WINDOW))
    return runs


def match_cue(runs: list[tuple[bool, float, float]]) -> CueDetection:
    """Match ·− ·· against envelope runs: 4 tones of 1-3-1-1 units, gaps of 1-3-1 units."""
    if runs and not runs[0][0]:
        silence = runs[0]
        if silence[2] > 1.0:
            return CueDetection(False)
        runs = runs[1:]
    if len(runs) < 8:
        return CueDetection(False)
    lengths = [length for _, _, length in runs[:7]]
    unit = sorted(lengths[i] for i in (0, 1, 4, 5, 6))[2]  # median of the one-unit elements
    expected = [n for _, n in MORSE_AI]
    for measured, units in zip(lengths, expected, strict=True):
        ratio = measured / unit
        if not (0.6 * units <= ratio <= 1.5 * units + 0.5):
            return CueDetection(False)
    if runs[7][0] or runs[7][2] < 2.5 * unit:  # the pause before the content
        return CueDetection(False)
    return CueDetection(True, unit=round(unit, 3), onset=round(runs[0][1], 3))
