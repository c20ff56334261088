"""Benchmark of hegui.labeling: implicit labels on a 10 MB JPEG and a 100 MB MP4.

    python benchmarks/bench_labeling.py              # targets: JPEG < 0.2 s, MP4 < 1 s
    python benchmarks/bench_labeling.py --mp4-mb 20  # quicker

Inputs are generated in a temporary folder: the JPEG is random noise encoded by Pillow at quality
95 (noise barely compresses, so a 10 MB file takes a big image), the MP4s are H.264 lossless
(``-qp 0``) noise from ffmpeg, written twice: moov at the end (ffmpeg's default) and moov first
(``+faststart``, where labelling must shift every chunk offset).

Each figure is the best of ``--repeat`` runs of ``write_label(src, label, out)`` (out = a new file;
the label is read back and checked before the rename, all included), next to a plain
``shutil.copyfile`` of the same file (the floor: labelling copies the media once). Peak memory is
measured in a fresh child process per file (ru_maxrss) and compared with a child that only imports
hegui.labeling, so the growth is what labelling itself needs: for video it must not grow with the
file size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hegui.labeling import AigcLabel, read_label, write_label

PRODUCER = "001191440300708461136T1XGW3"
TARGETS = {"jpeg": 0.2, "mp4": 1.0}


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def make_jpeg(path: Path, megabytes: float) -> None:
    from PIL import Image

    side = 1000
    for _ in range(3):  # noise at q95 compresses by a hard-to-guess factor: correct the size
        Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, quality=95)
        side = int(side * (megabytes * 1e6 / path.stat().st_size) ** 0.5)


def make_mp4(path: Path, megabytes: float, faststart: bool) -> None:
    frames = 4
    for _ in range(2):  # the first pass measures the bytes per frame of lossless noise
        subprocess.run(
            ["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i",
             "nullsrc=s=1280x720:r=25,geq=random(1)*255:128:128", "-frames:v", str(frames),
             "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0",
             *(["-movflags", "+faststart"] if faststart else []), str(path)],
            check=True,
        )  # fmt: skip
        frames = max(2, round(frames * megabytes * 1e6 / path.stat().st_size))


_PEAK = """
import resource, pathlib
status = pathlib.Path("/proc/self/status")
if status.exists():  # VmHWM starts afresh at exec; ru_maxrss would include the forked parent
    hwm = [ln for ln in status.read_text().splitlines() if ln.startswith("VmHWM:")]
    print(int(hwm[0].split()[1]))
else:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_mb(code: str) -> float:
    """Peak resident memory of a fresh child Python running ``code``, in MB."""
    output = subprocess.run(
        [sys.executable, "-c", code + _PEAK], check=True, capture_output=True, text=True
    ).stdout
    return int(output.split()[-1]) / 1024


def measure(path: Path, kind: str, repeat: int, label: AigcLabel) -> dict[str, object]:
    out = path.with_name("labelled-" + path.name)
    copy = path.with_name("copy-" + path.name)
    label_s = best_of(repeat, lambda: write_label(path, label, out))
    copy_s = best_of(repeat, lambda: shutil.copyfile(path, copy))
    read_s = best_of(repeat, lambda: read_label(out))
    assert read_label(out) == label
    size_mb = path.stat().st_size / 1e6
    return {
        "file": path.name,
        "size_mb": round(size_mb, 1),
        "label_s": round(label_s, 4),
        "target_s": TARGETS[kind],
        "label_over_target": round(label_s / TARGETS[kind], 3),
        "copy_s": round(copy_s, 4),
        "label_over_copy": round(label_s / copy_s, 2),
        "read_s": round(read_s, 4),
        "MB_per_s": round(size_mb / label_s),
    }


def memory(path: Path) -> float:
    code = (
        "from pathlib import Path\n"
        "from hegui.labeling import AigcLabel, write_label\n"
        f"p = Path({str(path)!r})\n"
        f"write_label(p, AigcLabel.first_write({PRODUCER!r}, 'x'), p.with_name('mem-' + p.name))\n"
    )
    return peak_rss_mb(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jpeg-mb", type=float, default=10.0)
    parser.add_argument("--mp4-mb", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        sys.exit("ffmpeg is needed to generate the MP4 inputs (apt-get install ffmpeg)")
    label = AigcLabel.first_write(PRODUCER, "bench-0001")
    with tempfile.TemporaryDirectory(prefix="hegui-bench-") as folder:
        root = Path(folder)
        jpeg = root / "big.jpg"
        make_jpeg(jpeg, args.jpeg_mb)
        videos = {
            "small-moov-last.mp4": (args.mp4_mb / 10, False),
            "moov-last.mp4": (args.mp4_mb, False),
            "moov-first.mp4": (args.mp4_mb, True),
        }
        for name, (mb, faststart) in videos.items():
            make_mp4(root / name, mb, faststart)
        rows = [measure(jpeg, "jpeg", args.repeat, label)]
        rows += [measure(root / n, "mp4", args.repeat, label) for n in videos]
        baseline = peak_rss_mb("import hegui.labeling")
        small = memory(root / "small-moov-last.mp4")
        big = memory(root / "moov-first.mp4")
        result = {
            "rows": rows,
            "peak_rss_mb": {
                "import_only": round(baseline, 1),
                f"mp4_{args.mp4_mb / 10:g}MB": round(small, 1),
                f"mp4_{args.mp4_mb:g}MB_moov_first": round(big, 1),
                "growth_10x_file": round(big - small, 1),
            },
        }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'file':<22}{'MB':>7}{'label s':>10}{'target':>8}{'/target':>9}{'copy s':>9}"
          f"{'/copy':>7}{'read s':>9}{'MB/s':>7}")  # fmt: skip
    for row in rows:
        print(f"{row['file']:<22}{row['size_mb']:>7}{row['label_s']:>10}{row['target_s']:>8}"
              f"{row['label_over_target']:>9}{row['copy_s']:>9}{row['label_over_copy']:>7}"
              f"{row['read_s']:>9}{row['MB_per_s']:>7}")  # fmt: skip
    print("peak RSS (MB):", json.dumps(result["peak_rss_mb"]))


if __name__ == "__main__":
    main()
